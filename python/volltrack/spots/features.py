"""Spot features of one frame, vectorised over all its labels with ``np.bincount`` (no loop over cells)."""

from __future__ import annotations

import numpy as np

from volltrack.spots.tissue import tissue_features

__all__ = ["frame_spot_features"]


def _compact_labels(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relabel to 0..N (0 = background), returning (compact labels, original labels, voxel counts)."""
    flat = labels.ravel()
    if flat.size and int(flat.max()) <= 4 * flat.size + 1024:
        counts = np.bincount(flat)
        present = np.flatnonzero(counts)
        present = present[present != 0]
        lookup = np.zeros(counts.shape[0], dtype=np.int64)
        lookup[present] = np.arange(1, present.size + 1)
        return lookup[flat].reshape(labels.shape), present, counts[present]
    unique, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    if unique.size and unique[0] == 0:
        return inverse.reshape(labels.shape), unique[1:], counts[1:]
    return (inverse + 1).reshape(labels.shape), unique, counts


def _centroids(compact: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Centroids (z, y, x) in voxel units of labels 1..N, shape (N, 3)."""
    n_labels = counts.shape[0] + 1
    centroids = np.empty((counts.shape[0], 3))
    for axis in range(3):
        shape = [1, 1, 1]
        shape[axis] = compact.shape[axis]
        coordinate = np.broadcast_to(np.arange(compact.shape[axis], dtype=np.float64).reshape(shape), compact.shape)
        sums = np.bincount(compact.ravel(), weights=coordinate.ravel(), minlength=n_labels)[1:]
        centroids[:, axis] = sums / counts
    return centroids


def frame_spot_features(labels: np.ndarray, *, calibration, raw: np.ndarray | None = None,
                        mask: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Features of every cell of one frame.

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)
        Label image of the frame, 0 = background.
    calibration : tuple of float
        ``(dz, dy, dx)`` in µm.
    raw : ndarray, shape (Z, Y, X), optional
        Intensity image. Default None: intensity columns are NaN.
    mask : ndarray of bool, shape (Z, Y, X) or (Y, X), optional
        Tissue mask. Default None: every cell counts as inside (``INSIDE_TISSUE`` 1, ``TISSUE_FRACTION`` 1)
        and ``DISTANCE_TO_BOUNDARY`` is NaN.

    Returns
    -------
    dict of str to ndarray
        One array of length N (cells, ordered by label) per column of the spot table except FRAME and
        POSITION_T. A single Z slice counts as 2D: VOLUME is then the area and RADIUS that of the disc of equal
        area (as TrackMate and the engine's label-image spots do).

    Examples
    --------
    >>> labels = np.zeros((2, 4, 4), np.uint16); labels[:, 1:3, 1:3] = 7
    >>> out = frame_spot_features(labels, calibration=(2.0, 0.5, 0.5))
    >>> out["LABEL"], out["POSITION_Z"], out["POSITION_X"], out["VOLUME"]
    (array([7]), array([1.]), array([0.75]), array([4.]))
    """
    dz, dy, dx = calibration
    compact, original, counts = _compact_labels(labels)
    centroids = _centroids(compact, counts)
    is_3d = compact.shape[0] > 1
    volume = counts * (dz * dy * dx if is_3d else dy * dx)
    features = {
        "POSITION_X": centroids[:, 2] * dx, "POSITION_Y": centroids[:, 1] * dy, "POSITION_Z": centroids[:, 0] * dz,
        "RADIUS": np.cbrt(3.0 * volume / (4.0 * np.pi)) if is_3d else np.sqrt(volume / np.pi),
        "QUALITY": counts.astype(np.float64),
        "LABEL": original.astype(np.int64), "VOLUME": volume,
    }
    if raw is not None:
        total = np.bincount(compact.ravel(), weights=np.asarray(raw, dtype=np.float64).ravel(),
                            minlength=counts.shape[0] + 1)[1:]
        features.update(MEAN_INTENSITY_CH1=total / counts, TOTAL_INTENSITY_CH1=total)
    else:
        features.update(MEAN_INTENSITY_CH1=np.full(counts.shape, np.nan), TOTAL_INTENSITY_CH1=np.full(counts.shape, np.nan))
    if mask is not None:
        # round half up, as Java's Math.round does in the engine's label-image spots
        nearest = np.clip(np.floor(centroids + 0.5).astype(np.int64), 0, np.array(compact.shape) - 1)
        features.update(tissue_features(compact, mask, counts, nearest, calibration=calibration))
    else:
        features.update(INSIDE_TISSUE=np.ones(counts.shape, np.int64), TISSUE_FRACTION=np.ones(counts.shape),
                        DISTANCE_TO_BOUNDARY=np.full(counts.shape, np.nan))
    return features
