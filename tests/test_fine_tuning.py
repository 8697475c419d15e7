"""Fine-tuning from an existing model folder (--from), the time budget (--minutes) and HDF5 training input."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import tifffile

from segmentation_models import blob_cells, tiny_models_folder
from volltrack.cli import main
from volltrack.training.patches import load_training_data

SHAPE = (16, 48, 48)
VOXEL = (2.0, 0.5, 0.5)
RUN = ["--epochs", "1", "--steps", "2", "--batch", "2", "--patch", "8,32,32"]


def _volume(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Cells flattened 4x in Z, bright on a noisy background."""
    raw, labels = blob_cells(rng, SHAPE)
    return raw.astype(np.uint16), labels.astype(np.int64)


def _write_h5(path: Path, raw, labels, *, voxel=VOXEL, raw_name="raw", label_name="label") -> Path:
    with h5py.File(path, "w") as handle:
        handle.create_dataset(raw_name, data=raw).attrs["element_size_um"] = voxel
        handle.create_dataset(label_name, data=labels)
    return path


@pytest.fixture(scope="module")
def h5_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("h5") / "volumes"
    folder.mkdir()
    rng = np.random.default_rng(3)
    for i in range(2):
        _write_h5(folder / f"stack{i}.h5", *_volume(rng))
    return folder


@pytest.fixture(scope="module")
def h5_npz(h5_folder) -> Path:
    out = h5_folder.parent / "patches.npz"
    assert main(["train", "prepare", str(h5_folder), "--out", str(out), "--patch", "8,32,32",
                 "--patches-per-image", "4", "--validation", "0.25"]) == 0
    return out


def test_h5_folder_gives_the_same_patches_as_tiff_and_records_the_voxel_size(h5_folder, h5_npz, tmp_path):
    tiff = tmp_path / "tiff"
    (tiff / "Raw").mkdir(parents=True)
    (tiff / "RealMask").mkdir()
    for path in sorted(h5_folder.glob("*.h5")):
        with h5py.File(path) as handle:
            tifffile.imwrite(tiff / "Raw" / f"{path.stem}.tif", handle["raw"][()])
            tifffile.imwrite(tiff / "RealMask" / f"{path.stem}.tif", handle["label"][()].astype(np.uint16))
    out = tmp_path / "tiff.npz"
    assert main(["train", "prepare", str(tiff), "--out", str(out), "--patch", "8,32,32",
                 "--patches-per-image", "4", "--validation", "0.25"]) == 0
    from_h5, from_tiff = load_training_data(h5_npz), load_training_data(out)
    assert np.array_equal(from_h5.X, from_tiff.X) and np.array_equal(from_h5.Y, from_tiff.Y)
    assert from_h5.Y.max() > 0
    assert from_h5.parameters["voxel_size_um"] == list(VOXEL)
    assert "voxel_size_um" not in from_tiff.parameters


def test_single_h5_file_with_other_dataset_names(tmp_path, rng):
    path = _write_h5(tmp_path / "ovule.h5", *_volume(rng), raw_name="volumes/raw", label_name="volumes/cells")
    out = tmp_path / "one.npz"
    assert main(["train", "prepare", str(path), "--out", str(out), "--patch", "8,32,32", "--patches-per-image", "4",
                 "--raw-dataset", "volumes/raw", "--label-dataset", "volumes/cells"]) == 0
    data = load_training_data(out)
    assert len(data.X) + len(data.X_val) == 4 * 2 and data.Y.max() > 0


def test_h5_errors_name_the_file_and_the_datasets_present(tmp_path, rng, capsys):
    path = _write_h5(tmp_path / "a.h5", *_volume(rng))
    assert main(["train", "prepare", str(path), "--out", str(tmp_path / "x.npz"), "--raw-dataset", "nope"]) == 1
    err = capsys.readouterr().err
    assert "a.h5" in err and "'nope'" in err and "label, raw" in err and "Traceback" not in err
    (tmp_path / "bad.h5").write_text("not hdf5")
    assert main(["train", "prepare", str(tmp_path / "bad.h5"), "--out", str(tmp_path / "x.npz")]) == 1
    assert "bad.h5" in capsys.readouterr().err
    _write_h5(tmp_path / "v.h5", *_volume(rng), voxel=(0.0, 1.0, 1.0))
    assert main(["train", "prepare", str(tmp_path / "v.h5"), "--out", str(tmp_path / "x.npz")]) == 1
    assert "element_size_um" in capsys.readouterr().err
    assert not (tmp_path / "x.npz").exists()


