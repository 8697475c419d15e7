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


def _face_boundary(mask: np.ndarray) -> np.ndarray:
    """Voxels of ``mask`` with a face neighbour outside it (the image border is not outside)."""
    interior = mask.copy()
    for axis in range(mask.ndim):
        lower = tuple(slice(0, -1) if a == axis else slice(None) for a in range(mask.ndim))
        upper = tuple(slice(1, None) if a == axis else slice(None) for a in range(mask.ndim))
        interior[lower] &= mask[upper]
        interior[upper] &= mask[lower]
    return mask & ~interior


def _distance_at(mask: np.ndarray, points: tuple, inside: np.ndarray, sampling) -> np.ndarray:
    """Signed distance at the given voxels: the values of :func:`signed_distance_to_boundary` there, without the
    distance transforms of the whole frame.

    The background voxel nearest to a tissue voxel touches the tissue through a face (a step from it towards the
    tissue voxel along any axis brings it closer), and vice versa; so the nearest one is found by a KD-tree over
    the calibrated coordinates of the background voxels with a tissue face neighbour (a thin shell), and the
    distance is the same Euclidean distance, in the same units, as the transform's.
    """
    from scipy.spatial import cKDTree

    distance = np.full(inside.shape, np.nan)
    if mask.all() or not mask.any() or not inside.size:
        return distance
    scale = np.asarray(sampling, dtype=float)
    queries = np.stack(points, axis=1).astype(float) * scale
    for side, shell, sign in ((inside, ~mask, 1.0), (~inside, mask, -1.0)):
        if side.any():
            boundary = np.argwhere(_face_boundary(shell)) * scale
            nearest = cKDTree(boundary, balanced_tree=False, compact_nodes=False).query(queries[side])[0]
            distance[side] = sign * nearest
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
    if mask.ndim == 3 and mask.shape[0] > 1 and mask.strides[0] == 0:
        mask = mask[0]  # one YX mask repeated over Z (io.masks.SliceRepeated): measured in 2D, as a YX mask
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


#: The inverted-mask rule (docs/safety.md): with at least this many spots ...
INVERTED_MIN_SPOTS = 10
#: ... fewer than this fraction of them inside the mask ...
INVERTED_MAX_INSIDE = 0.10
#: ... while the mask's foreground covers more than this fraction of the side border of the field of view.
INVERTED_MIN_BORDER = 0.5


def mask_border_fraction(mask, max_frames: int = 5, has_time_axis: bool = True) -> float:
    """Fraction of the side-border voxels (first/last row and column of every Z slice) that are mask foreground.

    At most ``max_frames`` time points, evenly spaced, are read (the mask may be a lazy array of a long movie).

    Parameters
    ----------
    mask : array-like, shape (T, Z, Y, X) or (T, Y, X)
        The tissue mask.
    max_frames : int, optional
        How many time points to read at most.
    has_time_axis : bool, optional
        False for a mask of one time point without its T axis ((Z, Y, X) or (Y, X)).

    Returns
    -------
    float
        In [0, 1].
    """
    if has_time_axis:
        n_frames = int(mask.shape[0])
        picked = np.unique(np.linspace(0, n_frames - 1, num=min(max_frames, n_frames)).round().astype(int))
        frames = (mask[int(t)] for t in picked)
    else:
        frames = iter([mask])
    inside = total = 0
    for frame in frames:
        frame = np.asarray(frame) != 0
        rows = np.concatenate([frame[..., 0, :], frame[..., -1, :]], axis=-1)
        cols = np.concatenate([frame[..., 1:-1, 0], frame[..., 1:-1, -1]], axis=-1)
        inside += int(rows.sum()) + int(cols.sum())
        total += rows.size + cols.size
    return inside / total if total else 0.0


def inverted_mask_warning(spots, mask, mask_path, has_time_axis: bool = True) -> str | None:
    """Return a one-line warning when the tissue mask looks inverted, else None.

    The rule: at least :data:`INVERTED_MIN_SPOTS` spots, fewer than :data:`INVERTED_MAX_INSIDE` of them with
    ``INSIDE_TISSUE`` 1, and the mask's foreground on more than :data:`INVERTED_MIN_BORDER` of the side border of the
    field of view (a tissue mask normally leaves background around the tissue; an inverted one is foreground
    there). Only a warning: a tissue filling the field of view with the cells outside it is possible, if unusual.

    Parameters
    ----------
    spots : pandas.DataFrame
        The spot table, with ``INSIDE_TISSUE``.
    mask : array-like, shape (T, Z, Y, X) or (T, Y, X)
        The tissue mask.
    mask_path : str or path-like
        The mask file, named in the warning.
    has_time_axis : bool, optional
        False for a mask of one time point without its T axis.
    """
    if mask is None or "INSIDE_TISSUE" not in spots:
        return None
    n_inside = int((np.asarray(spots["INSIDE_TISSUE"]) == 1).sum())
    return inverted_mask_warning_from_counts(len(spots), n_inside, mask, mask_path, has_time_axis)


def inverted_mask_warning_from_counts(n_spots: int, n_inside: int, mask, mask_path,
                                      has_time_axis: bool = True) -> str | None:
    """:func:`inverted_mask_warning` from the number of spots and of spots inside the tissue (a spot table written
    frame by frame is never held whole)."""
    if mask is None or n_spots < INVERTED_MIN_SPOTS:
        return None
    inside = n_inside / n_spots
    if inside >= INVERTED_MAX_INSIDE:
        return None
    border = mask_border_fraction(mask, has_time_axis=has_time_axis)
    if border <= INVERTED_MIN_BORDER:
        return None
    return (f"tissue mask {mask_path}: only {inside:.0%} of {n_spots} spots are inside it while it covers "
            f"{border:.0%} of the image border; is the mask inverted (tissue = 0)? Expected non-zero voxels "
            "where the tissue is")
