"""Scoring tracker settings against a truth: track its spots in-process, score the links, the tuning objectives."""

from __future__ import annotations

import math
import time
from typing import Any, Callable

from volltrack.metrics.divisions import score_links
from volltrack.tracking.settings import TrackerSettings
from volltrack.tuning.truth import Truth

__all__ = ["METRICS", "TIE_BREAK", "objective_value", "predicted_edges", "score_settings", "scored_links"]

METRICS = ("combined", "division_f1", "link_f1", "tra")
#: Weight of the other score in ``division_f1`` and ``link_f1``: it only breaks ties.
TIE_BREAK = 1e-3


def predicted_edges(truth: Truth, settings: TrackerSettings) -> list[tuple[int, int]]:
    """Track the truth's spots with ``settings`` in the embedded JVM; return links (earlier, later spot ID)."""
    from volltrack.tracking import track

    tracks = track(truth.spots, settings, progress=False)
    frame_of = truth.frame_of
    out = []
    for s, t in zip(tracks.edges["SPOT_SOURCE_ID"].astype(int), tracks.edges["SPOT_TARGET_ID"].astype(int)):
        out.append((s, t) if frame_of[s] <= frame_of[t] else (t, s))
    return out


def score_settings(truth: Truth, settings: TrackerSettings | dict[str, Any]) -> dict[str, Any]:
    """Track the truth's spots with ``settings`` and score the links; adds ``seconds`` (tracking time)."""
    settings = settings if isinstance(settings, TrackerSettings) else TrackerSettings.from_mapping(settings)
    return scored_links(truth, lambda: predicted_edges(truth, settings))


def scored_links(truth: Truth, link: Callable[[], list[tuple[int, int]]]) -> dict[str, Any]:
    """Score the (source, target) spot IDs ``link()`` returns against the truth; adds ``seconds`` (its time)."""
    start = time.perf_counter()
    edges = link()
    seconds = time.perf_counter() - start
    scores = score_links(truth.edges.tolist(), edges, truth.frame_of, truth_nodes=len(truth.spots))
    scores["seconds"] = seconds
    return scores


def objective_value(scores: dict[str, Any], metric: str) -> float:
    """Return the objective ``metric`` of ``scores`` (undefined scores count as 0)."""
    def get(key: str) -> float:
        value = scores.get(key)
        return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)

    if metric == "division_f1":   # ties (frequent with few divisions) go to the better links
        return get("division_f1_tol1") + TIE_BREAK * get("link_f1")
    if metric == "link_f1":
        return get("link_f1") + TIE_BREAK * get("division_f1_tol1")
    if metric == "tra":
        return get("tra")
    if metric == "combined":
        weight = 2.0 * get("divisions_true") / get("links_true") if get("links_true") else 0.0
        return get("link_f1") + weight * get("division_f1_tol1")
    raise ValueError(f"--metric {metric!r}: expected one of {', '.join(METRICS)}")
