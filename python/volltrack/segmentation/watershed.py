"""Marker-controlled watershed inside the U-Net mask, and the label clean-up that follows it."""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi


def ball_offsets(radius):
    """Integer offsets (K, 3) of a ball of the given radius in voxels (skimage ``ball`` footprint)."""
    r = int(radius)
    grid = np.stack(np.meshgrid(*[np.arange(-r, r + 1)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    return grid[(grid**2).sum(axis=1) <= r * r]


def paint_markers(points, shape, *, radius=2):
    """Paint seed k as label k + 1, grown into a ball of ``radius`` voxels; where balls overlap the larger label wins.

    This equals painting single voxels and then a grey dilation with ``skimage.morphology.ball(radius)``, but
    touches only the voxels near the seeds.

    Parameters
    ----------
    points : ndarray of shape (n, 3)
        Seed positions (z, y, x) in voxels; rounded to the nearest voxel.
    shape : tuple of int
        Volume shape.
    radius : int, optional
        Ball radius in voxels; 0 paints single voxels. Default 2.

    Returns
    -------
    ndarray of int32, shape ``shape``
    """
    markers = np.zeros(shape, np.int32)
    if len(points) == 0:
        return markers
    centres = np.rint(points).astype(np.int64)
    offsets = ball_offsets(radius)
    voxels = (centres[:, None, :] + offsets[None, :, :]).reshape(-1, 3)
    values = np.repeat(np.arange(1, len(centres) + 1, dtype=np.int32), len(offsets))
    inside = np.all((voxels >= 0) & (voxels < np.asarray(shape)), axis=1)
    flat = np.ravel_multi_index(tuple(voxels[inside].T), shape)
    np.maximum.at(markers.ravel(), flat, values[inside])
    return markers


def stardist_outside_mask(stardist_labels, mask):
    """Return the voxels of StarDist instances whose centroid voxel lies outside ``mask`` (bool volume)."""
    from volltrack.segmentation.seed_pool import label_centroids

    centroids, present = label_centroids(stardist_labels)
    if len(present) == 0:
        return np.zeros(mask.shape, bool)
    centre_voxels = tuple(np.clip(np.rint(centroids).astype(np.int64), 0, np.asarray(mask.shape) - 1).T)
    outside = present[~mask[centre_voxels]]
    lookup = np.zeros(int(stardist_labels.max()) + 1, bool)
    lookup[outside] = True
    return lookup[stardist_labels]


def masked_watershed(landscape, markers, mask):
    """Flood ``-landscape`` from ``markers`` inside ``mask`` (skimage watershed, float landscape kept as is).

    Parameters
    ----------
    landscape : ndarray of float, shape (Z, Y, X)
        High inside cells: the StarDist probability (default) or distance map. Never cast to integers.
    markers : ndarray of int, shape (Z, Y, X)
        Seeds (:func:`paint_markers`).
    mask : ndarray of bool, shape (Z, Y, X)
        Where labels may go.

    Returns
    -------
    ndarray of int32; 0 outside ``mask``.
    """
    from skimage.segmentation import watershed

    if not np.issubdtype(landscape.dtype, np.floating):
        landscape = landscape.astype(np.float32)
    labels = np.zeros(mask.shape, np.int32)
    box = _bounding_box(mask)
    if box is None:
        return labels
    # Flooding only the mask's bounding box gives the same labels (marker order and ties are unchanged).
    labels[box] = watershed(-landscape[box], markers[box], mask=mask[box])
    return labels


def _bounding_box(mask):
    """Slices of the smallest box holding every True voxel of a 3D mask, or None when it is empty."""
    box = []
    for axis in range(mask.ndim):
        hits = np.flatnonzero(np.any(mask, axis=tuple(a for a in range(mask.ndim) if a != axis)))
        if hits.size == 0:
            return None
        box.append(slice(int(hits[0]), int(hits[-1]) + 1))
    return tuple(box)


def filter_sizes(labels, *, min_size=0, max_size=None):
    """Remove labels with fewer than ``min_size`` or more than ``max_size`` voxels (in place; returned)."""
    if labels.max() == 0 or (min_size <= 0 and max_size is None):
        return labels
    sizes = np.bincount(labels.ravel())
    drop = sizes < min_size
    if max_size is not None:
        drop |= sizes > max_size
    drop[0] = False
    if drop.any():
        labels[drop[labels]] = 0
    return labels


def fill_label_holes(labels):
    """Fill background pockets enclosed by a single label with that label (vectorised over all holes).

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)
        Labels; modified in place and returned.
    """
    pockets, n_pockets = ndi.label(labels == 0)
    if n_pockets == 0:
        return labels
    border = np.unique(np.concatenate([np.unique(face) for face in _faces(pockets)]))
    enclosed = np.ones(n_pockets + 1, bool)
    enclosed[border] = False
    enclosed[0] = False
    if not enclosed.any():
        return labels
    rim_owner = ndi.grey_dilation(np.where(enclosed[pockets], pockets, 0), size=(3, 3, 3))
    rim = (labels > 0) & (rim_owner > 0)
    index = np.flatnonzero(enclosed)
    high = np.asarray(ndi.maximum(labels, rim_owner * rim, index))
    low = np.asarray(ndi.minimum(np.where(rim, labels, np.iinfo(np.int32).max), rim_owner * rim, index))
    fill = np.zeros(n_pockets + 1, labels.dtype)
    single = (high == low) & (high > 0)
    fill[index[single]] = high[single]
    holes = fill[pockets] > 0
    labels[holes] = fill[pockets][holes]
    return labels


def _faces(volume):
    """The six faces of a 3D volume."""
    return [volume[0], volume[-1], volume[:, 0], volume[:, -1], volume[:, :, 0], volume[:, :, -1]]
