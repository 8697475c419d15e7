"""Segmentation metrics and ``volltrack evaluate-seg``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volltrack.cli import main
from volltrack.io import write_image
from volltrack.metrics.segmentation import compare_methods, mask_errors, matching_table


@pytest.fixture
def truth():
    labels = np.zeros((2, 8, 32, 32), np.uint16)
    labels[:, 1:7, 2:12, 2:12] = 1
    labels[:, 1:7, 2:12, 16:28] = 2
    labels[:, 1:7, 18:30, 4:20] = 3
    return labels


def test_perfect_prediction_scores_one_at_every_threshold(truth):
    table = matching_table(truth, truth)
    assert list(table.threshold) == pytest.approx([0.1 * k for k in range(1, 10)])
    assert (table.f1 == 1).all() and (table.panoptic_quality == 1).all() and (table.tp == 6).all()


def test_missing_and_shrunk_cells_lower_the_right_metrics(truth):
    prediction = truth.copy()
    prediction[prediction == 3] = 0                     # one cell missed in both frames
    prediction[:, 1:7, 2:12, 2:7] = 0                   # cell 1 halved: IoU 0.5
    table = matching_table(truth, prediction, thresholds=(0.3, 0.7)).set_index("threshold")
    assert table.loc[0.3, "tp"] == 4 and table.loc[0.3, "fn"] == 2 and table.loc[0.3, "fp"] == 0
    assert table.loc[0.7, "tp"] == 2 and table.loc[0.7, "fp"] == 2
    assert table.loc[0.3, "recall"] == pytest.approx(4 / 6)


def test_mask_errors(truth):
    assert mask_errors(truth, truth) == {"mse": 0.0, "ssim": pytest.approx(1.0)}
    errors = mask_errors(truth, np.zeros_like(truth))
    assert errors["mse"] == pytest.approx((truth > 0).mean())
    assert errors["ssim"] < 0.5


def test_bad_labels_are_rejected(truth):
    with pytest.raises(ValueError, match="shape"):
        matching_table(truth, truth[0])
    with pytest.raises(ValueError, match="integer labels"):
        matching_table(truth, truth + 0.5)
    with pytest.raises(ValueError, match="ZYX"):
        matching_table(truth[0, 0], truth[0, 0])


def test_both_empty_is_a_perfect_score(truth):
    empty = np.zeros_like(truth)
    table = matching_table(empty, empty)
    assert (table[["n_true", "n_pred", "tp", "fp", "fn"]] == 0).all().all()
    for column in ("precision", "recall", "f1", "accuracy", "mean_true_score", "mean_matched_score",
                   "panoptic_quality"):
        assert (table[column] == 1.0).all(), column


def test_predictions_on_an_empty_ground_truth_have_undefined_recall(truth):
    table = matching_table(np.zeros_like(truth), truth, thresholds=(0.5,)).iloc[0]
    assert table.n_true == 0 and table.n_pred == 6 and table.fp == 6
    assert table.precision == 0 and table.f1 == 0 and table.accuracy == 0
    assert np.isnan(table.recall) and np.isnan(table.mean_true_score)


def test_an_empty_prediction_has_undefined_precision_and_zero_recall(truth):
    table = matching_table(truth, np.zeros_like(truth), thresholds=(0.5,)).iloc[0]
    assert table.recall == 0 and table.f1 == 0 and np.isnan(table.precision)


def test_empty_frames_of_a_movie_are_pooled_with_the_others(truth):
    truth = truth.copy()
    truth[1] = 0                        # a frame without cells, correctly predicted as empty
    prediction = truth.copy()
    table = matching_table(truth, prediction, thresholds=(0.5,)).iloc[0]
    assert table.f1 == 1.0 and table.n_true == 3


def test_evaluate_seg_on_an_empty_ground_truth(tmp_path, truth, capsys):
    write_image(tmp_path / "gt.tif", np.zeros_like(truth), axes="TZYX")
    write_image(tmp_path / "none.tif", np.zeros_like(truth), axes="TZYX")
    write_image(tmp_path / "some.tif", truth, axes="TZYX")
    code = main(["evaluate-seg", "--gt", str(tmp_path / "gt.tif"), "--pred", str(tmp_path / "none.tif"),
                 "--pred", str(tmp_path / "some.tif"), "--out", str(tmp_path / "eval")])
    assert code == 0
    out = capsys.readouterr().out
    assert "none: F1 1.000 at IoU 0.5 (precision 1.000, recall 1.000; 0 true and 0 predicted cells)" in out
    assert "some: F1 0.000 at IoU 0.5 (precision 0.000, recall undefined; 0 true and 6 predicted cells)" in out
    table = pd.read_csv(tmp_path / "eval" / "segmentation_metrics.csv").set_index("method")
    assert (table.loc["none", "f1"] == 1.0).all() and table.loc["some", "recall"].isna().all()


def test_compare_methods_has_one_block_per_method(truth):
    matching, masks = compare_methods(truth, {"a": truth, "b": np.zeros_like(truth)}, thresholds=(0.5,))
    assert list(matching.method) == ["a", "b"] and list(masks.method) == ["a", "b"]
    assert matching.f1.tolist() == [1.0, 0.0]


def test_evaluate_seg_command_writes_tables_and_plots(tmp_path, truth, capsys):
    write_image(tmp_path / "gt.tif", truth, axes="TZYX")
    segment_out = tmp_path / "seg"
    for method, labels in {"VollSeg": truth, "StarDist": truth * (truth != 3), "UNet": (truth > 0)}.items():
        (segment_out / method).mkdir(parents=True)
        write_image(segment_out / method / "raw.tif", labels.astype(np.uint16), axes="TZYX")
    write_image(tmp_path / "other.tif", np.zeros_like(truth), axes="TZYX")
    out = tmp_path / "eval"
    code = main(["evaluate-seg", "--gt", str(tmp_path / "gt.tif"), "--pred", str(segment_out),
                 "--pred", f"empty={tmp_path / 'other.tif'}", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out / "segmentation_metrics.csv")
    assert set(table.method) == {"VollSeg", "StarDist", "UNet", "empty"}
    at_half = table[table.threshold == 0.5].set_index("method").f1
    assert at_half["VollSeg"] == 1.0 and at_half["VollSeg"] > at_half["StarDist"] > at_half["UNet"]
    assert {p.name for p in out.iterdir()} >= {"accuracy.png", "f1.png", "true_positive_rate.png",
                                                "mask_errors.png", "mask_metrics.csv"}
    assert "VollSeg: F1 1.000 at IoU 0.5" in capsys.readouterr().out


def test_evaluate_seg_refuses_mismatched_shapes(tmp_path, truth, capsys):
    write_image(tmp_path / "gt.tif", truth, axes="TZYX")
    write_image(tmp_path / "p.tif", truth[0], axes="ZYX")
    code = main(["evaluate-seg", "--gt", str(tmp_path / "gt.tif"), "--pred", str(tmp_path / "p.tif"),
                 "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1 and "shape" in err and str(tmp_path / "p.tif") in err and str(tmp_path / "gt.tif") in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("defect, expected", [("fractional", "integer labels"), ("negative", "negative labels"),
                                              ("nan", "integer labels")])
def test_evaluate_seg_names_the_file_of_bad_labels(tmp_path, truth, capsys, defect, expected):
    write_image(tmp_path / "gt.tif", truth, axes="TZYX")
    bad = truth.astype(np.float32)
    if defect == "fractional":
        bad = bad * 0.37                     # an intensity image given as labels
    elif defect == "negative":
        bad[0, 0, 0, 0] = -1
    else:
        bad[0, 0, 0, 0] = np.nan
    write_image(tmp_path / "p.tif", bad, axes="TZYX")
    code = main(["evaluate-seg", "--gt", str(tmp_path / "gt.tif"), "--pred", str(tmp_path / "p.tif"),
                 "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1
    assert str(tmp_path / "p.tif") in err and expected in err
    assert not (tmp_path / "o").exists()


def test_evaluate_seg_refuses_two_predictions_of_one_name(tmp_path, truth, capsys):
    write_image(tmp_path / "gt.tif", truth, axes="TZYX")
    for run in ("run1", "run2"):
        (tmp_path / run).mkdir()
        write_image(tmp_path / run / "labels.tif", truth, axes="TZYX")
    args = ["evaluate-seg", "--gt", str(tmp_path / "gt.tif"), "--out", str(tmp_path / "o")]
    code = main(args + ["--pred", str(tmp_path / "run1" / "labels.tif"), "--pred", str(tmp_path / "run2" / "labels.tif")])
    err = capsys.readouterr().err
    assert code == 1 and "'labels'" in err and "NAME=PATH" in err
    assert not (tmp_path / "o").exists()
    assert main(args + ["--pred", f"a={tmp_path / 'run1' / 'labels.tif'}", "--pred",
                        f"b={tmp_path / 'run2' / 'labels.tif'}"]) == 0
    assert list(pd.read_csv(tmp_path / "o" / "mask_metrics.csv").method) == ["a", "b"]


def test_evaluate_seg_ignores_a_leftover_temporary_file_in_a_segment_folder(tmp_path, truth):
    write_image(tmp_path / "gt.tif", truth, axes="TZYX")
    (tmp_path / "seg" / "VollSeg").mkdir(parents=True)
    write_image(tmp_path / "seg" / "VollSeg" / "raw.tif", truth, axes="TZYX")
    (tmp_path / "seg" / "VollSeg" / ".raw.tif.k2j4.tif").write_bytes(b"II*\x00")   # a killed atomic write
    assert main(["evaluate-seg", "--gt", str(tmp_path / "gt.tif"), "--pred", str(tmp_path / "seg"),
                 "--out", str(tmp_path / "o")]) == 0


def test_evaluate_seg_names_the_segment_folder_lacking_the_chosen_file(tmp_path, truth, capsys):
    write_image(tmp_path / "gt.tif", truth, axes="TZYX")
    for method, names in {"VollSeg": ("a", "b"), "StarDist": ("b",)}.items():
        (tmp_path / "seg" / method).mkdir(parents=True)
        for name in names:
            write_image(tmp_path / "seg" / method / f"{name}.tif", truth, axes="TZYX")
    args = ["evaluate-seg", "--gt", str(tmp_path / "gt.tif"), "--pred", str(tmp_path / "seg"), "--out",
            str(tmp_path / "o")]
    assert main(args) == 1
    assert "a.tif, b.tif" in capsys.readouterr().err and not (tmp_path / "o").exists()
    assert main(args + ["--name", "a"]) == 1
    err = capsys.readouterr().err
    assert str(tmp_path / "seg" / "StarDist") in err and "no label file named 'a'" in err
    assert main(args + ["--name", "b"]) == 0
