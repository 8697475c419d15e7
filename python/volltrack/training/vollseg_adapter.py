"""Run the VollSeg pipeline (``volltrack.segmentation``) with given thresholds, for threshold optimisation."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np


def vollseg_segmenter(models_folder: str | Path) -> Callable[[np.ndarray, float, float], np.ndarray]:
    """Load the models of ``models_folder`` once and return ``segment(image, prob, nms) -> labels``.

    Parameters
    ----------
    models_folder : str or Path
        Folder with ``stardist/`` (required), ``unet/`` and ``n2v/`` model folders.

    Returns
    -------
    callable
        Runs :func:`volltrack.segmentation.vollseg` on one (Z, Y, X) volume with the given StarDist
        probability and NMS thresholds and returns its instance labels.
    """
    try:
        from volltrack.segmentation import load_models, vollseg
    except ImportError as exc:
        raise ValueError(f"--target vollseg needs volltrack.segmentation ({exc}); use --target stardist") from exc
    models = load_models(models_folder)

    def segment(image: np.ndarray, prob: float, nms: float) -> np.ndarray:
        result = vollseg(image, models=models, prob_thresh=prob, nms_thresh=nms)
        return np.asarray(getattr(result, "labels", result))

    return segment
