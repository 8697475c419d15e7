"""Which track a click in the viewer or in the lineage plot means (pure functions, no Qt).

Viewer clicks: a click on a cell of a labels layer names its label, and the spot of that label in the clicked
frame is the cell (when its centre lies near the click, so that a mask or another labelling is not mistaken for
the cells). Otherwise the nearest spot to the click wins: in the 2D (hyperstack) view the distance to the clicked
point (Z = the current slice), in 3D the distance to the viewing ray through the click -- first among the spots of
the clicked frame, then among earlier frames (the drawn track tails). A spot counts only within
:data:`PICK_RADII` of its radius.

Lineage clicks: the lineage tree puts each tracklet on a row (:func:`~volltrack.analysis.lineage_plot.lineage_layout`)
over its time span; a click names the tracklet of the nearest row whose span (from the division that starts it)
holds the clicked time, and the frame of that tracklet nearest in time.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

#: A spot is picked when the click lies within this many of its radii (label hits, then nearest spots).
PICK_RADII = {"label": 2.0, "nearest": 1.5}
_POSITIONS = ["POSITION_Z", "POSITION_Y", "POSITION_X"]


def _distances(spots: pd.DataFrame, point: ArrayLike, direction: ArrayLike | None) -> NDArray[np.float64]:
    """Distance of each spot centre (z, y, x) to a point, or to the ray through it along ``direction``."""
    offsets = spots[_POSITIONS].to_numpy(dtype=float) - np.asarray(point, dtype=float)
    if direction is None:
        return np.asarray(np.linalg.norm(offsets, axis=1), dtype=np.float64)
    unit = np.asarray(direction, dtype=float)
    unit = unit / np.linalg.norm(unit)
    along = offsets @ unit
    return np.asarray(np.linalg.norm(offsets - along[:, None] * unit, axis=1), dtype=np.float64)


def _radii(spots: pd.DataFrame) -> NDArray[np.float64]:
    radius = spots["RADIUS"].to_numpy(dtype=float) if "RADIUS" in spots else np.ones(len(spots))
    return np.where(np.isfinite(radius) & (radius > 0), radius, 1.0)


def pick_spot(spots: pd.DataFrame, frame: int, point: ArrayLike, *, direction: ArrayLike | None = None,
              labels: Sequence[int | None] = ()) -> Hashable | None:
    """Return the index (in ``spots``) of the spot a click means, or None.

    Parameters
    ----------
    spots : DataFrame
        ``FRAME``, ``POSITION_Z/Y/X`` (physical), ``RADIUS`` and optionally ``LABEL``.
    frame : int
        The frame on screen.
    point : 3 floats
        Clicked position (z, y, x) in the spots' physical coordinates.
    direction : 3 floats, optional
        Viewing direction (z, y, x) in the 3D view; None in the 2D view.
    labels : sequence of int, optional
        Label values under the click, one per labels layer (0/None: no cell there). Each names the spot of
        that label in ``frame``; the one nearest the click (within ``PICK_RADII["label"]`` radii) wins, so a
        tissue mask's label 1 is not taken for cell 1 across the image.
    """
    if len(spots) == 0:
        return None
    point = np.asarray(point, dtype=float)
    if direction is not None and not np.any(np.asarray(direction, dtype=float)):
        direction = None
    now = spots[spots["FRAME"] == int(frame)]
    wanted = [int(label) for label in labels if label]
    if wanted and "LABEL" in now:
        hits = now[now["LABEL"].isin(wanted)]
        if len(hits):
            scaled = _distances(hits, point, direction) / _radii(hits)
            best = int(np.argmin(scaled))
            if scaled[best] <= PICK_RADII["label"]:
                return cast(Hashable, hits.index[best])
    for candidates in (now, spots[spots["FRAME"] < int(frame)]):
        if len(candidates) == 0:
            continue
        scaled = _distances(candidates, point, direction) / _radii(candidates)
        best = int(np.argmin(scaled))
        if scaled[best] <= PICK_RADII["nearest"]:
            return cast(Hashable, candidates.index[best])
    return None


def lineage_pick(analysis: Any, track_id: int, time: float, row: float,
                 rows: Mapping[int, float]) -> tuple[int, int] | None:
    """Return ``(tracklet, frame)`` of a click at (``time``, ``row``) in the lineage plot of ``track_id``.

    Parameters
    ----------
    analysis : TrackAnalysis
    track_id : int
    time : float
        Clicked time (the plot's x axis, in the analysis' time unit).
    row : float
        Clicked row (y axis); ``rows`` maps each tracklet to its row (the plot's layout).

    Returns
    -------
    tuple of int or None
        None when the track has no spots.
    """
    spots = analysis.track_spots(int(track_id))
    if spots.empty or not rows:
        return None
    spans = spots.groupby("TRACKLET_ID")["TIME"].agg(["min", "max"])
    tracklets = analysis.tracklets
    gap = float(np.diff(np.unique(spots["TIME"])).min()) if spots["TIME"].nunique() > 1 else 1.0

    def starts(tracklet: int) -> float:  # a daughter's branch starts at its mother's last spot (the division)
        parents = [int(p) for p in tracklets.at[tracklet, "PARENT_IDS"] if int(p) in spans.index]
        return float(min([spans.at[tracklet, "min"], *(spans.at[p, "max"] for p in parents)]))

    order = sorted(rows, key=lambda t: abs(rows[t] - row))
    holding = [t for t in order if t in spans.index and starts(t) - gap / 2 <= time <= spans.at[t, "max"] + gap / 2]
    tracklet = holding[0] if holding else next(t for t in order if t in spans.index)
    own = spots[spots["TRACKLET_ID"] == tracklet]
    nearest = own.iloc[int(np.argmin(np.abs(own["TIME"].to_numpy(dtype=float) - time)))]
    return int(tracklet), int(nearest["FRAME"])


def frame_time(analysis: Any, frame: int) -> float:
    """The time (the lineage plot's x) of ``frame``: the spots' ``TIME`` there, else frame x frame interval."""
    spots = analysis.spots
    times = spots.loc[spots["FRAME"] == int(frame), "TIME"]
    if len(times):
        return float(times.iloc[0])
    return float(frame) * float(analysis.parameters.get("frame_interval", 1.0) or 1.0)
