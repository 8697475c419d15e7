"""What both HDF5 readers share: the dataset listing and the voxel size (``element_size_um``).

Segmentation input (:func:`volltrack.io.sources.open_hdf5`, ``FILE.h5/DATASET`` paths) and training input
(:mod:`volltrack.training.h5_volumes`, the PlantSeg/ilastik ``raw``/``label`` layout) read HDF5 through these
helpers, so that a file gives the same voxel size whichever command reads it: the dataset's
``element_size_um`` (Z, Y, X µm; the last three values of a longer one), else the file's, else the dataset's
``calibration`` attribute.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

#: Attribute holding the voxel size (Z, Y, X) in µm (ilastik, PlantSeg, Fiji's HDF5 plugin).
VOXEL_SIZE_ATTRIBUTE = "element_size_um"


def dataset_names(handle: Any) -> list[str]:
    """Paths of every dataset in an open ``h5py.File``, in visiting order."""
    import h5py

    names: list[str] = []
    handle.visititems(lambda name, item: names.append(name) if isinstance(item, h5py.Dataset) else None)
    return names


def voxel_size_attribute(handle: Any, dataset: str) -> Any:
    """The raw voxel-size attribute for ``dataset``: its ``element_size_um``, the file's, or its ``calibration``."""
    item = handle[dataset] if dataset in handle else handle
    for value in (item.attrs.get(VOXEL_SIZE_ATTRIBUTE), handle.attrs.get(VOXEL_SIZE_ATTRIBUTE),
                  item.attrs.get("calibration")):
        if value is not None:
            return value
    return None


def parse_voxel_size(attribute: Any, where: str) -> Optional[tuple[float, float, float]]:
    """Three positive finite µm values (Z, Y, X; the last three of a longer attribute) or None when absent.

    Raises
    ------
    ValueError
        Naming ``where`` and what was expected, for anything else.
    """
    if attribute is None:
        return None
    try:
        values = tuple(float(v) for v in np.ravel(attribute))
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {VOXEL_SIZE_ATTRIBUTE} must be three numbers (Z, Y, X µm), got "
                         f"{attribute!r}") from None
    if len(values) < 3 or not all(np.isfinite(values[-3:])) or min(values[-3:]) <= 0:
        raise ValueError(f"{where}: {VOXEL_SIZE_ATTRIBUTE} must be three positive numbers (Z, Y, X µm), got "
                         f"{values}")
    return values[-3], values[-2], values[-1]
