"""SEG (Cell Tracking Challenge): the Jaccard index of each ground-truth object with the result object covering
more than half of it, averaged over the ground-truth objects."""

from __future__ import annotations

import numpy as np
import pytest

from volltrack.metrics.tracking import seg_score


def _truth():
    gt = np.zeros((4, 20, 20), np.uint16)
    gt[:, 2:8, 2:8], gt[:, 10:18, 10:18], gt[:, 2:8, 12:18] = 1, 2, 3
    return gt


def test_a_result_without_background_still_matches_every_cell():
    gt = _truth()
    result = np.where(gt == 0, 7, gt + 10).astype(np.uint16)   # every voxel labelled; the background is label 7
    assert seg_score(gt, result) == (pytest.approx(3.0), 3)


def test_a_half_covered_cell_scores_zero_and_a_merge_keeps_the_larger_part():
    gt = _truth()
    result = gt.copy()
    result[:, 2:8, 2:5] = 0                   # cell 1 keeps exactly half of its voxels: no match (needs > 1/2)
    result[result == 3] = 2                   # cells 2 and 3 merged into one object
    total, count = seg_score(gt, result)
    merged = 8 * 8 + 6 * 6
    assert count == 3
    assert total == pytest.approx(64 / merged + 36 / merged)
