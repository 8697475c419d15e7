"""The one-pass matchers give traccuracy's CTC and IoU mappings on a simulated movie with merged, shifted, eroded,
dropped and relabelled cells (and the overlap counts of a brute-force count)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import ndimage as ndi

from volltrack.metrics.ctc_format import CTCData, write_ctc
from volltrack.metrics.label_matching import VoxelCTCMatcher, VoxelIOUMatcher, frame_overlaps
from volltrack.metrics.tracking import _graph
from volltrack.synthetic import simulate_tissue


def _imperfect(labels: np.ndarray, rng: np.random.Generator) -> CTCData:
    """A result from the truth: shifted by a voxel, every third cell merged with the next label, some eroded,
    some dropped; every object a one-frame track with its own label."""
    out = np.zeros_like(labels, dtype=np.uint16)
    rows = []
    for t, frame in enumerate(labels):
        ids = np.unique(frame[frame > 0])
        lookup = np.zeros(int(frame.max()) + 1, np.int64)
        lookup[ids] = ids
        lookup[ids[::3]] = np.roll(ids, -1)[::3]                     # merges: many ground-truth to one result
        lookup[rng.choice(ids, size=max(1, len(ids) // 8), replace=False)] = 0      # dropped cells
        merged = np.roll(lookup[frame], 1, axis=2)
        for cell in rng.choice(ids, size=max(1, len(ids) // 5), replace=False):   # eroded cells
            inside = merged == cell
            merged[inside & ~ndi.binary_erosion(inside, iterations=2)] = 0
        present = np.unique(merged[merged > 0])
        new = np.zeros(int(merged.max()) + 1, np.uint16)
        new[present] = 1000 * (t + 1) + rng.permutation(len(present)) + 1       # relabelled
        out[t] = new[merged]
        rows += [(int(label), t, t, 0) for label in new[present]]
    return CTCData(out, pd.DataFrame(rows, columns=["label", "begin", "end", "parent"]))


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ctc")
    movie = simulate_tissue(n_frames=3, shape=(8, 48, 48), n_cells=20, seed=3)
    write_ctc(CTCData(movie.labels, movie.lineage), folder / "GT", kind="gt")
    write_ctc(_imperfect(movie.labels, np.random.default_rng(5)), folder / "RES", kind="res")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _graph(folder / "GT", "GT"), _graph(folder / "RES", "RES")


def test_frame_overlaps_count_every_shared_voxel():
    rng = np.random.default_rng(0)
    gt, res = rng.integers(0, 6, (5, 7, 9)), rng.integers(0, 4, (5, 7, 9))
    gt_labels, res_labels, shared, gt_sizes, res_sizes = frame_overlaps(gt, res)
    expected = {(g, r): int(np.sum((gt == g) & (res == r))) for g in range(1, 6) for r in range(1, 4)}
    assert dict(zip(zip(gt_labels.tolist(), res_labels.tolist()), shared.tolist())) == \
        {pair: n for pair, n in expected.items() if n}
    assert gt_sizes.tolist() == [int(np.sum(gt == g)) for g in range(6)]
    assert res_sizes.tolist() == [int(np.sum(res == r)) for r in range(4)]


@pytest.mark.parametrize("make", [
    lambda old: (old.CTCMatcher(), VoxelCTCMatcher()),
    lambda old: (old.IOUMatcher(iou_threshold=0.5, one_to_one=True),
                 VoxelIOUMatcher(iou_threshold=0.5, one_to_one=True)),
    lambda old: (old.IOUMatcher(iou_threshold=0.3), VoxelIOUMatcher(iou_threshold=0.3)),
    lambda old: (old.IOUMatcher(iou_threshold=0.7), VoxelIOUMatcher(iou_threshold=0.7)),
], ids=["ctc", "iou-0.5-one-to-one", "iou-0.3", "iou-0.7"])
def test_same_mapping_as_traccuracy(graphs, make):
    import traccuracy.matchers as old

    gt, res = graphs
    reference, fast = make(old)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected, got = reference.compute_mapping(gt, res), fast.compute_mapping(gt, res)
    assert len(expected.mapping) > 10
    assert sorted(got.mapping) == sorted(expected.mapping)
    assert got.matching_type == expected.matching_type
    assert got.matcher_info == expected.matcher_info


def test_the_imperfect_result_has_merges_misses_and_partial_overlaps(graphs):
    import traccuracy.matchers as old

    gt, res = graphs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ctc = old.CTCMatcher().compute_mapping(gt, res)
    assert ctc.matching_type == "many-to-one"
    assert len(ctc.gt_pred_map) < len(gt.nodes)


def test_traccuracy_is_imported_without_compiling_its_overlap_functions_which_still_work():
    import subprocess
    import sys

    code = """
import numba
eager = numba.njit
import volltrack.metrics.label_matching
from traccuracy.matchers import _compute_overlap as overlap
import numpy as np
assert numba.njit is eager
assert overlap.compute_overlap_3D.signatures == [] and overlap.compute_overlap.signatures == []
boxes = np.array([[0, 0, 0, 2, 2, 2], [5, 5, 5, 6, 6, 6]], np.float64)
result = overlap.compute_overlap_3D(boxes, boxes[:1].copy())
assert result[0, 0] == 1.0 and result[1, 0] == 0.0
assert len(overlap.compute_overlap_3D.signatures) == 1
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
