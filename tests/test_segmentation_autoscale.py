"""Automatic input scale (issue 17): the cell-size estimator, the factors, labels back on the volume's grid, the
StarDist reach, ``--scale`` and its record in segment.json."""

from __future__ import annotations

import json

import numpy as np
import pytest

from volltrack.segmentation.cell_size import CellSize, auto_factors, estimate_cell_size
from volltrack.segmentation.input_scale import (parse_scale, points_to_shape, read_cell_size, resample_labels,
                                                resample_volume, resolve_scale)
from volltrack.segmentation.models import Models
from volltrack.segmentation.pipeline import segment_from_predictions, stardist_reach


@pytest.fixture(scope="module")
def tissue():
    """One frame of the package simulator (22x128x128, cells of about 5x24x24 voxels) and its labels."""
    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=1, shape=(22, 128, 128), n_cells=60, seed=5)
    return np.asarray(movie.raw[0], np.float32), np.asarray(movie.labels[0])


def test_estimator_follows_known_scale_factors(tissue):
    raw, _ = tissue
    base = estimate_cell_size(raw)
    assert all(s is not None for s in base.size)
    assert 3 <= base.size[0] <= 9 and 14 <= base.size[1] <= 30 and 14 <= base.size[2] <= 30
    for factors in ((2.0, 1.0, 1.0), (1.0, 0.5, 0.5), (2.0, 1.5, 0.6)):
        scaled = estimate_cell_size(resample_volume(raw, factors))
        ratios = np.asarray(scaled.size) / np.asarray(base.size)
        assert np.allclose(ratios, factors, rtol=0.2), (factors, ratios)


def test_estimator_on_blank_and_thin_volumes():
    blank = estimate_cell_size(np.zeros((8, 40, 40), np.float32))
    assert blank.size == (None, None, None) and blank.chords == (0, 0, 0)
    with pytest.raises(ValueError, match="ZYX"):
        estimate_cell_size(np.zeros((40, 40), np.float32))


def test_auto_factors_tolerance_fallback_and_bounds():
    reference = (6.0, 20.0, 20.0)
    assert auto_factors(CellSize((5.5, 21.0, 19.0), (99, 99, 99)), reference) == (1.0, 1.0, 1.0)
    # one axis off by more than the tolerance: every axis takes its own factor
    assert auto_factors(CellSize((12.0, 21.0, 19.0), (99, 99, 99)), reference) == (0.5, 0.952, 1.053)
    # an axis without chords takes the others' (geometric) mean
    assert auto_factors(CellSize((None, 10.0, 10.0), (0, 99, 99)), reference) == (2.0, 2.0, 2.0)
    assert auto_factors(CellSize((None, None, None), (0, 0, 0)), reference, fallback=(0.5, 1, 1)) == (0.5, 1.0, 1.0)
    assert auto_factors(CellSize((600.0, 1.0, 20.0), (99, 99, 99)), reference) == (0.2, 4.0, 1.0)


def test_scale_text_and_resolution(tissue):
    raw, _ = tissue
    assert parse_scale("auto") == "auto" and parse_scale(None) is None
    assert parse_scale("0.5,1,2") == (0.5, 1.0, 2.0)
    for bad in ("0.5,1", "a,b,c", "0,1,1", "1,1,9", ""):
        with pytest.raises(ValueError, match="--scale"):
            parse_scale(bad)
    models = Models(input_scale=(0.5, 1.0, 1.0), cell_size=(2.8, 24.0, 24.0))
    assert resolve_scale(raw, models, None) == ((0.5, 1.0, 1.0), {"source": "models", "factors": [0.5, 1.0, 1.0]})
    factors, record = resolve_scale(raw, models, "auto")
    assert record["source"] == "auto" and record["models_cell_size"] == [2.8, 24.0, 24.0]
    assert factors is not None and 0.3 < factors[0] < 0.8          # the models learnt cells half as deep
    assert record["estimated_cell_size"][0] > 3
    no_size = Models(input_scale=(0.5, 1.0, 1.0))
    factors, record = resolve_scale(raw, no_size, "auto")
    assert factors == (0.5, 1.0, 1.0) and record["source"] == "models" and "cell size" in record["auto"]


def test_bundled_models_record_their_training_cell_size():
    from volltrack.segmentation.models import DEMO_MODELS

    for kind in ("stardist", "unet"):
        size = read_cell_size(DEMO_MODELS / kind)
        assert size is not None and 4 < size[0] < 8 and 15 < size[1] < 25 and 15 < size[2] < 25


