"""Run the VollSeg pipeline (``volltrack.segmentation``) at many thresholds, predicting the networks once.

Threshold optimisation segments the same validation volumes many times with different StarDist probability
and NMS thresholds. The networks (U-Net, StarDist's probability and distances) do not depend on those
thresholds, so they run once per volume; each evaluation then redoes only StarDist's non-maximum suppression
(the step StarDist's own ``optimize_thresholds`` repeats) and VollSeg's seed pooling and watershed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np


@dataclass
class _Predictions:
    shape: tuple
    probability: np.ndarray  # StarDist grid resolution
    distances: np.ndarray    # StarDist grid resolution, one channel per ray
    unet_probability: np.ndarray | None
    mask_growth: int = 0
    input_shape: tuple | None = None   # the volume's shape when it was resampled by the models' input scale


def _predict(image: np.ndarray, models) -> _Predictions:
    from volltrack.segmentation.input_scale import is_identity, resample_volume
    from volltrack.segmentation.networks import normalize_percentiles, predict_unet

    input_shape = None
    if not is_identity(models.input_scale):        # as predict_networks: resample, then normalise
        input_shape, image = tuple(image.shape), resample_volume(image, models.input_scale)
    # As vollseg() by default: no denoising (the N2V model, if any, is not used).
    normalised = normalize_percentiles(image)
    unet = predict_unet(normalised, models.unet) if models.unet is not None else None
    probability, distances = models.stardist.predict(normalised, axes="ZYX")
    return _Predictions(image.shape, probability, distances, unet, models.unet_erosion if unet is not None else 0,
                        input_shape)


def _segment(predicted: _Predictions, stardist_model, prob: float, nms: float) -> np.ndarray:
    from volltrack.segmentation.networks import upsample_to_shape
    from volltrack.segmentation.pipeline import segment_from_predictions

    # StarDist's own optimize_thresholds calls this same method on cached predictions.
    labels, _ = stardist_model._instances_from_prediction(predicted.shape, predicted.probability,
                                                          predicted.distances, prob_thresh=prob, nms_thresh=nms)
    probability = upsample_to_shape(predicted.probability, predicted.shape)
    distance = upsample_to_shape(np.mean(predicted.distances, axis=-1), predicted.shape)
    result = segment_from_predictions(np.asarray(labels, np.int32), probability, predicted.unet_probability,
                                      distance=distance, mask_growth=predicted.mask_growth)
    if predicted.input_shape is not None:
        from volltrack.segmentation.input_scale import resample_labels

        return resample_labels(result.labels, predicted.input_shape)
    return result.labels


def vollseg_segmenter(models_folder: str | Path) -> Callable[[np.ndarray, float, float], np.ndarray]:
    """Load the models of ``models_folder`` once and return ``segment(image, prob, nms) -> labels``.

    Parameters
    ----------
    models_folder : str or Path
        Folder with ``stardist/`` (required) and ``unet/`` model folders (an ``n2v/`` is not used).

    Returns
    -------
    callable
        VollSeg labels of one raw (Z, Y, X) volume for the given StarDist thresholds, computed like
        :func:`volltrack.segmentation.vollseg` with its default options. Network outputs are cached per
        volume (by identity), so keep the same array objects across calls.
    """
    try:
        from volltrack.segmentation import load_models
    except ImportError as exc:
        raise ValueError(f"--target vollseg needs volltrack.segmentation ({exc}); use --target stardist") from exc
    models = load_models(models_folder, n2v=False)
    if models.stardist is None:
        raise FileNotFoundError(f"{models_folder} holds no StarDist model (stardist/)")
    cache: dict[int, _Predictions] = {}

    def segment(image: np.ndarray, prob: float, nms: float) -> np.ndarray:
        if id(image) not in cache:
            cache[id(image)] = _predict(image, models)
        return _segment(cache[id(image)], models.stardist, prob, nms)

    return segment
