"""Open and check a training .npz (``X``/``Y``/``X_val``/``Y_val``) with one-line errors that name the file.

A patch dataset is read by ``volltrack train stardist|unet|thresholds`` long after ``volltrack train prepare``
wrote it; it may have been truncated by a copy, edited by hand or written by another tool. Everything is
checked here, before a model folder is created, so that a bad file never leaves a half-made model behind.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

#: Arrays a training .npz must hold.
REQUIRED_ARRAYS = ("X", "Y", "X_val", "Y_val")
_EXPECTED = ("an .npz from `volltrack train prepare` with arrays X, Y (training) and X_val, Y_val (validation): "
             "X float raw patches of shape (S, Z, Y, X), Y integer labels >= 0 of X's shape")


def read_training_arrays(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read the four patch arrays and the parameters of ``path``.

    Parameters
    ----------
    path : pathlib.Path
        An existing file.

    Returns
    -------
    arrays : dict of str -> ndarray
        ``X``, ``Y``, ``X_val``, ``Y_val``, unchecked.
    parameters : dict
        The ``parameters`` JSON (empty when absent).

    Raises
    ------
    ValueError
        One line naming ``path``: not a zip, truncated or corrupt member, pickled data, missing arrays.
    """
    try:
        # Opened here: numpy leaves a file it opened itself open when the zip inside is broken.
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as data:
            missing = [key for key in REQUIRED_ARRAYS if key not in data.files]
            if missing:
                found = ", ".join(data.files) or "none"
                raise ValueError(f"{path}: lacks array(s) {', '.join(missing)} (it has {found}); expected {_EXPECTED}")
            arrays = {key: data[key] for key in REQUIRED_ARRAYS}
            text = str(data["parameters"]) if "parameters" in data.files else "{}"
    except ValueError as exc:
        if str(exc).startswith(f"{path}:"):
            raise
        raise ValueError(f"{path}: unreadable training data ({exc}); expected {_EXPECTED}") from None
    except (OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise ValueError(f"{path}: not a readable .npz, truncated or corrupt? ({exc}); expected {_EXPECTED}") from None
    try:
        parameters = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: its 'parameters' entry is not valid JSON ({exc})") from None
    return arrays, parameters if isinstance(parameters, dict) else {}


def stored_patch_shape(path: Path) -> tuple[int, ...] | None:
    """The (Z, Y, X) shape of the patches in a training .npz, read from the header of ``X`` alone (no data).

    Returns None when the file cannot be read that way; :func:`read_training_arrays` then says why.
    """
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    try:
        with zipfile.ZipFile(path) as archive, archive.open("X.npy") as member:
            version = np.lib.format.read_magic(member)
            shape = readers[version](member)[0] if version in readers else None
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        return None
    return tuple(shape[1:]) if shape is not None and len(shape) == 4 else None


def _shapes(arrays: dict[str, np.ndarray]) -> str:
    return ", ".join(f"{key} {tuple(value.shape)} {value.dtype}" for key, value in arrays.items())


def _labels_as_int(labels: np.ndarray, path: Path, key: str) -> np.ndarray:
    if labels.dtype.kind in "iub":
        array = labels.astype(np.int32, copy=False)
    elif labels.dtype.kind == "f" and np.all(np.isfinite(labels)) and np.all(labels == np.round(labels)):
        array = labels.astype(np.int32)
    else:
        raise ValueError(f"{path}: {key} must hold integer instance labels (0 = background); got dtype "
                         f"{labels.dtype}" + (" with fractional or NaN values" if labels.dtype.kind == "f" else ""))
    if array.size and array.min() < 0:
        raise ValueError(f"{path}: {key} holds negative labels (min {array.min()}); expected labels >= 0")
    return array


def check_training_arrays(arrays: dict[str, np.ndarray], path: Path) -> dict[str, np.ndarray]:
    """Check shapes, dtypes and values of the patch arrays; return them as float32 raw and int32 labels.

    Raises
    ------
    ValueError
        One line naming ``path``, what was found and what was expected.
    """
    X, X_val = arrays["X"], arrays["X_val"]
    if any(arrays[key].dtype.kind not in "biuf" for key in REQUIRED_ARRAYS):
        raise ValueError(f"{path}: non-numeric arrays ({_shapes(arrays)}); expected {_EXPECTED}")
    if X.ndim != 4 or len(X) == 0 or len(X_val) == 0:
        raise ValueError(f"{path}: expected 4D X and X_val (S, Z, Y, X) with at least one patch each; got "
                         f"{_shapes(arrays)}")
    if arrays["Y"].shape != X.shape or X_val.shape[1:] != X.shape[1:] or arrays["Y_val"].shape != X_val.shape:
        raise ValueError(f"{path}: expected Y of X's shape and X_val, Y_val of one shape with X's patch size "
                         f"{tuple(X.shape[1:])}; got {_shapes(arrays)}")
    checked = {}
    for key in ("X", "X_val"):
        finite = np.isfinite(arrays[key]) if arrays[key].dtype.kind == "f" else True
        if not np.all(finite):
            raise ValueError(f"{path}: {key} holds {int(np.size(finite) - np.count_nonzero(finite))} NaN or "
                             "infinite values; expected finite normalised intensities (re-run `volltrack train "
                             "prepare`)")
        checked[key] = arrays[key].astype(np.float32, copy=False)
    for key in ("Y", "Y_val"):
        checked[key] = _labels_as_int(arrays[key], path, key)
    if not checked["Y"].any():
        raise ValueError(f"{path}: the training labels Y hold no labelled cell; expected instance labels > 0")
    return checked