def test_bad_cell_size_record_is_refused(tmp_path):
    (tmp_path / "input_scale.json").write_text(json.dumps({"input_scale": [1, 1, 1], "cell_size": [5, -1]}))
    with pytest.raises(ValueError, match="cell_size"):
        read_cell_size(tmp_path)


def test_labels_and_points_round_trip_to_the_volume_grid(tissue):
    _, labels = tissue
    factors = (0.5, 1.5, 1.5)
    small = resample_labels(labels, [max(1, round(n * f)) for n, f in zip(labels.shape, factors)])
    back = resample_labels(small, labels.shape)
    assert back.shape == labels.shape
    from stardist.matching import matching

    assert matching(labels, back, thresh=0.5).f1 > 0.95
    points = np.array([[0.0, 0.0, 0.0], [10.0, 20.0, 30.0]])
    moved = points_to_shape(points, (11, 192, 192), labels.shape)
    assert np.allclose(points_to_shape(moved, labels.shape, (11, 192, 192)), points)


def _three_cells_in_a_row():
    """True labels 1, 2, 3 in a row along X; StarDist found the outer two (polyhedra short of the membranes); the
    probability falls from left to right across the missed middle cell; the U-Net sees tissue everywhere."""
    truth = np.zeros((4, 10, 35), np.int32)
    truth[:, :, :10], truth[:, :, 10:25], truth[:, :, 25:] = 1, 2, 3
    stardist = np.zeros_like(truth)
    stardist[:, 1:9, 1:9] = 1
    stardist[:, 1:9, 26:34] = 3
    probability = np.where(stardist > 0, 0.9, 0.3).astype(np.float32)
    probability[:, :, 10:25] = np.linspace(0.6, 0.3, 15, dtype=np.float32)
    tissue = np.full(truth.shape, 0.9, np.float32)
    return truth, stardist, probability, tissue


def test_reach_stops_seeds_flooding_cells_stardist_missed():
    """Three cells in a row; StarDist found the outer two. Flooding the whole mask, the left one takes the middle
    cell (the probability falls from left to right there); with the reach each stays near its polyhedron."""
    truth, stardist, probability, tissue = _three_cells_in_a_row()
    options = dict(unet_threshold=0.5, min_size=1, min_size_mask=1)
    flooded = segment_from_predictions(stardist, probability, tissue, **options)
    assert (flooded.labels[:, :, 10:25] > 0).all()                # the middle cell is taken by neighbours
    reached = segment_from_predictions(stardist, probability, tissue, reach=stardist_reach(stardist, (0, 1, 1)),
                                       **options)
    assert (reached.labels[:, :, 11:24] == 0).all()
    from stardist.matching import matching

    assert matching(truth, reached.labels, thresh=0.5).tp == 2
    assert matching(truth, reached.labels, thresh=0.5).mean_true_score > matching(truth, flooded.labels,
                                                                                 thresh=0.5).mean_true_score


def _two_large_cells():
    """Two cells of 20 voxels side by side (membrane at x = 19-20, low probability there); StarDist's polyhedra
    are 12 voxels wide, stopping 4 short of each membrane."""
    truth = np.zeros((4, 20, 40), np.int32)
    truth[:, :, :20], truth[:, :, 20:] = 1, 2
    stardist = np.zeros_like(truth)
    stardist[:, 4:16, 4:16] = 1
    stardist[:, 4:16, 24:36] = 2
    probability = np.where(stardist > 0, 0.9, 0.6).astype(np.float32)
    probability[:, :, 19:21] = 0.2
    return truth, stardist, probability


def test_relative_reach_fills_a_large_cell_to_its_membranes():
    """An absolute margin of 1 voxel leaves most of a large cell whose polyhedron stops short of its membranes
    unlabelled; its polyhedron scaled by 1.8 about its centre reaches them, and the watershed still splits there."""
    from stardist.matching import matching

    truth, stardist, probability = _two_large_cells()
    tissue = np.full(truth.shape, 0.9, np.float32)
    options = dict(unet_threshold=0.5, min_size=1, min_size_mask=1)
    absolute = segment_from_predictions(stardist, probability, tissue, reach=stardist_reach(stardist, (0, 1, 1)),
                                        **options).labels
    relative = segment_from_predictions(stardist, probability, tissue, reach=stardist_reach(stardist, "x1.8"),
                                        **options).labels
    assert (absolute[truth == 1] > 0).mean() < 0.6
    assert (relative > 0).all() and set(np.unique(relative).tolist()) == {1, 2}
    for cell in (1, 2):
        assert len(np.unique(relative[truth == cell])) == 1
    assert matching(truth, relative, thresh=0.5).mean_true_score > 0.95
    assert matching(truth, absolute, thresh=0.5).mean_true_score < 0.6
    reach = stardist_reach(stardist, "x1,1.8,1.8")                        # Z factor 1: the slices stay as they are
    assert (reach == stardist_reach(stardist, "x1.8")).all()
    assert (stardist_reach(stardist, "x1") == (stardist > 0)).all()


