"""Whole-field pictures of a run: a raw slice with the segmentation outlines and the tracks, and the population
summaries (track lengths, divisions per frame, distance to the boundary over time, cells per frame)."""

from __future__ import annotations

import numpy as np

from volltrack.analysis.plot_style import axis_units, colour_list, column_unit, informative_tracks

#: Colour of the segmentation outlines in the overview pictures (RGB 0..1).
OUTLINE_COLOUR = (0.35, 0.85, 1.0)


def busiest_slice(analysis, n_slices: int | None = None) -> int:
    """Return the Z slice (index) that holds the most spot centres over the whole movie."""
    dz = float(analysis.parameters.get("calibration", (1.0, 1.0, 1.0))[0])
    z = np.round(analysis.spots["POSITION_Z"].to_numpy(dtype=float) / dz).astype(int)
    if n_slices is not None:
        z = np.clip(z, 0, n_slices - 1)
    return int(np.bincount(z - z.min()).argmax() + z.min()) if len(z) else 0


def overview_frames(analysis, count: int = 4) -> list[int]:
    """Return up to ``count`` frames spread evenly from the first to the last frame with tracked spots."""
    frames = np.unique(analysis.spots["FRAME"].to_numpy(dtype=int))
    if len(frames) <= count:
        return [int(f) for f in frames]
    picks = np.linspace(0, len(frames) - 1, count).round().astype(int)
    return [int(frames[i]) for i in np.unique(picks)]


def draw_overview_frame(figure, analysis, frame: int, *, image=None, labels=None, z: int | None = None) -> int:
    """Draw frame ``frame`` of the whole field into ``figure``: a raw Z slice in grey, the label outlines of
    that slice, every track's trail up to the frame and its current cells (filled when their centre lies within
    one slice of the shown one, hollow otherwise). Returns the slice shown.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    analysis : TrackAnalysis
    frame : int
    image, labels : array-like of shape (T, Z, Y, X), optional
        Raw movie and label movie.
    z : int, optional
        Slice to show; :func:`busiest_slice` by default.
    """
    from matplotlib.patches import Rectangle

    from volltrack.analysis.movie import display_factor, enlarge, paint_outlines, scale_bar_length

    figure.clear()
    axes = figure.add_subplot(1, 1, 1)
    dz, dy, dx = (float(c) for c in analysis.parameters.get("calibration", (1.0, 1.0, 1.0)))
    reference = image if image is not None else labels
    spots = analysis.spots
    if reference is not None:
        n_z, n_y, n_x = reference.shape[1:]
    else:
        n_z = int(np.ceil(spots["POSITION_Z"].max() / dz)) + 1
        n_y = int(np.ceil(spots["POSITION_Y"].max() / dy)) + 2
        n_x = int(np.ceil(spots["POSITION_X"].max() / dx)) + 2
    z = busiest_slice(analysis, n_z) if z is None else int(z)
    factor = display_factor((n_y, n_x), 640)
    rgb = np.zeros((n_y * factor, n_x * factor, 3))
    if image is not None:
        plane = np.asarray(image[frame, z], dtype=float)
        low, high = np.percentile(plane, [1.0, 99.7])
        rgb[:] = enlarge(np.clip((plane - low) / max(high - low, 1e-9), 0, 1), factor)[..., np.newaxis]
    if labels is not None:
        paint_outlines(rgb, enlarge(np.asarray(labels[frame, z]), factor), OUTLINE_COLOUR, alpha=0.6)
    extent = (-dx / 2, (n_x - 0.5) * dx, (n_y - 0.5) * dy, -dy / 2)
    axes.imshow(rgb, extent=extent, interpolation="nearest")
    tracks = informative_tracks(analysis)
    colours = dict(zip(tracks, colour_list(len(tracks))))
    present = spots[spots["FRAME"] == frame]
    past = spots[(spots["FRAME"] <= frame) & spots["TRACK_ID"].isin(present["TRACK_ID"].unique())]
    _draw_trails(axes, past, colours)
    near = np.abs(present["POSITION_Z"].to_numpy(dtype=float) / dz - z) <= 1.0
    track_colours = [colours[int(t)] for t in present["TRACK_ID"]]
    axes.scatter(present["POSITION_X"][near], present["POSITION_Y"][near], s=14,
                 c=[c for c, n in zip(track_colours, near) if n], edgecolors="white", linewidths=0.4)
    axes.scatter(present["POSITION_X"][~near], present["POSITION_Y"][~near], s=14, facecolors="none",
                 edgecolors=[c for c, n in zip(track_colours, near) if not n], linewidths=0.8)
    space, time_unit = axis_units(analysis)
    width = n_x * dx
    length = scale_bar_length(width)
    axes.add_patch(Rectangle((0.04 * width, (n_y - 0.5) * dy * 0.95), length, 0.012 * n_y * dy, color="white",
                             gid="scale-bar"))
    axes.text(0.04 * width + length / 2, (n_y - 0.5) * dy * 0.94, f"{length:g} {space}", color="white",
              ha="center", va="bottom", fontsize=9, fontweight="bold")
    times = present["TIME"]
    time = float(times.iloc[0]) if len(times) else frame * float(analysis.parameters.get("frame_interval", 1.0))
    axes.set_title(f"frame {frame} (t = {time:.4g} {time_unit}), z slice {z} ({z * dz:.3g} {space}): "
                   f"{len(present)} tracked cells", fontsize="small")
    axes.set_xlabel(f"x ({space})")
    axes.set_ylabel(f"y ({space})")
    axes.set_xlim(extent[0], extent[1])
    axes.set_ylim(extent[2], extent[3])
    figure.subplots_adjust(left=0.1, right=0.98, bottom=0.08, top=0.94)
    return z


