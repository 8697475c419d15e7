"""Spot intensity measured in the raw image: over the cell's label voxels, or over a sphere of the spot's radius."""

from __future__ import annotations

import logging

import numpy as np
from scipy import ndimage
from tqdm.auto import tqdm

logger = logging.getLogger(__name__)


def _frame_groups(frames: np.ndarray):
    """Yield ``(frame, row indices)`` for every frame present, in increasing order."""
    order = np.argsort(frames, kind="stable")
    values, starts = np.unique(frames[order], return_index=True)
    for frame, rows in zip(values, np.split(order, starts[1:])):
        yield int(frame), rows


def _frames_with_progress(frames: np.ndarray, description: str, progress: bool):
    """:func:`_frame_groups` behind a progress bar over frames (shown when ``progress``)."""
    return tqdm(list(_frame_groups(frames)), desc=description, disable=not progress)


def _unmeasured(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """mean, total and voxel count of ``n`` spots, NaN until measured."""
    return np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)


def spot_labels(labels, frames, positions_zyx, *, calibration, label_column=None) -> np.ndarray:
    """Return the label of each spot: ``label_column`` where it is > 0, else the label under the spot's voxel.

    Parameters
    ----------
    labels : array-like of int, shape (T, Z, Y, X)
        Label movie (0 = background).
    frames : ndarray of int, shape (N,)
    positions_zyx : ndarray of float, shape (N, 3)
        Physical positions ``(z, y, x)``.
    calibration : tuple of 3 float
        Voxel size ``(dz, dy, dx)``.
    label_column : ndarray, shape (N,), optional
        Labels known from the spot table (``LABEL``); NaN or 0 where unknown.
    """
    result = np.zeros(len(frames), dtype=np.int64)
    if label_column is not None:
        known = np.nan_to_num(np.asarray(label_column, dtype=float), nan=0.0)
        result[:] = known.astype(np.int64)
    shape = np.asarray(labels.shape[1:])
    for frame, rows in _frame_groups(frames):
        rows = rows[result[rows] <= 0]
        if not len(rows):
            continue
        index = np.clip(np.rint(positions_zyx[rows] / np.asarray(calibration)).astype(np.int64), 0, shape - 1)
        result[rows] = np.asarray(labels[frame])[index[:, 0], index[:, 1], index[:, 2]]
    return result


def label_intensity(image, labels, frames, spot_label_ids, *, progress: bool = False):
    """Return mean and total intensity and voxel count of each spot's label region.

    Parameters
    ----------
    image, labels : array-like of shape (T, Z, Y, X)
        Raw image and label movie.
    frames, spot_label_ids : ndarray of int, shape (N,)
        Frame and label of each spot; label 0 gives NaN.
    progress : bool, optional
        Show a progress bar over frames; default False.

    Returns
    -------
    mean, total, voxels : ndarray of float, shape (N,)
    """
    mean, total, voxels = _unmeasured(len(frames))
    for frame, rows in _frames_with_progress(frames, "intensity (labels)", progress):
        ids = spot_label_ids[rows]
        rows, ids = rows[ids > 0], ids[ids > 0]
        if not len(rows):
            continue
        label_frame = np.asarray(labels[frame])
        total[rows] = ndimage.sum_labels(np.asarray(image[frame], dtype=float), label_frame, index=ids)
        voxels[rows] = ndimage.sum_labels(np.ones(label_frame.shape, np.uint8), label_frame, index=ids)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(voxels > 0, total / voxels, np.nan)
    total[voxels == 0] = np.nan
    voxels[np.isnan(voxels)] = 0
    return mean, total, voxels


def _sphere_values(image_frame: np.ndarray, centre_zyx, radius: float, calibration) -> np.ndarray:
    """Values of the voxels whose centres lie within ``radius`` of ``centre_zyx`` (at least the centre voxel)."""
    cal = np.asarray(calibration, dtype=float)
    centre_index = np.rint(centre_zyx / cal).astype(int)
    half = np.ceil(max(radius, 0.0) / cal).astype(int)
    low = np.maximum(centre_index - half, 0)
    high = np.minimum(centre_index + half + 1, image_frame.shape)
    if np.any(high <= low):
        return np.empty(0)
    grids = np.ogrid[tuple(slice(a, b) for a, b in zip(low, high))]
    squared = sum(((g * c) - p) ** 2 for g, c, p in zip(grids, cal, centre_zyx))
    inside = squared <= radius ** 2
    box = image_frame[tuple(slice(a, b) for a, b in zip(low, high))]
    if not inside.any():
        clipped = np.clip(centre_index, 0, np.asarray(image_frame.shape) - 1)
        return np.asarray([image_frame[tuple(clipped)]], dtype=float)
    return box[inside].astype(float)


def sphere_intensity(image, frames, positions_zyx, radii, *, calibration, progress: bool = False):
    """Return mean and total intensity and voxel count over a sphere of each spot's radius.

    Parameters
    ----------
    image : array-like of shape (T, Z, Y, X)
    frames : ndarray of int, shape (N,)
    positions_zyx : ndarray of float, shape (N, 3)
        Physical positions ``(z, y, x)``.
    radii : ndarray of float, shape (N,)
        Physical radii; a NaN or zero radius measures the centre voxel only.
    calibration : tuple of 3 float
        Voxel size ``(dz, dy, dx)``.
    progress : bool, optional
        Show a progress bar over frames; default False.

    Returns
    -------
    mean, total, voxels : ndarray of float, shape (N,)
        Over the voxels of each sphere; NaN for a spot whose sphere lies outside the image.
    """
    mean, total, voxels = _unmeasured(len(frames))
    radii = np.nan_to_num(np.asarray(radii, dtype=float), nan=0.0)
    for frame, rows in _frames_with_progress(frames, "intensity (spheres)", progress):
        image_frame = np.asarray(image[frame])
        for row in rows:
            values = _sphere_values(image_frame, positions_zyx[row], radii[row], calibration)
            if values.size:
                mean[row], total[row], voxels[row] = values.mean(), values.sum(), values.size
    return mean, total, voxels
