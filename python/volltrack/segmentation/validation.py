"""Boundary checks for the segmentation functions: one place, clear messages."""

from __future__ import annotations

import numpy as np


def validate_volume(image, *, name="image", allow_empty=False):
    """Return ``image`` as an ndarray after checking it is a finite 3D (Z, Y, X) volume.

    Parameters
    ----------
    image : array-like
        The volume to check.
    name : str, optional
        Name used in error messages. Default "image".
    allow_empty : bool, optional
        Accept a volume with no voxels. Default False.

    Raises
    ------
    TypeError
        When ``image`` is not numeric.
    ValueError
        When it is not 3D, has no voxels, or holds NaN or infinite values.
    """
    array = np.asarray(image)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must be a numeric array; got dtype {array.dtype}")
    if array.ndim != 3:
        hint = " (a TZYX movie: segment one time point at a time)" if array.ndim == 4 else ""
        raise ValueError(f"{name} must be a 3D volume with axes ZYX; got {array.ndim}D shape {array.shape}{hint}")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty: shape {array.shape}")
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        bad = int(np.size(array) - np.isfinite(array).sum())
        raise ValueError(f"{name} holds {bad} NaN or infinite values; fill or mask them before segmenting")
    return array


def is_constant(image):
    """True when every voxel of ``image`` has the same value (a blank frame: no cell can be seen in it).

    Parameters
    ----------
    image : array-like
        A volume (any shape). An empty array counts as constant.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_constant(np.zeros((2, 4, 4))), is_constant(np.arange(8).reshape(2, 2, 2))
    (True, False)
    """
    array = np.asarray(image)
    return array.size == 0 or bool(array.min() == array.max())


def validate_same_shape(reference, **arrays):
    """Raise ValueError unless every given array has the shape of ``reference``."""
    for key, value in arrays.items():
        if value is not None and np.shape(value) != np.shape(reference):
            raise ValueError(f"{key} has shape {np.shape(value)}; expected {np.shape(reference)} like the image")


def validate_axes(axes):
    """Return the axis string of a file to segment, upper-cased, or raise ValueError.

    Parameters
    ----------
    axes : str
        One letter per stored dimension, in the file's order: Z, Y and X once each, optionally T (a movie) and
        C (one channel), e.g. "ZYX", "TZYX", "YXZ" (a stack saved with Z last) or "TZCYX".

    Returns
    -------
    str

    Examples
    --------
    >>> validate_axes("yxz")
    'YXZ'
    """
    text = str(axes).upper()
    letters = set(text)
    if len(text) != len(letters) or not {"Z", "Y", "X"} <= letters or not letters <= set("TZCYX"):
        raise ValueError(f"--axes {axes!r}: expected the file's axis order with Z, Y and X once each, optionally T "
                         "(time) and C (one channel), e.g. ZYX, TZYX or YXZ")
    return text
