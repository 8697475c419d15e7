"""Marker flooding of a mask, equal to ``skimage.segmentation.watershed(image, markers, mask=mask)``, done faster.

skimage's ``watershed`` converts, pads and copies the whole volume several times (float64 image, int8 mask,
markers times mask, padded output, cropped result) before its compiled kernel floods the masked voxels; when the
mask holds a few percent of a large volume (cell interiors), that preparation costs as much as the flooding.
:func:`flood_mask` gets the same labels with less work:

1. The watershed floods along faces (connectivity 1), so each 6-connected component of the mask is flooded
   independently of the others. A component whose markers all carry one label is filled with that label; one
   without markers stays 0. Neither needs the flooding queue.
2. The components holding several marker labels ("contested") are flooded by skimage's own kernel, given the
   arrays skimage would build (a raveled, zero-padded box) written at their voxels only. Restricting the queue
   to some components keeps the order in which it handles their voxels - it orders them by (value, age), ages
   being unique except the markers' (all 0) - unless two of their marker voxels tie in value: then the queue's
   internal layout, which the other components influence, could break the tie differently. If two marker
   voxels of the contested components tie, every component is flooded together, exactly as skimage does.

The kernel, ``skimage.segmentation._watershed_cy.watershed_raveled``, is private to scikit-image. Before its
first use in a process it is checked against the public ``watershed`` on a small volume full of ties (where the
neighbour order and the queue's age rule decide every label); if it is missing, has another signature or gives
other labels, the public function is used instead and a warning is logged once.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np

from volltrack.segmentation.label_voxels import take_flat
from volltrack.segmentation.mask_connectivity import ConnectedMask

_LOG = logging.getLogger(__name__)


def flood_mask(landscape, markers, mask, *, high_first=False):
    """Equal to ``skimage.segmentation.watershed(landscape, markers, mask=mask)`` (connectivity 1), as int32.

    Parameters
    ----------
    landscape : ndarray of real numbers, shape (Z, Y, X)
        Flooded from low to high values; read only inside ``mask`` (as float64, never rounded). Volumes of
        other dimensions go to the public skimage function.
    markers : ndarray of int, shape (Z, Y, X)
        Seeds (non-zero); those outside ``mask`` are ignored, as by skimage.
    mask : ndarray of bool, shape (Z, Y, X), or ConnectedMask
        Voxels that may be labelled; a :class:`ConnectedMask` when its components are already known.
    high_first : bool, optional
        Flood from high to low values instead, i.e. ``watershed(-landscape, ...)`` (for a probability map).
        Default False.

    Returns
    -------
    ndarray of int32, shape (Z, Y, X)
        0 outside ``mask`` and where no marker reaches.
    """
    kernel = _checked_kernel()
    plain = mask.mask if isinstance(mask, ConnectedMask) else np.asarray(mask, bool)
    if kernel is None or plain.ndim != 3:
        return _public_watershed(landscape, markers, plain, high_first)
    connected = mask if isinstance(mask, ConnectedMask) else ConnectedMask(mask)
    flat, component = connected.face.flat, connected.face.values
    labels = np.zeros(connected.mask.shape, np.int32)
    if flat.size == 0:
        return labels
    seeds = take_flat(markers, flat).astype(np.int32, copy=False)
    marked = np.flatnonzero(seeds)
    lowest = np.full(connected.n_face + 1, np.iinfo(np.int32).max, np.int32)
    highest = np.full(connected.n_face + 1, np.iinfo(np.int32).min, np.int32)
    np.minimum.at(lowest, component[marked], seeds[marked])
    np.maximum.at(highest, component[marked], seeds[marked])
    contested = (lowest < highest)[component]
    flooded = np.where(lowest == highest, lowest, 0)[component]   # one marker label: all of it
    if contested.any():
        chosen = np.flatnonzero(contested)
        if _has_tied_markers(landscape, flat[chosen], seeds[chosen]):
            chosen = np.arange(flat.size)   # ties: flood everything, as skimage would
        flooded[chosen] = _flood_voxels(kernel, landscape, seeds[chosen], flat[chosen], labels.shape, high_first)
    labels.reshape(-1)[flat] = flooded
    return labels


def _has_tied_markers(landscape, flat, seeds):
    """Whether two marker voxels among ``flat`` have the same landscape value."""
    values = take_flat(landscape, flat[seeds != 0])
    return np.unique(values).size < values.size


def _public_watershed(landscape, markers, mask, high_first):
    """The public skimage watershed on the mask's bounding box (same labels as on the whole volume)."""
    from skimage.segmentation import watershed

    labels = np.zeros(mask.shape, np.int32)
    flat = np.flatnonzero(mask)
    if flat.size == 0:
        return labels
    coordinates = np.unravel_index(flat, mask.shape)
    box = tuple(slice(int(c.min()), int(c.max()) + 1) for c in coordinates)
    image = landscape[box].astype(np.float64)
    labels[box] = watershed(-image if high_first else image, markers[box], mask=mask[box])
    return labels


