"""An inverted tissue mask (foreground on the image border, the cells outside it) is warned about in one line naming
the mask file (issue 14; rule in docs/safety.md)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import tifffile

from volltrack.cli import main
from volltrack.spots.tissue import inverted_mask_warning, mask_border_fraction


def _movie(tmp_path):
    """Two frames of 12 small cells in the middle of a 4x40x40 field, and a tissue mask around them."""
    labels = np.zeros((2, 4, 40, 40), np.uint16)
    for i in range(12):
        y, x = 12 + 4 * (i // 4), 12 + 4 * (i % 4)
        labels[:, 1:3, y:y + 2, x:x + 2] = i + 1
    tissue = np.zeros(labels.shape, np.uint8)
    tissue[:, :, 8:32, 8:32] = 1
    tifffile.imwrite(tmp_path / "labels.tif", labels, imagej=True, metadata={"axes": "TZYX"})
    tifffile.imwrite(tmp_path / "mask.tif", tissue, imagej=True, metadata={"axes": "TZYX"})
    tifffile.imwrite(tmp_path / "inverted.tif", (1 - tissue).astype(np.uint8), imagej=True,
                     metadata={"axes": "TZYX"})
    return tmp_path


def test_border_fraction():
    mask = np.zeros((1, 2, 10, 10), bool)
    assert mask_border_fraction(mask) == 0.0
    assert mask_border_fraction(~mask) == 1.0
    mask[..., 0, :] = True  # one of the four sides: 10 of 36 border voxels per slice
    assert abs(mask_border_fraction(mask) - 10 / 36) < 1e-12
    assert abs(mask_border_fraction(mask[0], has_time_axis=False) - 10 / 36) < 1e-12


def test_rule_needs_few_spots_inside_and_a_covered_border():
    border_mask = np.ones((1, 1, 10, 10), bool)
    outside = pd.DataFrame({"INSIDE_TISSUE": [0] * 20})
    assert "m.tif" in inverted_mask_warning(outside, border_mask, "m.tif")
    assert inverted_mask_warning(outside, ~border_mask, "m.tif") is None           # border not covered
    assert inverted_mask_warning(pd.DataFrame({"INSIDE_TISSUE": [1] * 3 + [0] * 17}), border_mask, "m") is None
    assert inverted_mask_warning(outside.head(5), border_mask, "m.tif") is None     # too few spots to judge


def test_spots_command_warns_about_the_inverted_mask_only(tmp_path, caplog):
    root = _movie(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert main(["spots", str(root / "labels.tif"), "--mask", str(root / "mask.tif"), "--out",
                     str(root / "good.csv"), "--no-progress"]) == 0
    assert not [r for r in caplog.records if "inverted" in r.getMessage()]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert main(["spots", str(root / "labels.tif"), "--mask", str(root / "inverted.tif"), "--out",
                     str(root / "bad.csv"), "--no-progress"]) == 0
    warnings = [r.getMessage() for r in caplog.records if "inverted" in r.getMessage()]
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert f"tissue mask {root / 'inverted.tif'}: only 0% of 24 spots are inside it while it covers 100%" in warnings[0]
