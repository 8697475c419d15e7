"""Track graphs and their tracklets, built from TrackMate spot and edge tables.

TrackMate keeps one ``TRACK_ID`` for a whole lineage: a dividing cell and its daughters share it. To show and
analyse divisions the graph of each track is cut into *tracklets*, maximal chains of spots without a split or a
merge: root → first split, split → split, split → leaf, and, after a merge, merge → next event. Every tracklet
gets a stable integer ID, the ID of its first spot, so the IDs depend only on the spot IDs of the file and never
collide. Each tracklet knows its parent tracklets (one after a division, two or more after a merge) and its
generation (the number of divisions between the root and the tracklet).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from volltrack.analysis.table_checks import validate_edges, validate_spots

logger = logging.getLogger(__name__)

#: Values of the tracklet column ``END_TYPE``.
END_TYPES = ("leaf", "split", "merge")

#: Values accepted by :meth:`TrackSet.select`.
TRACK_KINDS = ("all", "dividing", "non-dividing")


@dataclass(frozen=True)
class TrackSet:
    """Tracks cut into tracklets.

    Attributes
    ----------
    spots : DataFrame
        One row per spot that belongs to a track, indexed by spot ``ID``, sorted by ``TRACKLET_ID`` then
        ``FRAME``; the input columns plus ``TRACK_ID``, ``TRACKLET_ID`` and ``GENERATION``.
    edges : DataFrame
        The edges of the kept tracks, oriented from the earlier to the later spot.
    tracklets : DataFrame
        One row per tracklet, indexed by ``TRACKLET_ID``: ``TRACK_ID``, ``PARENT_IDS`` (tuple of int),
        ``GENERATION``, ``START_SPOT_ID``, ``END_SPOT_ID``, ``START_FRAME``, ``END_FRAME``, ``N_SPOTS``,
        ``END_TYPE`` (one of :data:`END_TYPES`).
    tracks : DataFrame
        One row per track, indexed by ``TRACK_ID``: ``N_SPOTS``, ``N_TRACKLETS``, ``N_DIVISIONS``,
        ``N_MERGES``, ``DIVIDING`` (bool), ``START_FRAME``, ``END_FRAME``.
    """

    spots: pd.DataFrame
    edges: pd.DataFrame
    tracklets: pd.DataFrame
    tracks: pd.DataFrame

    def select(self, kind: str = "all") -> list[int]:
        """Return the IDs of the tracks of one kind: ``"all"``, ``"dividing"`` or ``"non-dividing"``."""
        if kind not in TRACK_KINDS:
            raise ValueError(f"track kind must be one of {TRACK_KINDS}, got {kind!r}")
        if kind == "all":
            return [int(i) for i in self.tracks.index]
        keep = self.tracks["DIVIDING"] == (kind == "dividing")
        return [int(i) for i in self.tracks.index[keep]]

    def spots_of(self, track_id: int) -> pd.DataFrame:
        """Return the spots of one track (sorted by tracklet and frame); ValueError for an unknown ID."""
        if int(track_id) not in self.tracks.index:
            raise ValueError(f"no track with TRACK_ID {track_id}; known: {list(self.tracks.index[:10])}")
        return self.spots[self.spots["TRACK_ID"] == int(track_id)]

    def napari_graph(self, track_ids=None) -> dict[int, list[int]]:
        """Return the division graph for a napari Tracks layer: ``{tracklet: [parent tracklets]}``.

        Parameters
        ----------
        track_ids : iterable of int, optional
            Restrict the graph to these tracks; all tracks when None (the default).
        """
        rows = self.tracklets
        if track_ids is not None:
            rows = rows[rows["TRACK_ID"].isin(list(track_ids))]
        return {int(t): [int(p) for p in parents] for t, parents in rows["PARENT_IDS"].items() if parents}


def build_track_set(spots: pd.DataFrame, edges: pd.DataFrame, *, track_ids=None) -> TrackSet:
    """Cut the tracks given by TrackMate tables into tracklets.

    Parameters
    ----------
    spots : DataFrame
        TrackMate spots, one row per spot, with columns ``ID``, ``FRAME``, ``POSITION_X/Y/Z`` (as
        :func:`volltrack.trackmate.read_xml` returns them).
    edges : DataFrame
        TrackMate edges with ``SPOT_SOURCE_ID``, ``SPOT_TARGET_ID`` and, optionally, ``TRACK_ID``; without
        ``TRACK_ID`` tracks are the connected components, numbered by their smallest spot ID.
    track_ids : iterable of int, optional
        Keep only these tracks (e.g. TrackMate's filtered tracks); all tracks when None (the default).

    Returns
    -------
    TrackSet

    Examples
    --------
    >>> import pandas as pd
    >>> spots = pd.DataFrame({"ID": [1, 2, 3, 4], "FRAME": [0, 1, 2, 2], "POSITION_X": [0.0, 1, 2, 0],
    ...                       "POSITION_Y": 0.0, "POSITION_Z": 0.0})
    >>> edges = pd.DataFrame({"SPOT_SOURCE_ID": [1, 2, 2], "SPOT_TARGET_ID": [2, 3, 4], "TRACK_ID": 0})
    >>> build_track_set(spots, edges).napari_graph()
    {3: [1], 4: [1]}
    """
    spots = validate_spots(spots)
    edges = validate_edges(edges, spots)
    edges = _orient_forward(edges, spots)
    if "TRACK_ID" not in edges.columns:
        edges["TRACK_ID"] = _component_ids(edges)
    if track_ids is not None:
        edges = edges[edges["TRACK_ID"].isin([int(t) for t in track_ids])]
    if edges.empty:
        raise ValueError("no track to analyse: the edge table is empty (after selecting track_ids)")
    successors, predecessors = _adjacency(edges)
    track_of = _track_of_spot(edges)
    frames = spots["FRAME"].to_dict()
    members, starts = _walk_tracklets(sorted(track_of, key=lambda s: (frames[s], s)), successors, predecessors)
    tracklets = _tracklet_table(starts, members, successors, predecessors, track_of, frames)
    kept = spots.loc[[s for start in tracklets.index for s in members[start]]].copy()
    tracklet_of = {s: start for start in tracklets.index for s in members[start]}
    kept["TRACK_ID"] = [track_of[s] for s in kept.index]
    kept["TRACKLET_ID"] = [tracklet_of[s] for s in kept.index]
    kept["GENERATION"] = tracklets.loc[kept["TRACKLET_ID"], "GENERATION"].to_numpy()
    kept = kept.sort_values(["TRACKLET_ID", "FRAME"])
    tracklets = tracklets.sort_index()
    tracks = _track_table(tracklets, successors, predecessors, track_of)
    logger.info("%d tracks, %d tracklets, %d spots", len(tracks), len(tracklets), len(kept))
    return TrackSet(spots=kept, edges=edges.reset_index(drop=True), tracklets=tracklets, tracks=tracks)


def _orient_forward(edges: pd.DataFrame, spots: pd.DataFrame) -> pd.DataFrame:
    """Return edges whose source is the earlier spot (TrackMate's graph is undirected)."""
    edges = edges.copy()
    source_frame = spots.loc[edges["SPOT_SOURCE_ID"], "FRAME"].to_numpy()
    target_frame = spots.loc[edges["SPOT_TARGET_ID"], "FRAME"].to_numpy()
    flip = source_frame > target_frame
    if flip.any():
        source = edges["SPOT_SOURCE_ID"].to_numpy().copy()
        target = edges["SPOT_TARGET_ID"].to_numpy().copy()
        source[flip], target[flip] = target[flip], source[flip].copy()
        edges["SPOT_SOURCE_ID"], edges["SPOT_TARGET_ID"] = source, target
    return edges


def _component_ids(edges: pd.DataFrame) -> np.ndarray:
    """Return, per edge, the smallest spot ID of its connected component."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids, inverse = np.unique(edges[["SPOT_SOURCE_ID", "SPOT_TARGET_ID"]].to_numpy(), return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    n = len(ids)
    matrix = coo_matrix((np.ones(len(inverse)), (inverse[:, 0], inverse[:, 1])), shape=(n, n))
    _, component = connected_components(matrix, directed=False)
    smallest = pd.Series(ids).groupby(component).min().to_numpy()
    return smallest[component[inverse[:, 0]]]


def _adjacency(edges: pd.DataFrame) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    successors: dict[int, list[int]] = {}
    predecessors: dict[int, list[int]] = {}
    for source, target in zip(edges["SPOT_SOURCE_ID"].tolist(), edges["SPOT_TARGET_ID"].tolist()):
        successors.setdefault(source, []).append(target)
        predecessors.setdefault(target, []).append(source)
    for table in (successors, predecessors):
        for values in table.values():
            values.sort()
    return successors, predecessors


def _track_of_spot(edges: pd.DataFrame) -> dict[int, int]:
    track_of: dict[int, int] = {}
    for column in ("SPOT_SOURCE_ID", "SPOT_TARGET_ID"):
        track_of.update(zip(edges[column].tolist(), edges["TRACK_ID"].astype(int).tolist()))
    return track_of


def _continues(spot: int, successors, predecessors) -> bool:
    """True when ``spot`` extends the tracklet of its only predecessor."""
    parents = predecessors.get(spot, [])
    return len(parents) == 1 and len(successors.get(parents[0], [])) == 1


def _walk_tracklets(ordered_spots, successors, predecessors):
    """Return ``{start spot: [spots of the tracklet]}`` and the start spots in (frame, ID) order."""
    members: dict[int, list[int]] = {}
    starts = [s for s in ordered_spots if not _continues(s, successors, predecessors)]
    for start in starts:
        chain = [start]
        while len(successors.get(chain[-1], [])) == 1:
            nxt = successors[chain[-1]][0]
            if not _continues(nxt, successors, predecessors):
                break
            chain.append(nxt)
        members[start] = chain
    return members, starts


def _end_type(end_spot: int, successors, predecessors) -> str:
    after = successors.get(end_spot, [])
    if not after:
        return "leaf"
    return "split" if len(after) > 1 else "merge"


def _tracklet_table(starts, members, successors, predecessors, track_of, frames) -> pd.DataFrame:
    tracklet_of = {s: start for start in starts for s in members[start]}
    rows, generation = [], {}
    for start in starts:  # (frame, ID) order: parents always come first
        parents = tuple(sorted({tracklet_of[p] for p in predecessors.get(start, [])}))
        generation[start] = max((generation[p] + (_end_type(members[p][-1], successors, predecessors) == "split")
                                 for p in parents), default=0)
        end = members[start][-1]
        rows.append({"TRACKLET_ID": start, "TRACK_ID": track_of[start], "PARENT_IDS": parents,
                     "GENERATION": generation[start], "START_SPOT_ID": start, "END_SPOT_ID": end,
                     "START_FRAME": frames[start], "END_FRAME": frames[end], "N_SPOTS": len(members[start]),
                     "END_TYPE": _end_type(end, successors, predecessors)})
    columns = ["TRACKLET_ID", "TRACK_ID", "PARENT_IDS", "GENERATION", "START_SPOT_ID", "END_SPOT_ID",
               "START_FRAME", "END_FRAME", "N_SPOTS", "END_TYPE"]
    return pd.DataFrame(rows, columns=columns).set_index("TRACKLET_ID")


def _track_table(tracklets: pd.DataFrame, successors, predecessors, track_of) -> pd.DataFrame:
    spots_per_track = pd.Series(track_of).groupby(pd.Series(track_of)).size()
    splits = pd.Series({s: len(t) > 1 for s, t in successors.items()}, dtype=bool)
    merges = pd.Series({s: len(p) > 1 for s, p in predecessors.items()}, dtype=bool)
    grouped = tracklets.groupby("TRACK_ID")
    table = pd.DataFrame({
        "N_SPOTS": spots_per_track,
        "N_TRACKLETS": grouped.size(),
        "N_DIVISIONS": splits.groupby(pd.Series(track_of)[splits.index].to_numpy()).sum(),
        "N_MERGES": merges.groupby(pd.Series(track_of)[merges.index].to_numpy()).sum(),
        "START_FRAME": grouped["START_FRAME"].min(),
        "END_FRAME": grouped["END_FRAME"].max(),
    }).fillna(0)
    table.index.name = "TRACK_ID"
    for column in ("N_SPOTS", "N_TRACKLETS", "N_DIVISIONS", "N_MERGES", "START_FRAME", "END_FRAME"):
        table[column] = table[column].astype(int)
    table.insert(4, "DIVIDING", table["N_DIVISIONS"] > 0)
    return table
