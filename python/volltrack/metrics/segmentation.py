"""Segmentation metrics: instance matching over IoU thresholds (stardist's matching) and binary mask errors.

Matching gives, per IoU threshold, TP/FP/FN, precision, recall, F1, accuracy (TP / (TP + FP + FN)), mean true
score, mean matched score and panoptic quality, pooled over all volumes (all time points of a movie). The mask
errors are the mean squared error and the structural similarity between the binarised ground truth and
prediction, as in the paper.

Empty images. stardist's matching reports 0 for every ratio whose denominator is 0; here

* ground truth and prediction both empty (no cell in any volume): a perfect result, every score 1.0 with
  ``n_true = n_pred = tp = fp = fn = 0``;
* otherwise a ratio with a zero denominator is undefined and reported as NaN: ``recall`` and
  ``mean_true_score`` when the ground truth is empty, ``precision`` when the prediction is empty,
  ``mean_matched_score`` when nothing matched. F1 (``2 tp / (n_true + n_pred)``), accuracy and panoptic quality
  stay defined: predictions on an empty ground truth score F1 = precision = accuracy = 0 and recall NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: IoU thresholds of the paper's plots.
DEFAULT_THRESHOLDS = tuple(round(0.1 * k, 1) for k in range(1, 10))
MATCHING_COLUMNS = ("threshold", "precision", "recall", "f1", "accuracy", "mean_true_score",
                    "mean_matched_score", "panoptic_quality", "tp", "fp", "fn", "n_true", "n_pred")


def validate_labels(labels, *, name="labels"):
    """Return ``labels`` as an integer ndarray after checking it is a ZYX or TZYX label image.

    Parameters
    ----------
    labels : array-like
        Instance labels, 0 = background. Floats are accepted when every value is a whole number.
    name : str, optional
        What the array is (a file name), for error messages. Default "labels".

    Raises
    ------
    ValueError
        Not 3D/4D, fractional or non-finite values, non-numeric, or negative labels; the message names ``name``.

    Examples
    --------
    >>> validate_labels(np.ones((1, 2, 2), np.float32)).dtype
    dtype('int64')
    """
    array = np.asarray(labels)
    if array.ndim not in (3, 4):
        raise ValueError(f"{name} must be a ZYX volume or a TZYX movie; got {array.ndim}D shape {array.shape}")
    if array.dtype == bool:
        array = array.astype(np.uint8)
    if not np.issubdtype(array.dtype, np.integer):
        if np.issubdtype(array.dtype, np.floating) and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
            array = array.astype(np.int64)
        else:
            raise ValueError(f"{name} must hold integer labels (0 = background); got dtype {array.dtype}"
                             + (" with fractional or NaN values (an intensity image?)"
                                if np.issubdtype(array.dtype, np.floating) else ""))
    if array.min(initial=0) < 0:
        raise ValueError(f"{name} holds negative labels (min {array.min()}); expected labels >= 0")
    return array


def _volumes(labels, name):
    array = validate_labels(labels, name=name)
    return list(array) if array.ndim == 4 else [array]


def matching_table(ground_truth, prediction, *, thresholds=DEFAULT_THRESHOLDS):
    """Match predicted to ground-truth instances at each IoU threshold.

    Parameters
    ----------
    ground_truth, prediction : ndarray of int, shape (Z, Y, X) or (T, Z, Y, X)
        Label images of one shape.
    thresholds : sequence of float, optional
        IoU thresholds. Default 0.1, 0.2, ..., 0.9.

    Returns
    -------
    pandas.DataFrame
        One row per threshold, columns :data:`MATCHING_COLUMNS`. Both images empty: every score 1.0;
        otherwise a ratio with a zero denominator (recall on an empty ground truth, precision on an empty
        prediction) is NaN, and F1/accuracy are 0 when either side is empty.

    Examples
    --------
    >>> truth = np.zeros((2, 8, 8), int); truth[:, :4, :4] = 1
    >>> matching_table(truth, truth, thresholds=(0.5,))["f1"].tolist()
    [1.0]
    >>> empty = np.zeros_like(truth)
    >>> matching_table(empty, empty, thresholds=(0.5,))[["f1", "n_true", "n_pred"]].values.tolist()
    [[1.0, 0.0, 0.0]]
    >>> matching_table(empty, truth, thresholds=(0.5,))[["precision", "recall", "f1"]].values.tolist()
    [[0.0, nan, 0.0]]
    """
    from stardist.matching import matching_dataset

    truth, predicted = _volumes(ground_truth, "ground truth"), _volumes(prediction, "prediction")
    if np.shape(ground_truth) != np.shape(prediction):
        raise ValueError(f"prediction has shape {np.shape(prediction)}; expected {np.shape(ground_truth)} "
                         "like the ground truth")
    thresholds = tuple(float(t) for t in thresholds)
    results = matching_dataset(truth, predicted, thresh=thresholds, show_progress=False)
    results = results if isinstance(results, (list, tuple)) else [results]
    rows = [_empty_image_scores({"threshold": r.thresh, **{k: getattr(r, k) for k in MATCHING_COLUMNS[1:]}})
            for r in results]
    return pd.DataFrame(rows, columns=list(MATCHING_COLUMNS))


#: Matching scores that are ratios, with the count that is their denominator.
_RATIO_DENOMINATORS = {"precision": "n_pred", "recall": "n_true", "mean_true_score": "n_true",
                       "mean_matched_score": "tp"}


def _empty_image_scores(row):
    """Apply the module's semantics for empty images to one row of stardist's matching (see module notes)."""
    if row["n_true"] == 0 and row["n_pred"] == 0:
        row.update({key: 1.0 for key in ("precision", "recall", "f1", "accuracy", "mean_true_score",
                                         "mean_matched_score", "panoptic_quality")})
        return row
    for key, denominator in _RATIO_DENOMINATORS.items():
        if row[denominator] == 0:
            row[key] = float("nan")
    return row


def mask_errors(ground_truth, prediction):
    """Mean squared error and structural similarity between the binarised label images.

    Parameters
    ----------
    ground_truth, prediction : ndarray, shape (Z, Y, X) or (T, Z, Y, X)
        Label images (anything > 0 is foreground).

    Returns
    -------
    dict
        ``{"mse": float, "ssim": float}``; SSIM is averaged over time points.
    """
    from skimage.metrics import structural_similarity

    truth = [v > 0 for v in _volumes(ground_truth, "ground truth")]
    predicted = [v > 0 for v in _volumes(prediction, "prediction")]
    if np.shape(ground_truth) != np.shape(prediction):
        raise ValueError(f"prediction has shape {np.shape(prediction)}; expected {np.shape(ground_truth)}")
    mse = float(np.mean([np.mean((t.astype(np.float32) - p) ** 2) for t, p in zip(truth, predicted)]))
    window = min(7, *[n if n % 2 else n - 1 for n in truth[0].shape])
    if window < 3:
        ssim = float("nan")
    else:
        ssim = float(np.mean([structural_similarity(t.astype(np.float32), p.astype(np.float32), data_range=1.0,
                                                    win_size=window) for t, p in zip(truth, predicted)]))
    return {"mse": mse, "ssim": ssim}


def compare_methods(ground_truth, predictions, *, thresholds=DEFAULT_THRESHOLDS):
    """Evaluate several predictions against one ground truth.

    Parameters
    ----------
    ground_truth : ndarray
        Label image(s).
    predictions : dict of str -> ndarray
        Method name -> label image(s) of the ground truth's shape.
    thresholds : sequence of float, optional
        IoU thresholds. Default 0.1 ... 0.9.

    Returns
    -------
    matching : pandas.DataFrame
        :func:`matching_table` rows with a leading ``method`` column.
    masks : pandas.DataFrame
        Columns method, mse, ssim.
    """
    tables, masks = [], []
    for method, labels in predictions.items():
        table = matching_table(ground_truth, labels, thresholds=thresholds)
        table.insert(0, "method", method)
        tables.append(table)
        masks.append({"method": method, **mask_errors(ground_truth, labels)})
    return pd.concat(tables, ignore_index=True), pd.DataFrame(masks, columns=["method", "mse", "ssim"])
