"""Axis strings: validate them and bring an array to volltrack's ``TZYX`` / ``ZYX`` order.

volltrack works on arrays in C order with axes ``TZYX`` (``ZYX`` for a single time point). Files come with
other orders (OME ``TCZYX``, ImageJ ``TZCYX``, plain TIFF page stacks ``IYX``); :func:`to_canonical_axes`
reorders and squeezes them, and rejects what cannot be mapped with an error that says what was expected.

Examples
--------
>>> import numpy as np
>>> array, axes = to_canonical_axes(np.zeros((3, 1, 4, 5, 6)), "TCZYX")
>>> array.shape, axes
((3, 4, 5, 6), 'TZYX')
>>> to_canonical_axes(np.zeros((5, 6)), "YX")[0].shape
(1, 5, 6)
"""

from __future__ import annotations

import numpy as np

__all__ = ["to_canonical_axes", "validate_axes", "ALLOWED_AXES"]

#: Letters accepted in an axis string given by the user.
ALLOWED_AXES = "TZCYX"
#: Letters tifffile uses for unlabelled page stacks, read as Z (or T when Z is present).
_GENERIC_STACK_AXES = "IQ"
#: Letters tifffile uses for length-1 sample/other dimensions, squeezed when of length 1.
_SQUEEZABLE_AXES = "CSE" + "0"


def _is_dask(array) -> bool:
    return type(array).__module__.startswith("dask.")


def validate_axes(axes: str, shape: tuple[int, ...], *, source: str = "image", allowed: str = ALLOWED_AXES) -> str:
    """Check that ``axes`` names every dimension of ``shape`` once, with letters from ``allowed``.

    Parameters
    ----------
    axes : str
        Axis string, one letter per dimension, e.g. ``"TZYX"``; case-insensitive.
    shape : tuple of int
        Shape of the array it describes.
    source : str, optional
        What the array is (a file name), for the error message. Default "image".
    allowed : str, optional
        Letters allowed. Default ``"TZCYX"``.

    Returns
    -------
    str
        The axis string in upper case.

    Raises
    ------
    ValueError
        If the string has the wrong length, unknown or repeated letters, or lacks Y or X.
    """
    if not isinstance(axes, str):
        raise ValueError(f"axes for {source} must be a string such as 'TZYX', got {axes!r}")
    upper = axes.upper()
    expected = f"one letter per dimension from {allowed!r}, including Y and X, e.g. 'TZYX' or 'ZYX'"
    if len(upper) != len(shape):
        raise ValueError(f"axes {axes!r} has {len(upper)} letters but {source} has {len(shape)} dimensions "
                         f"(shape {tuple(shape)}); expected {expected}")
    unknown = sorted(set(upper) - set(allowed))
    if unknown:
        raise ValueError(f"axes {axes!r} for {source} has unknown letter(s) {''.join(unknown)!r}; expected {expected}")
    repeated = sorted({letter for letter in upper if upper.count(letter) > 1})
    if repeated:
        raise ValueError(f"axes {axes!r} for {source} repeats {''.join(repeated)!r}; expected {expected}")
    if "Y" not in upper or "X" not in upper:
        raise ValueError(f"axes {axes!r} for {source} lacks Y or X; expected {expected}")
    return upper


def _rename_generic_axes(axes: str) -> str:
    """Map tifffile's generic page-stack letters (I, Q) to Z, or T when Z is taken."""
    renamed = []
    for letter in axes:
        if letter in _GENERIC_STACK_AXES:
            taken = set(renamed) | set(axes)
            letter = "Z" if "Z" not in taken else ("T" if "T" not in taken else letter)
        renamed.append(letter)
    return "".join(renamed)


def _squeeze_axes(array: np.ndarray, axes: str, source: str) -> tuple[np.ndarray, str]:
    """Drop length-1 channel/sample axes; refuse multi-channel data with a clear error."""
    for letter in [letter for letter in axes if letter not in "TZYX"]:
        index = axes.index(letter)
        if array.shape[index] != 1:
            kind = "channels" if letter == "C" else f"entries along axis {letter!r}"
            raise ValueError(f"{source} has {array.shape[index]} {kind} (axes {axes!r}, shape {tuple(array.shape)}); "
                             "volltrack expects one channel: save the channel you want as its own file")
        array = array[(slice(None),) * index + (0,)]
        axes = axes[:index] + axes[index + 1:]
    return array, axes


def to_canonical_axes(array, axes: str, *, source: str = "image", from_file: bool = False):
    """Reorder ``array`` to ``TZYX`` (or ``ZYX`` without T), adding a length-1 Z when missing.

    Parameters
    ----------
    array : array-like
        numpy array, memmap or zarr array. numpy arrays are transposed as views (no copy).
    axes : str
        Axis string of ``array``.
    source : str, optional
        Name of the data, for error messages. Default "image".
    from_file : bool, optional
        True when ``axes`` comes from file metadata: tifffile's letters I/Q (page stacks) are read as Z (or T),
        and length-1 S/E/0 axes are squeezed. Default False (only ``TZCYX`` accepted).

    Returns
    -------
    array : array-like
        The reordered array (a view for numpy arrays; zarr arrays already in order are returned unchanged).
    axes : str
        ``"TZYX"`` or ``"ZYX"``.
    """
    if from_file:
        axes = _rename_generic_axes(axes.upper())
        allowed = ALLOWED_AXES + _SQUEEZABLE_AXES
    else:
        allowed = ALLOWED_AXES
    axes = validate_axes(axes, tuple(array.shape), source=source, allowed=allowed)
    array, axes = _squeeze_axes(array, axes, source)
    target = "".join(letter for letter in "TZYX" if letter in axes)
    lazy = _is_dask(array)   # dask arrays are reordered lazily; other array-likes are loaded to be reordered
    if axes != target:
        if not isinstance(array, np.ndarray) and not lazy:
            array = np.asarray(array)
        array = array.transpose([axes.index(letter) for letter in target])
    if "Z" not in target:
        if not isinstance(array, np.ndarray) and not lazy:
            array = np.asarray(array)
        position = 1 if "T" in target else 0
        array = array[(slice(None),) * position + (None,)]
        target = target[:position] + "Z" + target[position:]
    return array, target
