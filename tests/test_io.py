"""Tests of volltrack.io: image round trips with axes and calibration, axis errors, atomic writes."""

from __future__ import annotations

import numpy as np
import pytest
import tifffile

from volltrack.io import (atomic_write, atomic_write_text, read_image, to_canonical_axes, validate_calibration,
                          write_image)


@pytest.mark.parametrize("dtype", [np.uint16, np.float32, np.uint32, np.int32])
def test_tiff_round_trip_keeps_data_axes_and_calibration(tmp_path, rng, dtype):
    movie = rng.integers(0, 1000, size=(2, 3, 6, 7)).astype(dtype)
    path = tmp_path / "movie.tif"
    write_image(path, movie, axes="TZYX", calibration=(2.0, 0.5, 0.25), frame_interval=30.0)
    image, meta = read_image(path)
    np.testing.assert_array_equal(image, movie)
    assert image.dtype == dtype
    assert meta["axes"] == "TZYX"
    np.testing.assert_allclose(meta["calibration"], (2.0, 0.5, 0.25))
    assert meta["frame_interval"] == pytest.approx(30.0)
    assert meta["space_units"] == "micron"


def test_imagej_hyperstack_with_channel_axis_is_squeezed(tmp_path, rng):
    data = rng.integers(0, 255, size=(2, 4, 1, 5, 6)).astype(np.uint8)
    path = tmp_path / "tzcyx.tif"
    tifffile.imwrite(path, data, imagej=True, resolution=(2.0, 2.0),
                     metadata={"axes": "TZCYX", "spacing": 1.5, "unit": "micron"})
    image, meta = read_image(path)
    assert image.shape == (2, 4, 5, 6)
    np.testing.assert_array_equal(image, data[:, :, 0])
    np.testing.assert_allclose(meta["calibration"], (1.5, 0.5, 0.5))
    assert meta["calibration_source"] == "imagej"


def test_ome_tiff_with_nanometres_is_converted_to_microns(tmp_path):
    path = tmp_path / "nm.ome.tif"
    tifffile.imwrite(path, np.zeros((3, 4, 5), np.uint16),
                     metadata={"axes": "ZYX", "PhysicalSizeX": 200.0, "PhysicalSizeXUnit": "nm",
                               "PhysicalSizeY": 200.0, "PhysicalSizeYUnit": "nm",
                               "PhysicalSizeZ": 1000.0, "PhysicalSizeZUnit": "nm"})
    image, meta = read_image(path)
    assert meta["axes"] == "ZYX" and image.shape == (3, 4, 5)
    np.testing.assert_allclose(meta["calibration"], (1.0, 0.2, 0.2))


def test_plain_tiff_without_metadata_uses_dimension_count_and_explicit_override(tmp_path, rng):
    data = rng.integers(0, 9, size=(4, 3, 5, 6)).astype(np.uint8)
    path = tmp_path / "plain.tif"
    tifffile.imwrite(path, data)
    image, meta = read_image(path)
    assert meta["axes"] == "TZYX" and meta["calibration_source"] == "default"
    np.testing.assert_array_equal(image, data)
    swapped, meta = read_image(path, axes="ZTYX", calibration="3,1,1")
    assert swapped.shape == (3, 4, 5, 6)
    np.testing.assert_array_equal(swapped[1, 2], data[2, 1])
    assert meta["calibration"] == (3.0, 1.0, 1.0)


def test_time_series_of_2d_images_gets_a_length_one_z():
    array, axes = to_canonical_axes(np.zeros((5, 8, 9)), "TYX")
    assert axes == "TZYX" and array.shape == (5, 1, 8, 9)


