"""U-Net foreground probability to a binary mask and its connected components."""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi


def foreground_mask(probability, *, threshold=None):
    """Threshold a foreground probability (Otsu when ``threshold`` is None) and fill holes.

    Parameters
    ----------
    probability : ndarray of float, shape (Z, Y, X)
        U-Net output.
    threshold : float, optional
        Fixed threshold; default Otsu's on the volume (0.5 if the volume is constant).

    Returns
    -------
    ndarray of bool
    """
    if threshold is None:
        from skimage.filters import threshold_otsu

        threshold = 0.5 if np.ptp(probability) == 0 else float(threshold_otsu(probability))
    return ndi.binary_fill_holes(probability > threshold)


def mask_components(mask, *, min_size=0):
    """Label 6-connected components of ``mask``; drop those with fewer than ``min_size`` voxels; relabel 1..n."""
    components, count = ndi.label(mask)
    if count and min_size > 0:
        sizes = np.bincount(components.ravel())
        keep = sizes >= min_size
        keep[0] = False
        lookup = np.zeros(count + 1, np.int32)
        lookup[keep] = np.arange(1, int(keep.sum()) + 1)
        components = lookup[components]
    return components.astype(np.int32)
