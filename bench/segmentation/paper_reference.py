"""The paper-era VollSeg seed pooling and watershed, re-implemented from its published description.

Written for the benchmark from peers.md §1.2 steps 4-5 and the paper's text (no code copied): per-region
centroids and boxes from ``regionprops``, StarDist centroids sorted by (z, y, x), a Python loop over U-Net boxes
that tests every StarDist centroid with an axis-by-axis containment check (bounds inclusive), the extra seed at
(0, 0, 0), seeds painted as labels 1..N, a grey dilation with ``ball(2)`` over the whole volume, and
``watershed(-probability, markers, mask)``. The paper-era cast of the probability map to uint16 (a bug that
flattened the landscape) is NOT reproduced: both implementations flood the float map.
"""

from __future__ import annotations

import numpy as np


def _inside(box, point):
    """Axis-by-axis test of the published seed criterion: box[p] <= point[p] <= box[p + ndim] for every axis."""
    ndim = len(point)
    checks = []
    for axis in range(ndim):
        checks.append(box[axis] <= point[axis] <= box[axis + ndim])
    return all(checks)


def paper_seed_pool(stardist_labels, unet_mask):
    """Return the seed list (StarDist centroids sorted, then U-Net centroids of boxes without one, then origin)."""
    from skimage.measure import label, regionprops

    star_points = sorted((prop.centroid for prop in regionprops(stardist_labels)), key=lambda c: (c[0], c[1], c[2]))
    seeds = list(star_points)
    for prop in regionprops(label(unet_mask)):
        if not any(_inside(prop.bbox, point) for point in star_points):
            seeds.append(prop.centroid)
    seeds.append((0, 0, 0))
    return np.asarray(seeds, dtype=float)


def paper_watershed(probability, seeds, unet_mask):
    """Paint seeds 1..N, dilate with ball(2), flood -probability inside the U-Net mask."""
    from skimage.morphology import ball, dilation
    from skimage.segmentation import watershed

    markers = np.zeros(probability.shape, np.int32)
    markers[tuple(np.round(seeds).astype(int).T)] = 1 + np.arange(len(seeds))
    markers = dilation(markers, ball(2))
    return watershed(-probability, markers, mask=unet_mask)
