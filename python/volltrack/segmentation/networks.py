"""Run the networks: N2V denoising, StarDist3D (labels + full-resolution probability and distance), U-Net.

TensorFlow, StarDist and CSBDeep are imported by the model objects themselves; nothing here imports them at
module level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def normalize_percentiles(image, *, low=1.0, high=99.8, values=None):
    """Scale ``image`` so that its ``low`` / ``high`` percentiles map to 0 / 1 (float32).

    Parameters
    ----------
    image : ndarray
        Input volume.
    low, high : float, optional
        Percentiles. Defaults 1 and 99.8 (StarDist/CSBDeep's).
    values : tuple of 2 float, optional
        Precomputed (low, high) intensity values, e.g. from the whole volume when segmenting blocks.

    Returns
    -------
    ndarray of float32
    """
    lo, hi = values if values is not None else np.percentile(image, (low, high))
    scale = float(hi - lo) if hi > lo else 1.0
    return ((np.asarray(image, np.float32) - np.float32(lo)) / np.float32(scale)).astype(np.float32, copy=False)


def upsample_to_shape(array, shape):
    """Linear (separable) interpolation of a volume predicted on a coarser grid to ``shape``.

    Voxel centres are aligned: output voxel i samples input coordinate ``(i + 0.5) * n_in / n_out - 0.5``.
    """
    result = np.asarray(array, np.float32)
    for axis, target in enumerate(shape):
        source = result.shape[axis]
        if source == target:
            continue
        position = np.clip((np.arange(target) + 0.5) * source / target - 0.5, 0, source - 1)
        left = np.floor(position).astype(np.intp)
        right = np.minimum(left + 1, source - 1)
        weight = (position - left).astype(np.float32)
        view = [None] * result.ndim
        view[axis] = slice(None)
        weight = weight[tuple(view)]
        result = np.take(result, left, axis=axis) * (1 - weight) + np.take(result, right, axis=axis) * weight
    return result.astype(np.float32, copy=False)


@dataclass(frozen=True)
class StarDistOutput:
    """StarDist prediction at full resolution: labels, object probability, mean ray length."""

    labels: np.ndarray
    probability: np.ndarray
    distance: np.ndarray


def denoise(image, model, *, n_tiles=None):
    """Denoise a ZYX volume with an N2V model; returns float32 of the same shape."""
    return np.asarray(model.predict(np.asarray(image, np.float32), axes="ZYX", n_tiles=n_tiles), np.float32)


def predict_stardist(image, model, *, n_tiles=None, prob_thresh=None, nms_thresh=None):
    """Predict StarDist3D instances in one pass, with probability and distance upsampled to the image grid.

    Parameters
    ----------
    image : ndarray of shape (Z, Y, X)
        Normalised volume.
    model : stardist.models.StarDist3D
        The model.
    n_tiles : tuple of 3 int, optional
        Tiles per axis for the network (memory). Default: no tiling.
    prob_thresh, nms_thresh : float, optional
        Thresholds; default the model's (``thresholds.json``).

    Returns
    -------
    StarDistOutput
    """
    import warnings

    from volltrack.segmentation.interrupts import guard_stardist_compiled

    with warnings.catch_warnings(), guard_stardist_compiled():
        warnings.filterwarnings("ignore", message="Setting sparse to False")
        (labels, _details), (probability, distance) = model.predict_instances(
            image, axes="ZYX", n_tiles=n_tiles, prob_thresh=prob_thresh, nms_thresh=nms_thresh,
            return_predict=True, show_tile_progress=False)
    # The mean ray length peaks at cell centres and falls towards the membranes, so it can be flooded like the
    # probability; the max over rays stays high near boundaries and lets a few seeds flood whole tissues.
    distance = np.mean(distance, axis=-1)
    return StarDistOutput(labels=np.asarray(labels, np.int32),
                          probability=upsample_to_shape(probability, image.shape),
                          distance=upsample_to_shape(distance, image.shape))


def predict_unet(image, model, *, n_tiles=None):
    """Predict the U-Net (CARE, one output channel) foreground probability, float32, shape of ``image``."""
    output = model.predict(image, axes="ZYX", normalizer=None, n_tiles=n_tiles)
    output = np.asarray(output, np.float32)
    if output.ndim == 4:
        output = output[..., 0]
    return output
