"""Distance of spots to the tissue boundary: an exact, anisotropic Euclidean distance transform per frame.

The *boundary* of a tissue mask is the set of mask voxels that touch a background voxel through a face
(6-connectivity); the image border is not a boundary (tissue cut by the field of view does not end there).
The distance of a spot is the exact Euclidean distance, in physical units (calibration ``(dz, dy, dx)``), from
its voxel to the nearest boundary voxel of its frame. It is computed either by an exact Euclidean distance
transform (the ``edt`` package, or SciPy) over the box that holds the boundary and the spots, or, when a frame
has few spots for its size, by a KD-tree over the calibrated boundary voxel coordinates; both give the same
values (tested). A spot is *inside* when its voxel lies in the mask.
"""

from __future__ import annotations

import logging
import os

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree
from tqdm.auto import tqdm

logger = logging.getLogger(__name__)

#: Methods accepted by :func:`distance_to_boundary`; all compute the same exact distances.
METHODS = ("auto", "edt", "scipy", "kdtree")

#: ``method="auto"`` uses the KD-tree when a frame has fewer than one spot per this many voxels.
AUTO_VOXELS_PER_QUERY = 1000

def boundary_voxels(mask_frame: np.ndarray) -> np.ndarray:
    """Return the boundary voxels of a tissue mask.

    Parameters
    ----------
    mask_frame : ndarray of shape (Z, Y, X)
        Tissue mask of one frame; nonzero = tissue.

    Returns
    -------
    ndarray of bool, shape (Z, Y, X)
        Tissue voxels with at least one background face neighbour (the image border is not background).

    Examples
    --------
    >>> mask = np.zeros((1, 5, 5), bool); mask[0, 1:4, 1:4] = True
    >>> int(boundary_voxels(mask).sum())
    8
    """
    mask_frame = np.asarray(mask_frame).astype(bool, copy=False)
    interior = mask_frame.copy()
    for axis in range(mask_frame.ndim):  # a face neighbour outside the mask makes a voxel boundary
        lower = tuple(slice(0, -1) if a == axis else slice(None) for a in range(mask_frame.ndim))
        upper = tuple(slice(1, None) if a == axis else slice(None) for a in range(mask_frame.ndim))
        interior[lower] &= mask_frame[upper]
        interior[upper] &= mask_frame[lower]
    return mask_frame & ~interior


def _edt(boundary: np.ndarray, sampling, backend: str) -> np.ndarray:
    """Exact Euclidean distance of every voxel to the nearest ``True`` voxel of ``boundary``."""
    if backend == "edt":
        import edt

        threads = max(1, min(4, os.cpu_count() or 1))
        return edt.edt(~boundary, anisotropy=sampling, black_border=False, parallel=threads)
    return ndimage.distance_transform_edt(~boundary, sampling=sampling)


def boundary_distance_map(mask_frame: np.ndarray, *, calibration=(1.0, 1.0, 1.0), backend: str = "edt"
                          ) -> np.ndarray:
    """Return the exact Euclidean distance of every voxel to the nearest boundary voxel, in physical units.

    Parameters
    ----------
    mask_frame : ndarray of shape (Z, Y, X)
        Tissue mask of one frame.
    calibration : tuple of 3 float, optional
        Voxel size ``(dz, dy, dx)``; default ``(1, 1, 1)``.
    backend : {"edt", "scipy"}, optional
        ``"edt"`` (default; the multi-threaded ``edt`` package) or ``"scipy"``
        (``scipy.ndimage.distance_transform_edt``); both are exact.

    Returns
    -------
    ndarray of float32, shape (Z, Y, X)
        Distances; all NaN when the mask has no boundary (empty, or tissue everywhere).

    Examples
    --------
    >>> mask = np.zeros((1, 1, 7), bool); mask[..., 2:] = True
    >>> boundary_distance_map(mask, calibration=(1, 1, 0.5))[0, 0].tolist()
    [1.0, 0.5, 0.0, 0.5, 1.0, 1.5, 2.0]
    """
    if backend not in ("edt", "scipy"):
        raise ValueError(f"backend must be 'edt' or 'scipy', got {backend!r}")
    boundary = boundary_voxels(mask_frame)
    if not boundary.any():
        return np.full(boundary.shape, np.nan, dtype=np.float32)
    return _edt(boundary, tuple(float(c) for c in calibration), backend).astype(np.float32, copy=False)


def _voxel_indices(positions_zyx: np.ndarray, calibration, shape) -> np.ndarray:
    """Nearest voxel of each physical position, clipped to the image."""
    index = np.rint(positions_zyx / np.asarray(calibration, dtype=float)).astype(np.int64)
    outside = ((index < 0) | (index >= np.asarray(shape))).any(axis=1)
    if outside.any():
        logger.warning("%d spot(s) lie outside the mask's %s voxels; their nearest edge voxel is used",
                       int(outside.sum()), tuple(shape))
    return np.clip(index, 0, np.asarray(shape) - 1)


