"""Plots of one track: lineage tree, distance to the boundary, start vs end localisation (fate), intensity, FFT.

The drawing functions take a matplotlib ``Figure`` so the same plots appear in PNG files and in the napari
widget's canvas. Matplotlib is imported inside the functions (no pyplot, no GUI backend).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from volltrack.analysis.lineage_plot import draw_lineage
from volltrack.analysis.plot_style import (axis_units, colour_list, column_unit, squared, track_duration,
                                             tracklet_colours)
from volltrack.io import atomic_path

#: Colours of the overview's localisation plot (several tracks), as in the paper: parents green, daughters red.
PARENT_COLOUR, DAUGHTER_COLOUR = "tab:green", "tab:red"

#: Markers of the one-track localisation plot (the colour there is the tracklet's).
PARENT_MARKER, DAUGHTER_MARKER = "o", "^"

#: The figure legend lists at most this many tracklets per column.
LEGEND_ROWS = 22


def lineage_height(tracklets: int) -> float:
    """Height of the lineage panel relative to the other rows of panels: taller for bigger trees (at most 2.5)."""
    return float(min(2.5, max(0.8, tracklets / 25)))


def _finite(values) -> bool:
    return bool(np.isfinite(np.asarray(values, dtype=float)).any())


def _series_panel(axes, analysis, track_id: int, column: str, quantity: str, colours: dict[int, str]) -> None:
    """Raw values as dots and their moving average as a line, one colour per tracklet."""
    from matplotlib.lines import Line2D

    spots = analysis.track_spots(track_id)
    _, time_unit = axis_units(analysis)
    for tracklet, rows in spots.groupby("TRACKLET_ID"):
        colour = colours[int(tracklet)]
        axes.plot(rows["TIME"], rows[column], linestyle="none", marker=".", markersize=5, alpha=0.55,
                  color=colour, gid=f"tracklet-{tracklet}-raw")
        axes.plot(rows["TIME"], rows[column + "_SMOOTH"], linewidth=1.6, color=colour, gid=f"tracklet-{tracklet}")
    axes.set_xlabel(f"time ({time_unit})")
    axes.set_ylabel(f"{quantity} ({column_unit(column, analysis)})")
    if not _finite(spots[column]):
        _no_values(axes)
    window = int(analysis.parameters.get("smoothing_window", 3))
    key = [Line2D([], [], linestyle="none", marker=".", color="0.35", label="raw"),
           Line2D([], [], linewidth=1.6, color="0.35", label=f"smoothed ({window}-frame mean)")]
    axes.legend(handles=key, fontsize="x-small", framealpha=0.6, loc="best")


def _no_values(axes) -> None:
    axes.text(0.5, 0.5, "no values\n(give a tissue mask or image)", ha="center", va="center",
              transform=axes.transAxes, fontsize="small", color="0.4")


def _localisation_panel(axes, analysis, track_id: int, colours: dict[int, str]) -> None:
    """Raw start vs end distance of each tracklet: its colour, a circle for roots/dividing ones, a triangle for
    daughters that do not divide again."""
    from matplotlib.lines import Line2D

    tracklets = analysis.tracklets[analysis.tracklets["TRACK_ID"] == track_id]
    is_parent = (tracklets["PARENT_IDS"].map(len) == 0) | (tracklets["END_TYPE"] == "split")
    for tracklet, row in tracklets.iterrows():
        axes.plot([row["START_DISTANCE"]], [row["END_DISTANCE"]], linestyle="none", markersize=7,
                  marker=PARENT_MARKER if is_parent[tracklet] else DAUGHTER_MARKER, color=colours[int(tracklet)],
                  markeredgecolor="black", markeredgewidth=0.5, gid=f"tracklet-{tracklet}")
    values = tracklets[["START_DISTANCE", "END_DISTANCE"]].to_numpy(dtype=float)
    if np.isfinite(values).any():
        low, high = np.nanmin(values), np.nanmax(values)
        axes.plot([low, high], [low, high], color="0.6", linewidth=0.8, linestyle="--", label="end = start")
    else:
        _no_values(axes)
    unit = column_unit("DISTANCE_TO_BOUNDARY", analysis)
    axes.set_xlabel(f"start distance to boundary ({unit}, raw)")
    axes.set_ylabel(f"end distance to boundary ({unit}, raw)")
    key = [Line2D([], [], linestyle="none", marker=PARENT_MARKER, color="0.6", markeredgecolor="black",
                  label="root or dividing"),
           Line2D([], [], linestyle="none", marker=DAUGHTER_MARKER, color="0.6", markeredgecolor="black",
                  label="daughter"),
           Line2D([], [], color="0.6", linestyle="--", label="end = start")]
    axes.legend(handles=key, fontsize="x-small", framealpha=0.6, loc="best")


def _spectrum_panel(axes, analysis, track_id: int, colours: dict[int, str]) -> None:
    from matplotlib.lines import Line2D

    tracklets = analysis.tracklets.index[analysis.tracklets["TRACK_ID"] == track_id]
    spectra = analysis.spectra[analysis.spectra["TRACKLET_ID"].isin(tracklets)]
    drawn = 0
    for tracklet, rows in spectra.groupby("TRACKLET_ID"):
        rows = rows[rows["FREQUENCY"] > 0]
        if len(rows) and (rows["POWER"] > 0).any():
            axes.semilogy(rows["FREQUENCY"], rows["POWER"].clip(lower=1e-12), marker=".", linewidth=1.2,
                          color=colours[int(tracklet)], gid=f"tracklet-{tracklet}")
            drawn += 1
    if not drawn:
        axes.text(0.5, 0.5, "no spectrum\n(tracklets shorter than 4 frames or no values)", ha="center",
                  va="center", transform=axes.transAxes, fontsize="small", color="0.4")
    _, time_unit = axis_units(analysis)
    feature = analysis.parameters.get("fft_feature", "")
    axes.set_xlabel(f"frequency (1/{time_unit})")
    axes.set_ylabel(f"power of {feature.lower().replace('_', ' ')} ({squared(column_unit(feature, analysis))})")
    key = [Line2D([], [], marker=".", color="0.35", label="raw series, mean removed")]
    axes.legend(handles=key, fontsize="x-small", framealpha=0.6, loc="best")


def _tracklet_legend(figure, analysis, track_id: int, colours: dict[int, str]) -> None:
    """One legend for the whole figure, right of the panels: tracklet ID, generation and how it ends.

    Up to :data:`LEGEND_ROWS` tracklets in one column, twice as many in two; beyond, the first ones and a line
    saying how many more there are (every ID is written on the lineage tree). The constrained layout keeps the
    panels left of it.
    """
    from matplotlib.lines import Line2D

    tracklets = analysis.tracklets
    handles = []
    for tracklet, colour in colours.items():
        generation = int(tracklets.at[tracklet, "GENERATION"])
        ends = {"split": ", divides", "merge": ", merges"}.get(tracklets.at[tracklet, "END_TYPE"], "")
        handles.append(Line2D([], [], color=colour, linewidth=3, label=f"{tracklet} (gen {generation}{ends})"))
    if len(handles) > 2 * LEGEND_ROWS:
        hidden = len(handles) - (2 * LEGEND_ROWS - 1)
        handles = handles[:2 * LEGEND_ROWS - 1] + [
            Line2D([], [], color="none", label=f"+{hidden} more (IDs on the tree)")]
    figure.legend(handles=handles, loc="outside right upper", fontsize="x-small", title="tracklet",
                  title_fontsize="small", ncol=1 if len(handles) <= LEGEND_ROWS else 2, frameon=False,
                  handlelength=1.5, columnspacing=0.8)


def draw_track(figure, analysis, track_id: int) -> None:
    """Draw the plots of ``track_id`` into ``figure`` (cleared first).

    Five panels share one colour per tracklet (:func:`~volltrack.analysis.plot_style.tracklet_colours`): the
    lineage tree, the distance to the tissue boundary and the mean intensity over time (raw values as dots, the
    moving average as a line), the raw start vs end distance of each tracklet, and the Fourier spectrum of the
    FFT feature. Every axis carries its unit; the tracklets are named in one legend right of the panels.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    analysis : TrackAnalysis
    track_id : int
    """
    import matplotlib

    track_id = int(track_id)
    figure.clear()
    scale = float(np.clip(figure.get_figwidth() / 11.0, 0.55, 1.0))  # small canvases (napari) get smaller text
    with matplotlib.rc_context({"font.size": 10.0 * scale}):
        _draw_track_panels(figure, analysis, track_id)
        for axes in figure.axes:
            axes.tick_params(labelsize=9.0 * scale)
    figure.set_layout_engine("constrained", w_pad=0.04, h_pad=0.04, hspace=0.03, wspace=0.03)


def _draw_track_panels(figure, analysis, track_id: int) -> None:
    colours = tracklet_colours(analysis, track_id)
    grid = figure.add_gridspec(3, 2, height_ratios=[lineage_height(len(colours)), 1, 1])
    lineage = figure.add_subplot(grid[0, :])
    distance = figure.add_subplot(grid[1, 0], sharex=lineage)
    intensity = figure.add_subplot(grid[1, 1], sharex=lineage)
    localisation, spectrum = figure.add_subplot(grid[2, 0]), figure.add_subplot(grid[2, 1])
    draw_lineage(lineage, analysis, track_id, colours)
    lineage.tick_params(labelbottom=True)
    _series_panel(distance, analysis, track_id, "DISTANCE_TO_BOUNDARY", "distance to boundary", colours)
    distance.set_title("distance to tissue boundary", fontsize="small")
    _series_panel(intensity, analysis, track_id, "MEAN_INTENSITY", "mean intensity", colours)
    intensity.set_title("intensity", fontsize="small")
    _localisation_panel(localisation, analysis, track_id, colours)
    localisation.set_title("start vs end localisation", fontsize="small")
    _spectrum_panel(spectrum, analysis, track_id, colours)
    spectrum.set_title("Fourier spectrum", fontsize="small")
    _tracklet_legend(figure, analysis, track_id, colours)
    row = analysis.tracks.loc[track_id]
    dividing = f"{int(row['N_DIVISIONS'])} division(s)" if row["DIVIDING"] else "no division"
    figure.suptitle(f"track {track_id}: {track_duration(analysis, track_id)} frames, {len(colours)} tracklet(s), "
                    f"{dividing}", fontsize="medium")


def save_track_plot(analysis, track_id: int, path, *, dpi: int = 100) -> Path:
    """Write the plots of ``track_id`` to a PNG file (atomically) and return its path.

    Parameters
    ----------
    analysis : TrackAnalysis
    track_id : int
    path : str or Path
        Output ``.png``.
    dpi : int, optional
        Resolution; default 100.
    """
    from matplotlib.figure import Figure

    tracklets = int((analysis.tracklets["TRACK_ID"] == int(track_id)).sum())
    figure = Figure(figsize=(11, 10 * (2 + lineage_height(tracklets)) / 2.8))
    draw_track(figure, analysis, int(track_id))
    return save_figure(figure, path, dpi=dpi)


def save_figure(figure, path, *, dpi: int = 100) -> Path:
    """Write a matplotlib ``figure`` to a PNG file atomically (folder created) and return its path."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = figure.get_layout_engine()
    if engine is not None and figure.axes and float(figure.dpi) == float(dpi):
        # savefig with a layout engine draws the whole figure once unrendered, only so that the engine runs,
        # then again into the file: run the engine here and let savefig draw once (the same pixels)
        engine.execute(figure)
        figure.set_layout_engine("none")
    try:
        with atomic_path(path, suffix=".png") as temporary:
            figure.savefig(temporary, dpi=dpi, format="png")
    finally:
        if engine is not None and figure.get_layout_engine() is not engine:
            figure.set_layout_engine(engine)
    return Path(path)


