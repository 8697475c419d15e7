"""The VollSeg pipeline with real (tiny, untrained) networks: loading, outputs, tiling, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from segmentation_models import tiny_models_folder
from volltrack.segmentation import load_models, vollseg
from volltrack.segmentation.pipeline import vollseg_in_blocks
from volltrack.segmentation.validation import validate_axes, validate_volume


@pytest.fixture(scope="session")
def models():
    return load_models(tiny_models_folder())


@pytest.fixture(scope="module")
def volume():
    from volltrack.synthetic import simulate_tissue

    return simulate_tissue(n_frames=1, shape=(8, 48, 48), n_cells=12, seed=2).raw[0]


def test_load_models_finds_all_three(models):
    assert models.stardist is not None and models.unet is not None and models.n2v is not None
    assert set(models.describe()) == {"stardist", "unet", "n2v"}


def test_load_models_loads_only_what_exists(tmp_path):
    import shutil

    shutil.copytree(tiny_models_folder() / "unet", tmp_path / "unet")
    partial = load_models(tmp_path)
    assert partial.unet is not None and partial.stardist is None and partial.n2v is None


def test_load_models_errors_name_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_models(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="holds no model"):
        load_models(tmp_path)


def test_vollseg_returns_every_output_at_full_resolution(models, volume):
    assert vollseg(volume, models).denoised is None          # denoising is opt-in
    result = vollseg(volume, models, denoise_first=True)
    for name in ("labels", "stardist_labels", "unet_labels", "markers"):
        array = getattr(result, name)
        assert array.shape == volume.shape and np.issubdtype(array.dtype, np.integer), name
    for name in ("probability", "distance", "unet_probability", "denoised"):
        array = getattr(result, name)
        assert array.shape == volume.shape and array.dtype == np.float32, name
    assert 0.0 <= result.probability.min() and result.probability.max() <= 1.0
    assert len(np.unique(result.probability)) > 10          # a float map, never cast to integers
    assert result.markers.max() == len(result.seeds.points)


def test_vollseg_with_network_tiles_runs(models, volume):
    result = vollseg(volume, models, n_tiles=(1, 2, 2), denoise_first=False)
    assert result.denoised is None and result.labels.shape == volume.shape


def test_vollseg_in_blocks_covers_the_volume(models, volume):
    result = vollseg_in_blocks(volume, models, block_shape=(8, 24, 24), halo=(0, 8, 8), denoise_first=False)
    assert result.labels.shape == volume.shape and result.probability.shape == volume.shape


@pytest.mark.parametrize("image, message", [
    (np.zeros((32, 32), np.float32), "3D volume"),
    (np.zeros((2, 4, 32, 32), np.float32), "TZYX"),
    (np.zeros((0, 32, 32), np.float32), "empty"),
    (np.full((4, 32, 32), np.nan, np.float32), "NaN"),
    (np.array([["a"]]), "numeric"),
])
def test_bad_input_is_rejected_before_any_network_runs(models, image, message):
    with pytest.raises((ValueError, TypeError), match=message):
        vollseg(image, models)


def test_validate_volume_accepts_a_blank_volume():
    assert validate_volume(np.zeros((2, 8, 8))).shape == (2, 8, 8)


def test_blank_volume_gives_no_cells(models, caplog):
    for value in (0.0, 117.0):
        result = vollseg(np.full((8, 32, 32), value, np.float32), models, denoise_first=False)
        assert result.labels.shape == (8, 32, 32) and result.labels.max() == 0
        assert result.stardist_labels.max() == 0 and result.unet_labels.max() == 0
    assert "blank" in caplog.text


def test_axes_must_name_z_y_x_once():
    assert validate_axes("tzyx") == "TZYX" and validate_axes("YXZ") == "YXZ"
    for bad in ("TYX", "ZZYX", "ZYXW"):
        with pytest.raises(ValueError, match="axes"):
            validate_axes(bad)
