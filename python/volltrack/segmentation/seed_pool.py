"""The VollSeg seed pool, vectorised.

Seeds are the centroids of the StarDist instances, plus the centroid of every U-Net connected component whose
bounding box holds no StarDist centroid (the cells StarDist missed). The published implementation tests every
(box, centroid) pair in nested Python loops; here the test is one broadcast comparison per chunk of boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

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
    flat = labels.ravel()
    voxels = np.flatnonzero(flat)
    if voxels.size == 0:
        return np.zeros((0, 3)), np.zeros(0, np.int64)
    values = flat[voxels].astype(np.int64)
    counts = np.bincount(values)
    present = np.flatnonzero(counts)
    present = present[present > 0]
    coordinates = np.unravel_index(voxels, labels.shape)
    sums = [np.bincount(values, weights=c, minlength=counts.size)[present] for c in coordinates]
    return np.stack(sums, axis=1) / counts[present][:, None], present


def component_boxes(labels, present):
    """Return bounding boxes (n, 6) as (z0, y0, x0, z1, y1, x1), upper bounds exclusive, of the given labels."""
    slices = ndi.find_objects(labels)
    boxes = np.array([[s.start for s in slices[k - 1]] + [s.stop for s in slices[k - 1]] for k in present],
                     dtype=float).reshape(-1, 6)
    return boxes


def boxes_holding_points(boxes, points):
    """Return, for each box, whether any point lies inside it (bounds inclusive, as in the published test).

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
    holds = np.zeros(len(boxes), bool)
    if len(points) == 0 or len(boxes) == 0:
        return holds
    step = max(1, _PAIRS_PER_CHUNK // len(points))
    for start in range(0, len(boxes), step):
        chunk = boxes[start:start + step]
        above = points[None, :, :] >= chunk[:, None, :3]
        below = points[None, :, :] <= chunk[:, None, 3:]
        holds[start:start + step] = np.all(above & below, axis=2).any(axis=1)
    return holds


def snap_into_components(points, labels, present):
    """Move each point that lies outside its component (label ``present[k]``) to the component's nearest voxel.

    A curved component's centroid can fall outside it; a watershed marker there would be lost.

    Parameters
    ----------
    points : ndarray of float, shape (n, 3)
        Centroids, one per component.
    labels : ndarray of int, shape (Z, Y, X)
        Components.
    present : ndarray of int, shape (n,)
        Label of each point's component.

    Returns
    -------
    ndarray of float, shape (n, 3)
    """
    if len(points) == 0:
        return points
    rounded = np.clip(np.rint(points).astype(np.int64), 0, np.asarray(labels.shape) - 1)
    outside = labels[tuple(rounded.T)] != present
    if not outside.any():
        return points
    lookup = np.full(int(labels.max()) + 1, -1, np.int64)
    lookup[present[outside]] = np.flatnonzero(outside)
    voxels = np.flatnonzero(lookup[labels.ravel()] >= 0)
    owner = lookup[labels.ravel()[voxels]]
    coordinates = np.stack(np.unravel_index(voxels, labels.shape), axis=1)
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
    stardist_labels : ndarray of int, shape (Z, Y, X)
        StarDist instances.
    unet_labels : ndarray of int, shape (Z, Y, X)
        Connected components of the U-Net foreground mask.
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
    star_points, _ = label_centroids(stardist_labels)
    star_points = star_points[np.lexsort(star_points.T[::-1])] if len(star_points) else star_points
    unet_points, unet_present = label_centroids(unet_labels)
    missed = ~boxes_holding_points(component_boxes(unet_labels, unet_present), star_points)
    unet_points = unet_points[missed]
    if snap:
        unet_points = snap_into_components(unet_points, unet_labels, unet_present[missed])
    points = np.concatenate([star_points, unet_points])
    from_unet = np.r_[np.zeros(len(star_points), bool), np.ones(int(missed.sum()), bool)]
    return SeedPool(points=points.reshape(-1, 3), from_unet=from_unet)