def test_relative_reach_stops_at_the_neighbouring_unseeded_cell():
    """As above with three cells in a row and the middle one missed by StarDist: scaled by 1.3 the outer polyhedra
    reach their membranes, not into the middle cell."""
    truth, stardist, probability, tissue = _three_cells_in_a_row()
    labels = segment_from_predictions(stardist, probability, tissue, reach=stardist_reach(stardist, "x1.3"),
                                      unet_threshold=0.5, min_size=1, min_size_mask=1).labels
    assert (labels[:, :, 10:25] == 0).all()
    assert (labels[:, :, :10] == labels[0, 5, 5]).all() and labels[0, 5, 5] > 0


def test_stardist_margin_forms_and_errors():
    from volltrack.pipeline.config import SegmentationConfig
    from volltrack.segmentation.parameters import vollseg_options
    from volltrack.segmentation.pipeline import parse_margin

    assert parse_margin("x1.3") == ("x", (1.3, 1.3, 1.3))
    assert parse_margin("x1,1.2,1.2") == ("x", (1.0, 1.2, 1.2))
    assert parse_margin("0,1,1") == parse_margin([0, 1, 1]) == (0, 1, 1)
    assert parse_margin(None) is None
    assert SegmentationConfig(stardist_margin="x1.35").vollseg_options()["stardist_margin"] == "x1.35"
    assert vollseg_options({"stardist_margin": [0, 2, 2]})["stardist_margin"] == (0, 2, 2)
    for bad in ("x0.9", "x1,2", "x5", "xx", "1,2", "0,1.5,1", "-1,0,0", [1, 2]):
        with pytest.raises(ValueError, match="stardist_margin.*x1.3") as caught:
            vollseg_options({"stardist_margin": bad})
        assert "\n" not in str(caught.value)


def test_vollseg_scale_returns_labels_on_the_volume_grid(tissue):
    from segmentation_models import tiny_models_folder

    from volltrack.segmentation import load_models, vollseg

    raw, _ = tissue
    models = load_models(tiny_models_folder(), n2v=False)
    result = vollseg(raw, models, scale=(0.5, 1.5, 1.5), prob_thresh=0.3)
    assert result.labels.shape == raw.shape and result.probability.shape == raw.shape
    assert result.scale == {"source": "given", "factors": [0.5, 1.5, 1.5]}
    auto = vollseg(raw, models, scale="auto", prob_thresh=0.3)      # tiny models record no cell size
    assert auto.scale["source"] == "models" and auto.labels.shape == raw.shape


