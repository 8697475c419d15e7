"""Labels one Z slice thick inside other cells (an annotation artefact): found, reported and merged."""

from __future__ import annotations

import json
import logging

import h5py
import numpy as np

from volltrack.cli import main
from volltrack.training.label_checks import describe_one_slice_labels, merge_one_slice_labels, one_slice_labels


def _two_cells_with_a_sheet() -> np.ndarray:
    """Two cells side by side in X, 10 slices deep; slice 4 carries one extra label per cell."""
    labels = np.zeros((10, 12, 24), np.int32)
    labels[:, :, :12], labels[:, :, 12:] = 1, 2
    labels[4, :, :12], labels[4, :, 12:] = 3, 4
    return labels


def test_one_slice_labels_inside_cells_are_found_and_merged_into_the_cell_above():
    labels = _two_cells_with_a_sheet()
    assert one_slice_labels(labels) == {3: 4, 4: 4}
    repaired, merged = merge_one_slice_labels(labels)
    assert merged == {3: 4, 4: 4}
    assert set(np.unique(repaired)) == {1, 2}
    assert np.all(repaired[:, :, :12] == 1) and np.all(repaired[:, :, 12:] == 2)
    assert labels[4, 0, 0] == 3                                 # the input is not changed
    assert describe_one_slice_labels(merged) == "2 on z=4"


def test_thick_cells_and_one_slice_cells_on_background_are_kept():
    labels = np.zeros((6, 10, 10), np.int32)
    labels[1:5, :5, :5] = 1                                       # a 4-slice cell
    labels[0, 6:, 6:] = 2                                         # one slice thick, but nothing above or below
    labels[5, :3, :3] = 3                                         # one slice on the cell's edge: partly on cell 1
    labels[4, :3, 7:] = 4                                         # one slice, background above and below
    assert one_slice_labels(labels) == {3: 5}
    repaired, merged = merge_one_slice_labels(labels)
    assert merged == {3: 5} and np.all(repaired[5, :3, :3] == 1)
    assert np.array_equal(repaired[repaired != 1], labels[(labels != 1) & (labels != 3)])


def test_prepare_reports_the_artefact_and_merges_it_on_request(tmp_path, caplog):
    rng = np.random.default_rng(0)
    labels = _two_cells_with_a_sheet()
    raw = (rng.normal(100, 5, labels.shape) + 50 * (labels > 0)).astype(np.uint16)
    raw[:, :, 11:13] += 80                                        # the membrane between the cells
    path = tmp_path / "stack.h5"
    with h5py.File(path, "w") as handle:
        handle["raw"], handle["label"] = raw, labels
    args = ["train", "prepare", str(path), "--patch", "8,8,8", "--patches-per-image", "4", "--validation", "0.25",
            "--copies", "0"]
    with caplog.at_level(logging.WARNING):
        assert main([*args, "--out", str(tmp_path / "plain.npz")]) == 0
    assert "2 labels are one Z slice thick" in caplog.text and "--merge-one-slice-labels" in caplog.text
    assert main([*args, "--out", str(tmp_path / "merged.npz"), "--merge-one-slice-labels"]) == 0
    plain, merged = np.load(tmp_path / "plain.npz"), np.load(tmp_path / "merged.npz")
    assert set(np.unique(merged["Y"])) <= {1, 2} and {3, 4} & set(np.unique(plain["Y"]))
    assert json.loads(str(merged["parameters"]))["merged_one_slice_labels"] == {"stack": 2}
