"""Train the VollSeg U-Net: a CSBDeep CARE network mapping raw (Z, Y, X) to foreground probability.

The paper trained a CSBDeep ``CARE`` model with an mse loss on raw/binary-mask pairs; so does this module: one
output channel, no residual connection, a linear last layer (the only choices CARE's config accepts are linear
and relu), so the output estimates the foreground probability and is clipped to [0, 1] by its users. Inputs are
percentile normalised (1, 99.8) like the training patches; predict with ``normalizer=None`` on an image
normalised the same way, or CARE's default normalizer rescales the output to the input's intensity range.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import numpy as np

from volltrack.segmentation.unet_target import read_unet_erosion
from volltrack.training.fine_tuning import apply_run_settings, fitted_model, source_model_dir
from volltrack.training.model_folders import (check_new_model_dir, record_input_scale, record_training,
                                              split_model_path)
from volltrack.training.parameters import TrainingParameters
from volltrack.training.patches import TrainingData
from volltrack.training.unet_targets import write_unet_target

logger = logging.getLogger(__name__)


def unet_config(params: TrainingParameters, *, n_patches: int):
    """Build the CSBDeep ``Config`` of the foreground U-Net for ``params``."""
    from csbdeep.models import Config

    params.check_patch_divisible()
    return Config(
        "ZYX", n_channel_in=1, n_channel_out=1, probabilistic=False, unet_residual=False,
        unet_last_activation="linear", unet_n_depth=params.depth, unet_n_first=params.start_filters,
        unet_kern_size=params.kernel_size, train_loss=params.train_loss, train_epochs=params.epochs,
        train_steps_per_epoch=params.steps_for(n_patches), train_learning_rate=params.learning_rate,
        train_batch_size=params.batch_size, train_tensorboard=params.tensorboard,
        train_reduce_lr={"patience": 5, "factor": 0.5},
    )


def foreground_pairs(X: np.ndarray, Y: np.ndarray, *, patch_shape: tuple[int, int, int], erosion: int = 0):
    """Crop patches to ``patch_shape`` and return ``(raw, binary target)`` with a trailing channel axis.

    The target is ``labels > 0`` when ``erosion`` is 0, else the cell interiors
    (:func:`~volltrack.training.unet_targets.cell_interiors`), computed on the uncropped patch.
    """
    from volltrack.training.unet_targets import cell_interiors

    window = (slice(None),) + tuple(slice(0, p) for p in patch_shape)
    raw = X[window][..., np.newaxis].astype(np.float32)
    target = cell_interiors(Y, erosion=erosion)[window] if len(Y) else (Y[window] > 0)
    return raw, target[..., np.newaxis].astype(np.float32)


def train_unet(data: TrainingData, model_dir: str | Path, *, params: Optional[TrainingParameters] = None,
               resume: bool = False, data_name: str = "", erosion: Optional[int] = None,
               from_model: str | Path | None = None, deadline: Optional[float] = None):
    """Train (or continue training) the foreground-probability U-Net (CSBDeep CARE).

    Parameters
    ----------
    data : TrainingData
        Patches; the binary target is derived from the labels (see ``erosion``).
    model_dir : str or Path
        Model folder to create (config.json, weights_best.h5, weights_last.h5).
    params : TrainingParameters, optional
        Defaults to the paper's values (depth 3, 48 filters, kernel 3, lr 1e-4, batch 5, 100 epochs).
    resume : bool, default False
        Continue from the weights in ``model_dir`` (architecture from its config.json).
    data_name : str, default ""
        Recorded in training_runs.json.
    erosion : int, optional
        Train on cell interiors: each cell minus a rim of this many voxels, so that touching cells give separate
        components (recorded in ``volltrack.json``; VollSeg grows the mask back). 0 = the plain mask
        ``labels > 0``, as in the paper, which in densely packed tissue is a single blob. Default: what the
        resumed or ``from_model`` U-Net was trained with, else 0.
    from_model : str or Path, optional
        Fine-tune: start from this U-Net model folder (or a folder holding ``unet/``), see
        :mod:`volltrack.training.fine_tuning`.
    deadline : float, optional
        ``time.monotonic()`` at which to stop training (the ``--minutes`` budget); weights are saved as usual.

    Returns
    -------
    csbdeep.models.CARE
    """
    from csbdeep.models import CARE

    params = params or TrainingParameters()
    if from_model is not None and resume:
        raise ValueError("give either --from (start a new model from another) or --resume (continue this one)")
    if any(p > d for p, d in zip(params.patch_shape, data.patch_shape)):
        raise ValueError(f"training patch {params.patch_shape} is larger than the dataset's patches {data.patch_shape}")
    check_new_model_dir(model_dir, resume=resume)
    name, basedir = split_model_path(model_dir)
    import tensorflow as tf

    np.random.seed(params.seed)
    tf.random.set_seed(params.seed)
    if erosion is not None and erosion < 0:
        raise ValueError(f"erosion must be >= 0 voxels, got {erosion}")
    trained_with = (read_unet_erosion(model_dir) if resume else
                    read_unet_erosion(source_model_dir(from_model, "unet")) if from_model is not None else None)
    erosion = (trained_with or 0) if erosion is None else erosion
    if trained_with is not None and trained_with != erosion and from_model is not None:
        logger.warning("%s was trained with erosion %d; fine-tuning it to erosion %d (a new target)", from_model,
                       trained_with, erosion)
    elif trained_with is not None and trained_with != erosion:
        raise ValueError(f"{from_model if from_model is not None else model_dir} was trained with erosion "
                         f"{trained_with} (volltrack.json); train on with the same --erosion, got {erosion}")
    X, Y = foreground_pairs(data.X, data.Y, patch_shape=params.patch_shape, erosion=erosion)
    validation = foreground_pairs(data.X_val, data.Y_val, patch_shape=params.patch_shape, erosion=erosion)

    def opened():
        model = CARE(None, name=name, basedir=str(basedir))
        apply_run_settings(model.config, params)
        return model

    model, history, stopped, extra = fitted_model(
        model_dir, kind="unet", from_model=from_model, resume=resume, patch_shape=params.patch_shape,
        opened=opened, new=lambda: CARE(unet_config(params, n_patches=len(X)), name=name, basedir=str(basedir)),
        train=lambda model: model.train(X, Y, validation_data=validation, epochs=params.epochs,
                                        steps_per_epoch=params.steps_for(len(X))),
        description="U-Net", epochs=params.epochs, deadline=deadline)
    write_unet_target(model_dir, erosion=erosion)
    record_input_scale(model_dir, data.parameters)
    record_training(model_dir, kind="unet", parameters={**params.model_dump(mode="json"), "erosion": erosion,
                                                        **extra, "stopped_by_time_budget": stopped},
                    data=data_name, history=history.history)
    return model

