"""Label-safe tiling: run a segmentation on overlapping blocks and stitch the labels without seams.

The volume is cut into non-overlapping *cores*; each block is its core grown by a *halo* on every side. An
object found in a block is kept only if its centroid lies in the block's core, so an object seen by several
blocks is taken exactly once, whole, from the block that owns its centroid. With a halo wider than the largest
object (plus the reach of its neighbours' seeds), the result equals the untiled one up to relabelling.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
from scipy import ndimage as ndi

from volltrack.segmentation.seed_pool import label_centroids

_LOG = logging.getLogger(__name__)


def block_slices(shape, block_shape, halo):
    """Return (outer, core) slice tuples covering ``shape``; cores partition the volume.

    Parameters
    ----------
    shape : tuple of int
        Volume shape.
    block_shape : tuple of int
        Core size per axis.
    halo : tuple of int
        Context added on each side of a core, per axis.

    Returns
    -------
    list of (tuple of slice, tuple of slice)

    Examples
    --------
    >>> len(block_slices((10, 100, 100), (10, 50, 50), (0, 8, 8)))
    4
    """
    if len(block_shape) != len(shape) or any(int(b) < 1 for b in block_shape):
        raise ValueError(f"block_shape must be {len(shape)} positive sizes; got {block_shape!r}")
    if len(halo) != len(shape) or any(int(h) < 0 for h in halo):
        raise ValueError(f"halo must be {len(shape)} sizes >= 0; got {halo!r}")
    starts = [range(0, n, int(b)) for n, b in zip(shape, block_shape)]
    blocks = []
    for corner in itertools.product(*starts):
        core = tuple(slice(c, min(c + int(b), n)) for c, b, n in zip(corner, block_shape, shape))
        outer = tuple(slice(max(s.start - int(h), 0), min(s.stop + int(h), n)) for s, h, n in zip(core, halo, shape))
        blocks.append((outer, core))
    return blocks


def _touches_cut(labels, present, outer, shape):
    """For each label, whether it touches a block face that is a cut (not the volume's border)."""
    slices = ndi.find_objects(labels)
    touches = np.zeros(len(present), bool)
    for k, label in enumerate(present):
        for s, o, n, size in zip(slices[label - 1], outer, shape, labels.shape):
            if (s.start == 0 and o.start > 0) or (s.stop == size and o.stop < n):
                touches[k] = True
                break
    return touches


def stitch_block(output, block_labels, outer, core, next_label):
    """Write into ``output`` the objects of one block whose centroid lies in its core; return the next label.

    Parameters
    ----------
    output : ndarray of int, shape of the whole volume
        Stitched labels so far (modified in place).
    block_labels : ndarray of int, shape of the outer block
        The block's labels.
    outer, core : tuple of slice
        The block and its core, in volume coordinates.
    next_label : int
        First free label in ``output``.
    """
    return stitch_block_region(output[outer], output.shape, block_labels, outer, core, next_label)


def stitch_block_region(region, shape, block_labels, outer, core, next_label):
    """:func:`stitch_block` on the block's region of the output only (``output[outer]``, modified in place).

    This is what lets a volume too large for one process be stitched block by block from a chunked store: read
    the region, stitch, write it back. ``shape`` is the whole volume's shape (a block face on the volume's border
    is not a cut). Returns the next free label.
    """
    centroids, present = label_centroids(block_labels)
    if len(present) == 0:
        return next_label
    anchor = np.rint(centroids).astype(np.int64) + np.array([o.start for o in outer])
    owned = np.all([(anchor[:, a] >= core[a].start) & (anchor[:, a] < core[a].stop) for a in range(3)], axis=0)
    truncated = owned & _touches_cut(block_labels, present, outer, shape)
    if truncated.any():
        _LOG.warning("%d objects reach the edge of a block's halo %s; enlarge the halo", int(truncated.sum()),
                     tuple((o.start, o.stop) for o in outer))
    lookup = np.zeros(int(block_labels.max()) + 1, region.dtype)
    lookup[present[owned]] = np.arange(next_label, next_label + int(owned.sum()), dtype=region.dtype)
    new = lookup[block_labels]
    write = new > 0
    clashes = int(np.count_nonzero(region[write]))
    if clashes:
        _LOG.debug("%d voxels claimed by two blocks; the later block wins", clashes)
    region[write] = new[write]
    return next_label + int(owned.sum())


def segment_in_blocks(arrays, segment_block, *, block_shape, halo, label_keys=("labels",), progress=False):
    """Run ``segment_block`` on overlapping blocks and stitch its outputs.

    Parameters
    ----------
    arrays : dict of str -> ndarray
        Input volumes of one shape (Z, Y, X); each block receives the same crop of every array.
    segment_block : callable
        ``segment_block(crops: dict) -> dict`` of output volumes of the crop's shape (None values skipped).
    block_shape, halo : tuple of int
        Core size and context per axis (see :func:`block_slices`).
    label_keys : tuple of str, optional
        Outputs stitched label-safely; other outputs are copied core by core. Default ("labels",).
    progress : bool, optional
        Show a progress bar. Default False.

    Returns
    -------
    dict of str -> ndarray
    """
    shape = next(iter(arrays.values())).shape
    blocks = block_slices(shape, block_shape, halo)
    if progress:
        from tqdm import tqdm

        blocks = tqdm(blocks, desc="blocks", unit="block")
    outputs, next_labels = {}, {}
    for outer, core in blocks:
        produced = segment_block({key: value[outer] for key, value in arrays.items()})
        inner = tuple(slice(c.start - o.start, c.stop - o.start) for c, o in zip(core, outer))
        for key, value in produced.items():
            if value is None:
                continue
            if key not in outputs:
                dtype = np.int32 if key in label_keys else value.dtype
                outputs[key] = np.zeros(shape, dtype)
                next_labels[key] = 1
            if key in label_keys:
                next_labels[key] = stitch_block(outputs[key], value, outer, core, next_labels[key])
            else:
                outputs[key][core] = value[inner]
    return outputs
