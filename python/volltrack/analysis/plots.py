"""Plots of one track: distance to the boundary, start vs end localisation (fate), intensity, FFT.

The drawing functions take a matplotlib ``Figure`` so the same plots appear in PNG files and in the napari
widget's canvas. Matplotlib is imported inside the functions (no pyplot, no GUI backend).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from volltrack.io import atomic_path

#: Colours of the localisation plot, as in the paper: parents green, daughters red.
PARENT_COLOUR, DAUGHTER_COLOUR = "tab:green", "tab:red"


def _series_panel(axes, analysis, track_id: int, column: str, ylabel: str) -> None:
    spots = analysis.track_spots(track_id)
    units = analysis.parameters.get("time_units", "")
    for tracklet, rows in spots.groupby("TRACKLET_ID"):
        generation = int(analysis.tracklets.at[tracklet, "GENERATION"])
        axes.plot(rows["TIME"], rows[column], marker=".", label=f"{tracklet} (gen {generation})")
    axes.set_xlabel(f"time {units}".strip())
    axes.set_ylabel(ylabel)
    if not np.isfinite(spots[column].to_numpy(dtype=float)).any():
        _no_values(axes)
    elif spots["TRACKLET_ID"].nunique() <= 4:
        axes.legend(fontsize="x-small", title="tracklet", title_fontsize="x-small", framealpha=0.5)


def _no_values(axes) -> None:
    axes.text(0.5, 0.5, "no values\n(give a tissue mask or image)", ha="center", va="center",
              transform=axes.transAxes, fontsize="small", color="0.4")


def _localisation_panel(axes, analysis, track_id: int) -> None:
    tracklets = analysis.tracklets[analysis.tracklets["TRACK_ID"] == track_id]
    is_parent = (tracklets["PARENT_IDS"].map(len) == 0) | (tracklets["END_TYPE"] == "split")
    for rows, colour, label in ((tracklets[is_parent], PARENT_COLOUR, "parent (root or dividing)"),
                                (tracklets[~is_parent], DAUGHTER_COLOUR, "daughter")):
        axes.scatter(rows["START_DISTANCE"], rows["END_DISTANCE"], c=colour, label=label, s=30)
    values = tracklets[["START_DISTANCE", "END_DISTANCE"]].to_numpy(dtype=float)
    if np.isfinite(values).any():
        low, high = np.nanmin(values), np.nanmax(values)
        axes.plot([low, high], [low, high], color="0.6", linewidth=0.8, linestyle="--")
    else:
        _no_values(axes)
    axes.set_xlabel("start distance to boundary")
    axes.set_ylabel("end distance to boundary")
    axes.legend(fontsize="x-small")


def _spectrum_panel(axes, analysis, track_id: int) -> None:
    tracklets = analysis.tracklets.index[analysis.tracklets["TRACK_ID"] == track_id]
    spectra = analysis.spectra[analysis.spectra["TRACKLET_ID"].isin(tracklets)]
    drawn = 0
    for tracklet, rows in spectra.groupby("TRACKLET_ID"):
        rows = rows[rows["FREQUENCY"] > 0]
        if len(rows) and (rows["POWER"] > 0).any():
            axes.semilogy(rows["FREQUENCY"], rows["POWER"].clip(lower=1e-12), marker=".", label=str(tracklet))
            drawn += 1
    if not drawn:
        axes.text(0.5, 0.5, "no spectrum\n(tracklets shorter than 4 frames or no values)", ha="center",
                  va="center", transform=axes.transAxes, fontsize="small", color="0.4")
    axes.set_xlabel("frequency (1 / time)")
    axes.set_ylabel(f"power of {analysis.parameters.get('fft_feature', '')}")


def draw_track(figure, analysis, track_id: int) -> None:
    """Draw the four plots of ``track_id`` into ``figure`` (cleared first).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    analysis : TrackAnalysis
    track_id : int
    """
    figure.clear()
    axes = figure.subplots(2, 2)
    _series_panel(axes[0, 0], analysis, track_id, "DISTANCE_TO_BOUNDARY_SMOOTH", "distance to boundary")
    axes[0, 0].set_title("distance to tissue boundary", fontsize="small")
    _localisation_panel(axes[0, 1], analysis, track_id)
    axes[0, 1].set_title("start vs end localisation", fontsize="small")
    _series_panel(axes[1, 0], analysis, track_id, "MEAN_INTENSITY_SMOOTH", "mean intensity")
    axes[1, 0].set_title("intensity", fontsize="small")
    _spectrum_panel(axes[1, 1], analysis, track_id)
    axes[1, 1].set_title("Fourier spectrum", fontsize="small")
    dividing = "dividing" if analysis.tracks.at[track_id, "DIVIDING"] else "non-dividing"
    figure.suptitle(f"track {track_id} ({dividing})", fontsize="medium")
    figure.subplots_adjust(left=0.1, right=0.97, bottom=0.08, top=0.9, wspace=0.35, hspace=0.45)


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
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 7))
    FigureCanvasAgg(figure)
    draw_track(figure, analysis, int(track_id))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, suffix=".png") as temporary:
        figure.savefig(temporary, dpi=dpi, format="png")
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
    figure.clear()
    axes = figure.subplots(1, 2)
    spots = analysis.spots[analysis.spots["TRACK_ID"].isin(list(track_ids))]
    for _, rows in spots.groupby("TRACKLET_ID"):
        axes[0].plot(rows["TIME"], rows["DISTANCE_TO_BOUNDARY_SMOOTH"], linewidth=0.8)
    axes[0].set_xlabel(f"time {analysis.parameters.get('time_units', '')}".strip())
    axes[0].set_ylabel("distance to boundary")
    axes[0].set_title("distance to tissue boundary", fontsize="small")
    tracklets = analysis.tracklets[analysis.tracklets["TRACK_ID"].isin(list(track_ids))]
    is_daughter = tracklets["PARENT_IDS"].map(len) > 0
    axes[1].scatter(tracklets.loc[~is_daughter, "START_DISTANCE"], tracklets.loc[~is_daughter, "END_DISTANCE"],
                    c=PARENT_COLOUR, s=12, label="parent / undivided")
    axes[1].scatter(tracklets.loc[is_daughter, "START_DISTANCE"], tracklets.loc[is_daughter, "END_DISTANCE"],
                    c=DAUGHTER_COLOUR, s=12, label="daughter")
    axes[1].set_xlabel("start distance")
    axes[1].set_ylabel("end distance")
    axes[1].legend(fontsize="x-small")
    axes[1].set_title("start vs end localisation", fontsize="small")
    figure.suptitle(f"{len(track_ids)} tracks", fontsize="medium")
    figure.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.85, wspace=0.4)
