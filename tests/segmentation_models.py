"""Tiny untrained StarDist3D, CARE U-Net and N2V models, built once per test session (a few seconds), and tiny
training volumes.

Their predictions are meaningless, but they exercise model loading and the whole VollSeg pipeline; the logic
of the seed pool, watershed and tiling is tested on synthetic maps instead.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi


@functools.lru_cache(maxsize=1)
def tiny_models_folder() -> Path:
    """Return a folder with stardist/, unet/ and n2v/ tiny untrained models."""
    import tensorflow as tf
    from csbdeep.models import CARE, Config
    from n2v.models import N2V, N2VConfig
    from stardist.models import Config3D, StarDist3D

    tf.random.set_seed(0)
    folder = Path(tempfile.mkdtemp(prefix="volltrack-tiny-models-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    star_config = Config3D(n_rays=8, grid=(1, 2, 2), unet_n_depth=1, unet_n_filter_base=4, n_channel_in=1,
                           train_patch_size=(8, 32, 32), backbone="unet", anisotropy=(4.0, 1.0, 1.0))
    star = StarDist3D(star_config, name="stardist", basedir=str(folder))
    star.keras_model.save_weights(str(folder / "stardist" / "weights_best.h5"))
    (folder / "stardist" / "thresholds.json").write_text(json.dumps({"prob": 0.5, "nms": 0.4}))
    care = CARE(Config("ZYX", n_channel_in=1, n_channel_out=1, unet_n_depth=1, unet_n_first=4),
               name="unet", basedir=str(folder))
    care.keras_model.save_weights(str(folder / "unet" / "weights_best.h5"))
    example = np.random.default_rng(0).normal(size=(1, 8, 32, 32, 1)).astype(np.float32)
    n2v = N2V(N2VConfig(example, unet_n_depth=1, unet_n_first=4, n2v_patch_shape=(8, 32, 32)),
              name="n2v", basedir=str(folder))
    n2v.keras_model.save_weights(str(folder / "n2v" / "weights_best.h5"))
    return folder


def blob_cells(rng: np.random.Generator, shape=(16, 48, 48), n_cells: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Anisotropic Voronoi cells (flattened 4x in Z) cut to blobs; raw = bright cells on a noisy background.

    Returns raw (float64) and labels (int32), both of ``shape``.
    """
    markers = np.zeros(shape, np.int32)
    for label in range(1, n_cells + 1):
        markers[tuple(rng.integers(0, s) for s in shape)] = label
    distance, index = ndi.distance_transform_edt(markers == 0, sampling=(4, 1, 1), return_indices=True)
    labels = markers[tuple(index)]
    labels[distance > 7] = 0
    return 100 * (labels > 0) + rng.normal(20, 10, shape), labels