def test_segment_command_scale_option_and_record(tmp_path, tissue, capsys):
    import shutil

    import tifffile
    from segmentation_models import tiny_models_folder

    from volltrack.cli import main

    raw, _ = tissue
    tifffile.imwrite(tmp_path / "vol.tif", raw)
    models = tmp_path / "models"
    shutil.copytree(tiny_models_folder(), models)
    for kind in ("stardist", "unet"):
        (models / kind / "input_scale.json").write_text(json.dumps({"input_scale": [1, 1, 1],
                                                                     "cell_size": [2.8, 24.0, 24.0]}))
    assert main([*"segment".split(), str(tmp_path / "vol.tif"), "--out", str(tmp_path / "seg"), "--models",
                 str(models), "--scale", "auto", "--prob-thresh", "0.3"]) == 0
    record = json.loads((tmp_path / "seg" / "segment.json").read_text())
    assert record["parameters"]["scale"] == "auto"
    scaled = record["input_scale"][str(tmp_path / "vol.tif")]
    assert scaled["source"] == "auto" and scaled["models_cell_size"] == [2.8, 24.0, 24.0]
    assert scaled["factors"][0] < 0.8 and len(scaled["estimated_cell_size"]) == 3
    assert tifffile.imread(tmp_path / "seg" / "VollSeg" / "vol.tif").shape == raw.shape
    capsys.readouterr()
    code = main(["segment", str(tmp_path / "vol.tif"), "--out", str(tmp_path / "bad"), "--models", str(models),
                 "--scale", "0.5,1"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "\n" not in err and "--scale" in err and "Z,Y,X" in err
    assert not (tmp_path / "bad").exists()
    code = main(["segment", str(tmp_path / "vol.tif"), "--out", str(tmp_path / "bad"), "--models", str(models),
                 "--stardist-margin", "1,-2,2"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "\n" not in err and "--stardist-margin" in err
    assert not (tmp_path / "bad").exists()
    for bad in ("x0.5", "x1.3,2", "xbig"):
        code = main(["segment", str(tmp_path / "vol.tif"), "--out", str(tmp_path / "bad"), "--models", str(models),
                     "--stardist-margin", bad])
        err = capsys.readouterr().err.strip()
        assert code == 1 and "\n" not in err and "--stardist-margin" in err and "x1.3" in err
        assert not (tmp_path / "bad").exists()


def test_run_yaml_segmentation_scale():
    from volltrack.pipeline.config import SegmentationConfig

    assert SegmentationConfig().vollseg_options()["scale"] == "auto"
    assert SegmentationConfig(scale=[0.5, 1, 1]).vollseg_options()["scale"] == (0.5, 1.0, 1.0)
    kept = SegmentationConfig(scale=None, stardist_margin=None).vollseg_options()
    assert kept["scale"] is None and kept["stardist_margin"] is None      # null: the models' scale, whole mask
    with pytest.raises(ValueError, match="scale"):
        SegmentationConfig(scale="big")


def test_train_prepare_measures_the_cell_size_the_models_record(tmp_path, tissue):
    import tifffile

    from volltrack.cli import main
    from volltrack.training.model_folders import record_input_scale

    raw, labels = tissue
    for sub, data in (("Raw", raw), ("RealMask", labels.astype(np.uint16))):
        (tmp_path / "data" / sub).mkdir(parents=True)
        tifffile.imwrite(tmp_path / "data" / sub / "v.tif", data)
    sizes = {}
    for scale in ("1,1,1", "1,0.6,0.6"):
        npz = tmp_path / f"p{scale}.npz"
        assert main(["train", "prepare", str(tmp_path / "data"), "--out", str(npz), "--patch", "8,32,32",
                     "--patches-per-image", "4", "--validation", "0.25", "--scale", scale]) == 0
        parameters = json.loads(str(np.load(npz)["parameters"]))
        sizes[scale] = parameters["cell_size"]
        model = tmp_path / f"model{scale}"
        model.mkdir()
        record_input_scale(model, parameters)
        assert read_cell_size(model) == tuple(parameters["cell_size"])
    assert np.allclose(sizes["1,1,1"], estimate_cell_size(raw).size, rtol=1e-3)
    assert sizes["1,0.6,0.6"][1] == pytest.approx(sizes["1,1,1"][1] * 0.6, rel=0.2)   # measured after resampling
    assert sizes["1,0.6,0.6"][0] == pytest.approx(sizes["1,1,1"][0], rel=0.2)


def test_estimator_sees_dim_membranes_under_bright_outliers(tissue, monkeypatch):
    """Bright outliers squeeze the membranes into a few % of the normalised range: along Z the fixed prominence
    finds too few chords, and the contrast-relative one (the fallback) still gives a size."""
    from volltrack.segmentation import cell_size

    raw, _ = tissue
    dim = raw.copy()
    rng = np.random.default_rng(0)
    dim[tuple(rng.integers(0, n, 1500) for n in dim.shape)] = 100 * float(raw.max())
    measured = estimate_cell_size(dim)
    assert all(s is not None for s in measured.size)
    assert 3 <= measured.size[0] <= 9 and 14 <= measured.size[1] <= 35     # biased up by the outliers' peaks
    monkeypatch.setattr(cell_size, "CONTRAST_SHARE", 100.0)             # no fallback
    assert estimate_cell_size(dim).size[0] is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compiled_chords_equal_scipy_find_peaks_line_by_line(seed):
    """The compiled peak search gives the chords of scipy's find_peaks (prominence, distance 2) on every line:
    noisy lines, flat tops and flat runs (ties), peaks at the ends, short lines."""
    from volltrack.segmentation.cell_size import _line_chords, _reference_line_chords

    rng = np.random.default_rng(seed)
    lines = np.sin(np.arange(64) / rng.uniform(1.5, 4.0, (300, 1))) + rng.normal(0, 0.3, (300, 64))
    lines = np.round(lines, 1).astype(np.float32)        # rounding makes plateaus and equal neighbours
    lines[:20, 10:16] = 2.0                             # flat tops
    for prominence, max_chord in ((0.1, 48.0), (0.5, 10.0), (1.5, 64.0)):
        ours, theirs = _line_chords(lines, prominence, max_chord), _reference_line_chords(lines, prominence, max_chord)
        assert ours.size == theirs.size and (ours.size > 100 or prominence > 1)
        np.testing.assert_array_equal(ours, theirs)
    assert _line_chords(lines[:, :2], 0.1, 48.0).size == 0
    assert _line_chords(lines[:0], 0.1, 48.0).size == 0
