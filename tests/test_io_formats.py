"""OME-Zarr (NGFF 0.4 and 0.5), HDF5 datasets and CTC image folders: tiny files made here, read back lazily."""

from __future__ import annotations

import numpy as np
import pytest

from volltrack.io import read_image
from volltrack.io.ngff import create_label_movie, create_movie, read_ome_zarr, write_frame


@pytest.fixture
def movie():
    return np.random.default_rng(1).integers(0, 1000, size=(3, 4, 16, 20)).astype(np.uint16)


def _write_with_ome_zarr_py(path, data, version, axes, scale, units):
    """An OME-Zarr image written by ome-zarr-py itself (two levels), not by volltrack's writer."""
    import zarr
    from ome_zarr.format import FormatV04, FormatV05
    from ome_zarr.writer import write_image

    fmt = FormatV04() if version == "0.4" else FormatV05()
    group = zarr.open_group(str(path), mode="w", zarr_format=fmt.zarr_format)
    write_image(data, group, scale_factors=[2], fmt=fmt, axes=axes, scale=scale, axes_units=units)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_ome_zarr_written_by_ome_zarr_py_gives_axes_scale_and_lazy_data(tmp_path, movie, version):
    path = tmp_path / "m.ome.zarr"
    _write_with_ome_zarr_py(path, movie, version, ["t", "z", "y", "x"], {"t": 30.0, "z": 2.0, "y": 0.5, "x": 0.25},
                            {"t": "second", "z": "micrometer", "y": "micrometer", "x": "nanometer"})
    image, meta = read_image(path, lazy=True)
    assert type(image).__module__.startswith("dask")
    assert meta["axes"] == "TZYX" and meta["calibration"] == (2.0, 0.5, 0.00025)
    assert meta["frame_interval"] == 30.0 and meta["calibration_source"] == "ome-zarr"
    np.testing.assert_array_equal(np.asarray(image[1]), movie[1])
    import zarr

    first, second = sorted(zarr.open_group(str(path), mode="r").array_keys())   # "0"/"1" or "s0"/"s1"
    level0, meta0 = read_image(path / first)               # x.ome.zarr/0: the level, with the image's metadata
    np.testing.assert_array_equal(level0, movie)
    assert meta0["calibration"] == meta["calibration"]
    level1, meta1 = read_image(path / second)              # the half-size level carries its own (doubled) scale
    assert level1.shape == (3, 4, 8, 10) and meta1["calibration"][1:] == (1.0, 0.0005)


def test_ome_zarr_channel_axis_is_squeezed_and_many_channels_refused(tmp_path, movie):
    path = tmp_path / "c.ome.zarr"
    _write_with_ome_zarr_py(path, movie[:, None], "0.5", ["t", "c", "z", "y", "x"], None, None)
    image, meta = read_image(path, lazy=True)
    assert meta["source_axes"] == "TCZYX" and image.shape == movie.shape
    two = tmp_path / "two.ome.zarr"
    _write_with_ome_zarr_py(two, np.stack([movie, movie], 1), "0.5", ["t", "c", "z", "y", "x"], None, None)
    with pytest.raises(ValueError, match="2 channels"):
        read_image(two, lazy=True)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_movie_and_label_image_written_frame_by_frame_read_back(tmp_path, movie, version):
    path = tmp_path / "out.ome.zarr"
    create_movie(path, movie.shape, movie.dtype, calibration=(2.0, 0.5, 0.5), frame_interval=10.0, version=version)
    create_label_movie(path, "cells", movie.shape, calibration=(2.0, 0.5, 0.5), frame_interval=10.0, version=version)
    for t in (2, 0, 1):                                   # any order: each frame is its own chunk
        write_frame(path, t, movie[t])
        write_frame(path / "labels" / "cells", t, movie[t] % 7)
    image, meta = read_image(path)
    np.testing.assert_array_equal(image, movie)
    assert meta["calibration"] == (2.0, 0.5, 0.5) and meta["frame_interval"] == 10.0
    labels, label_meta = read_image(path / "labels" / "cells")
    np.testing.assert_array_equal(labels, movie % 7)
    assert label_meta["calibration"] == (2.0, 0.5, 0.5)
    # ome-zarr-py's reader finds the label image from the image (labels group metadata, image-label)
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Reader

    nodes = list(Reader(parse_url(str(path)))())
    assert any(node.metadata.get("name") == "cells" for node in nodes)
    _, _, found = read_ome_zarr(path)
    assert found["ngff_version"] == version


def test_plain_zarr_group_and_missing_inner_paths_are_named(tmp_path, movie):
    import zarr

    group = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    group.create_array("raw", shape=movie.shape, dtype=movie.dtype)[...] = movie
    np.testing.assert_array_equal(read_image(tmp_path / "g.zarr" / "raw")[0], movie)
    with pytest.raises(ValueError, match=r"without OME-Zarr multiscales metadata.*raw"):
        read_image(tmp_path / "g.zarr")
    with pytest.raises(ValueError, match=r"no array or group 'nope'.*raw"):
        read_image(tmp_path / "g.zarr" / "nope")
    with pytest.raises(FileNotFoundError, match=r"image file not found: .*missing.ome.zarr"):
        read_image(tmp_path / "missing.ome.zarr" / "0")


def test_hdf5_dataset_with_axes_and_element_size(tmp_path, movie):
    import h5py

    with h5py.File(tmp_path / "f.h5", "w") as handle:
        dataset = handle.create_dataset("data/raw", data=np.moveaxis(movie, 1, -1))   # stored TYXZ
        dataset.attrs["axes"] = "tyxz"
        dataset.attrs["element_size_um"] = [3.0, 0.4, 0.4]
        handle.create_dataset("other", data=np.zeros(3))
    image, meta = read_image(tmp_path / "f.h5" / "data" / "raw", lazy=True)
    assert meta["axes"] == "TZYX" and meta["calibration"] == (3.0, 0.4, 0.4)
    np.testing.assert_array_equal(np.asarray(image[2]), movie[2])
    with pytest.raises(ValueError, match=r"holds 2 datasets.*data/raw"):
        read_image(tmp_path / "f.h5")
    with pytest.raises(ValueError, match=r"no dataset 'raw'"):
        read_image(tmp_path / "f.h5" / "raw")
    (tmp_path / "bad.h5").write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match=r"cannot read .*bad.h5 as an HDF5 file"):
        read_image(tmp_path / "bad.h5" / "raw")


def test_ctc_image_folder_is_a_lazy_movie(tmp_path, movie):
    import tifffile

    folder = tmp_path / "01"
    folder.mkdir()
    for t, volume in enumerate(movie):
        tifffile.imwrite(folder / f"t{t:03d}.tif", volume)
    image, meta = read_image(folder, lazy=True)
    assert meta["axes"] == "TZYX" and image.shape == movie.shape
    np.testing.assert_array_equal(np.asarray(image[1]), movie[1])
    np.testing.assert_array_equal(read_image(folder)[0], movie)
    (folder / "t001.tif").unlink()
    with pytest.raises(ValueError, match=r"gaps \(missing t001.tif\)"):
        read_image(folder)
    tifffile.imwrite(folder / "t001.tif", movie[1, :2])
    with pytest.raises(ValueError, match=r"t001.tif has shape \(2, 16, 20\)"):
        read_image(folder, lazy=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match=r"neither a zarr store .* nor a Cell Tracking Challenge image folder"):
        read_image(empty)