def test_anisotropy_from_voxel_size():
    from volltrack.training.h5_volumes import anisotropy_from_voxel_size

    assert anisotropy_from_voxel_size((1.0, 0.25, 0.5)) == (4.0, 1.0, 2.0)
    with pytest.raises(ValueError):
        anisotropy_from_voxel_size((1.0, 0.0, 1.0))


@pytest.mark.slow
def test_new_stardist_takes_its_anisotropy_from_the_h5_voxel_size(h5_npz, tmp_path):
    model = tmp_path / "stardist"
    assert main(["train", "stardist", str(h5_npz), "--model", str(model), "--rays", "8", "--depth", "1",
                 "--filters", "4", "--grid", "1,2,2"] + RUN) == 0
    config = json.loads((model / "config.json").read_text())
    assert config["anisotropy"] == [4.0, 1.0, 1.0]


def _weights(path: Path) -> list[np.ndarray]:
    with h5py.File(path) as handle:
        arrays = []
        handle.visititems(lambda name, item: arrays.append(item[()]) if isinstance(item, h5py.Dataset) else None)
    return arrays


@pytest.mark.slow
def test_stardist_fine_tuning_starts_from_the_source_weights_and_keeps_its_architecture(h5_npz, tmp_path):
    from stardist.models import StarDist3D

    source = tiny_models_folder()
    source_weights = _weights(source / "stardist" / "weights_best.h5")
    model = tmp_path / "tuned"
    # --rays/--depth of a new model do not apply: the network is the source's (8 rays, depth 1)
    assert main(["train", "stardist", str(h5_npz), "--model", str(model), "--from", str(source),
                 "--lr", "0.001"] + RUN) == 0
    config = json.loads((model / "config.json").read_text())
    assert config["n_rays"] == 8 and config["unet_n_depth"] == 1 and config["train_patch_size"] == [8, 32, 32]
    assert json.loads((model / "thresholds.json").read_text()) == {"prob": 0.5, "nms": 0.4}
    run = json.loads((model / "training_runs.json").read_text())[-1]
    assert run["parameters"]["from"] == str(source / "stardist") and run["parameters"]["stopped_by_time_budget"] is False
    tuned = _weights(model / "weights_last.h5")
    assert len(tuned) == len(source_weights)
    assert any(not np.array_equal(a, b) for a, b in zip(tuned, source_weights))     # it trained
    # ... starting from the source, not from scratch: a one-epoch step keeps every tensor close to the source
    scale = max(float(np.abs(b).max()) for b in source_weights)
    assert max(float(np.abs(a - b).max()) for a, b in zip(tuned, source_weights)) < 0.2 * scale
    assert _weights(source / "stardist" / "weights_best.h5")[0].tolist() == source_weights[0].tolist()
    StarDist3D(None, name="tuned", basedir=str(tmp_path))      # loadable


@pytest.mark.slow
def test_foreign_stardist_folder_with_only_last_weights_and_remote_checkpoint_paths(h5_npz, tmp_path):
    """Like the VollSeg authors' model: weights_last.h5 only, checkpoints named with a Colab path, GPU on."""
    foreign = tmp_path / "foreign"
    shutil.copytree(tiny_models_folder() / "stardist", foreign)
    (foreign / "weights_best.h5").rename(foreign / "weights_last.h5")
    (foreign / "thresholds.json").unlink()
    config = json.loads((foreign / "config.json").read_text())
    config.update(train_checkpoint="/content/drive/My Drive/Models/x.h5", use_gpu=True)
    (foreign / "config.json").write_text(json.dumps(config))
    model = tmp_path / "tuned"
    assert main(["train", "stardist", str(h5_npz), "--model", str(model), "--from", str(foreign)] + RUN) == 0
    assert (model / "weights_best.h5").is_file() and (model / "weights_last.h5").is_file()
    assert not Path("/content/drive/My Drive/Models/x.h5").exists()
    assert json.loads((model / "config.json").read_text())["use_gpu"] is False


