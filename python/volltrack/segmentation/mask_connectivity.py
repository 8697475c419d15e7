"""A binary mask with its face-connected (6) components and their grouping into fully connected (26) components.

The watershed floods along faces (6-connectivity), while the published seed pool takes the U-Net components with
full connectivity (26, ``skimage.measure.label``'s default). Both come from one ``ndi.label`` pass here: the
26-connected components are unions of 6-connected ones, joined wherever two mask voxels of different
6-components touch along an edge or a corner. After the labelling pass only the mask's voxels are visited
(and a padded copy of the bool mask is made).
"""

from __future__ import annotations

from functools import cached_property
from itertools import product

import numpy as np
from scipy import ndimage as ndi

from volltrack.segmentation.label_voxels import LabelVoxels


class ConnectedMask:
    """A 3D bool mask, its 6-connected components and their 26-connected unions.

    Parameters
    ----------
    mask : ndarray of bool, shape (Z, Y, X)
        The mask (any array; non-zero = inside).

    Attributes
    ----------
    mask : ndarray of bool
        The mask.
    face_labels : ndarray of int32
        The 6-connected components, ``ndi.label(mask)[0]`` (numbered by their first voxel in C order).
    n_face : int
        Number of 6-connected components.
    face : LabelVoxels
        The mask's voxels with their 6-connected component.
    """

    def __init__(self, mask):
        self.mask = np.asarray(mask, bool)
        if self.mask.ndim != 3:
            raise ValueError(f"mask: expected a 3D (Z, Y, X) array, got shape {self.mask.shape}")
        self.face_labels, self.n_face = ndi.label(self.mask)
        flat = np.flatnonzero(self.mask)
        self.face = LabelVoxels.from_voxels(self.mask.shape, flat, self.face_labels.reshape(-1)[flat])

    @cached_property
    def full_of_face(self):
        """26-connected component of each 6-connected one (index = face label; 0 -> 0), numbered as
        ``ndi.label(mask, structure=np.ones((3, 3, 3)))`` and ``skimage.measure.label(mask)`` number them."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        first, second = self._diagonal_contacts()
        size = self.n_face + 1
        pairs = np.unique(first * size + second)           # each pair of touching components once
        graph = coo_matrix((np.ones(pairs.size, np.int8), (pairs // size, pairs % size)), shape=(size, size))
        n_groups, group = connected_components(graph, directed=False)
        # A group's first voxel is that of its lowest face label (face labels are numbered by first voxel).
        lowest = np.full(n_groups, size, np.int64)
        np.minimum.at(lowest, group[1:], np.arange(1, size))
        groups = np.flatnonzero(lowest < size)            # all but the background's own group
        number = np.zeros(n_groups, np.int64)
        number[groups[np.argsort(lowest[groups])]] = np.arange(1, groups.size + 1)
        full = number[group]
        full[0] = 0
        return full

    @cached_property
    def full(self):
        """The mask's voxels with their 26-connected component (:class:`LabelVoxels`)."""
        return LabelVoxels.from_voxels(self.mask.shape, self.face.flat, self.full_of_face[self.face.values],
                                       coordinates=self.face.coordinates)

    def full_labels(self):
        """The 26-connected components as an int32 volume (equal to ``ndi.label`` with a 3x3x3 structure)."""
        labels = np.zeros(self.mask.shape, np.int32)
        labels.reshape(-1)[self.face.flat] = self.full.values
        return labels

    def _diagonal_contacts(self):
        """Pairs of different 6-components that touch along an edge or a corner (arrays of face labels).

        Voxels p and p + d (d an edge or corner offset) can only lie in different 6-components if the face
        neighbours of p in the directions making up d are all outside the mask: one inside would join p and
        p + d by faces, or touch p + d along an edge (a contact found among the edge offsets). Only such
        voxels are looked at.
        """
        padded = np.pad(self.mask, 1)                     # outside the volume counts as outside the mask
        padded_strides = np.cumprod((1,) + padded.shape[:0:-1])[::-1]
        padded_flat = np.flatnonzero(padded)
        open_side = {(axis, sign): ~padded.reshape(-1)[padded_flat + sign * int(stride)]
                     for axis, stride in enumerate(padded_strides) for sign in (-1, 1)}
        first, second = [], []
        for offset in _DIAGONAL_FORWARD_OFFSETS:
            sides = [open_side[(axis, step)] for axis, step in enumerate(offset) if step]
            candidates = np.flatnonzero(np.logical_and.reduce(sides))
            neighbours = np.stack([c[candidates] for c in self.face.coordinates], axis=1) + offset
            inside = np.all((neighbours >= 0) & (neighbours < self.mask.shape), axis=1)
            own = self.face.values[candidates[inside]]
            other = self.face_labels[tuple(neighbours[inside].T)]
            touching = (other != own) & (other != 0)
            first.append(own[touching])
            second.append(other[touching])
        return np.concatenate(first), np.concatenate(second)


#: Half of the 20 edge and corner neighbour offsets (the other half are their opposites).
_DIAGONAL_FORWARD_OFFSETS = [offset for offset in product((-1, 0, 1), repeat=3)
                             if sum(map(abs, offset)) >= 2 and offset > (0, 0, 0)]
