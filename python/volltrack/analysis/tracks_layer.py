"""Conversion of a track analysis to the arrays of a napari Tracks layer (napari itself is not imported)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Spot columns handed to napari as per-point features (when present).
FEATURE_COLUMNS = ("TRACK_ID", "TRACKLET_ID", "GENERATION", "FRAME", "TIME", "SPEED", "RADIUS", "VOLUME",
                   "DISTANCE_TO_BOUNDARY", "INSIDE_TISSUE", "MEAN_INTENSITY", "TOTAL_INTENSITY", "QUALITY",
                   "SPEED_SMOOTH", "DISTANCE_TO_BOUNDARY_SMOOTH", "MEAN_INTENSITY_SMOOTH")

#: Track columns copied onto every point of the track (prefixed ``TRACK_``).
TRACK_FEATURE_COLUMNS = ("N_DIVISIONS", "N_TRACKLETS", "MEAN_SPEED", "MEAN_DISTANCE")


def napari_tracks(analysis, track_ids=None) -> tuple[np.ndarray, dict, dict]:
    """Return ``(data, graph, kwargs)`` for ``viewer.add_tracks(data, graph=graph, **kwargs)``.

    Parameters
    ----------
    analysis : TrackAnalysis
    track_ids : iterable of int, optional
        Tracks to include; all when None (the default).

    Returns
    -------
    data : ndarray of float, shape (N, 5)
        Rows ``[TRACKLET_ID, FRAME, z, y, x]`` with positions in voxels (physical / calibration), sorted by
        tracklet then frame.
    graph : dict
        ``{tracklet: [parent tracklets]}``: a daughter maps to the tracklet that divided, a tracklet after a
        merge to all the tracklets that merged.
    kwargs : dict
        ``features`` (DataFrame, one row per point), ``scale`` ``(1, dz, dy, dx)`` so that the layer sits in
        physical space like image layers given the same scale, and ``metadata``.
    """
    spots = analysis.spots
    if track_ids is not None:
        spots = spots[spots["TRACK_ID"].isin([int(t) for t in track_ids])]
    spots = spots.sort_values(["TRACKLET_ID", "FRAME"])
    calibration = np.asarray(analysis.parameters.get("calibration", (1.0, 1.0, 1.0)), dtype=float)
    positions = spots[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(dtype=float) / calibration
    data = np.column_stack([spots["TRACKLET_ID"].to_numpy(dtype=float), spots["FRAME"].to_numpy(dtype=float),
                            positions])
    kept = set(spots["TRACKLET_ID"].unique().tolist())
    graph = {child: [p for p in parents if p in kept]
             for child, parents in analysis.track_set.napari_graph(track_ids).items() if child in kept}
    graph = {child: parents for child, parents in graph.items() if parents}
    features = pd.DataFrame({c: spots[c].to_numpy(dtype=float) for c in FEATURE_COLUMNS if c in spots.columns})
    tracks = analysis.tracks.reindex(spots["TRACK_ID"].to_numpy())
    for column in TRACK_FEATURE_COLUMNS:
        if column in tracks.columns:
            features["TRACK_" + column] = tracks[column].to_numpy(dtype=float)
    features["DIVIDING"] = tracks["DIVIDING"].to_numpy(dtype=float)
    kwargs = {"features": features.reset_index(drop=True), "scale": (1.0, *calibration.tolist()),
              "metadata": {"volltrack_analysis": analysis}}
    return data, graph, kwargs


#: Per-point feature marking the points :func:`join_branches` added (1.0); they are display only.
JOIN_FEATURE = "BRANCH_JOIN"


def join_branches(data: np.ndarray, graph: dict, features: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Start each child tracklet at its parent's last point, as its branch starts at the division in a lineage tree.

    napari draws the link from a parent to a child (the layer's graph) in white, whatever the colouring; with the
    parent's last point (position and frame) copied at the start of each child, the stretch from the division to
    the child's first cell is drawn in the child's colour, and the white link has zero length. The copies get the
    child's features (its first point's), with ``FRAME``/``TIME`` of the parent's point, and ``BRANCH_JOIN`` = 1
    (0 elsewhere), so that a writer can leave them out.

    Parameters
    ----------
    data : ndarray, shape (N, 5)
        ``[tracklet, frame, z, y, x]`` rows (:func:`napari_tracks`).
    graph : dict
        ``{child: [parents]}``; after a merge, the child starts at its first parent's last point.
    features : DataFrame
        N rows.

    Returns
    -------
    data, features
        With one added row per child that has a parent among the rows, sorted by tracklet then frame.
    """
    data = np.asarray(data, dtype=float)
    features = features.reset_index(drop=True).copy()
    features[JOIN_FEATURE] = 0.0
    tracklet, frame = data[:, 0].astype(np.int64), data[:, 1]
    added_rows, added_features = [], []
    for child, parents in graph.items():
        child_rows = np.flatnonzero(tracklet == int(child))
        parent_rows = np.flatnonzero(tracklet == int(parents[0])) if parents else np.array([], int)
        if not len(child_rows) or not len(parent_rows):
            continue
        last = parent_rows[np.argmax(frame[parent_rows])]
        first = child_rows[np.argmin(frame[child_rows])]
        if frame[last] >= frame[first]:
            continue
        row = data[last].copy()
        row[0] = float(child)
        added_rows.append(row)
        copied = features.iloc[first].copy()
        for column in ("FRAME", "TIME"):
            if column in features.columns:
                copied[column] = features.at[last, column]
        copied[JOIN_FEATURE] = 1.0
        added_features.append(copied)
    if not added_rows:
        return data, features
    data = np.vstack([data, np.asarray(added_rows)])
    features = pd.concat([features, pd.DataFrame(added_features)], ignore_index=True)
    order = np.lexsort((data[:, 1], data[:, 0]))
    return data[order], features.iloc[order].reset_index(drop=True)
