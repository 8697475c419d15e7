"""Edges as TrackMate expects them: known spots, no self-loops or duplicates, oriented earlier -> later, and one
track per connected component (trackmate.md §1.7)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["prepare_edges"]

logger = logging.getLogger(__name__)


def _first(values, limit: int = 5) -> str:
    values = list(values)
    return ", ".join(map(str, values[:limit])) + (" ..." if len(values) > limit else "")


def _spot_rows(spot_ids: np.ndarray, edge_ids: np.ndarray, column: str) -> np.ndarray:
    rows = pd.Index(spot_ids).get_indexer(edge_ids)
    if (rows < 0).any():
        raise ValueError(f"edges: {column} refers to spot IDs not in the spot table: {_first(edge_ids[rows < 0])}")
    return rows


def _keep_or_assign_track_ids(edges: pd.DataFrame, component: np.ndarray) -> np.ndarray:
    """Keep the edges' TRACK_ID when it matches the components one to one; else number components 0, 1, ..."""
    if "TRACK_ID" in edges.columns and edges["TRACK_ID"].notna().all():
        given = edges["TRACK_ID"].to_numpy()
        pairs = pd.DataFrame({"c": component, "t": given}).drop_duplicates()
        if pairs["c"].is_unique and pairs["t"].is_unique:
            return given.astype(np.int64)
        logger.info("edges' TRACK_ID does not match the connected components; renumbering tracks")
    _, first_seen = np.unique(component, return_index=True)
    order = np.argsort(first_seen)
    new_id = np.empty(order.size, np.int64)
    new_id[order] = np.arange(order.size)
    return new_id[np.searchsorted(np.unique(component), component)]


def prepare_edges(edges: pd.DataFrame, spot_ids: np.ndarray, spot_frames: np.ndarray) -> pd.DataFrame:
    """Validate and orient edges and give each connected component one TRACK_ID.

    Parameters
    ----------
    edges : pandas.DataFrame
        ``SPOT_SOURCE_ID``, ``SPOT_TARGET_ID`` and optional ``TRACK_ID``, ``LINK_COST``, edge features.
    spot_ids, spot_frames : ndarray of int
        ID and FRAME of every spot.

    Returns
    -------
    pandas.DataFrame
        A copy with sources in the earlier frame, a consistent ``TRACK_ID``, sorted by TRACK_ID (stable).

    Raises
    ------
    ValueError
        Missing ID columns, unknown spot IDs, self-loops or duplicate edges (TrackMate drops or chokes on them).
    """
    missing = [c for c in ("SPOT_SOURCE_ID", "SPOT_TARGET_ID") if c not in edges.columns]
    if missing:
        raise ValueError(f"edges: missing column(s) {', '.join(missing)}; found {', '.join(map(str, edges.columns))}")
    edges = edges.reset_index(drop=True).copy()
    source = _spot_rows(spot_ids, edges["SPOT_SOURCE_ID"].to_numpy(), "SPOT_SOURCE_ID")
    target = _spot_rows(spot_ids, edges["SPOT_TARGET_ID"].to_numpy(), "SPOT_TARGET_ID")
    if (source == target).any():
        raise ValueError(f"edges: self-loop(s) on spot ID(s) {_first(spot_ids[source[source == target]])}")
    backwards = spot_frames[source] > spot_frames[target]
    source, target = np.where(backwards, target, source), np.where(backwards, source, target)
    pairs = pd.DataFrame({"a": np.minimum(source, target), "b": np.maximum(source, target)})
    duplicated = pairs.duplicated().to_numpy()
    if duplicated.any():
        bad = [f"{spot_ids[a]}-{spot_ids[b]}" for a, b in pairs[duplicated].to_numpy()]
        raise ValueError(f"edges: duplicate edge(s) between spots {_first(bad)}")
    edges["SPOT_SOURCE_ID"] = spot_ids[source]
    edges["SPOT_TARGET_ID"] = spot_ids[target]
    n = spot_ids.size
    graph = coo_matrix((np.ones(source.size), (source, target)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    edges["TRACK_ID"] = _keep_or_assign_track_ids(edges, labels[source])
    return edges.sort_values("TRACK_ID", kind="stable").reset_index(drop=True)
