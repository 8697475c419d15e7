"""Models trained on resampled volumes (train prepare --scale): recorded with the models, applied by VollSeg."""

from __future__ import annotations

import json
import shutil

import h5py
import numpy as np
import pytest

from segmentation_models import blob_cells, tiny_models_folder
from volltrack.cli import main
from volltrack.segmentation.input_scale import (SCALE_FILE, check_scale, read_input_scale, resample_labels,
                                                resample_volume, scaled_shape)


def test_resampling_shapes_and_nearest_labels_round_trip():
    labels = np.zeros((8, 20, 20), np.int32)
    labels[:, :10], labels[:, 10:] = 1, 2
    shape = scaled_shape(labels.shape, (0.5, 0.5, 0.5))
    assert shape == (4, 10, 10)
    small = resample_labels(labels, shape)
    assert small.shape == shape and set(np.unique(small)) == {1, 2}
    assert np.array_equal(resample_labels(small, labels.shape), labels)     # halves on a grid of 2: exact
    raw = np.arange(8 * 20 * 20, dtype=np.float32).reshape(labels.shape)
    assert resample_volume(raw, (0.5, 0.5, 0.5)).shape == shape
    assert resample_volume(raw, (1, 1, 1)) is not None and resample_volume(raw, (1, 1, 1)).shape == raw.shape


def test_bad_scales_and_scale_files_name_what_is_expected(tmp_path):
    with pytest.raises(ValueError, match="three scale factors"):
        check_scale((0.5, 0.5))
    with pytest.raises(ValueError, match=r"in \(0, 4\]"):
        check_scale((0.5, 0, 0.5))
    assert read_input_scale(tmp_path) is None
    (tmp_path / SCALE_FILE).write_text("{}")
    with pytest.raises(ValueError, match=str(tmp_path / SCALE_FILE)):
        read_input_scale(tmp_path)


def _scaled_models(tmp_path, scale="0.5"):
    """Tiny models trained one epoch on patches prepared at ``scale``, plus the .h5 they came from."""
    rng = np.random.default_rng(4)
    raw, labels = blob_cells(rng, (16, 64, 64))
    path = tmp_path / "stack.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset("raw", data=raw.astype(np.uint16)).attrs["element_size_um"] = (1.0, 0.25, 0.25)
        handle["label"] = labels
    npz = tmp_path / "patches.npz"
    assert main(["train", "prepare", str(path), "--out", str(npz), "--patch", "8,32,32", "--patches-per-image",
                 "4", "--validation", "0.25", "--scale", scale]) == 0
    models = tmp_path / "models"
    models.mkdir()
    run = ["--epochs", "1", "--steps", "1", "--batch", "2", "--patch", "8,32,32", "--from", str(tiny_models_folder())]
    assert main(["train", "stardist", str(npz), "--model", str(models / "stardist"), *run]) == 0
    assert main(["train", "unet", str(npz), "--model", str(models / "unet"), *run]) == 0
    return path, npz, models, raw


@pytest.mark.slow
def test_prepare_scale_is_recorded_with_the_models_and_vollseg_segments_on_the_volume_grid(tmp_path):
    from volltrack.segmentation import load_models, vollseg

    path, npz, models, raw = _scaled_models(tmp_path)
    parameters = json.loads(str(np.load(npz)["parameters"]))
    assert parameters["input_scale"] == [0.5, 0.5, 0.5]
    assert parameters["voxel_size_um"] == [2.0, 0.5, 0.5]          # the resampled voxels
    for kind in ("stardist", "unet"):
        assert read_input_scale(models / kind) == (0.5, 0.5, 0.5)
    loaded = load_models(models, n2v=False)
    assert loaded.input_scale == (0.5, 0.5, 0.5)
    result = vollseg(raw, loaded, prob_thresh=0.01)
    for name in ("labels", "stardist_labels", "unet_labels", "probability", "unet_probability", "markers"):
        assert getattr(result, name).shape == raw.shape, name
    # threshold search segments through the same resampling
    assert main(["train", "thresholds", str(path), "--models", str(models), "--evaluations", "1",
                 "--nms", "0.3"]) == 0
    # the StarDist and U-Net models must agree on the scale
    shutil.copy(models / "unet" / SCALE_FILE, tmp_path / "kept.json")
    (models / "unet" / SCALE_FILE).write_text(json.dumps({"input_scale": [1, 0.5, 0.5]}))
    with pytest.raises(ValueError, match="different input scales"):
        load_models(models, n2v=False)


@pytest.mark.slow
def test_fine_tuning_on_unscaled_patches_drops_the_source_scale(tmp_path):
    _, _, models, _ = _scaled_models(tmp_path, scale="1")
    assert read_input_scale(models / "stardist") is None and read_input_scale(models / "unet") is None
    scaled = tmp_path / "scaled"
    shutil.copytree(models, scaled)
    (scaled / "stardist" / SCALE_FILE).write_text(json.dumps({"input_scale": [0.5, 0.5, 0.5]}))
    npz = tmp_path / "patches.npz"
    run = ["--epochs", "1", "--steps", "1", "--batch", "2", "--patch", "8,32,32", "--from", str(scaled)]
    assert main(["train", "stardist", str(npz), "--model", str(tmp_path / "again"), *run]) == 0
    assert read_input_scale(tmp_path / "again") is None


def test_prepare_refuses_a_scale_that_leaves_the_volume_smaller_than_the_patch(tmp_path, capsys):
    raw, labels = blob_cells(np.random.default_rng(1), (16, 48, 48))
    path = tmp_path / "stack.h5"
    with h5py.File(path, "w") as handle:
        handle["raw"], handle["label"] = raw, labels
    assert main(["train", "prepare", str(path), "--out", str(tmp_path / "p.npz"), "--patch", "8,32,32",
                 "--scale", "0.5"]) == 1
    assert "smaller than the patch" in capsys.readouterr().err
