"""Run the VollSeg pipeline (``volltrack.segmentation``) at many thresholds, predicting the networks once.

Threshold optimisation segments the same validation volumes many times with different StarDist probability
and NMS thresholds. The networks (U-Net, StarDist's probability and distances) do not depend on those
thresholds, so they run once per volume; each evaluation then redoes only StarDist's non-maximum suppression
(the step StarDist's own ``optimize_thresholds`` repeats) and VollSeg's seed pooling and watershed, through the
pipeline's own functions (:func:`~volltrack.segmentation.pipeline.vollseg_from_predictions`), so the labels are
those :func:`~volltrack.segmentation.vollseg` gives with the same options.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional

import numpy as np


@dataclass
class _Predictions:
    network: object            # NetworkPredictions without StarDist candidates
    probability: np.ndarray    # StarDist grid resolution
    distances: np.ndarray      # StarDist grid resolution, one channel per ray


def _predict(image: np.ndarray, models) -> _Predictions:
    from volltrack.segmentation.input_scale import is_identity, resample_volume
    from volltrack.segmentation.networks import normalize_percentiles, predict_stardist_maps, predict_unet
    from volltrack.segmentation.pipeline import NetworkPredictions

    input_shape = None
    if not is_identity(models.input_scale):        # as predict_networks: resample, then normalise
        input_shape, image = tuple(image.shape), resample_volume(image, models.input_scale)
    # As vollseg() by default: no denoising (the N2V model, if any, is not used).
    normalised = normalize_percentiles(image)
    unet = predict_unet(normalised, models.unet) if models.unet is not None else None
    probability, distances = predict_stardist_maps(normalised, models.stardist)
    network = NetworkPredictions(shape=tuple(image.shape), unet_probability=unet, stardist=None,
                                 input_shape=input_shape, normalised=normalised)
    return _Predictions(network, probability, distances)


def _segment(predicted: _Predictions, models, prob: float, nms: float, *, suppression: str,
             watershed_map: Optional[str]) -> np.ndarray:
    from volltrack.segmentation.networks import StarDistMaps, stardist_candidates
    from volltrack.segmentation.pipeline import vollseg_from_predictions

    distance = np.mean(predicted.distances, axis=-1)
    if suppression == "exact":
        maps = StarDistMaps(predicted.probability, distance, None, predicted.distances, prob)
    else:
        cells, scores = stardist_candidates(predicted.probability, prob)
        dists = np.ascontiguousarray(predicted.distances[tuple(cells.T)]) if len(cells) else \
            np.zeros((0, predicted.distances.shape[-1]), np.float32)
        maps = StarDistMaps(predicted.probability, distance, (cells, scores, dists), None, prob)
    options = {} if watershed_map is None else {"watershed_map": watershed_map}
    result = vollseg_from_predictions(replace(predicted.network, stardist=maps), models, nms_thresh=nms, **options)
    return result.labels


def vollseg_segmenter(models_folder: str | Path, *, suppression: str = "fast",
                      watershed_map: Optional[str] = None) -> Callable[[np.ndarray, float, float], np.ndarray]:
    """Load the models of ``models_folder`` once and return ``segment(image, prob, nms) -> labels``.

    Parameters
    ----------
    models_folder : str or Path
        Folder with ``stardist/`` (required) and ``unet/`` model folders (an ``n2v/`` is not used).
    suppression : {"fast", "exact"}, optional
        StarDist's suppression of overlapping candidates, as ``vollseg(nms=...)``. Default "fast" (vollseg's).
    watershed_map : {"stardist", "unet", "membrane"}, optional
        What the seeds flood, as ``vollseg(watershed_map=...)``. Default: the models' (as vollseg).

    Returns
    -------
    callable
        VollSeg labels of one raw (Z, Y, X) volume for the given StarDist thresholds, equal to
        :func:`volltrack.segmentation.vollseg` with ``prob_thresh``, ``nms_thresh``, ``nms=suppression``,
        ``watershed_map`` and otherwise its default options. Network outputs are cached per volume (by identity),
        so keep the same array objects across calls.
    """
    return vollseg_segmenters(models_folder, [watershed_map], suppression=suppression)[watershed_map]


def vollseg_segmenters(models_folder: str | Path, watershed_maps, *, suppression: str = "fast") -> dict:
    """One :func:`vollseg_segmenter` per watershed map, sharing the loaded models and the networks' outputs.

    Returns
    -------
    dict
        ``{watershed_map: segment(image, prob, nms) -> labels}``.
    """
    try:
        from volltrack.segmentation import load_models
    except ImportError as exc:
        raise ValueError(f"--target vollseg needs volltrack.segmentation ({exc}); use --target stardist") from exc
    from volltrack.segmentation.networks import check_nms_mode

    check_nms_mode(suppression)
    models = load_models(models_folder, n2v=False)
    if models.stardist is None:
        raise FileNotFoundError(f"{models_folder} holds no StarDist model (stardist/)")
    cache: dict[int, _Predictions] = {}

    def segmenter(watershed_map: Optional[str]) -> Callable[[np.ndarray, float, float], np.ndarray]:
        def segment(image: np.ndarray, prob: float, nms: float) -> np.ndarray:
            if id(image) not in cache:
                cache[id(image)] = _predict(image, models)
            return _segment(cache[id(image)], models, prob, nms, suppression=suppression,
                            watershed_map=watershed_map)
        return segment

    return {watershed_map: segmenter(watershed_map) for watershed_map in watershed_maps}