@pytest.mark.slow
def test_unet_fine_tuning_from_the_models_folder(h5_npz, tmp_path):
    source = tiny_models_folder()
    model = tmp_path / "unet"
    assert main(["train", "unet", str(h5_npz), "--model", str(model), "--from", str(source)] + RUN) == 0
    assert json.loads((model / "config.json").read_text())["unet_n_first"] == 4
    assert json.loads((model / "volltrack.json").read_text())["erosion"] == 0
    assert json.loads((model / "training_runs.json").read_text())[-1]["parameters"]["from"] == str(source / "unet")


def test_fine_tuning_refuses_bad_sources_before_training(h5_npz, tmp_path, capsys):
    source = tiny_models_folder()
    base = ["train", "stardist", str(h5_npz), "--model", str(tmp_path / "m")] + RUN
    assert main(base[:5] + ["--from", str(source / "unet")] + RUN) == 1
    assert "unet model, not a stardist model" in capsys.readouterr().err
    assert main(base + ["--from", str(tmp_path / "missing")]) == 1
    assert "missing" in capsys.readouterr().err
    assert main(base + ["--from", str(source), "--resume"]) == 1
    capsys.readouterr()
    # the source network halves Y/X twice (grid 2, depth 1): a patch of 30 cannot work
    assert main(["train", "stardist", str(h5_npz), "--model", str(tmp_path / "m"), "--from", str(source),
                 "--epochs", "1", "--steps", "1", "--patch", "8,30,32"]) == 1
    assert "multiple of 4" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


@pytest.mark.slow
def test_time_budget_stops_training_cleanly_with_weights_saved(h5_npz, tmp_path):
    model = tmp_path / "budget"
    start = time.monotonic()
    assert main(["train", "unet", str(h5_npz), "--model", str(model), "--from", str(tiny_models_folder()),
                 "--epochs", "10000", "--steps", "2", "--batch", "2", "--patch", "8,32,32", "--minutes", "0.25"]) == 0
    took = time.monotonic() - start
    assert took < 15 + 25      # the budget (15 s) plus TF start-up slack; 10000 epochs would take hours
    run = json.loads((model / "training_runs.json").read_text())[-1]
    assert run["parameters"]["stopped_by_time_budget"] is True
    assert (model / "weights_last.h5").is_file() and (model / "weights_best.h5").is_file()
    assert not (model / "weights_now.h5").exists()


def test_eta_is_capped_by_the_time_budget():
    from volltrack.training.progress import eta_seconds

    assert eta_seconds(epochs_done=2, epochs=10, elapsed=20.0) == pytest.approx(80.0)
    assert eta_seconds(epochs_done=2, epochs=10, elapsed=20.0, deadline_left=30.0) == pytest.approx(30.0)
    assert eta_seconds(epochs_done=2, epochs=10, elapsed=20.0, deadline_left=-5.0) == 0.0


class _FakeModel:
    stop_training = False


def test_time_budget_starts_no_epoch_that_cannot_train_a_batch_and_validate_in_time():
    import tensorflow.keras.callbacks  # noqa: F401  (imported before the clock starts)

    from volltrack.training.fine_tuning import time_budget_callback

    budget = time_budget_callback(time.monotonic() + 1.1, description="test")
    model = _FakeModel()
    budget.set_model(model)
    budget.on_train_begin()
    budget.on_train_batch_begin(0)
    time.sleep(0.4)
    budget.on_train_batch_end(0)          # at 0.4 s: one more batch (0.4 s) fits before 1.1 s
    assert not model.stop_training
    time.sleep(0.2)                       # validation
    budget.on_epoch_end(0)                # at 0.6 s: a batch + validation (0.6 s) would end after 1.1 s
    assert model.stop_training and budget.stopped_early
