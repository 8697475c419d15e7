"""Train a Noise2Void denoiser on raw volumes (no labels needed) and use it to make denoised copies.

N2V normalises with the mean and standard deviation of its training data (stored in its config.json), so
it is trained on raw, un-normalised intensities and applies directly to raw images.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from volltrack.training.augmentation import AugmentationSettings, geometric_transform
from volltrack.training.model_folders import (check_new_model_dir, cleaned_up_on_failure,
                                             load_resume_weights, model_kind,
                                             record_training, split_model_path)
from volltrack.training.parameters import TrainingParameters
from volltrack.training.patches import sample_patch_corners
from volltrack.training.progress import epoch_progress_callback

logger = logging.getLogger(__name__)


def raw_patches(images: list[np.ndarray], *, patch_shape: tuple[int, int, int], n_patches_per_image: int,
                validation_fraction: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sample flipped/rotated raw patches for N2V and split them into training and validation sets.

    Parameters
    ----------
    images : list of ndarray of shape (Z, Y, X)
    patch_shape : tuple of int
    n_patches_per_image : int
    validation_fraction : float, default 0.1
        At least one patch is held out.
    seed : int, default 0

    Returns
    -------
    X, X_val : ndarray of shape (S, Z, Y, X, 1), float32
    """
    rng = np.random.default_rng(seed)
    settings = AugmentationSettings(poisson_photons=0, gaussian_sigma=0)
    patches = []
    for image in images:
        corners = sample_patch_corners(np.zeros(image.shape, np.uint8), patch_shape=patch_shape,
                                       n_patches=n_patches_per_image, rng=rng)
        for corner in corners:
            window = tuple(slice(c, c + p) for c, p in zip(corner, patch_shape))
            patch, _ = geometric_transform(image[window], image[window], rng=rng, settings=settings)
            patches.append(patch)
    if len(patches) < 2:
        raise ValueError(f"N2V needs at least 2 patches for a validation split, got {len(patches)}")
    stack = np.stack(patches)[..., np.newaxis].astype(np.float32)
    order = rng.permutation(len(stack))
    n_val = min(max(1, int(round(len(stack) * validation_fraction))), len(stack) - 1)
    return stack[order[n_val:]], stack[order[:n_val]]


def n2v_config(X: np.ndarray, params: TrainingParameters):
    """Build the ``N2VConfig`` for ``params`` (normalisation statistics taken from ``X``)."""
    from volltrack.segmentation.n2v_package import n2v_models

    N2VConfig = n2v_models().N2VConfig

    params.check_patch_divisible()
    return N2VConfig(
        X, unet_kern_size=params.kernel_size, unet_n_depth=params.depth, unet_n_first=params.start_filters,
        train_steps_per_epoch=params.steps_for(len(X)), train_epochs=params.epochs, train_loss=params.train_loss,
        batch_norm=True, train_batch_size=params.batch_size, train_learning_rate=params.learning_rate,
        n2v_perc_pix=0.198, n2v_patch_shape=params.patch_shape, n2v_manipulator="uniform_withCP",
        n2v_neighborhood_radius=5, train_tensorboard=params.tensorboard,
    )


def train_n2v(X: np.ndarray, X_val: np.ndarray, model_dir: str | Path, *,
              params: Optional[TrainingParameters] = None, resume: bool = False, data_name: str = ""):
    """Train (or continue training) an N2V denoiser.

    Parameters
    ----------
    X, X_val : ndarray of shape (S, Z, Y, X, 1)
        Raw training and validation patches (see :func:`raw_patches`).
    model_dir : str or Path
        Model folder to create (config.json, weights_best.h5, weights_last.h5).
    params : TrainingParameters, optional
        Defaults to the paper's values; ``patch_shape`` is N2V's training crop.
    resume : bool, default False
    data_name : str, default ""

    Returns
    -------
    n2v.models.N2V
    """
    from volltrack.segmentation.n2v_package import n2v_models

    N2V = n2v_models().N2V

    params = params or TrainingParameters()
    if X.ndim != 5 or any(p > d for p, d in zip(params.patch_shape, X.shape[1:4])):
        raise ValueError(f"N2V patches of shape {X.shape[1:4]} cannot hold training crops {params.patch_shape}")
    check_new_model_dir(model_dir, resume=resume)
    name, basedir = split_model_path(model_dir)
    import tensorflow as tf

    np.random.seed(params.seed)
    tf.random.set_seed(params.seed)
    with cleaned_up_on_failure(model_dir, resume=resume):
        if resume:
            model = N2V(None, name=name, basedir=str(basedir))
            load_resume_weights(model.keras_model, model_dir)
            model.config.train_learning_rate = params.learning_rate
        else:
            model = N2V(n2v_config(X, params), name=name, basedir=str(basedir))
        model.config.train_epochs, model.config.train_steps_per_epoch = params.epochs, params.steps_for(len(X))
        model.prepare_for_training()
        model.callbacks.append(epoch_progress_callback(params.epochs, description="N2V"))
        history = model.train(X, X_val, epochs=params.epochs, steps_per_epoch=params.steps_for(len(X)))
    record_training(model_dir, kind="n2v", parameters=params.model_dump(mode="json"), data=data_name,
                    history=history.history)
    return model


def n2v_denoiser(model_dir: str | Path) -> Callable[[np.ndarray], np.ndarray]:
    """Load an N2V model folder and return ``denoise(raw ZYX) -> denoised ZYX`` (float32)."""
    from volltrack.segmentation.n2v_package import n2v_models

    N2V = n2v_models().N2V

    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise FileNotFoundError(f"{model_dir} is not an N2V model folder (no config.json)")
    kind = model_kind(model_dir)
    if kind != "n2v":
        raise ValueError(f"{model_dir} holds a {kind} model; expected an N2V model folder (from `volltrack train n2v`)")
    if not any((model_dir / name).is_file() for name in ("weights_best.h5", "weights_last.h5")):
        raise FileNotFoundError(f"N2V model folder {model_dir} has no weights_best.h5 or weights_last.h5")
    model = N2V(None, name=model_dir.name, basedir=str(model_dir.parent))

    def denoise(raw: np.ndarray) -> np.ndarray:
        return model.predict(raw.astype(np.float32), axes="ZYX").astype(np.float32)

    return denoise
