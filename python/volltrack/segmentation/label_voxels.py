"""Per-label statistics of a label volume from one pass over it: voxel indices, sizes, centroids, boxes.

Cells fill a small part of a microscopy volume, so everything after the one pass that finds the labelled voxels
(``np.flatnonzero``) works on those voxels only: no ``np.unravel_index`` of, and no lookup over, the whole
volume. Centroids are sums of integer coordinates divided by the voxel count, so they are exact and equal to
``skimage.measure.regionprops(...).centroid`` whatever the summation order.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np


class LabelVoxels:
    """The labelled (non-zero) voxels of a label volume, with their labels; statistics computed on demand.

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)
        Label volume, 0 = background, labels >= 0.

    Attributes
    ----------
    shape : tuple of int
        Shape of the volume.
    flat : ndarray of intp, shape (n,)
        Flat (C order) indices of the labelled voxels, increasing.
    values : ndarray of int64, shape (n,)
        Their labels.
    """

    def __init__(self, labels):
        labels = np.asarray(labels)
        self.shape = labels.shape
        self.flat = np.flatnonzero(labels != 0)   # on a bool array: several times faster than on int
        self.values = take_flat(labels, self.flat).astype(np.int64, copy=False)

    @classmethod
    def from_voxels(cls, shape, flat, values, *, coordinates=None):
        """Build from already known voxels: increasing flat indices, their (non-zero) labels and optionally
        their coordinates (as :attr:`coordinates` returns them)."""
        voxels = cls.__new__(cls)
        voxels.shape = tuple(shape)
        voxels.flat = np.asarray(flat, np.intp)
        voxels.values = np.asarray(values).astype(np.int64, copy=False)
        if coordinates is not None:
            voxels.__dict__["coordinates"] = coordinates
        return voxels

    def label_at(self, flat):
        """Label at the given flat indices (0 where there is no labelled voxel)."""
        flat = np.asarray(flat, np.intp)
        position = np.minimum(np.searchsorted(self.flat, flat), max(self.flat.size - 1, 0))
        if self.flat.size == 0:
            return np.zeros(flat.shape, np.int64)
        return np.where(self.flat[position] == flat, self.values[position], 0)

    @cached_property
    def coordinates(self):
        """Voxel coordinates as a tuple of ``ndim`` intp arrays (each of shape (n,))."""
        return np.unravel_index(self.flat, self.shape)

    @cached_property
    def dense_label_count(self):
        """Voxel count of every label 0 .. max (index = label; 0 for absent labels and for the background)."""
        if self.values.size == 0:
            return np.zeros(1, np.int64)
        return np.bincount(self.values)

    @cached_property
    def present(self):
        """Labels present, increasing (int64)."""
        present = np.flatnonzero(self.dense_label_count)
        return present[present > 0]

    def centroids(self):
        """Centroid (z, y, x) of each label in :attr:`present`, shape (n_labels, ndim), float64."""
        if self.present.size == 0:
            return np.zeros((0, len(self.shape)))
        counts = self.dense_label_count
        sums = [np.bincount(self.values, weights=c, minlength=counts.size)[self.present] for c in self.coordinates]
        return np.stack(sums, axis=1) / counts[self.present][:, None]

    def boxes(self):
        """Bounding boxes (n_labels, 2 * ndim) as (z0, y0, x0, z1, y1, x1), upper bounds exclusive, float64.

        Equal to ``ndi.find_objects`` slices (starts, stops) and to ``regionprops(...).bbox``.
        """
        ndim = len(self.shape)
        if self.present.size == 0:
            return np.zeros((0, 2 * ndim))
        size = self.dense_label_count.size
        low, high = [], []
        for c in self.coordinates:
            smallest = np.full(size, np.iinfo(np.intp).max, np.intp)
            largest = np.full(size, -1, np.intp)
            np.minimum.at(smallest, self.values, c)
            np.maximum.at(largest, self.values, c)
            low.append(smallest[self.present])
            high.append(largest[self.present] + 1)
        return np.stack(low + high, axis=1).astype(float)


def take_flat(volume, flat):
    """``volume.ravel()[flat]`` without copying a non-contiguous volume whole."""
    if volume.flags.c_contiguous:
        return volume.reshape(-1)[flat]
    return volume[np.unravel_index(flat, volume.shape)]
