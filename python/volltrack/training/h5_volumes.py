"""Read training volumes from HDF5 files in the PlantSeg/ilastik layout.

One ``.h5`` file holds a raw volume and its instance labels as two datasets (PlantSeg: ``raw`` and ``label``;
chosen with ``--raw-dataset``/``--label-dataset``), each (Z, Y, X). The voxel size in µm, when known, is the
``element_size_um`` attribute (Z, Y, X) of the dataset, or of the file. This is the only place where training
reads HDF5, so it can later be unified with the segmentation input reader of :mod:`volltrack.io`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

#: File name endings read as HDF5.
H5_SUFFIXES = (".h5", ".hdf5", ".hdf")
#: Attribute holding the voxel size (Z, Y, X) in µm (ilastik, PlantSeg).
VOXEL_SIZE_ATTRIBUTE = "element_size_um"


def is_h5(path: str | Path) -> bool:
    """True when ``path`` names an HDF5 file by its ending."""
    return Path(path).suffix.lower() in H5_SUFFIXES


def _datasets(handle) -> list[str]:
    import h5py

    names = []
    handle.visititems(lambda name, item: names.append(name) if isinstance(item, h5py.Dataset) else None)
    return names


def read_h5_volume(path: str | Path, dataset: str) -> tuple[np.ndarray, Optional[tuple[float, float, float]]]:
    """Read the (Z, Y, X) volume ``dataset`` of an HDF5 file and its voxel size.

    Parameters
    ----------
    path : str or Path
    dataset : str
        Dataset name inside the file, e.g. "raw", "label" or "volumes/raw".

    Returns
    -------
    volume : ndarray of shape (Z, Y, X)
    voxel_size : tuple of float or None
        ``element_size_um`` of the dataset (else of the file), None when neither has it.

    Raises
    ------
    ValueError
        Not an HDF5 file, no such dataset (the message lists those present), not one 3D volume, or an
        unreadable voxel size.
    """
    import h5py

    path = Path(path)
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise ValueError(f"cannot read {path} as HDF5 ({exc})") from None
    with handle:
        if dataset not in handle or not isinstance(handle[dataset], h5py.Dataset):
            present = ", ".join(_datasets(handle)) or "none"
            raise ValueError(f"{path} has no dataset '{dataset}' (datasets: {present}); choose one with "
                             "--raw-dataset/--label-dataset")
        item = handle[dataset]
        volume = np.squeeze(item[()])
        attribute = item.attrs.get(VOXEL_SIZE_ATTRIBUTE, handle.attrs.get(VOXEL_SIZE_ATTRIBUTE))
    if volume.ndim != 3:
        raise ValueError(f"{path}:{dataset}: expected one 3D volume (Z, Y, X), got shape {volume.shape}")
    return volume, _voxel_size(attribute, f"{path}:{dataset}")


def read_h5_voxel_size(path: str | Path, dataset: str) -> Optional[tuple[float, float, float]]:
    """The ``element_size_um`` (Z, Y, X) of ``dataset`` (else of the file) without reading the volume."""
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            item = handle[dataset] if dataset in handle else handle
            attribute = item.attrs.get(VOXEL_SIZE_ATTRIBUTE, handle.attrs.get(VOXEL_SIZE_ATTRIBUTE))
    except OSError as exc:
        raise ValueError(f"cannot read {path} as HDF5 ({exc})") from None
    return _voxel_size(attribute, f"{path}:{dataset}")


def _voxel_size(attribute, where: str) -> Optional[tuple[float, float, float]]:
    if attribute is None:
        return None
    try:
        values = tuple(float(v) for v in np.ravel(attribute))
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {VOXEL_SIZE_ATTRIBUTE} must be three numbers (Z, Y, X µm), got "
                         f"{attribute!r}") from None
    if len(values) != 3 or not all(np.isfinite(values)) or min(values) <= 0:
        raise ValueError(f"{where}: {VOXEL_SIZE_ATTRIBUTE} must be three positive numbers (Z, Y, X µm), got "
                         f"{values}")
    return values


def anisotropy_from_voxel_size(voxel_size) -> tuple[float, float, float]:
    """StarDist ray anisotropy (Z, Y, X) for round cells imaged with ``voxel_size``: ``voxel / min(voxel)``.

    A cell of one physical diameter spans ``diameter / voxel`` voxels per axis, so its extent in voxels relative
    to the largest one is ``min(voxel) / voxel``; StarDist's anisotropy is the inverse of that.

    >>> anisotropy_from_voxel_size((2.0, 0.5, 0.5))
    (4.0, 1.0, 1.0)
    """
    voxel = np.asarray(voxel_size, dtype=float)
    if voxel.shape != (3,) or not np.all(voxel > 0):
        raise ValueError(f"voxel size must be three positive numbers (Z, Y, X), got {voxel_size!r}")
    return tuple(float(v) for v in voxel / voxel.min())
