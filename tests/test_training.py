"""Tests of volltrack.training and ``volltrack train``: datasets, errors, one-epoch training, thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tifffile
from segmentation_models import blob_cells

from volltrack.cli import main
from volltrack.training.augmentation import AugmentationSettings, geometric_transform
from volltrack.training.patches import load_training_data, prepare_training_data
from volltrack.training.thresholds import golden_section_max, optimize_vollseg_thresholds, write_thresholds

SHAPE = (16, 48, 48)
TINY = ["--depth", "2", "--filters", "4", "--epochs", "1", "--steps", "2", "--batch", "2"]


def _tiny_volume(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Anisotropic Voronoi cells cut to blobs; raw = bright cells on a noisy background."""
    raw, labels = blob_cells(rng, SHAPE)
    return raw.astype(np.float32), labels.astype(np.uint16)


def _write_folder(folder: Path, rng: np.random.Generator, n_images=3) -> Path:
    (folder / "Raw").mkdir(parents=True)
    (folder / "RealMask").mkdir()
    for i in range(n_images):
        raw, labels = _tiny_volume(rng)
        tifffile.imwrite(folder / "Raw" / f"stack{i}.tif", raw)
        tifffile.imwrite(folder / "RealMask" / f"stack{i}.tif", labels)
    return folder


@pytest.fixture(scope="session")
def tiny_folder(tmp_path_factory) -> Path:
    return _write_folder(tmp_path_factory.mktemp("train") / "data", np.random.default_rng(7))


@pytest.fixture(scope="session")
def tiny_npz(tiny_folder) -> Path:
    out = tiny_folder.parent / "patches.npz"
    assert main(["train", "prepare", str(tiny_folder), "--out", str(out), "--patch", "16,32,32",
                 "--patches-per-image", "4", "--copies", "1", "--validation", "0.25"]) == 0
    return out


def test_prepare_writes_patches_with_validation_split(tiny_npz):
    data = load_training_data(tiny_npz)
    assert data.X.shape[1:] == (16, 32, 32) and data.X.dtype == np.float32
    # 3 images x 4 patches = 12 groups; 3 validation groups; each group = patch + 1 augmented copy
    assert len(data.X) == 18 and len(data.X_val) == 6
    assert data.Y.max() > 0 and data.parameters["n_patches_per_image"] == 4
    # the raw patch is bright exactly where the labels are, also in augmented copies (alignment kept)
    for x, y in zip(data.X, data.Y):
        if 0 < (y > 0).mean() < 1:
            assert x[y > 0].mean() > x[y == 0].mean() + 0.3


def test_prepare_is_reproducible(tiny_folder, tmp_path):
    a = prepare_training_data(tiny_folder, tmp_path / "a.npz", patch_shape=(8, 16, 16), n_patches_per_image=2, seed=3)
    b = prepare_training_data(tiny_folder, tmp_path / "b.npz", patch_shape=(8, 16, 16), n_patches_per_image=2, seed=3)
    assert np.array_equal(load_training_data(a).X, load_training_data(b).X)
    assert not list(tmp_path.glob(".prepare-*")) and not list(tmp_path.glob(".tmp-*"))


def test_geometric_transform_keeps_raw_and_labels_aligned(rng):
    labels = rng.integers(0, 5, (4, 8, 8))
    raw = labels.astype(np.float32) * 10
    for _ in range(10):
        new_raw, new_labels = geometric_transform(raw, labels, rng=rng, settings=AugmentationSettings())
        assert np.array_equal(new_raw, new_labels * 10.0)


def test_prepare_rejects_unpaired_files(tmp_path, rng, capsys):
    folder = _write_folder(tmp_path / "d", rng, n_images=2)
    (folder / "RealMask" / "stack1.tif").rename(folder / "RealMask" / "other.tif")
    assert main(["train", "prepare", str(folder), "--out", str(tmp_path / "x.npz")]) == 1
    err = capsys.readouterr().err
    assert "unpaired" in err and "stack1" in err and "other" in err
    assert not (tmp_path / "x.npz").exists()


def test_prepare_rejects_mismatched_shapes(tmp_path, rng, capsys):
    folder = _write_folder(tmp_path / "d", rng, n_images=1)
    tifffile.imwrite(folder / "RealMask" / "stack0.tif", np.zeros((16, 48, 40), np.uint16))
    assert main(["train", "prepare", str(folder), "--out", str(tmp_path / "x.npz"), "--patch", "8,16,16"]) == 1
    assert "shape mismatch" in capsys.readouterr().err


def test_prepare_rejects_patch_larger_than_image(tiny_folder, tmp_path, capsys):
    assert main(["train", "prepare", str(tiny_folder), "--out", str(tmp_path / "x.npz")]) == 1  # 16x128x128
    err = capsys.readouterr().err
    assert "larger than the image" in err and "(16, 48, 48)" in err
    assert not (tmp_path / "x.npz").exists()