@pytest.mark.parametrize("axes, message", [
    ("TZY", "has 3 letters but"),
    ("TZYQ", "unknown letter"),
    ("TTYX", "repeats"),
    ("TZCY", "lacks Y or X"),
])
def test_wrong_axes_string_gives_a_clear_error(tmp_path, axes, message):
    path = tmp_path / "m.tif"
    tifffile.imwrite(path, np.zeros((2, 3, 4, 5), np.uint8))
    with pytest.raises(ValueError, match=message) as info:
        read_image(path, axes=axes)
    assert "m.tif" in str(info.value) and "expected" in str(info.value)


def test_multichannel_data_is_refused_with_advice(tmp_path):
    with pytest.raises(ValueError, match="2 channels"):
        to_canonical_axes(np.zeros((2, 3, 4, 5)), "CZYX", source="x.tif")


def test_lazy_read_returns_memory_map(tmp_path, rng):
    movie = rng.integers(0, 100, size=(3, 2, 4, 4)).astype(np.uint16)
    path = tmp_path / "big.tif"
    write_image(path, movie, axes="TZYX")
    image, _ = read_image(path, lazy=True)
    assert isinstance(image, np.memmap)
    np.testing.assert_array_equal(image[2], movie[2])


def test_npy_and_zarr_inputs(tmp_path, rng):
    import zarr

    movie = rng.integers(0, 100, size=(3, 2, 4, 4)).astype(np.uint16)
    write_image(tmp_path / "m.npy", movie, axes="TZYX")
    image, _ = read_image(tmp_path / "m.npy", lazy=True)
    np.testing.assert_array_equal(image, movie)
    store = zarr.open(str(tmp_path / "m.zarr"), mode="w", shape=movie.shape, chunks=(1, 2, 4, 4), dtype=movie.dtype)
    store[...] = movie
    store.attrs.update(axes="TZYX", calibration=[2.0, 0.5, 0.5])
    image, meta = read_image(tmp_path / "m.zarr", lazy=True)
    assert not isinstance(image, np.ndarray)
    np.testing.assert_array_equal(image[1], movie[1])
    assert meta["calibration"] == (2.0, 0.5, 0.5)


def test_unreadable_and_missing_files(tmp_path):
    bad = tmp_path / "broken.tif"
    bad.write_bytes(b"II*\x00garbage")
    with pytest.raises(ValueError, match="broken.tif"):
        read_image(bad)
    with pytest.raises(FileNotFoundError, match="nope.tif"):
        read_image(tmp_path / "nope.tif")
    with pytest.raises(ValueError, match="unsupported image format"):
        read_image(tmp_path.joinpath("x.png").__class__(__file__))


@pytest.mark.parametrize("value", ["1,2", (0, 1, 1), (1, float("nan"), 1), "a,b,c"])
def test_bad_calibration_is_refused(value):
    with pytest.raises(ValueError, match="dz,dy,dx"):
        validate_calibration(value)


def test_atomic_write_keeps_old_file_on_failure_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    atomic_write_text(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_write_into_missing_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        atomic_write_text(tmp_path / "missing" / "x.txt", "x")


def test_atomic_write_gives_the_usual_file_mode(tmp_path):
    import os

    target = tmp_path / "mode.txt"
    atomic_write_text(target, "x")
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_ome_tiff_with_several_positions_is_refused_not_silently_cut(tmp_path):
    import tifffile

    path = tmp_path / "positions.ome.tif"
    with tifffile.TiffWriter(path, ome=True) as writer:
        for position in range(3):
            writer.write(np.full((4, 8, 8), position, np.uint16), metadata={"axes": "ZYX"})
    with pytest.raises(ValueError, match=r"positions.ome.tif holds 3 image series of shape \(4, 8, 8\)"):
        read_image(path)
    single = tmp_path / "one.ome.tif"
    with tifffile.TiffWriter(single, ome=True) as writer:
        writer.write(np.ones((4, 8, 8), np.uint16), metadata={"axes": "ZYX"})
        writer.write(np.ones((2, 2), np.uint8), metadata={"axes": "YX"})     # a thumbnail-like extra series
    assert read_image(single)[0].shape[-3:] == (4, 8, 8)
