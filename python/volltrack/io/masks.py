"""The tissue mask of a movie: read once, checked, in the shape every stage uses.

A tissue mask is non-zero where the tissue is. It may be stored as TZYX (one mask per time point and slice), TYX or
TZYX with one Z slice (the same mask for every Z), or ZYX (the same tissue at every time point); for a movie of one
time point, ZYX and YX are taken as that time point's mask.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from volltrack.io.images import read_image

__all__ = ["read_tissue_mask", "require_tissue"]


def require_tissue(mask: Any, path: Path | str) -> None:
    """Refuse a mask without any tissue voxel (every cell would be outside it); the jar refuses it the same way.

    Parameters
    ----------
    mask : array-like
        The mask, possibly lazy; read one index of its first axis at a time, up to the first tissue voxel.
    path : Path or str
        Named in the message.

    Raises
    ------
    ValueError
        When every voxel is 0.
    """
    if not any(np.any(np.asarray(mask[t])) for t in range(mask.shape[0])):
        raise ValueError(f"tissue mask {path} is all zero: no voxel is tissue, so every cell would be outside it; "
                         "expected non-zero voxels where the tissue is")


def read_tissue_mask(path: Path | str | None, movie_shape: tuple[int, ...]) -> Any:
    """Read the tissue mask lazily as TZYX or TYX matching a movie of shape ``movie_shape`` (T, Z, Y, X).

    A mask with one Z slice (TYX, or TZYX with Z = 1) applies to every Z; a ZYX or YX mask is accepted for a
    movie of one time point.

    Parameters
    ----------
    path : Path or None
        The mask file; None gives None.
    movie_shape : tuple of int
        (T, Z, Y, X) of the raw movie.

    Returns
    -------
    array-like or None
        The mask, shape (T, Z, Y, X) or (T, Y, X).

    Raises
    ------
    ValueError
        When the mask's shape matches none of these.
    """
    if path is None:
        return None
    mask = read_image(path, lazy=True)[0]
    require_tissue(mask, path)
    n_frames, n_z, height, width = movie_shape
    shape = tuple(int(n) for n in mask.shape)
    if shape == (n_frames, n_z, height, width) or shape == (n_frames, height, width):
        return mask
    if shape == (n_frames, 1, height, width):
        return mask[:, 0]
    if n_frames == 1 and shape in ((n_z, height, width), (1, height, width)):
        return mask[np.newaxis] if shape[0] == n_z else mask
    if shape == (n_z, height, width):    # ZYX: one tissue for every time point
        return np.broadcast_to(np.asarray(mask)[np.newaxis], (n_frames, n_z, height, width))
    raise ValueError(f"tissue mask {path} has shape {shape}; expected TZYX {movie_shape}, TYX "
                     f"{(n_frames, height, width)} or ZYX {(n_z, height, width)} to match the raw movie")