def test_missing_training_data_is_a_clear_error(tmp_path, capsys):
    assert main(["train", "unet", str(tmp_path / "none.npz"), "--model", str(tmp_path / "m")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_help_documents_paper_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["train", "stardist", "--help"])
    out = capsys.readouterr().out
    for text in ("--rays", "192", "--filters", "48", "0.0001", "16, 128, 128", "--resume", "--tensorboard",
                 "--dist-loss"):
        assert text in out


def test_golden_section_finds_maximum():
    x, value = golden_section_max(lambda p: -abs(p - 0.62), low=0.05, high=0.95, max_evaluations=15)
    assert abs(x - 0.62) < 0.02 and value > -0.02


def test_vollseg_threshold_search_and_json(tmp_path, rng):
    _, truth = _tiny_volume(rng)
    truth = truth.astype(np.int32)

    def segment(image, prob, nms):  # perfect only near prob 0.7 at nms 0.4, else cells are lost
        if nms == 0.4 and abs(prob - 0.7) < 0.1:
            return truth
        return np.where(truth % 2 == 0, truth, 0)

    result = optimize_vollseg_thresholds([truth], [truth], segment=segment, nms_threshs=(0.3, 0.4),
                                         max_evaluations=10)
    assert result.nms == 0.4 and abs(result.prob - 0.7) < 0.1 and result.score == pytest.approx(1.0)
    model_dir = tmp_path / "stardist"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{}")
    path = write_thresholds(model_dir, result, target="vollseg", iou_thresh=0.5, n_validation=1)
    saved = json.loads(path.read_text())
    assert saved["prob"] == pytest.approx(result.prob) and saved["nms"] == 0.4 and saved["target"] == "vollseg"


@pytest.fixture(scope="session")
def tiny_models(tiny_npz, tmp_path_factory) -> Path:
    """A models folder with stardist/ and unet/ trained for one epoch through the command line."""
    models = tmp_path_factory.mktemp("models")
    assert main(["train", "stardist", str(tiny_npz), "--model", str(models / "stardist"), "--rays", "16",
                 "--patch", "16,32,32", "--grid", "1,2,2"] + TINY) == 0
    assert main(["train", "unet", str(tiny_npz), "--model", str(models / "unet"), "--patch", "16,32,32"] + TINY) == 0
    return models


@pytest.mark.slow
def test_stardist_model_folder_reloads_and_resumes(tiny_models, tiny_npz):
    from stardist.models import StarDist3D

    model_dir = tiny_models / "stardist"
    for name in ("config.json", "weights_best.h5", "weights_last.h5", "training_runs.json"):
        assert (model_dir / name).is_file()
    model = StarDist3D(None, name="stardist", basedir=str(tiny_models))
    assert model.config.n_rays == 16 and model.config.unet_n_filter_base == 4 and tuple(model.config.grid) == (1, 2, 2)
    data = load_training_data(tiny_npz)
    labels, _ = model.predict_instances(data.X_val[0], show_tile_progress=False)
    assert labels.shape == data.X_val[0].shape
    args = ["train", "stardist", str(tiny_npz), "--model", str(model_dir), "--rays", "16", "--patch", "16,32,32"]
    assert main(args + TINY) == 1  # refuses to overwrite without --resume
    assert main(args + TINY + ["--resume"]) == 0
    assert len(json.loads((model_dir / "training_runs.json").read_text())) == 2


@pytest.mark.slow
def test_unet_model_folder_reloads_as_care(tiny_models, tiny_npz):
    from csbdeep.models import CARE

    model_dir = tiny_models / "unet"
    assert (model_dir / "weights_best.h5").is_file() and (model_dir / "weights_last.h5").is_file()
    model = CARE(None, name="unet", basedir=str(tiny_models))
    assert model.config.n_channel_out == 1 and model.config.unet_residual is False
    data = load_training_data(tiny_npz)
    probability = model.predict(data.X_val[0], axes="ZYX", normalizer=None)
    assert probability.shape == data.X_val[0].shape and np.isfinite(probability).all()


@pytest.mark.slow
def test_unet_on_cell_interiors_records_its_erosion(tiny_npz, tmp_path, capsys):
    model_dir = tmp_path / "unet"
    args = ["train", "unet", str(tiny_npz), "--model", str(model_dir), "--patch", "16,32,32"] + TINY
    assert main(args + ["--erosion", "1"]) == 0
    assert json.loads((model_dir / "volltrack.json").read_text()) == {"target": "cell interiors", "erosion": 1}
    assert json.loads((model_dir / "training_runs.json").read_text())[-1]["parameters"]["erosion"] == 1
    capsys.readouterr()
    assert main(args + ["--resume", "--erosion", "0"]) == 1     # resuming with another target is refused
    assert "trained with erosion 1" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("target", ["stardist", "vollseg"])
def test_thresholds_command_writes_thresholds_json(tiny_models, tiny_folder, target):
    # one epoch leaves StarDist's probability near 0.5 everywhere: high thresholds keep NMS (and the test) fast
    data = tiny_folder if target == "vollseg" else tiny_folder.parent / "patches.npz"
    options = ["--prob-range", "0.6,0.95", "--evaluations", "3"] if target == "vollseg" else []
    assert main(["train", "thresholds", str(data), "--models", str(tiny_models), "--target", target,
                 "--nms", "0.3", "--max-volumes", "1"] + options) == 0
    saved = json.loads((tiny_models / "stardist" / "thresholds.json").read_text())
    assert 0 < saved["prob"] < 1 and saved["nms"] == 0.3 and saved["target"] == target
    assert 0 <= saved["score"] <= 1


def test_thresholds_command_rejects_bad_prob_range(tiny_folder, tmp_path, capsys):
    (tmp_path / "stardist").mkdir()
    (tmp_path / "stardist" / "config.json").write_text("{}")
    assert main(["train", "thresholds", str(tiny_folder), "--models", str(tmp_path), "--prob-range", "0.9,0.2"]) == 1
    assert "--prob-range" in capsys.readouterr().err


@pytest.mark.slow
def test_vollseg_adapter_matches_pipeline(tiny_models, tiny_folder):
    """The cached threshold adapter gives the labels of volltrack.segmentation.vollseg itself."""
    pytest.importorskip("volltrack.segmentation")
    from volltrack.segmentation import load_models, vollseg
    from volltrack.segmentation.networks import normalize_percentiles
    from volltrack.training.vollseg_adapter import vollseg_segmenter

    raw = tifffile.imread(tiny_folder / "Raw" / "stack0.tif")
    models = load_models(tiny_models)
    probability, _ = models.stardist.predict(normalize_percentiles(raw), axes="ZYX")
    prob_thresh = float(np.quantile(probability, 0.995))  # a few dozen candidates from the untrained model
    expected = vollseg(raw, models, prob_thresh=prob_thresh, nms_thresh=0.3).labels
    assert expected.max() > 0
    assert np.array_equal(vollseg_segmenter(tiny_models)(raw, prob_thresh, 0.3), expected)
    for watershed_map in ("membrane", "unet"):        # every map the threshold search may choose
        expected = vollseg(raw, models, prob_thresh=prob_thresh, nms_thresh=0.3, watershed_map=watershed_map).labels
        segment = vollseg_segmenter(tiny_models, watershed_map=watershed_map)
        assert np.array_equal(segment(raw, prob_thresh, 0.3), expected), watershed_map
    exact = vollseg(raw, models, prob_thresh=prob_thresh, nms_thresh=0.3, nms="exact").labels
    assert np.array_equal(vollseg_segmenter(tiny_models, suppression="exact")(raw, prob_thresh, 0.3), exact)


@pytest.mark.slow
def test_thresholds_command_chooses_the_watershed_map_and_vollseg_uses_it(tiny_models, tiny_folder, tmp_path, capsys):
    import shutil

    from volltrack.segmentation import load_models

    models = tmp_path / "models"
    shutil.copytree(tiny_models, models)
    assert main(["train", "thresholds", str(tiny_folder), "--models", str(models), "--nms", "0.3", "--max-volumes",
                 "1", "--prob-range", "0.6,0.95", "--evaluations", "2", "--watershed-maps", "stardist,membrane"]) == 0
    saved = json.loads((models / "stardist" / "thresholds.json").read_text())
    assert set(saved["scores_by_watershed_map"]) == {"stardist", "membrane"} and saved["suppression"] == "fast"
    best = max(saved["scores_by_watershed_map"].values())
    assert saved["watershed_map"] in ("stardist", "membrane")
    assert saved["scores_by_watershed_map"][saved["watershed_map"]] == best == pytest.approx(saved["score"], abs=1e-4)
    assert load_models(models, n2v=False).watershed_map == saved["watershed_map"]
    assert "watershed map membrane" in capsys.readouterr().out
    shutil.rmtree(models / "unet")        # unet is dropped from the maps when there is no U-Net ...
    assert main(["train", "thresholds", str(tiny_folder), "--models", str(models), "--nms", "0.3", "--max-volumes",
                 "1", "--prob-range", "0.6,0.95", "--evaluations", "1", "--watershed-maps", "stardist,unet"]) == 0
    assert set(json.loads((models / "stardist" / "thresholds.json").read_text())["scores_by_watershed_map"]) == \
        {"stardist"}
    capsys.readouterr()                   # ... and refused when it is the only one asked for, as a bad name is
    for maps, message in (("unet", "needs a U-Net"), ("stardist,edges", "--watershed-maps")):
        assert main(["train", "thresholds", str(tiny_folder), "--models", str(models), "--watershed-maps", maps]) == 1
        assert message in capsys.readouterr().err


@pytest.mark.slow
def test_train_n2v_one_epoch_reload_and_denoised_copies(tiny_folder, tmp_path):
    from n2v.models import N2V

    model_dir = tmp_path / "n2v"
    assert main(["train", "n2v", str(tiny_folder), "--model", str(model_dir), "--patch", "16,32,32",
                 "--patches-per-image", "4"] + TINY) == 0
    runs = json.loads((model_dir / "training_runs.json").read_text())
    assert np.isfinite(runs[0]["final"]["loss"])
    model = N2V(None, name="n2v", basedir=str(tmp_path))
    raw = tifffile.imread(tiny_folder / "Raw" / "stack0.tif")
    assert model.predict(raw, axes="ZYX").shape == raw.shape
    out = tmp_path / "with_denoised.npz"
    assert main(["train", "prepare", str(tiny_folder), "--out", str(out), "--patch", "16,32,32",
                 "--patches-per-image", "2", "--copies", "0", "--denoise-model", str(model_dir)]) == 0
    data = load_training_data(out)
    assert len(data.X) + len(data.X_val) == 3 * 2 * 2  # raw and denoised source per image


@pytest.mark.slow
def test_bundled_demo_models_load():
    from volltrack.models.demo import DEMO_MODELS
    from volltrack.segmentation import load_models

    models = load_models(DEMO_MODELS)
    assert models.stardist is not None and models.unet is not None and models.n2v is not None
    thresholds = json.loads((DEMO_MODELS / "stardist" / "thresholds.json").read_text())
    assert models.stardist.thresholds.prob == pytest.approx(thresholds["prob"])
    size = sum(p.stat().st_size for p in DEMO_MODELS.rglob("*") if p.is_file())
    assert size <= 25 * 2**20


def test_failed_new_training_run_removes_what_it_wrote(tmp_path):
    from volltrack.training.model_folders import cleaned_up_on_failure

    fresh = tmp_path / "fresh"
    with pytest.raises(RuntimeError, match="out of memory"):
        with cleaned_up_on_failure(fresh, resume=False):
            (fresh / "logs").mkdir(parents=True)
            (fresh / "config.json").write_text("{}")
            raise RuntimeError("out of memory")
    assert not fresh.exists()

    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    with pytest.raises(KeyboardInterrupt):
        with cleaned_up_on_failure(kept, resume=False):
            (kept / "config.json").write_text("{}")
            raise KeyboardInterrupt
    assert sorted(p.name for p in kept.iterdir()) == ["notes.txt"]


def test_failed_training_run_with_weights_or_resumed_is_left_alone(tmp_path):
    from volltrack.training.model_folders import can_resume, cleaned_up_on_failure

    with pytest.raises(RuntimeError):
        with cleaned_up_on_failure(tmp_path / "a", resume=False):
            (tmp_path / "a").mkdir()
            (tmp_path / "a" / "config.json").write_text("{}")
            (tmp_path / "a" / "weights_best.h5").write_bytes(b"h5")
            raise RuntimeError("interrupted after an epoch")
    assert can_resume(tmp_path / "a")
    (tmp_path / "b").mkdir()
    with pytest.raises(RuntimeError):
        with cleaned_up_on_failure(tmp_path / "b", resume=True):
            (tmp_path / "b" / "config.json").write_text("{}")
            raise RuntimeError("failed")
    assert (tmp_path / "b" / "config.json").is_file()


@pytest.mark.slow
def test_stardist_training_that_fails_leaves_no_half_model(tiny_npz, tmp_path, monkeypatch):
    from stardist.models import StarDist3D

    from volltrack.training.parameters import TrainingParameters
    from volltrack.training.stardist_training import train_stardist

    def failing_train(self, *args, **kwargs):
        assert (Path(self.logdir) / "config.json").is_file()     # StarDist wrote its config already
        raise RuntimeError("simulated failure in the first epoch")

    monkeypatch.setattr(StarDist3D, "train", failing_train)
    params = TrainingParameters(n_rays=16, patch_shape=(16, 32, 32), grid=(1, 2, 2), epochs=1, steps_per_epoch=1,
                                depth=1, start_filters=4, batch_size=1)
    with pytest.raises(RuntimeError, match="simulated failure"):
        train_stardist(load_training_data(tiny_npz), tmp_path / "stardist", params=params)
    assert not (tmp_path / "stardist").exists()