def _draw_trails(axes, past, colours) -> None:
    """One line per tracklet of ``past`` (by tracklet ID, its rows in table order), in its track's colour.

    The lines are the ``Line2D`` artists ``axes.plot`` makes, added directly: the same picture without
    ``plot``'s argument parsing and a pandas group per tracklet (the overview draws ~1,500 of them).
    """
    from matplotlib.lines import Line2D

    tracklet = past["TRACKLET_ID"].to_numpy()
    order = np.argsort(tracklet, kind="stable")
    starts = np.flatnonzero(np.r_[True, tracklet[order][1:] != tracklet[order][:-1]]) if len(order) else []
    x, y = past["POSITION_X"].to_numpy()[order], past["POSITION_Y"].to_numpy()[order]
    track = past["TRACK_ID"].to_numpy()[order]
    for start, stop in zip(starts, [*starts[1:], len(order)]):
        axes.add_line(Line2D(x[start:stop], y[start:stop], linewidth=1.0, color=colours[int(track[start])],
                             alpha=0.9))


def draw_population(figure, analysis) -> None:
    """Draw the population summaries into ``figure``: tracks per length (dividing or not), divisions per frame,
    distance to the tissue boundary over time (median and quartiles of all tracked cells) and tracked cells per
    frame.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    analysis : TrackAnalysis
    """
    figure.clear()
    axes = figure.subplots(2, 2)
    space, time_unit = axis_units(analysis)
    tracks, spots, tracklets = analysis.tracks, analysis.spots, analysis.tracklets
    length = tracks["END_FRAME"] - tracks["START_FRAME"] + 1
    bins = np.arange(0.5, max(int(length.max()), 1) + 1.5) if len(length) else 1
    dividing = tracks["DIVIDING"].astype(bool)
    axes[0, 0].hist([length[dividing], length[~dividing]], bins=bins, stacked=True,
                    color=["tab:red", "tab:blue"], label=[f"dividing ({int(dividing.sum())})",
                                                         f"not dividing ({int((~dividing).sum())})"])
    axes[0, 0].set_xlabel("track length (frames)")
    axes[0, 0].set_ylabel("tracks (count)")
    axes[0, 0].set_title("tracks per length", fontsize="small")
    axes[0, 0].legend(fontsize="x-small")

    times = spots.groupby("FRAME")["TIME"].first()
    splits = tracklets[tracklets["END_TYPE"] == "split"]
    per_frame = splits.groupby("END_FRAME").size().reindex(times.index, fill_value=0)
    step = float(np.median(np.diff(times.to_numpy()))) if len(times) > 1 else 1.0
    axes[0, 1].bar(times.to_numpy(), per_frame.to_numpy(), width=0.8 * step, color="tab:red",
                   label=f"{int(per_frame.sum())} divisions")
    axes[0, 1].set_xlabel(f"time of the mother's last frame ({time_unit})")
    axes[0, 1].set_ylabel("divisions (count)")
    axes[0, 1].set_title("divisions per frame", fontsize="small")
    axes[0, 1].legend(fontsize="x-small")

    distance = spots.groupby("FRAME")["DISTANCE_TO_BOUNDARY"]
    quartiles = distance.quantile([0.25, 0.5, 0.75]).unstack()
    unit = column_unit("DISTANCE_TO_BOUNDARY", analysis)
    if np.isfinite(spots["DISTANCE_TO_BOUNDARY"].to_numpy(dtype=float)).any():
        x = times.reindex(quartiles.index).to_numpy()
        axes[1, 0].fill_between(x, quartiles[0.25], quartiles[0.75], color="tab:green", alpha=0.25,
                                label="25-75 %")
        axes[1, 0].plot(x, quartiles[0.5], color="tab:green", label="median")
        axes[1, 0].legend(fontsize="x-small")
    else:
        axes[1, 0].text(0.5, 0.5, "no values\n(give a tissue mask)", ha="center", va="center",
                        transform=axes[1, 0].transAxes, fontsize="small", color="0.4")
    axes[1, 0].set_xlabel(f"time ({time_unit})")
    axes[1, 0].set_ylabel(f"distance to boundary ({unit})")
    axes[1, 0].set_title("distance to tissue boundary, all tracked cells", fontsize="small")

    counts = spots.groupby("FRAME").size()
    axes[1, 1].plot(times.reindex(counts.index).to_numpy(), counts.to_numpy(), marker=".", color="0.2",
                    label="cells in tracks")
    axes[1, 1].set_xlabel(f"time ({time_unit})")
    axes[1, 1].set_ylabel("tracked cells (count)")
    axes[1, 1].set_title("tracked cells per frame", fontsize="small")
    axes[1, 1].legend(fontsize="x-small")
    figure.suptitle(f"{len(tracks)} tracks, {int(dividing.sum())} dividing, {len(tracklets)} tracklets",
                    fontsize="medium")
    figure.subplots_adjust(left=0.09, right=0.97, bottom=0.08, top=0.9, wspace=0.3, hspace=0.45)
