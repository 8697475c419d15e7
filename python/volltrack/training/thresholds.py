"""Optimise StarDist's probability and NMS thresholds on validation data and write ``thresholds.json``.

Two targets:

* ``stardist`` -- StarDist's own ``optimize_thresholds`` (StarDist instances alone);
* ``vollseg`` -- the full VollSeg output: for each NMS threshold a golden-section search over the probability
  threshold maximises the mean F1 at an IoU threshold, as the paper-era ``OptimizeThreshold`` did.

Either way the result is written into the StarDist model folder's ``thresholds.json`` (``prob``, ``nms`` plus
provenance keys, which StarDist ignores), so every tool that loads the model uses the optimised values.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from tqdm.auto import tqdm

from volltrack.training.model_folders import write_json_atomic

logger = logging.getLogger(__name__)

#: ``segment(image, prob_thresh, nms_thresh) -> labels`` for one (Z, Y, X) volume.
Segmenter = Callable[[np.ndarray, float, float], np.ndarray]


@dataclass
class ThresholdResult:
    """Best thresholds found and every evaluated point."""

    prob: float
    nms: float
    score: float
    evaluations: list[dict] = field(default_factory=list)

    def as_json(self, **extra) -> dict:
        """The thresholds.json payload."""
        return dict(prob=float(self.prob), nms=float(self.nms), score=float(self.score), **extra)


def mean_f1(truths: Sequence[np.ndarray], predictions: Sequence[np.ndarray], *, iou_thresh: float = 0.5) -> float:
    """Mean F1 of instance matching (``stardist.matching``) over volumes, at IoU ``iou_thresh``."""
    from stardist.matching import matching_dataset

    stats = matching_dataset(list(truths), list(predictions), thresh=iou_thresh, show_progress=False, by_image=True)
    return float(stats.f1)


def golden_section_max(score: Callable[[float], float], *, low: float, high: float,
                       max_evaluations: int = 10) -> tuple[float, float]:
    """Maximise a unimodal ``score(x)`` on ``[low, high]`` by golden-section search.

    Parameters
    ----------
    score : callable
    low, high : float
        Search interval.
    max_evaluations : int, default 10
        Evaluations of ``score`` (each is cached).

    Returns
    -------
    x, value : float
        The best point evaluated and its score.

    Examples
    --------
    >>> x, value = golden_section_max(lambda x: -(x - 0.3) ** 2, low=0.0, high=1.0, max_evaluations=20)
    >>> round(x, 2)
    0.3
    """
    ratio = (math.sqrt(5) - 1) / 2
    cache: dict[float, float] = {}

    def evaluate(x: float) -> float:
        if x not in cache:
            cache[x] = score(x)
        return cache[x]

    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    while len(cache) < max_evaluations:
        if evaluate(c) >= evaluate(d):
            b, d = d, c
            c = b - ratio * (b - a)
        else:
            a, c = c, d
            d = a + ratio * (b - a)
    best = max(cache, key=cache.get)
    return best, cache[best]


def optimize_vollseg_thresholds(images: Sequence[np.ndarray], labels: Sequence[np.ndarray], *,
                                segment: Segmenter, nms_threshs: Sequence[float] = (0.3, 0.4, 0.5),
                                prob_range: tuple[float, float] = (0.05, 0.95), iou_thresh: float = 0.5,
                                max_evaluations: int = 8) -> ThresholdResult:
    """Choose (prob, nms) maximising the mean F1 of a segmenter (the VollSeg pipeline) on validation volumes.

    Parameters
    ----------
    images, labels : sequences of ndarray of shape (Z, Y, X)
        Validation volumes and their ground-truth instance labels.
    segment : callable
        ``segment(image, prob_thresh, nms_thresh) -> labels``.
    nms_threshs : sequence of float, default (0.3, 0.4, 0.5)
        NMS thresholds tried one by one.
    prob_range : tuple of float, default (0.05, 0.95)
        Interval of the golden-section search on the probability threshold.
    iou_thresh : float, default 0.5
        IoU at which a predicted cell matches a true one.
    max_evaluations : int, default 8
        Segmentations of the validation set per NMS threshold.

    Returns
    -------
    ThresholdResult
    """
    if len(images) == 0 or len(images) != len(labels):
        raise ValueError(f"need as many validation images as label images (>0), got {len(images)} and {len(labels)}")
    evaluations: list[dict] = []
    best = ThresholdResult(prob=0.5, nms=0.4, score=-1.0)
    bar = tqdm(total=len(nms_threshs) * max_evaluations, desc="thresholds", unit="run")
    for nms in nms_threshs:
        def score(prob: float, nms: float = nms) -> float:
            predictions = [segment(image, prob, nms) for image in images]
            value = mean_f1(labels, predictions, iou_thresh=iou_thresh)
            evaluations.append(dict(prob=prob, nms=nms, f1=value))
            logger.info("prob %.3f nms %.2f -> F1 %.3f", prob, nms, value)
            bar.update(1)
            return value

        prob, value = golden_section_max(score, low=prob_range[0], high=prob_range[1],
                                         max_evaluations=max_evaluations)
        if value > best.score:
            best = ThresholdResult(prob=prob, nms=nms, score=value)
    bar.close()
    best.evaluations = evaluations
    return best


def optimize_stardist_thresholds(model, X_val: Sequence[np.ndarray], Y_val: Sequence[np.ndarray], *,
                                 nms_threshs: Sequence[float] = (0.3, 0.4, 0.5),
                                 iou_threshs: Sequence[float] = (0.3, 0.5, 0.7)) -> ThresholdResult:
    """Run StarDist's ``optimize_thresholds`` (without letting it write files) and return the result.

    Parameters
    ----------
    model : stardist.models.StarDist3D
    X_val, Y_val : sequences of ndarray of shape (Z, Y, X)
        Normalised validation images and their instance labels.
    nms_threshs, iou_threshs : sequences of float
        StarDist's defaults.
    """
    found = model.optimize_thresholds(list(X_val), list(Y_val), nms_threshs=list(nms_threshs),
                                      iou_threshs=list(iou_threshs), save_to_json=False,
                                      predict_kwargs=dict(show_tile_progress=False))
    predictions = [model.predict_instances(x, prob_thresh=found["prob"], nms_thresh=found["nms"],
                                           show_tile_progress=False)[0] for x in X_val]
    return ThresholdResult(prob=found["prob"], nms=found["nms"], score=mean_f1(Y_val, predictions))


def write_thresholds(model_dir: str | Path, result: ThresholdResult, *, target: str, iou_thresh: float,
                     n_validation: int, **extra) -> Path:
    """Write ``thresholds.json`` into a StarDist model folder (atomically), with its provenance.

    ``extra`` keys are written too (e.g. ``watershed_map``, which VollSeg then floods by default).
    """
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise FileNotFoundError(f"{model_dir} is not a StarDist model folder (no config.json)")
    payload = result.as_json(target=target, score_measure=f"mean F1 at IoU {iou_thresh}",
                             n_validation_volumes=n_validation, **extra)
    return write_json_atomic(model_dir / "thresholds.json", payload)
