"""Rasterise seeds into a perturbed additively-weighted Voronoi tessellation.

Every seed paints a ball whose radius is its weight; each voxel takes the seed of the nearest painted voxel
(one exact Euclidean distance transform with anisotropic sampling), so the boundary between cells i and j lies
where ``|x - c_i| - w_i = |x - c_j| - w_j``. The tessellation is then sampled through a smooth displacement field
(domain warping), which bends the flat faces into irregular, non-convex cell shapes while keeping every cell
connected (the displacement is much smaller than its correlation length).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi


def _ball_offsets(radius_um, calibration):
    """Integer offsets (K, 3) of voxels within ``radius_um`` and their physical distances (K,)."""
    half = [int(np.floor(radius_um / c)) for c in calibration]
    grid = np.stack(np.meshgrid(*[np.arange(-h, h + 1) for h in half], indexing="ij"), axis=-1).reshape(-1, 3)
    distance = np.sqrt(((grid * np.asarray(calibration)) ** 2).sum(axis=1))
    keep = distance <= radius_um
    return grid[keep], distance[keep]


def paint_seeds(positions_um, weights_um, *, shape, calibration, origin):
    """Paint each seed as a ball of radius = weight into an int32 volume (value = seed index + 1).

    Parameters
    ----------
    positions_um : ndarray of shape (n, 3)
        Seed centres in µm (z, y, x), in image coordinates.
    weights_um : ndarray of shape (n,)
        Additive weights (ball radii) in µm.
    shape : tuple of int
        Shape of the painted (padded) volume.
    calibration : tuple of float
        Voxel size (dz, dy, dx) in µm.
    origin : array-like of 3 int
        Voxel index in the padded volume of image voxel (0, 0, 0).

    Returns
    -------
    ndarray of int32, shape ``shape``
    """
    painted = np.zeros(shape, np.int32)
    centres = np.rint(positions_um / np.asarray(calibration)).astype(np.int64) + np.asarray(origin)
    inside = np.all((centres >= 0) & (centres < np.asarray(shape)), axis=1)
    order = np.flatnonzero(inside)[np.argsort(-weights_um[inside], kind="stable")]
    if order.size == 0:
        return painted
    offsets, distance = _ball_offsets(float(weights_um[order].max()), calibration)
    chosen = distance[None, :] <= weights_um[order][:, None]
    seed_of_point = np.broadcast_to(order[:, None], chosen.shape)[chosen]
    points = (centres[order][:, None, :] + offsets[None, :, :])[chosen]
    valid = np.all((points >= 0) & (points < np.asarray(shape)), axis=1)
    # Largest balls first, so a small cell is never hidden under a big neighbour's ball.
    painted[tuple(points[valid].T)] = seed_of_point[valid] + 1
    painted[tuple(centres[order].T)] = order + 1
    return painted


def warp_sample_index(warp_px, *, pad):
    """Flat indices into the padded volume at which each image voxel samples the tessellation.

    Parameters
    ----------
    warp_px : sequence of 3 ndarray of int, each of shape (Z, Y, X)
        Integer displacement of each voxel's sampling position, clipped to ``[-pad, pad]`` per axis.
    pad : tuple of int
        Margin (voxels per axis) around the image.

    Returns
    -------
    ndarray of intp, shape (Z, Y, X)
    """
    shape = warp_px[0].shape
    padded_shape = tuple(n + 2 * p for n, p in zip(shape, pad))
    grid = np.ogrid[tuple(slice(0, n) for n in shape)]
    sample = [np.clip(g + p + w, 0, n - 1) for g, p, w, n in zip(grid, pad, warp_px, padded_shape)]
    return np.ravel_multi_index(sample, padded_shape)


def tessellate(positions_um, weights_um, *, calibration, sample_index, pad):
    """Return the seed index (+1) owning each voxel of the image, after domain warping.

    Parameters
    ----------
    positions_um, weights_um : ndarray
        Seeds as in :func:`paint_seeds`, in µm relative to image voxel (0, 0, 0).
    calibration : tuple of float
        Voxel size (dz, dy, dx) in µm.
    sample_index : ndarray of intp, shape (Z, Y, X)
        From :func:`warp_sample_index`.
    pad : tuple of int
        Margin (voxels per axis) around the image in which seeds still take part.

    Returns
    -------
    ndarray of int32, shape (Z, Y, X); 0 only where no seed exists at all.
    """
    shape = sample_index.shape
    padded_shape = tuple(n + 2 * p for n, p in zip(shape, pad))
    painted = paint_seeds(positions_um, weights_um, shape=padded_shape, calibration=calibration, origin=pad)
    if not painted.any():
        return np.zeros(shape, np.int32)
    nearest = ndi.distance_transform_edt(painted == 0, sampling=calibration, return_distances=False,
                                         return_indices=True)
    flat_nearest = np.ravel_multi_index(tuple(axis.ravel()[sample_index] for axis in nearest), padded_shape)
    return painted.ravel()[flat_nearest]


def reassign_fragments(labels, *, passes=3):
    """Keep each label's largest 6-connected piece; give smaller pieces to an adjacent other label.

    Rasterising a warped tessellation leaves a few one- or two-voxel islands; a real cell is one connected
    region, so each island joins a neighbouring cell (or the background when it has none within ``passes``
    voxels).

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)
        Labels, 0 = background; modified in place and returned.
    passes : int, optional
        How many voxels deep an island is filled from its border. Default 3.

    Returns
    -------
    ndarray
        ``labels``, every label now connected.
    """
    from skimage.measure import label as connected_components

    pieces = connected_components(labels, connectivity=1, background=0)
    n_pieces = int(pieces.max())
    if n_pieces == 0:
        return labels
    owner = np.zeros(n_pieces + 1, labels.dtype)
    owner[pieces.ravel()] = labels.ravel()
    size = np.bincount(pieces.ravel(), minlength=n_pieces + 1)
    order = np.lexsort((size[1:], owner[1:])) + 1          # by owner, then by size
    largest = np.zeros(n_pieces + 1, bool)
    last_of_owner = np.r_[owner[order][1:] != owner[order][:-1], True]
    largest[order[last_of_owner]] = True
    island = ~largest[pieces] & (pieces > 0)
    if not island.any():
        return labels
    where = np.nonzero(island)
    original = labels[where]
    labels[where] = 0
    for _ in range(passes):
        _fill_from_neighbours(labels, original, where)
    return labels


def _fill_from_neighbours(labels, original, where):
    """One pass: each unfilled island voxel takes a 6-neighbour's label different from its own former one.

    ``where`` holds the island voxels' coordinates and ``original`` their former labels. The six directions are
    visited in turn (Z, Y, X; from the lower then the upper neighbour), each reading every island voxel's
    neighbour before filling any, so a voxel filled in one direction can pass its label on in the next: the
    whole volume's shifted copy compared voxel by voxel, computed on the island voxels only.
    """
    for axis in range(3):
        for step in (1, -1):
            source = where[axis] - step
            inside = (source >= 0) & (source < labels.shape[axis])
            at = tuple(c[inside] for c in where)
            neighbour = np.zeros(len(original), labels.dtype)
            neighbour[inside] = labels[tuple(source[inside] if a == axis else c for a, c in enumerate(at))]
            take = (labels[where] == 0) & (neighbour > 0) & (neighbour != original)
            labels[tuple(c[take] for c in where)] = neighbour[take]
