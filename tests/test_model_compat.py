"""Models saved by older stacks still load and predict on the current one (TensorFlow/tf-keras, csbdeep 0.8,
stardist 0.9, numpy 2): the bundled demo models (made with TensorFlow 2.15, csbdeep 0.7, n2v 0.3.3) and a real
StarDist3D folder from VollSeg that holds only ``weights_last.h5``; and the n2v import shim."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from volltrack.segmentation.models import DEMO_MODELS, load_models
from volltrack.segmentation.n2v_package import N2V_INSTALL, N2VNotInstalled, n2v_models

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
_REAL = [ROOT.parent / "shared" / "data" / "real", ROOT.parent.parent / "shared" / "data" / "real"]


def _real_data() -> Path:
    for folder in _REAL:
        if (folder / "vollseg_model_carcinoma" / "weights_last.h5").is_file():
            return folder
    pytest.skip(f"the project's real data (shared/data/real) is not beside the checkout: looked in {_REAL}")


@pytest.fixture(scope="module")
def volume():
    from volltrack.synthetic import simulate_tissue

    return simulate_tissue(n_frames=1, shape=(16, 64, 64), n_cells=20, seed=4).raw[0]


def test_bundled_demo_models_load_and_predict(volume):
    from volltrack.segmentation import vollseg
    from volltrack.segmentation.networks import denoise

    models = load_models(DEMO_MODELS)
    assert models.stardist is not None and models.unet is not None and models.n2v is not None
    denoised = denoise(volume, models.n2v)
    assert denoised.shape == volume.shape and np.isfinite(denoised).all()
    assert denoised.std() < volume.std()              # a denoiser smooths the noise
    result = vollseg(volume, models)
    assert result.labels.shape == volume.shape and result.labels.max() > 0


def test_real_vollseg_stardist_folder_with_only_last_weights_loads(tmp_path, volume):
    source = _real_data() / "vollseg_model_carcinoma"
    shutil.copytree(source, tmp_path / "stardist")
    for path in (tmp_path / "stardist").iterdir():
        path.chmod(0o644)
    models = load_models(tmp_path, unet=False, n2v=False)
    model = models.stardist
    assert model.config.n_rays == 96 and model.config.backbone == "resnet"
    assert model.keras_model.count_params() > 100_000
    from volltrack.segmentation.networks import normalize_percentiles

    probability, distance = model.predict(normalize_percentiles(volume), axes="ZYX")
    assert probability.shape[0] == volume.shape[0] and distance.shape[-1] == 96
    assert np.isfinite(probability).all() and probability.max() > 0.05


def test_n2v_shim_gives_the_data_wrapper_numpy_product():
    models = n2v_models()
    import n2v.internals.N2V_DataWrapper as wrapper

    assert hasattr(models, "N2V") and hasattr(models, "N2VConfig")
    assert wrapper.np.product([2, 3, 4]) == 24
    assert wrapper.np.float32 is np.float32          # everything else is numpy's own
    assert n2v_models() is models                     # idempotent


def test_missing_n2v_is_a_clear_error_with_the_install_command(monkeypatch):
    for name in [name for name in sys.modules if name == "n2v" or name.startswith("n2v.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "n2v", None)
    with pytest.raises(N2VNotInstalled, match="pip install --no-deps 'n2v==0.3.3'"):
        n2v_models()
    assert "--no-deps" in N2V_INSTALL
