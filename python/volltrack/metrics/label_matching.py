"""traccuracy's CTC and IoU matchers with every overlap of a frame counted in one pass over its voxels.

traccuracy 0.4's ``CTCMatcher`` and ``IOUMatcher`` compare each pair of objects whose bounding boxes touch by
cutting the union of the two boxes out of both frames and counting voxels: on the demo movie (20 frames of
22×256×256, ~370 cells a frame) that is ~14,000 pairs a frame and most of the evaluation's CPU time. Here the
overlap of every pair of labels that share a voxel, and every label's size, come from one ``bincount`` over the
frame, so the matchers give the same mapping from the same integer counts:

* :class:`VoxelCTCMatcher`: a result object matches a ground-truth object when it covers more than half of it
  (intersection / ground-truth size > 0.5), as ``CTCMatcher``;
* :class:`VoxelIOUMatcher`: pairs with IoU at or above a threshold, made one to one by traccuracy's own linear
  assignment on the same IoU matrix when asked, as ``IOUMatcher``.

Pairs whose boxes touch without sharing a voxel have overlap 0 in traccuracy and never pass either rule, so
leaving them out changes nothing. The matchers report traccuracy's names in their ``info``.

Importing traccuracy 0.4 compiles its two box-overlap functions with numba for two signatures each, eagerly
(3–4 CPU seconds, a fifth of the demo's evaluation), although nothing here calls them. This module imports
traccuracy first, inside :func:`signatures_compiled_lazily`, so that those functions compile on their first
call instead (the same code; only when a caller uses traccuracy's own matchers).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np


@contextmanager
def signatures_compiled_lazily() -> Iterator[None]:
    """Within the block, ``numba.njit(signatures, **options)`` leaves out the signatures: the function compiles
    at its first call (for the argument types it gets) instead of at once. ``numba.njit`` is restored after."""
    import numba

    eager = numba.njit

    def lazy(*args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], (list, tuple, str)):
            args = args[1:]
        return eager(*args, **kwargs)

    numba.njit = lazy
    try:
        yield
    finally:
        numba.njit = eager


with signatures_compiled_lazily():
    from traccuracy import TrackingGraph
    from traccuracy.matchers._base import Matcher

__all__ = ["VoxelCTCMatcher", "VoxelIOUMatcher", "frame_overlaps", "signatures_compiled_lazily"]


def frame_overlaps(gt: np.ndarray, res: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                                 np.ndarray]:
    """Count the voxels shared by every pair of labels of two label images of one shape.

    Parameters
    ----------
    gt, res : ndarray of non-negative int, same shape
        Label images (0 = background).

    Returns
    -------
    gt_labels, res_labels, shared : ndarray of int64
        One entry per pair of labels (both > 0) with at least one voxel in common, ordered by ground-truth label
        then result label, and the number of voxels they share.
    gt_sizes, res_sizes : ndarray of int64
        Voxels per label value (index = label).

    Examples
    --------
    >>> a = np.array([[1, 1, 2, 2]]); b = np.array([[3, 3, 3, 0]])
    >>> [x.tolist() for x in frame_overlaps(a, b)[:3]]
    [[1, 2], [3, 3], [2, 1]]
    """
    gt = np.asarray(gt).ravel()
    res = np.asarray(res).ravel()
    gt_sizes = np.bincount(gt).astype(np.int64)
    res_sizes = np.bincount(res).astype(np.int64)
    both = (gt > 0) & (res > 0)
    n_res = len(res_sizes)
    keys = gt[both].astype(np.int64) * n_res + res[both].astype(np.int64)
    if len(gt_sizes) * n_res <= 1 << 26:       # a dense table of every pair is small: count by bincount
        counts = np.bincount(keys, minlength=len(gt_sizes) * n_res)
        pairs = np.flatnonzero(counts)
        shared = counts[pairs].astype(np.int64)
    else:
        pairs, shared = np.unique(keys, return_counts=True)
        shared = shared.astype(np.int64)
    return pairs // n_res, pairs % n_res, shared, gt_sizes, res_sizes


def _label_to_node(graph: TrackingGraph, nodes: Any) -> dict[int, Hashable]:
    """Segmentation label -> node ID for the nodes of one frame that carry a label."""
    key = graph.label_key
    data = graph.graph.nodes
    return {int(data[node][key]): node for node in nodes if key in data[node]}


_Overlaps = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _frames(gt: TrackingGraph, pred: TrackingGraph, *, from_start: bool) -> Iterator[tuple[int, np.ndarray,
                                                                                             np.ndarray]]:
    """(frame, ground-truth mask, result mask) of each frame the matcher visits."""
    if gt.segmentation is None or pred.segmentation is None:
        raise ValueError("Segmentation is None, cannot perform matching")
    if gt.segmentation.shape != pred.segmentation.shape:
        raise ValueError("Segmentation shapes must match between gt and pred")
    if from_start:                 # CTCMatcher: the ground truth's frames, mask index counted from its first
        if gt.start_frame is None or gt.end_frame is None:
            return
        for index, t in enumerate(range(gt.start_frame, gt.end_frame)):
            yield t, gt.segmentation[index], pred.segmentation[index]
    else:                          # IOUMatcher: every frame of the masks
        for t in range(gt.segmentation.shape[0]):
            yield t, gt.segmentation[t], pred.segmentation[t]


def _frame_overlaps(gt: TrackingGraph, pred: TrackingGraph, *, from_start: bool
                    ) -> Iterator[tuple[int, dict[int, Hashable], dict[int, Hashable], _Overlaps]]:
    """(frame, ground-truth label -> node, result label -> node, :func:`frame_overlaps` of the two masks) of
    each frame the matcher visits (:func:`_frames`)."""
    for t, gt_frame, res_frame in _frames(gt, pred, from_start=from_start):
        yield (t, _label_to_node(gt, gt.nodes_by_frame[t]), _label_to_node(pred, pred.nodes_by_frame[t]),
               frame_overlaps(gt_frame, res_frame))


class VoxelCTCMatcher(Matcher):  # type: ignore[misc]  # traccuracy ships no type information
    """traccuracy's ``CTCMatcher`` (result object covering more than half of a ground-truth object), counted
    in one pass per frame (:func:`frame_overlaps`)."""

    _matching_type = None

    def _compute_mapping(self, gt_graph: TrackingGraph, pred_graph: TrackingGraph) -> list[tuple[Any, Any]]:
        mapping: list[tuple[Any, Any]] = []
        for t, gt_nodes, res_nodes, overlaps in _frame_overlaps(gt_graph, pred_graph, from_start=True):
            gt_labels, res_labels, shared, gt_sizes, _ = overlaps
            covered = shared / gt_sizes[gt_labels] > 0.5
            match = {int(g): int(r) for g, r in zip(gt_labels[covered], res_labels[covered])
                     if int(g) in gt_nodes and int(r) in res_nodes}
            for node in gt_graph.nodes_by_frame[t]:     # traccuracy's order: the frame's ground-truth nodes
                label = gt_graph.graph.nodes[node].get(gt_graph.label_key)
                if label is not None and int(label) in match:
                    mapping.append((node, res_nodes[match[int(label)]]))
        return mapping

    @property
    def info(self) -> dict[str, Any]:
        return {**super().info, "name": "CTCMatcher"}


class VoxelIOUMatcher(Matcher):  # type: ignore[misc]  # traccuracy ships no type information
    """traccuracy's ``IOUMatcher`` (IoU at or above ``iou_threshold``; one to one by traccuracy's linear
    assignment when ``one_to_one``), counted in one pass per frame (:func:`frame_overlaps`)."""

    def __init__(self, iou_threshold: float = 0.6, one_to_one: bool = False) -> None:
        if iou_threshold == 0.0 and not one_to_one:
            raise ValueError("Threshold of 0 is not valid unless one_to_one is True")
        self.iou_threshold = iou_threshold
        self.one_to_one = one_to_one
        if one_to_one or iou_threshold > 0.5:
            self._matching_type = "one-to-one"

    def _compute_mapping(self, gt_graph: TrackingGraph, pred_graph: TrackingGraph) -> list[tuple[Any, Any]]:
        from traccuracy.matchers._iou import _one_to_one_assignment

        mapping: list[tuple[Any, Any]] = []
        for _, gt_nodes, res_nodes, overlaps in _frame_overlaps(gt_graph, pred_graph, from_start=False):
            gt_labels, res_labels, shared, gt_sizes, res_sizes = overlaps
            known = np.array([int(g) in gt_nodes and int(r) in res_nodes for g, r in zip(gt_labels, res_labels)],
                             bool)
            gt_labels, res_labels, shared = gt_labels[known], res_labels[known], shared[known]
            iou = shared / (gt_sizes[gt_labels] + res_sizes[res_labels] - shared)
            table = np.zeros((len(gt_sizes), len(res_sizes)))     # largest label + 1 (bincount lengths)
            keep = iou >= self.iou_threshold
            table[gt_labels[keep], res_labels[keep]] = iou[keep]
            if self.one_to_one:
                rows, cols = _one_to_one_assignment(table)
            else:
                rows, cols = np.nonzero(table)
            mapping.extend((gt_nodes[int(g)], res_nodes[int(r)]) for g, r in zip(rows, cols))
        return mapping

    @property
    def info(self) -> dict[str, Any]:
        return {**super().info, "name": "IOUMatcher"}