def _flood_voxels(kernel, landscape, seeds, flat, shape, high_first):
    """Run skimage's kernel on the given voxels (flat indices, increasing) only; return their labels.

    The arrays are those skimage builds (a raveled, zero-padded box, float64 image, int8 mask, int32 output,
    markers in increasing flat order, neighbours in its order), written at the given voxels only.
    """
    coordinates = np.unravel_index(flat, shape)
    low = [int(c.min()) for c in coordinates]
    padded = [int(c.max()) - lo + 3 for c, lo in zip(coordinates, low)]
    local = np.zeros(flat.size, np.intp)
    for c, lo, size in zip(coordinates, low, padded):
        local *= size
        local += c - (lo - 1)
    strides = np.cumprod([1] + padded[:0:-1])[::-1].astype(np.intp)
    image = np.zeros(int(np.prod(padded)), np.float64)
    values = take_flat(landscape, flat).astype(np.float64)
    image[local] = -values if high_first else values
    inside = np.zeros(image.size, np.int8)
    inside[local] = 1
    output = np.zeros(image.size, np.int32)
    output[local] = seeds
    neighbours = np.concatenate([-strides, strides[::-1]])   # skimage's order for connectivity 1
    kernel(image, local[seeds != 0], neighbours, inside, strides, 0.0, output, False)
    return output[local]


def _load_kernel():
    """skimage's compiled flooding kernel (private to scikit-image)."""
    from skimage.segmentation import _watershed_cy

    return _watershed_cy.watershed_raveled


@lru_cache(maxsize=1)
def _checked_kernel():
    """skimage's compiled watershed kernel if it reproduces the public function here, else None."""
    from skimage.segmentation import watershed

    try:
        kernel = _load_kernel()
        rng = np.random.default_rng(7)
        landscape = rng.integers(0, 3, (6, 9, 11)).astype(np.float64)   # plateaus: ties everywhere
        mask = rng.random(landscape.shape) < 0.8
        markers = np.zeros(landscape.shape, np.int32)
        markers.reshape(-1)[rng.choice(markers.size, 12, replace=False)] = np.arange(1, 13)
        flat = np.flatnonzero(mask)
        flooded = np.zeros(mask.shape, np.int32)
        flooded.reshape(-1)[flat] = _flood_voxels(kernel, landscape, markers.reshape(-1)[flat], flat, mask.shape,
                                                  False)
        if np.array_equal(flooded, watershed(landscape, markers, mask=mask)):
            return kernel
        reason = "it gives other labels than skimage.segmentation.watershed"
    except Exception as error:   # a private API: any failure means "use the public function"
        reason = f"{type(error).__name__}: {error}"
    _LOG.warning("flooding with the public skimage watershed (slower): its kernel cannot be used directly (%s)",
                 reason)
    return None