def _bounding_box(boundary: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest box holding every boundary voxel and every queried voxel (low inclusive, high exclusive)."""
    low, high = index.min(axis=0), index.max(axis=0) + 1
    for axis in range(3):
        present = np.flatnonzero(boundary.any(axis=tuple(a for a in range(3) if a != axis)))
        low[axis], high[axis] = min(low[axis], present[0]), max(high[axis], present[-1] + 1)
    return low, high


def frame_distances(mask_frame: np.ndarray, index: np.ndarray, *, calibration=(1.0, 1.0, 1.0),
                    method: str = "auto") -> np.ndarray:
    """Return the exact distance from voxels ``index`` to the nearest boundary voxel of one frame's mask.

    Parameters
    ----------
    mask_frame : ndarray of bool, shape (Z, Y, X)
    index : ndarray of int, shape (N, 3)
        Voxel indices ``(z, y, x)`` inside the image.
    calibration : tuple of 3 float, optional
        Voxel size ``(dz, dy, dx)``; default ``(1, 1, 1)``.
    method : {"auto", "edt", "scipy", "kdtree"}, optional
        ``"edt"``/``"scipy"``: exact EDT over the box that holds the boundary and the queries;
        ``"kdtree"``: nearest boundary voxel from a KD-tree of their calibrated coordinates. All give the same
        values. ``"auto"`` (default) takes ``"kdtree"`` when the frame has fewer than one query per
        :data:`AUTO_VOXELS_PER_QUERY` voxels, else ``"edt"``.

    Returns
    -------
    ndarray of float, shape (N,)
        NaN everywhere when the mask has no boundary.
    """
    boundary = boundary_voxels(mask_frame)
    if not boundary.any() or not len(index):
        return np.full(len(index), np.nan)
    sampling = np.asarray(calibration, dtype=float)
    if method == "auto":
        method = "kdtree" if len(index) * AUTO_VOXELS_PER_QUERY < boundary.size else "edt"
    if method == "kdtree":
        tree = cKDTree(np.argwhere(boundary) * sampling, balanced_tree=False, compact_nodes=False)
        return tree.query(index * sampling)[0]
    low, high = _bounding_box(boundary, index)
    box = boundary[tuple(slice(a, b) for a, b in zip(low, high))]
    distances = _edt(np.ascontiguousarray(box), tuple(sampling.tolist()), method)
    local = index - low
    return distances[local[:, 0], local[:, 1], local[:, 2]].astype(float)


def distance_to_boundary(mask, frames, positions_zyx, *, calibration=(1.0, 1.0, 1.0), method: str = "auto",
                         progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Return the distance to the tissue boundary and the inside flag of spots, frame by frame.

    Parameters
    ----------
    mask : array-like of shape (T, Z, Y, X) or (Z, Y, X)
        Tissue mask (nonzero = tissue); indexed one frame at a time, so a memmap or zarr array works. A
        single (Z, Y, X) mask is used for every frame.
    frames : array-like of int, shape (N,)
        Frame of each spot.
    positions_zyx : array-like of float, shape (N, 3)
        Spot positions ``(z, y, x)`` in physical units.
    calibration : tuple of 3 float, optional
        Voxel size ``(dz, dy, dx)``; default ``(1, 1, 1)``.
    method : {"auto", "edt", "scipy", "kdtree"}, optional
        How the exact distances are computed (see :func:`frame_distances`); default ``"auto"``.
    progress : bool, optional
        Show a progress bar over frames; default False.

    Returns
    -------
    distance : ndarray of float, shape (N,)
        Distance of the spot's voxel to the nearest boundary voxel (NaN when that frame has no boundary).
    inside : ndarray of bool, shape (N,)
        Whether the spot's voxel is tissue.

    Examples
    --------
    >>> mask = np.zeros((2, 1, 1, 6), bool); mask[:, ..., :4] = True
    >>> distance_to_boundary(mask, [0, 1], [[0, 0, 0.0], [0, 0, 5.0]])
    (array([3., 2.]), array([ True, False]))
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    frames = np.asarray(frames, dtype=np.int64)
    positions_zyx = np.asarray(positions_zyx, dtype=float).reshape(-1, 3)
    ndim = len(getattr(mask, "shape", ()))
    if ndim not in (3, 4):
        raise ValueError(f"mask must have axes TZYX or ZYX, got shape {getattr(mask, 'shape', None)}")
    if ndim == 4 and len(frames) and frames.max() >= mask.shape[0]:
        raise ValueError(f"spots reach frame {int(frames.max())} but the mask has {mask.shape[0]} frame(s)")
    distance = np.full(len(frames), np.nan)
    inside = np.zeros(len(frames), dtype=bool)
    order = np.argsort(frames, kind="stable")
    values, starts = np.unique(frames[order], return_index=True)
    for frame, rows in tqdm(list(zip(values, np.split(order, starts[1:]))), desc="distance to boundary",
                            disable=not progress, unit="frame"):
        mask_frame = np.asarray(mask[frame] if ndim == 4 else mask).astype(bool, copy=False)
        index = _voxel_indices(positions_zyx[rows], calibration, mask_frame.shape)
        distance[rows] = frame_distances(mask_frame, index, calibration=calibration, method=method)
        inside[rows] = mask_frame[index[:, 0], index[:, 1], index[:, 2]]
    return distance, inside
