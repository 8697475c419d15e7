"""Distance of spots to the tissue boundary: an exact, anisotropic Euclidean distance transform per frame.

The *boundary* of a tissue mask is the set of mask voxels that touch a background voxel through a face
(6-connectivity); the image border is not a boundary (tissue cut by the field of view does not end there).
For each frame the exact Euclidean distance transform to the boundary voxels is computed in physical units
(calibration ``(dz, dy, dx)``), with the ``edt`` package (or SciPy), and read at each spot's voxel. A spot is
*inside* when its voxel lies in the mask. This replaces napatrackmater's per-frame KD-trees over boundary voxel
coordinates, which give the same distances (see ``bench/analysis``).
"""

from __future__ import annotations

import logging
import os

import numpy as np
from scipy import ndimage
from tqdm.auto import tqdm

logger = logging.getLogger(__name__)

#: Distance transform implementations accepted by ``backend``.
BACKENDS = ("edt", "scipy")

_FACES = ndimage.generate_binary_structure(3, 1)


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
    eroded = ndimage.binary_erosion(mask_frame, structure=_FACES, border_value=1)
    return mask_frame & ~eroded


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
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    boundary = boundary_voxels(mask_frame)
    if not boundary.any():
        return np.full(boundary.shape, np.nan, dtype=np.float32)
    sampling = tuple(float(c) for c in calibration)
    if backend == "edt":
        import edt

        threads = max(1, min(4, os.cpu_count() or 1))
        return edt.edt(~boundary, anisotropy=sampling, black_border=False, parallel=threads).astype(
            np.float32, copy=False)
    return ndimage.distance_transform_edt(~boundary, sampling=sampling).astype(np.float32)


def _voxel_indices(positions_zyx: np.ndarray, calibration, shape) -> np.ndarray:
    """Nearest voxel of each physical position, clipped to the image."""
    index = np.rint(positions_zyx / np.asarray(calibration, dtype=float)).astype(np.int64)
    outside = ((index < 0) | (index >= np.asarray(shape))).any(axis=1)
    if outside.any():
        logger.warning("%d spot(s) lie outside the mask's %s voxels; their nearest edge voxel is used",
                       int(outside.sum()), tuple(shape))
    return np.clip(index, 0, np.asarray(shape) - 1)


def distance_to_boundary(mask, frames, positions_zyx, *, calibration=(1.0, 1.0, 1.0), backend: str = "edt",
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
    backend : {"edt", "scipy"}, optional
        Distance transform implementation; default ``"edt"``.
    progress : bool, optional
        Show a progress bar over frames; default False.

    Returns
    -------
    distance : ndarray of float, shape (N,)
        Distance of the spot's voxel to the nearest boundary voxel (NaN when that frame has no boundary).
    inside : ndarray of bool, shape (N,)
        Whether the spot's voxel is tissue.
    """
    frames = np.asarray(frames, dtype=np.int64)
    positions_zyx = np.asarray(positions_zyx, dtype=float).reshape(-1, 3)
    ndim = len(getattr(mask, "shape", ()))
    if ndim not in (3, 4):
        raise ValueError(f"mask must have axes TZYX or ZYX, got shape {getattr(mask, 'shape', None)}")
    if ndim == 4 and len(frames) and frames.max() >= mask.shape[0]:
        raise ValueError(f"spots reach frame {int(frames.max())} but the mask has {mask.shape[0]} frame(s)")
    distance = np.full(len(frames), np.nan)
    inside = np.zeros(len(frames), dtype=bool)
    previous_frame, previous_map = None, None
    for frame in tqdm(np.unique(frames), desc="distance to boundary", disable=not progress, unit="frame"):
        mask_frame = np.asarray(mask[frame] if ndim == 4 else mask).astype(bool, copy=False)
        if previous_frame is None or not np.array_equal(mask_frame, previous_frame):
            previous_map = boundary_distance_map(mask_frame, calibration=calibration, backend=backend)
            previous_frame = mask_frame
        rows = np.flatnonzero(frames == frame)
        z, y, x = _voxel_indices(positions_zyx[rows], calibration, mask_frame.shape).T
        distance[rows] = previous_map[z, y, x]
        inside[rows] = mask_frame[z, y, x]
    return distance, inside
