"""Vendor formats through bioio plugins: a missing plugin is named; the dispatch reads through a real plugin."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import tifffile

from volltrack.cli import main
from volltrack.io import read_image
from volltrack.io import vendor


@pytest.mark.parametrize("suffix, package", [(".czi", "bioio-czi"), (".lif", "bioio-lif"), (".nd2", "bioio-nd2")])
def test_a_missing_plugin_is_named(tmp_path, monkeypatch, suffix, package):
    module = vendor.VENDOR_READERS[suffix][0]
    monkeypatch.setitem(vendor.VENDOR_READERS, suffix, (module + "_not_installed_here", package))
    path = tmp_path / f"embryo{suffix}"
    path.write_bytes(b"not really a vendor file")
    with pytest.raises(ValueError, match=rf"embryo\{suffix}: reading \{suffix} files needs the bioio reader plugin "
                                         rf"{package} .*pip install 'volltrack\[formats\]'"):
        read_image(path)


def test_the_segment_command_names_the_plugin_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(vendor.VENDOR_READERS, ".czi", ("bioio_czi_not_installed_here", "bioio-czi"))
    path = tmp_path / "embryo.czi"
    path.write_bytes(b"CZI")
    assert main(["segment", str(path), "--out", str(tmp_path / "out")]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "bioio-czi" in error[0] and "Traceback" not in error[0]
    assert not (tmp_path / "out").exists()


def _imagej_movie(path, data, spacing=1.5, pixel=0.5):
    tifffile.imwrite(path, data, imagej=True, resolution=(1 / pixel, 1 / pixel),
                     metadata={"axes": "TZCYX" if data.ndim == 5 else "TZYX", "spacing": spacing, "unit": "um"})


def test_dispatch_reads_through_a_real_bioio_plugin(tmp_path, monkeypatch):
    """The TIFF plugin under a vendor-like suffix: lazy TCZYX -> TZYX, pixel sizes from bioio's metadata."""
    pytest.importorskip("bioio_tifffile", reason="bioio-tifffile (dev extra) is needed to exercise the dispatch")
    monkeypatch.setitem(vendor.VENDOR_READERS, ".vtif", ("bioio_tifffile", "bioio-tifffile"))
    data = np.arange(2 * 3 * 8 * 10, dtype=np.uint16).reshape(2, 3, 8, 10)
    _imagej_movie(tmp_path / "m.tif", data)
    shutil.copy(tmp_path / "m.tif", tmp_path / "m.vtif")
    image, meta = read_image(tmp_path / "m.vtif", lazy=True)
    assert type(image).__module__.startswith("dask") and image.shape == data.shape
    assert meta["axes"] == "TZYX" and meta["calibration"] == pytest.approx((1.5, 0.5, 0.5))
    assert meta["calibration_source"] == "bioio"
    np.testing.assert_array_equal(np.asarray(image), data)
    np.testing.assert_array_equal(read_image(tmp_path / "m.vtif")[0], data)          # eager read as well


def test_several_channels_are_refused_by_name(tmp_path, monkeypatch):
    pytest.importorskip("bioio_tifffile", reason="bioio-tifffile (dev extra) is needed to exercise the dispatch")
    monkeypatch.setitem(vendor.VENDOR_READERS, ".vtif", ("bioio_tifffile", "bioio-tifffile"))
    _imagej_movie(tmp_path / "m.tif", np.zeros((2, 3, 2, 8, 10), np.uint16))
    shutil.copy(tmp_path / "m.tif", tmp_path / "m.vtif")
    with pytest.raises(ValueError, match="m.vtif.*channel"):
        read_image(tmp_path / "m.vtif")
