"""Checks of annotated label volumes before training: labels one Z slice thick inside other cells.

A 3D annotation sometimes carries a whole Z slice of separate labels, each one slice thick and lying inside a
cell that continues above and below it (seen in the PlantSeg-era ``sample_patch.h5`` of issue 17: 30 such labels
on slice 31 of 64, cutting every cell that crosses it in two). Trained on that, StarDist and the U-Net learn a
membrane that is not in the image, and a held-out check counts cells no 3D segmentation can find.
:func:`one_slice_labels` finds such labels; :func:`merge_one_slice_labels` gives their voxels to the cell above
(or below) them.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi


def one_slice_labels(labels: np.ndarray) -> dict[int, int]:
    """Labels whose voxels all lie in one Z slice and that lie entirely on another label above or below.

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)

    Returns
    -------
    dict
        ``{label: z}``; only labels every voxel of which has a non-zero label directly above (z - 1), or every
        voxel directly below (z + 1).

    Examples
    --------
    >>> labels = np.ones((3, 2, 2), int); labels[1, 0, 0] = 2
    >>> one_slice_labels(labels)
    {2: 1}
    """
    labels = np.asarray(labels)
    if labels.ndim != 3:
        raise ValueError(f"one_slice_labels expects a (Z, Y, X) label volume, got shape {labels.shape}")
    found = {}
    for index, box in enumerate(ndi.find_objects(labels), start=1):
        if box is None or box[0].stop - box[0].start != 1:
            continue
        z = box[0].start
        inside = labels[z][box[1:]] == index
        for neighbour in (z - 1, z + 1):
            if 0 <= neighbour < labels.shape[0] and np.all(labels[neighbour][box[1:]][inside] > 0):
                found[index] = z
                break
    return found


def merge_one_slice_labels(labels: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Give the voxels of each :func:`one_slice_labels` label to the labels directly above it (else below).

    Returns
    -------
    repaired : ndarray
        A copy of ``labels``.
    merged : dict
        ``{label: z}`` of the labels removed.
    """
    found = one_slice_labels(labels)
    repaired = np.array(labels, copy=True)
    boxes = ndi.find_objects(repaired)
    merged = {}
    for index, z in found.items():
        box = boxes[index - 1][1:]
        inside = repaired[z][box] == index
        for neighbour in (z - 1, z + 1):
            if 0 <= neighbour < repaired.shape[0]:
                source = repaired[neighbour][box]
                if np.all(source[inside] > 0) and not np.isin(source[inside], list(found)).any():
                    repaired[z][box][inside] = source[inside]
                    merged[index] = z
                    break
    return repaired, merged


def describe_one_slice_labels(found: dict[int, int]) -> str:
    """``'31 labels on z=31, 2 on z=0'``: how many one-slice labels lie on which slices."""
    slices, counts = np.unique(list(found.values()), return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return ", ".join(f"{counts[i]} on z={slices[i]}" for i in order)
