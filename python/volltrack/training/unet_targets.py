"""Training targets of the VollSeg U-Net: cell interiors, so that touching cells stay apart.

In membrane-labelled tissue the cells fill the tissue: the plain foreground mask ``labels > 0`` is one blob, its
connected components are whole tissue pieces, and the seed pool gains nothing from them. Removing a rim of
``erosion`` voxels from every cell (the voxels that touch another label or the background) leaves one blob per
cell, separated by the membranes; the U-Net learns that target, its components are cells, and the seed pool can
add the cells StarDist missed. At prediction time the mask is grown back by the same rim
(:mod:`volltrack.segmentation.unet_target`), so the watershed still reaches the membranes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import ndimage as ndi


def cell_interiors(labels: np.ndarray, *, erosion: int = 1) -> np.ndarray:
    """Return the voxels of each cell that lie at least ``erosion`` steps (6-connected) from any other label.

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X) or (N, Z, Y, X)
        Instance labels, 0 = background; a leading axis is treated as a batch of volumes.
    erosion : int, default 1
        Rim width in voxels (6-connected steps); 0 returns ``labels > 0``.

    Returns
    -------
    ndarray of bool, shape of ``labels``

    Examples
    --------
    >>> labels = np.zeros((1, 1, 6), int); labels[0, 0, :3] = 1; labels[0, 0, 3:] = 2
    >>> cell_interiors(labels, erosion=1).astype(int)
    array([[[1, 1, 0, 0, 1, 1]]])
    """
    labels = np.asarray(labels)
    if labels.ndim == 4:
        return np.stack([cell_interiors(volume, erosion=erosion) for volume in labels])
    if labels.ndim != 3:
        raise ValueError(f"cell_interiors expects (Z, Y, X) or (N, Z, Y, X) labels, got shape {labels.shape}")
    if erosion < 0:
        raise ValueError(f"erosion must be >= 0 voxels, got {erosion}")
    inside = labels > 0
    if erosion == 0:
        return inside
    cross = ndi.generate_binary_structure(3, 1)
    # A voxel is on a rim if a 6-neighbour carries another value; patch borders do not count as neighbours.
    high = ndi.maximum_filter(labels, footprint=cross, mode="nearest")
    low = ndi.minimum_filter(labels, footprint=cross, mode="nearest")
    interior = inside & (high == labels) & (low == labels)
    if erosion > 1:
        interior = ndi.binary_erosion(interior, structure=cross, iterations=erosion - 1, border_value=1)
    return interior


def write_unet_target(model_dir: str | Path, *, erosion: int) -> Path:
    """Record in ``model_dir/volltrack.json`` that the U-Net predicts cell interiors eroded by ``erosion``."""
    from volltrack.segmentation.unet_target import TARGET_FILE
    from volltrack.training.model_folders import write_json_atomic

    target = "foreground" if erosion == 0 else "cell interiors"
    return write_json_atomic(Path(model_dir) / TARGET_FILE, {"target": target, "erosion": int(erosion)})
