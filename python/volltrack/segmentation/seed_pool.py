"""The VollSeg seed pool, vectorised.

Seeds are the centroids of the StarDist instances, plus the centroid of every U-Net connected component whose
bounding box holds no StarDist centroid (the cells StarDist missed). The published implementation tests every
(box, centroid) pair in nested Python loops; here centroids and boxes come from one pass over each label volume
(:class:`~volltrack.segmentation.label_voxels.LabelVoxels`) and only the pairs that overlap along one axis
(found by binary search) are compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from volltrack.segmentation.label_voxels import LabelVoxels

#: Largest number of (box, centroid) pairs compared at once; bounds the memory of the broadcast test.
_PAIRS_PER_CHUNK = 4_000_000


@dataclass(frozen=True)
class SeedPool:
    """Watershed seeds.

    Attributes
    ----------
    points : ndarray of float, shape (n, 3)
        Seed positions (z, y, x) in voxels: StarDist centroids (sorted by z, y, x) first, then U-Net seeds.
    from_unet : ndarray of bool, shape (n,)
        True for seeds that come from U-Net components.
    """

    points: np.ndarray
    from_unet: np.ndarray

    @property
    def n_stardist(self):
        """Number of StarDist seeds."""
        return int((~self.from_unet).sum())


def label_centroids(labels):
    """Return the centroid (z, y, x) of every label present, and the labels, in increasing label order.

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)
        Label image, 0 = background.

    Returns
    -------
    centroids : ndarray of float, shape (n, 3)
    present : ndarray of int, shape (n,)

    Examples
    --------
    >>> labels = np.zeros((1, 3, 3), int); labels[0, :2, :2] = 4
    >>> label_centroids(labels)[0]
    array([[0. , 0.5, 0.5]])
    """
    voxels = LabelVoxels(labels)
    return voxels.centroids(), voxels.present


def component_boxes(labels, present):
    """Return bounding boxes (n, 6) as (z0, y0, x0, z1, y1, x1), upper bounds exclusive, of the given labels."""
    voxels = LabelVoxels(labels)
    rows = np.searchsorted(voxels.present, np.asarray(present, np.int64))
    return voxels.boxes()[rows].reshape(-1, 6)


def boxes_holding_points(boxes, points):
    """Return, for each box, whether any point lies inside it (bounds inclusive, as in the published test).

    Only the (box, point) pairs that overlap along the most selective axis are compared: the points are sorted
    along that axis and each box's candidates found by binary search.

    Parameters
    ----------
    boxes : ndarray of shape (m, 6)
        (z0, y0, x0, z1, y1, x1).
    points : ndarray of shape (n, 3)
        Points (z, y, x).

    Returns
    -------
    ndarray of bool, shape (m,)
    """
    boxes = np.asarray(boxes, float).reshape(-1, 6)
    points = np.asarray(points, float).reshape(-1, 3)
    holds = np.zeros(len(boxes), bool)
    if len(points) == 0 or len(boxes) == 0:
        return holds
    spread = np.ptp(points, axis=0) + 1.0
    axis = int(np.argmin((boxes[:, 3:] - boxes[:, :3]).mean(axis=0) / spread))
    order = np.argsort(points[:, axis], kind="stable")
    sorted_values = points[order, axis]
    first = np.searchsorted(sorted_values, boxes[:, axis], side="left")
    counts = np.searchsorted(sorted_values, boxes[:, 3 + axis], side="right") - first
    for chunk in _chunks_of_pairs(counts):
        box_of_pair = np.repeat(chunk, counts[chunk])
        starts = np.cumsum(counts[chunk]) - counts[chunk]
        rank = np.arange(box_of_pair.size) - np.repeat(starts, counts[chunk]) + first[box_of_pair]
        candidates = points[order[rank]]
        inside = np.all((candidates >= boxes[box_of_pair, :3]) & (candidates <= boxes[box_of_pair, 3:]), axis=1)
        holds[box_of_pair[inside]] = True
    return holds


def _chunks_of_pairs(counts):
    """Yield arrays of box indices whose candidate pairs total at most ``_PAIRS_PER_CHUNK`` (one box at least)."""
    ends = np.cumsum(counts)
    start = 0
    while start < len(counts):
        base = ends[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, base + _PAIRS_PER_CHUNK, side="right")))
        yield np.arange(start, stop)
        start = stop


def snap_into_components(points, labels, present, *, voxels=None):
    """Move each point that lies outside its component (label ``present[k]``) to the component's nearest voxel.

    A curved component's centroid can fall outside it; a watershed marker there would be lost. Ties in
    distance go to the first voxel in C order.

    Parameters
    ----------
    points : ndarray of float, shape (n, 3)
        Centroids, one per component.
    labels : ndarray of int, shape (Z, Y, X), or LabelVoxels
        Components.
    present : ndarray of int, shape (n,)
        Label of each point's component.
    voxels : LabelVoxels, optional
        ``LabelVoxels(labels)`` when already computed. Default None (computed here if needed).

    Returns
    -------
    ndarray of float, shape (n, 3)
    """
    if len(points) == 0:
        return points
    voxels = voxels if voxels is not None else labels if isinstance(labels, LabelVoxels) else LabelVoxels(labels)
    rounded = np.clip(np.rint(points).astype(np.int64), 0, np.asarray(voxels.shape) - 1)
    outside = voxels.label_at(np.ravel_multi_index(tuple(rounded.T), voxels.shape)) != present
    if not outside.any():
        return points
    lookup = np.full(max(int(voxels.values.max(initial=0)), int(present.max())) + 1, -1, np.int64)
    lookup[present[outside]] = np.flatnonzero(outside)
    owner_of_voxel = lookup[voxels.values]
    chosen = np.flatnonzero(owner_of_voxel >= 0)
    owner = owner_of_voxel[chosen]
    coordinates = np.stack([c[chosen] for c in voxels.coordinates], axis=1)
    distance = ((coordinates - points[owner]) ** 2).sum(axis=1)
    order = np.lexsort((distance, owner))
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    snapped = points.copy()
    snapped[owner[first]] = coordinates[first]
    return snapped


def seed_pool(stardist_labels, unet_labels, *, snap=True):
    """Pool StarDist centroids with centroids of U-Net components that StarDist missed.

    Parameters
    ----------
    stardist_labels : ndarray of int, shape (Z, Y, X), LabelVoxels, or ndarray of float, shape (n, 3)
        StarDist instances (their centroids are the StarDist seeds), or the StarDist seed points themselves.
    unet_labels : ndarray of int, shape (Z, Y, X), or LabelVoxels
        Connected components of the U-Net foreground mask (e.g. ``ConnectedMask(mask).full`` for the
        published 26-connected ones).
    snap : bool, optional
        Move a U-Net seed whose centroid lies outside its (curved) component to the component's nearest voxel,
        so that it is not lost. False reproduces the published algorithm. Default True.

    Returns
    -------
    SeedPool

    Examples
    --------
    >>> star = np.zeros((5, 20, 20), int); star[1:4, 2:6, 2:6] = 1
    >>> unet = np.zeros_like(star); unet[1:4, 1:7, 1:7] = 1; unet[1:4, 12:18, 12:18] = 2
    >>> seed_pool(star, unet).points
    array([[ 2. ,  3.5,  3.5],
           [ 2. , 14.5, 14.5]])
    """
    if isinstance(stardist_labels, LabelVoxels):
        star_points = stardist_labels.centroids()
    elif np.ndim(stardist_labels) == 2:
        star_points = np.asarray(stardist_labels, float).reshape(-1, 3)
    else:
        star_points = LabelVoxels(stardist_labels).centroids()
    star_points = star_points[np.lexsort(star_points.T[::-1])] if len(star_points) else star_points
    components = unet_labels if isinstance(unet_labels, LabelVoxels) else LabelVoxels(unet_labels)
    missed = ~boxes_holding_points(components.boxes(), star_points)
    unet_points = components.centroids()[missed]
    if snap:
        unet_points = snap_into_components(unet_points, components, components.present[missed])
    points = np.concatenate([star_points, unet_points])
    from_unet = np.r_[np.zeros(len(star_points), bool), np.ones(int(missed.sum()), bool)]
    return SeedPool(points=points.reshape(-1, 3), from_unet=from_unet)
