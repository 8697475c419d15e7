"""Tissue-mask features of cells: fraction of voxels inside, and signed distance to the mask boundary.

Sign convention of ``DISTANCE_TO_BOUNDARY``: **positive inside the tissue, negative outside**. The distance is
the exact Euclidean distance transform in physical units (``scipy.ndimage.distance_transform_edt`` with the
anisotropic sampling ``(dz, dy, dx)``), evaluated at the voxel nearest to the cell's centroid (rounding half up):

* centroid voxel inside the mask: distance from it to the nearest voxel centre outside the mask (> 0);
* centroid voxel outside the mask: minus the distance to the nearest voxel centre inside the mask (< 0);
* NaN when the frame's mask has no boundary (every voxel inside, or none).

The boundary of the image is not a tissue boundary. A mask given as ``(Y, X)`` per frame is applied to every Z
slice, and its distance is then the 2D distance in the YX plane (the broadcast mask has no boundary along Z).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

__all__ = ["signed_distance_to_boundary", "tissue_features"]


def signed_distance_to_boundary(mask: np.ndarray, *, sampling) -> np.ndarray:
    """Signed exact Euclidean distance to the mask boundary, positive inside, in physical units.

    Parameters
    ----------
    mask : ndarray of bool, shape (Z, Y, X) or (Y, X)
        Tissue mask of one frame.
    sampling : sequence of float
        Voxel size along each axis of ``mask``, e.g. ``(dz, dy, dx)``.

    Returns
    -------
    ndarray of float64, same shape as ``mask``
        All NaN when the mask is all True or all False.

    Examples
    --------
    >>> mask = np.zeros((1, 1, 6), bool); mask[..., :3] = True
    >>> signed_distance_to_boundary(mask, sampling=(1.0, 1.0, 0.5))[0, 0]
    array([ 1.5,  1. ,  0.5, -0.5, -1. , -1.5])
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.all() or not mask.any():
        return np.full(mask.shape, np.nan)
    inside = ndimage.distance_transform_edt(mask, sampling=sampling)
    outside = ndimage.distance_transform_edt(~mask, sampling=sampling)
    return inside - outside


def _distance_at(mask: np.ndarray, points: tuple, inside: np.ndarray, sampling) -> np.ndarray:
    """Signed distance at the given voxels, computing only the transform(s) those voxels need."""
    distance = np.full(inside.shape, np.nan)
    if mask.all() or not mask.any():
        return distance
    if inside.any():
        field = ndimage.distance_transform_edt(mask, sampling=sampling)
        distance[inside] = field[tuple(axis[inside] for axis in points)]
    if not inside.all():
        field = ndimage.distance_transform_edt(~mask, sampling=sampling)
        distance[~inside] = -field[tuple(axis[~inside] for axis in points)]
    return distance


def tissue_features(labels: np.ndarray, mask: np.ndarray, counts: np.ndarray, centroid_voxels: np.ndarray, *,
                    calibration) -> dict[str, np.ndarray]:
    """Compute ``INSIDE_TISSUE``, ``TISSUE_FRACTION`` and ``DISTANCE_TO_BOUNDARY`` for every cell of a frame.

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)
        Compact labels of the frame: 0 background, 1..N the cells in the order of ``counts``.
    mask : ndarray of bool, shape (Z, Y, X) or (Y, X)
        Tissue mask of the frame; a 2D mask applies to every Z slice.
    counts : ndarray of int, shape (N,)
        Voxel count of each cell.
    centroid_voxels : ndarray of int, shape (N, 3)
        Voxel (z, y, x) nearest to each cell's centroid.
    calibration : tuple of float
        ``(dz, dy, dx)``.

    Returns
    -------
    dict of str to ndarray
    """
    mask = np.asarray(mask, dtype=bool)
    n_cells = counts.shape[0]
    if mask.ndim == 2:
        weights = np.broadcast_to(mask, labels.shape).ravel()
        points, sampling = (centroid_voxels[:, 1], centroid_voxels[:, 2]), calibration[1:]
    else:
        weights = mask.ravel()
        points, sampling = tuple(centroid_voxels.T), calibration
    inside_voxels = np.bincount(labels.ravel(), weights=weights, minlength=n_cells + 1)[1:]
    inside = mask[points]
    return {"INSIDE_TISSUE": inside.astype(np.int64), "TISSUE_FRACTION": inside_voxels / counts,
            "DISTANCE_TO_BOUNDARY": _distance_at(mask, points, inside, sampling)}
