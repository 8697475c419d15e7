"""Train a StarDist3D model on a prepared patch dataset and save it as a StarDist model folder."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import numpy as np

from volltrack.training.fine_tuning import apply_run_settings, fitted_model
from volltrack.training.model_folders import (check_new_model_dir, record_input_scale, record_training,
                                              split_model_path)
from volltrack.training.parameters import TrainingParameters
from volltrack.training.patches import TrainingData

logger = logging.getLogger(__name__)


def estimate_anisotropy(labels: np.ndarray, *, max_patches: int = 50) -> tuple[float, float, float]:
    """Estimate StarDist's ray anisotropy (Z, Y, X) from the median object extents of label patches.

    Parameters
    ----------
    labels : ndarray of shape (S, Z, Y, X)
    max_patches : int, default 50
        At most this many patches are measured.

    Returns
    -------
    tuple of float
        ``max(extent) / extent`` per axis, e.g. (4, 1, 1) for cells 4 times flatter in Z.
    """
    from stardist import calculate_extents

    chosen = [y for y in labels[:max_patches] if y.max() > 0]
    if not chosen:
        raise ValueError("the training labels hold no object; cannot estimate anisotropy (give --anisotropy)")
    extents = np.asarray(calculate_extents(chosen), dtype=float)
    return tuple(float(v) for v in np.max(extents) / extents)


def stardist_config(params: TrainingParameters, data: TrainingData):
    """Build the StarDist ``Config3D`` for ``params`` (anisotropy estimated from ``data`` when not given)."""
    from stardist import Rays_GoldenSpiral
    from stardist.models import Config3D

    anisotropy = params.anisotropy or estimate_anisotropy(data.Y)
    params.check_patch_divisible(grid=params.grid)
    if params.backbone == "unet":
        network = dict(unet_n_depth=params.depth, unet_n_filter_base=params.start_filters,
                       unet_kernel_size=(params.kernel_size,) * 3)
    else:
        network = dict(resnet_n_blocks=params.depth, resnet_n_filter_base=params.start_filters,
                       resnet_kernel_size=(params.kernel_size,) * 3)
    return Config3D(
        rays=Rays_GoldenSpiral(params.n_rays, anisotropy=anisotropy), grid=params.grid, anisotropy=anisotropy,
        backbone=params.backbone, n_channel_in=1, use_gpu=False, **network, train_patch_size=params.patch_shape,
        train_batch_size=params.batch_size, train_learning_rate=params.learning_rate, train_epochs=params.epochs,
        train_steps_per_epoch=params.steps_for(len(data.X)), train_tensorboard=params.tensorboard,
        train_dist_loss=params.dist_loss,
    )


def _check_data(data: TrainingData, params: TrainingParameters) -> None:
    if any(p > d for p, d in zip(params.patch_shape, data.patch_shape)):
        raise ValueError(f"training patch {params.patch_shape} is larger than the dataset's patches "
                         f"{data.patch_shape}; use a smaller --patch or prepare larger patches")


def train_stardist(data: TrainingData, model_dir: str | Path, *, params: Optional[TrainingParameters] = None,
                   resume: bool = False, data_name: str = "", from_model: str | Path | None = None,
                   deadline: Optional[float] = None):
    """Train (or continue training) a StarDist3D model.

    Parameters
    ----------
    data : TrainingData
        Patches from :func:`volltrack.training.patches.load_training_data`.
    model_dir : str or Path
        Model folder to create (config.json, weights_best.h5, weights_last.h5, thresholds.json).
    params : TrainingParameters, optional
        Defaults to the paper's values.
    resume : bool, default False
        Continue from the weights in ``model_dir``; the architecture is then taken from its config.json and
        only epochs, steps, learning rate and batch size of ``params`` apply.
    data_name : str, default ""
        Recorded in training_runs.json.
    from_model : str or Path, optional
        Fine-tune: start from this StarDist model folder (or a folder holding ``stardist/``), see
        :mod:`volltrack.training.fine_tuning`; like ``resume``, only epochs, steps, learning rate, batch size and
        patch of ``params`` apply.
    deadline : float, optional
        ``time.monotonic()`` at which to stop training (the ``--minutes`` budget); weights are saved as usual.

    Returns
    -------
    stardist.models.StarDist3D
        The trained model, with its best weights loaded.
    """
    from stardist.models import StarDist3D

    params = params or TrainingParameters()
    if from_model is not None and resume:
        raise ValueError("give either --from (start a new model from another) or --resume (continue this one)")
    _check_data(data, params)
    check_new_model_dir(model_dir, resume=resume)
    name, basedir = split_model_path(model_dir)
    np.random.seed(params.seed)
    import tensorflow as tf

    tf.random.set_seed(params.seed)

    def opened():
        model = StarDist3D(None, name=name, basedir=str(basedir))
        apply_run_settings(model.config, params)
        if from_model is not None:
            model.config.train_patch_size = tuple(params.patch_shape)
        return model

    model, history, stopped, extra = fitted_model(
        model_dir, kind="stardist", from_model=from_model, resume=resume, patch_shape=params.patch_shape,
        opened=opened, new=lambda: StarDist3D(stardist_config(params, data), name=name, basedir=str(basedir)),
        train=lambda model: model.train(data.X, data.Y, validation_data=(data.X_val, data.Y_val),
                                        epochs=params.epochs, steps_per_epoch=params.steps_for(len(data.X)),
                                        seed=params.seed),
        description="StarDist3D", epochs=params.epochs, deadline=deadline)
    record_input_scale(model_dir, data.parameters)
    record_training(model_dir, kind="stardist", parameters={**params.model_dump(mode="json"), **extra,
                                                            "stopped_by_time_budget": stopped},
                    data=data_name, history=history.history)
    return model

