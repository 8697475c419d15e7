"""reassign_fragments on island voxels only gives what the whole-volume version (shifted copies, islands found
per label with scipy) gives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from volltrack.synthetic.tessellation import reassign_fragments


def _islands(labels):
    """Every voxel of a label outside its largest 6-connected piece, found one label at a time with scipy (of
    equal largest pieces, the one reached last in raster order is kept)."""
    island = np.zeros(labels.shape, bool)
    for value in np.unique(labels[labels > 0]):
        pieces, n = ndi.label(labels == value)                  # scipy's default 3D structure: 6-connected
        sizes = np.bincount(pieces.ravel())[1:]
        kept = n - int(np.argmax(sizes[::-1]))
        island |= (pieces > 0) & (pieces != kept)
    return island


def _whole_volume(labels, passes=3):
    """The former fill: every pass compares the volume with its six shifted copies."""
    island = _islands(labels)
    original = labels.copy()
    labels[island] = 0
    for _ in range(passes):
        for axis in range(3):
            for step in (1, -1):
                neighbour = np.roll(labels, step, axis=axis)
                edge = [slice(None)] * 3
                edge[axis] = 0 if step == 1 else -1
                neighbour[tuple(edge)] = 0
                take = island & (labels == 0) & (neighbour > 0) & (neighbour != original)
                labels[take] = neighbour[take]
    return labels


@pytest.mark.parametrize("seed", range(6))
def test_same_labels_as_the_whole_volume_version(seed):
    rng = np.random.default_rng(seed)
    shape = (7, 20, 23)
    coarse = rng.integers(0, 9, (4, 6, 6))            # blocky cells, then salt: islands of every size,
    labels = coarse[np.ix_(*[np.minimum(np.arange(n) * c // n, c - 1) for n, c in zip(shape, coarse.shape)])]
    salt = rng.random(shape) < 0.08                     # touching borders, inside other cells and outside
    labels = np.where(salt, rng.integers(0, 9, shape), labels).astype(np.int32)
    labels[ndi.binary_dilation(rng.random(shape) < 0.01)] = 0
    expected = _whole_volume(labels.copy())
    got = reassign_fragments(labels.copy())
    assert np.array_equal(got, expected)
    assert (got != labels).sum() > 10                  # the case has islands that move
    assert all(ndi.label(got == value)[1] == 1 for value in np.unique(got[got > 0]))     # every label connected


def test_no_island_leaves_the_labels_untouched():
    labels = np.zeros((3, 4, 5), np.int32)
    labels[:, :2] = 1
    labels[:, 2:] = 2
    assert np.array_equal(reassign_fragments(labels.copy()), labels)