def draw_overview(figure, analysis, track_ids) -> None:
    """Draw an overview of several tracks into ``figure``: distance over time per track and the start vs end
    localisation of all their tracklets (parents green, daughters red).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    analysis : TrackAnalysis
    track_ids : list of int
    """
    from matplotlib.lines import Line2D

    figure.clear()
    axes = figure.subplots(1, 2)
    track_ids = [int(t) for t in track_ids]
    colours = dict(zip(track_ids, colour_list(len(track_ids))))
    spots = analysis.spots[analysis.spots["TRACK_ID"].isin(track_ids)]
    for tracklet, rows in spots.groupby("TRACKLET_ID"):
        track = int(rows["TRACK_ID"].iloc[0])
        axes[0].plot(rows["TIME"], rows["DISTANCE_TO_BOUNDARY_SMOOTH"], linewidth=0.8, color=colours[track],
                     gid=f"tracklet-{tracklet}")
    _, time_unit = axis_units(analysis)
    unit = column_unit("DISTANCE_TO_BOUNDARY", analysis)
    axes[0].set_xlabel(f"time ({time_unit})")
    axes[0].set_ylabel(f"distance to boundary ({unit}, smoothed)")
    axes[0].set_title("distance to tissue boundary", fontsize="small")
    if not _finite(spots["DISTANCE_TO_BOUNDARY"]):
        _no_values(axes[0])
    shown = track_ids[:LEGEND_ROWS]
    handles = [Line2D([], [], color=colours[t], label=f"track {t}") for t in shown]
    if len(track_ids) > len(shown):
        handles.append(Line2D([], [], color="none", label=f"... {len(track_ids) - len(shown)} more"))
    axes[0].legend(handles=handles, fontsize="xx-small", ncol=max(1, len(handles) // 12 + 1), framealpha=0.6)
    tracklets = analysis.tracklets[analysis.tracklets["TRACK_ID"].isin(track_ids)]
    is_daughter = tracklets["PARENT_IDS"].map(len) > 0
    axes[1].scatter(tracklets.loc[~is_daughter, "START_DISTANCE"], tracklets.loc[~is_daughter, "END_DISTANCE"],
                    c=PARENT_COLOUR, s=12, label="parent / undivided")
    axes[1].scatter(tracklets.loc[is_daughter, "START_DISTANCE"], tracklets.loc[is_daughter, "END_DISTANCE"],
                    c=DAUGHTER_COLOUR, s=12, label="daughter")
    axes[1].set_xlabel(f"start distance ({unit}, raw)")
    axes[1].set_ylabel(f"end distance ({unit}, raw)")
    axes[1].legend(fontsize="x-small")
    axes[1].set_title("start vs end localisation", fontsize="small")
    figure.suptitle(f"{len(track_ids)} tracks", fontsize="medium")
    figure.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.85, wspace=0.4)
