"""Segmentation input (FILE.h5/DATASET) and training input (.h5 with raw/label) read HDF5 alike."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from volltrack.io.images import read_image
from volltrack.training.h5_volumes import read_h5_volume, read_h5_voxel_size


def _file(path, **attrs):
    with h5py.File(path, "w") as handle:
        raw = handle.create_dataset("volumes/raw", data=np.arange(2 * 3 * 4, dtype=np.uint16).reshape(2, 3, 4))
        for key, value in attrs.items():
            (handle if key.startswith("file_") else raw).attrs[key.removeprefix("file_")] = value
    return path


@pytest.mark.parametrize("attrs, expected", [
    ({"element_size_um": (2.0, 0.5, 0.25)}, (2.0, 0.5, 0.25)),
    ({"file_element_size_um": (3.0, 1.0, 1.0)}, (3.0, 1.0, 1.0)),            # the file's, as PlantSeg writes it
    ({"calibration": (1.5, 0.5, 0.5)}, (1.5, 0.5, 0.5)),
    ({"element_size_um": (1.0, 2.0, 0.5, 0.5)}, (2.0, 0.5, 0.5)),            # TZYX: the last three
    ({}, None),
])
def test_both_readers_give_the_same_voxel_size(tmp_path, attrs, expected):
    path = _file(tmp_path / "f.h5", **attrs)
    volume, voxel = read_h5_volume(path, "volumes/raw")
    assert voxel == expected and read_h5_voxel_size(path, "volumes/raw") == expected
    image, meta = read_image(path / "volumes" / "raw")
    assert np.array_equal(np.asarray(image).reshape(volume.shape), volume)
    if expected is not None:
        assert tuple(meta["calibration"]) == expected and meta["calibration_source"] == "hdf5"
    else:
        assert meta.get("calibration_source") != "hdf5"


def test_both_readers_refuse_a_bad_voxel_size_naming_the_file(tmp_path):
    path = _file(tmp_path / "f.h5", element_size_um=(1.0, 0.0, 1.0))
    with pytest.raises(ValueError, match=r"f\.h5.*element_size_um must be three positive numbers"):
        read_h5_volume(path, "volumes/raw")
    with pytest.raises(ValueError, match=r"f\.h5.*element_size_um must be three positive numbers"):
        read_image(path / "volumes" / "raw")
