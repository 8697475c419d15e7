"""Tracking metrics of the Cell Tracking Challenge: TRA, DET, LNK (through traccuracy), SEG and divisions.

TRA, DET and LNK are computed by `traccuracy <https://github.com/live-image-tracking-tools/traccuracy>`_
(``CTCMatcher`` + ``CTCMetrics``: AOGM with the CTC weights) on a ground-truth folder and a result folder
in CTC layout (see :mod:`volltrack.metrics.ctc_format`). SEG, the mean Jaccard index of every
ground-truth object with the result object that covers more than half of it, is computed here when the
ground truth has ``SEG/man_seg###.tif`` masks.

Examples
--------
>>> from volltrack.metrics.tracking import evaluate_ctc      # doctest: +SKIP
>>> evaluate_ctc("01_GT", "01_RES")["TRA"]                   # doctest: +SKIP
0.97
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from pathlib import Path

import numpy as np

from volltrack.metrics.ctc_checks import check_ctc_folder
from volltrack.metrics.ctc_format import (CTCData, check_ctc, ctc_track_folder, export_ctc, read_ctc, read_lineage,
                                          tracks_to_ctc, write_ctc)

logger = logging.getLogger(__name__)

__all__ = ["CTCData", "check_ctc", "evaluate_ctc", "export_ctc", "read_ctc", "read_lineage", "seg_score",
           "tracks_to_ctc", "write_ctc"]


def seg_score(gt: np.ndarray, result: np.ndarray) -> tuple[float, int]:
    """Return (sum of Jaccard indices, number of ground-truth objects) of one frame, CTC SEG rules.

    Kept rather than py-ctcmetrics' SEG: py-ctcmetrics 1.3.3 gives the same values on ordinary results (checked
    to 1e-10 on simulated movies with eroded, merged, shifted, dropped and relabelled cells) but drops the first
    result object when the result has no background voxel (it takes the smallest label for background).

    Parameters
    ----------
    gt, result : ndarray of the same shape
        Ground-truth and result label images (0 = background).

    Returns
    -------
    tuple of (float, int)
        The sum over ground-truth objects of the Jaccard index with the result object that covers
        more than half of it (0 when none does), and the number of ground-truth objects.
    """
    if gt.shape != result.shape:
        raise ValueError(f"SEG: ground truth shape {gt.shape} differs from result shape {result.shape}")
    gt = gt.ravel().astype(np.int64)
    result = result.ravel().astype(np.int64)
    gt_ids, gt_sizes = np.unique(gt[gt > 0], return_counts=True)
    if len(gt_ids) == 0:
        return 0.0, 0
    res_sizes = np.bincount(result)
    both = (gt > 0) & (result > 0)
    pairs, overlaps = np.unique(gt[both] * (len(res_sizes)) + result[both], return_counts=True)
    pair_gt, pair_res = pairs // len(res_sizes), pairs % len(res_sizes)
    gt_size_of_pair = gt_sizes[np.searchsorted(gt_ids, pair_gt)]
    matched = overlaps > 0.5 * gt_size_of_pair
    jaccard = overlaps[matched] / (gt_size_of_pair[matched] + res_sizes[pair_res[matched]] - overlaps[matched])
    return float(jaccard.sum()), len(gt_ids)


def _seg(gt_dir: Path, result: np.ndarray) -> float | None:
    """Return SEG over the ``SEG/man_seg###.tif`` frames of ``gt_dir``, or None when there are none."""
    import tifffile

    seg_dir = gt_dir / "SEG"
    if not seg_dir.is_dir():
        return None
    pattern = re.compile(r"^man_seg(\d+)\.tiff?$")
    total, count = 0.0, 0
    for path in sorted(seg_dir.iterdir()):
        match = pattern.match(path.name)
        if not match:
            continue
        t = int(match.group(1))
        if t >= result.shape[0]:
            raise ValueError(f"{path}: frame {t} is beyond the {result.shape[0]} frames of the result")
        score, n = seg_score(tifffile.imread(path), result[t])
        total, count = total + score, count + n
    return total / count if count else None


def _graph(folder: Path, name: str):
    """Load a CTC folder as a traccuracy TrackingGraph (checked for CTC validity)."""
    import volltrack.metrics.label_matching  # noqa: F401  (imports traccuracy first, without its eager compiling)
    from traccuracy.loaders import load_ctc_data

    mask_dir, _, track_file = ctc_track_folder(folder)
    check_ctc_folder(folder)
    from volltrack.metrics.ctc_format import read_lineage

    if read_lineage(track_file).empty:
        raise ValueError(f"{track_file}: holds no track (empty file); expected one line 'L B E P' per track "
                         "(label, first frame, last frame, parent label)")
    try:
        return load_ctc_data(str(mask_dir), str(track_file), name=name, run_checks=True)
    except ValueError as exc:
        raise ValueError(f"{folder}: not a valid Cell Tracking Challenge folder: {exc}") from None


def evaluate_ctc(gt_dir: str | Path, res_dir: str | Path) -> dict[str, float]:
    """Compute TRA, DET, LNK (and SEG when ``gt_dir/SEG`` exists) of a CTC result against ground truth.

    Parameters
    ----------
    gt_dir : str or Path
        Ground-truth folder with ``TRA/man_track.txt`` and ``TRA/man_track###.tif`` (optionally
        ``SEG/man_seg###.tif``).
    res_dir : str or Path
        Result folder with ``res_track.txt`` and ``mask###.tif``.

    Returns
    -------
    dict
        ``TRA``, ``DET``, ``LNK``, ``AOGM`` and the error counts (``fp_nodes``, ``fn_nodes``,
        ``ns_nodes``, ``fp_edges``, ``fn_edges``, ``ws_edges``); ``SEG`` when available; the division
        scores of :data:`volltrack.metrics.divisions.DIVISION_KEYS` (traccuracy's ``DivisionMetrics`` at
        frame tolerance 0 and 1, on the CTC matching when it is one-to-one, else on an IoU > 0.5 one-to-one
        matching).
    """
    from volltrack.metrics.label_matching import VoxelCTCMatcher, VoxelIOUMatcher  # first: imports traccuracy
    from traccuracy import run_metrics
    from traccuracy.metrics import CTCMetrics

    from volltrack.metrics.divisions import division_metrics

    gt_dir, res_dir = Path(gt_dir), Path(res_dir)
    gt_graph, res_graph = _graph(gt_dir, "GT"), _graph(res_dir, "RES")
    if gt_graph.segmentation.shape != res_graph.segmentation.shape:
        raise ValueError(f"result masks {res_graph.segmentation.shape} and ground-truth masks "
                         f"{gt_graph.segmentation.shape} differ in shape")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        results, matched = run_metrics(gt_graph, res_graph, VoxelCTCMatcher(), [CTCMetrics()])
        if matched.matching_type != "one-to-one":   # division metrics need a one-to-one matching
            matched = VoxelIOUMatcher(iou_threshold=0.5, one_to_one=True).compute_mapping(gt_graph, res_graph)
        divisions = division_metrics(matched)
    scores = {key: _plain(value) for key, value in results[0]["results"].items()}
    scores.update({key: None if value is None else _plain(value) for key, value in divisions.items()})
    seg = _seg(gt_dir, res_graph.segmentation)
    if seg is not None:
        scores["SEG"] = seg
    logger.info("CTC metrics of %s against %s: %s", res_dir, gt_dir, scores)
    return scores


def _plain(value) -> float | None:
    """Return a JSON-friendly number (NaN becomes None)."""
    value = float(value)
    return None if math.isnan(value) else value
