"""The tissue mask of a movie: read once, checked, and always seen as TZYX, the movie's shape.

A tissue mask is non-zero where the tissue is. It may be stored as TZYX (one mask per time point and slice), TYX or
TZYX with one Z slice (the same mask for every Z), or ZYX (the same tissue at every time point); for a movie of one
time point, ZYX and YX are taken as that time point's mask. A mask stored with one Z slice is repeated over Z
without copying (each frame is a read-only broadcast view, whose Z stride is 0), so that the spot features can still
measure it in 2D.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from volltrack.io.images import read_image

__all__ = ["SliceRepeated", "movie_mask", "read_tissue_mask", "require_tissue"]


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
    """Read the tissue mask lazily as TZYX, the shape ``movie_shape`` (T, Z, Y, X) of the movie.

    A mask with one Z slice (TYX, or TZYX with Z = 1) applies to every Z; a ZYX mask to every time point; a YX
    mask is accepted for a movie of one time point.

    Parameters
    ----------
    path : Path or None
        The mask file; None gives None.
    movie_shape : tuple of int
        (T, Z, Y, X) of the raw movie.

    Returns
    -------
    array-like or None
        The mask, shape (T, Z, Y, X); ``mask[t]`` is the ZYX mask of time point ``t``.

    Raises
    ------
    ValueError
        When the mask is all zero or its shape matches none of these.
    """
    if path is None:
        return None
    mask = read_image(path, lazy=True)[0]
    require_tissue(mask, path)
    return movie_mask(mask, movie_shape, path)


def movie_mask(mask: Any, movie_shape: tuple[int, ...], path: Path | str | None = None) -> Any:
    """A tissue mask array (any form :func:`read_tissue_mask` accepts) as TZYX of shape ``movie_shape``.

    Raises
    ------
    ValueError
        When the mask's shape matches none of the forms; the message names ``path``.
    """
    n_frames, n_z, height, width = movie_shape
    shape = tuple(int(n) for n in mask.shape)
    if shape == (n_frames, n_z, height, width):
        return mask
    if shape == (n_frames, 1, height, width):
        return SliceRepeated(mask, n_z, squeeze=True)
    if shape == (n_frames, height, width):
        return SliceRepeated(mask, n_z)
    if n_frames == 1 and shape == (n_z, height, width):
        return mask[np.newaxis]
    if n_frames == 1 and shape == (1, height, width):
        return SliceRepeated(mask, n_z)
    if shape == (n_z, height, width):    # ZYX: one tissue for every time point
        return np.broadcast_to(np.asarray(mask)[np.newaxis], (n_frames, n_z, height, width))
    raise ValueError(f"tissue mask {path} has shape {shape}; expected TZYX {movie_shape}, TYX "
                     f"{(n_frames, height, width)} or ZYX {(n_z, height, width)} to match the raw movie")


class SliceRepeated:
    """A mask stored with one YX slice per time point, seen as TZYX: the slice repeated over ``n_z`` (no copy).

    ``mask[t]`` is a read-only bool view of shape (Z, Y, X) whose Z stride is 0; other indexing reads the whole
    mask.
    """

    def __init__(self, stored: Any, n_z: int, *, squeeze: bool = False) -> None:
        self._stored = stored
        self._squeeze = squeeze
        n_frames, height, width = int(stored.shape[0]), int(stored.shape[-2]), int(stored.shape[-1])
        self.shape = (n_frames, int(n_z), height, width)
        self.ndim = 4
        self.dtype = np.dtype(bool)

    def __len__(self) -> int:
        return self.shape[0]

    def _slice(self, frame: int) -> np.ndarray:
        plane = np.asarray(self._stored[frame])
        return np.asarray(plane[0] if self._squeeze else plane, dtype=bool)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, np.integer)):
            return np.broadcast_to(self._slice(int(key)), self.shape[1:])
        return np.asarray(self)[key]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        full = np.broadcast_to(np.stack([self._slice(t) for t in range(self.shape[0])])[:, np.newaxis], self.shape)
        return full if dtype is None else full.astype(dtype)
