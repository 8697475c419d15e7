"""Read training volumes from HDF5 files in the PlantSeg/ilastik layout.

One ``.h5`` file holds a raw volume and its instance labels as two datasets (PlantSeg: ``raw`` and ``label``;
chosen with ``--raw-dataset``/``--label-dataset``), each (Z, Y, X). The voxel size in µm, when known, is the
``element_size_um`` attribute (Z, Y, X) of the dataset, or of the file. Dataset listing and voxel size are
those of the segmentation input reader (:mod:`volltrack.io.hdf5`), so both read a file alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from volltrack.io.hdf5 import VOXEL_SIZE_ATTRIBUTE, dataset_names, parse_voxel_size, voxel_size_attribute

#: File name endings read as HDF5.
H5_SUFFIXES = (".h5", ".hdf5", ".hdf")
__all__ = ["H5_SUFFIXES", "VOXEL_SIZE_ATTRIBUTE", "anisotropy_from_voxel_size", "is_h5", "read_h5_volume",
           "read_h5_voxel_size"]


def is_h5(path: str | Path) -> bool:
    """True when ``path`` names an HDF5 file by its ending."""
    return Path(path).suffix.lower() in H5_SUFFIXES


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
            present = ", ".join(dataset_names(handle)) or "none"
            raise ValueError(f"{path} has no dataset '{dataset}' (datasets: {present}); choose one with "
                             "--raw-dataset/--label-dataset")
        item = handle[dataset]
        volume = np.squeeze(item[()])
        attribute = voxel_size_attribute(handle, dataset)
    if volume.ndim != 3:
        raise ValueError(f"{path}:{dataset}: expected one 3D volume (Z, Y, X), got shape {volume.shape}")
    return volume, parse_voxel_size(attribute, f"{path}:{dataset}")


def read_h5_voxel_size(path: str | Path, dataset: str) -> Optional[tuple[float, float, float]]:
    """The ``element_size_um`` (Z, Y, X) of ``dataset`` (else of the file) without reading the volume."""
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            attribute = voxel_size_attribute(handle, dataset)
    except OSError as exc:
        raise ValueError(f"cannot read {path} as HDF5 ({exc})") from None
    return parse_voxel_size(attribute, f"{path}:{dataset}")


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
