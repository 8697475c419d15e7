"""Lineage tree of one track: each tracklet a horizontal branch over time, divisions as forks.

The layout puts the leaves of the tree on consecutive rows (depth first, earlier start first) and every parent
half-way between its children, so a division reads as a fork from left (earlier) to right (later).
"""

from __future__ import annotations

import numpy as np

from volltrack.analysis.plot_style import axis_units, tracklet_colours, tracklet_order


def lineage_layout(tracklets) -> dict[int, float]:
    """Return the row of each tracklet in a lineage drawing.

    Parameters
    ----------
    tracklets : DataFrame
        Tracklets of one track, indexed by ``TRACKLET_ID``, with ``PARENT_IDS`` (tuples) and ``START_FRAME``.

    Returns
    -------
    dict of int to float
        Leaves on rows 0, 1, 2, ... (depth first); a parent at the mean row of the children it was laid out
        with. After a merge the child is laid out under its first parent only.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"PARENT_IDS": [(), (1,), (1,)], "START_FRAME": [0, 3, 3]}, index=[1, 2, 5])
    >>> lineage_layout(table)
    {2: 0.0, 5: 1.0, 1: 0.5}
    """
    order = sorted(tracklets.index, key=lambda t: (tracklets.at[t, "START_FRAME"], t))
    children: dict[int, list[int]] = {int(t): [] for t in order}
    for tracklet in order:
        for parent in tracklets.at[tracklet, "PARENT_IDS"]:
            if int(parent) in children:
                children[int(parent)].append(int(tracklet))
    roots = [int(t) for t in order if not any(int(p) in children for p in tracklets.at[t, "PARENT_IDS"])]
    rows: dict[int, float] = {}
    next_leaf = [0.0]

    def place(tracklet: int) -> float:
        own = [c for c in children[tracklet] if c not in rows]
        placed = [place(c) for c in own]
        rows[tracklet] = float(np.mean(placed)) if placed else next_leaf[0]
        if not placed:
            next_leaf[0] += 1.0
        return rows[tracklet]

    for root in roots:
        if root not in rows:
            place(root)
    for tracklet in order:  # cycles cannot happen in time-ordered graphs; anything left gets its own row
        if int(tracklet) not in rows:
            place(int(tracklet))
    return rows


def tracklet_times(analysis, track_id: int):
    """Return a DataFrame of the start and end ``TIME`` of each tracklet of ``track_id``."""
    spots = analysis.track_spots(int(track_id))
    return spots.groupby("TRACKLET_ID")["TIME"].agg(["min", "max"])


def draw_lineage(axes, analysis, track_id: int, colours: dict[int, str] | None = None, *,
                 label_branches: bool = True, title: str | None = "lineage tree") -> None:
    """Draw the lineage tree of ``track_id`` into ``axes``.

    Parameters
    ----------
    axes : matplotlib.axes.Axes
    analysis : TrackAnalysis
    track_id : int
    colours : dict of int to str, optional
        Tracklet colours; :func:`~volltrack.analysis.plot_style.tracklet_colours` by default.
    label_branches : bool, optional
        Write each tracklet's ID at the start of its branch; default True.
    title : str or None, optional
        Axes title; default ``"lineage tree"``.

    Notes
    -----
    A daughter's branch starts at its mother's last spot (the division), so one-frame tracklets stay visible.
    Each branch is a ``Line2D`` with ``gid="tracklet-<ID>"`` in the tracklet's colour; division points are
    black dots.
    """
    track_id = int(track_id)
    colours = colours or tracklet_colours(analysis, track_id)
    tracklets = analysis.tracklets[analysis.tracklets["TRACK_ID"] == track_id]
    rows = lineage_layout(tracklets)
    times = tracklet_times(analysis, track_id)
    _, time_unit = axis_units(analysis)
    for tracklet in tracklet_order(analysis, track_id):
        start, end = times.at[tracklet, "min"], times.at[tracklet, "max"]
        y = rows[tracklet]
        parents = [int(p) for p in tracklets.at[tracklet, "PARENT_IDS"] if int(p) in rows]
        branch_start = start
        for parent in parents:  # the fork stands at the division: the parent's last spot
            parent_end, parent_y = times.at[parent, "max"], rows[parent]
            branch_start = min(branch_start, parent_end)
            axes.plot([parent_end, parent_end], [parent_y, y], color="0.45", linewidth=1.0, zorder=1)
        axes.plot([branch_start, end], [y, y], color=colours[tracklet], linewidth=3.0, solid_capstyle="butt",
                  gid=f"tracklet-{tracklet}", zorder=2, marker="|" if end == branch_start else None,
                  markersize=10)
        if tracklets.at[tracklet, "END_TYPE"] == "split":
            axes.plot([end], [y], "o", color="black", markersize=4, zorder=3)
        if label_branches:
            axes.annotate(str(tracklet), (branch_start, y), xytext=(2, 3), textcoords="offset points", fontsize=6,
                          color="0.25", va="bottom")
    axes.set_xlabel(f"time ({time_unit})")
    axes.set_ylabel("branch (tracklet)")
    axes.set_yticks([])
    if rows:
        axes.set_ylim(max(rows.values()) + 0.8, min(rows.values()) - 0.8)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    if title:
        divisions = int(analysis.tracks.at[track_id, "N_DIVISIONS"])
        axes.set_title(f"{title} ({divisions} division{'s' if divisions != 1 else ''})", fontsize="small")
