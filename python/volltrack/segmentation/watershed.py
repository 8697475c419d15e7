"""Marker-controlled watershed inside the U-Net mask, and the label clean-up that follows it."""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi

from volltrack.segmentation.flooding import flood_mask
from volltrack.segmentation.label_voxels import LabelVoxels
from volltrack.segmentation.mask_connectivity import ConnectedMask

#: What VollSeg's seeded watershed can flood (its ``watershed_map`` option); "stardist" is the published VollSeg.
WATERSHED_MAPS = ("stardist", "unet", "membrane")


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
    """Return the voxels of StarDist instances (labels or their LabelVoxels) whose centroid voxel lies outside
    ``mask`` (bool volume)."""
    voxels = stardist_labels if isinstance(stardist_labels, LabelVoxels) else LabelVoxels(stardist_labels)
    outside_mask = np.zeros(mask.shape, bool)
    if len(voxels.present) == 0:
        return outside_mask
    centre_voxels = np.clip(np.rint(voxels.centroids()).astype(np.int64), 0, np.asarray(mask.shape) - 1)
    is_outside = np.zeros(voxels.dense_label_count.size, bool)
    is_outside[voxels.present[~mask[tuple(centre_voxels.T)]]] = True
    outside_mask.reshape(-1)[voxels.flat[is_outside[voxels.values]]] = True
    return outside_mask


def masked_watershed(landscape, markers, mask):
    """Flood ``-landscape`` from ``markers`` inside ``mask`` (skimage watershed, float landscape kept as is).

    The labels equal ``skimage.segmentation.watershed(-landscape, markers, mask=mask)``; only the masked voxels
    are prepared for skimage's kernel (:func:`~volltrack.segmentation.flooding.flood_mask`).

    Parameters
    ----------
    landscape : ndarray of float, shape (Z, Y, X)
        High inside cells: the StarDist probability (default) or distance map. Never cast to integers.
    markers : ndarray of int, shape (Z, Y, X)
        Seeds (:func:`paint_markers`).
    mask : ndarray of bool, shape (Z, Y, X), or ConnectedMask
        Where labels may go; pass a :class:`~volltrack.segmentation.mask_connectivity.ConnectedMask` to reuse
        its connected components.

    Returns
    -------
    ndarray of int32; 0 outside ``mask``.
    """
    if not isinstance(mask, ConnectedMask):
        mask = np.asarray(mask, bool)
    return flood_mask(landscape, markers, mask, high_first=True)


def filter_sizes(labels, *, min_size=0, max_size=None):
    """Remove labels with fewer than ``min_size`` or more than ``max_size`` voxels (in place; returned)."""
    if min_size <= 0 and max_size is None:
        return labels
    voxels = LabelVoxels(labels)
    sizes = voxels.dense_label_count
    drop = sizes < min_size
    if max_size is not None:
        drop |= sizes > max_size
    drop[0] = False
    if drop.any():
        labels[np.unravel_index(voxels.flat[drop[voxels.values]], labels.shape)] = 0
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
    owner, rim_labels = rim_owner[rim], labels[rim]          # each enclosed pocket's rim: the labels around it
    high = np.zeros(n_pockets + 1, np.int64)
    low = np.full(n_pockets + 1, np.iinfo(np.int64).max, np.int64)
    np.maximum.at(high, owner, rim_labels)
    np.minimum.at(low, owner, rim_labels)
    single = enclosed & (high == low) & (high > 0)
    fill = np.where(single, high, 0).astype(labels.dtype)
    holes = fill[pockets] > 0
    labels[holes] = fill[pockets][holes]
    return labels


def _faces(volume):
    """The six faces of a 3D volume."""
    return [volume[0], volume[-1], volume[:, 0], volume[:, -1], volume[:, :, 0], volume[:, :, -1]]
