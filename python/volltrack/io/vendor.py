"""Vendor microscope formats (Zeiss CZI, Leica LIF, Nikon ND2) through bioio and its reader plugins.

The plugins are optional (``pip install 'volltrack[formats]'``): :data:`VENDOR_READERS` maps a file suffix to the
plugin module that reads it, and a missing plugin gives one line naming the package to install. The image opens
as bioio's lazy ``TCZYX`` dask array with the physical pixel sizes of its metadata; a file with several scenes
(stage positions) or several channels is refused by name, as for OME-TIFF.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from volltrack.io.calibration import DEFAULT_METADATA, validate_calibration

__all__ = ["VENDOR_READERS", "open_vendor", "is_vendor_file"]

#: File suffix -> (bioio plugin module, its PyPI package).
VENDOR_READERS = {".czi": ("bioio_czi", "bioio-czi"), ".lif": ("bioio_lif", "bioio-lif"),
                  ".nd2": ("bioio_nd2", "bioio-nd2")}


def is_vendor_file(path: str | Path) -> bool:
    """True when ``path`` has a suffix read through a bioio plugin (:data:`VENDOR_READERS`)."""
    return Path(path).suffix.lower() in VENDOR_READERS


def _reader(path: Path) -> Any:
    module, package = VENDOR_READERS[path.suffix.lower()]
    missing = [name for name, spec in (("bioio", "bioio"), (package, module)) if importlib.util.find_spec(spec) is None]
    if missing:
        raise ValueError(f"{path}: reading {path.suffix.lower()} files needs the bioio reader plugin {package} "
                         f"({' and '.join(missing)} not installed): pip install 'volltrack[formats]' (or pip "
                         f"install bioio {package})")
    return importlib.import_module(module).Reader


def open_vendor(path: str | Path, lazy: bool) -> tuple[Any, str, dict[str, Any]]:
    """Open a vendor file; return ``(data, "TCZYX", metadata)`` for :func:`volltrack.io.read_image`.

    Raises
    ------
    ValueError
        When the plugin is missing, the file cannot be read, or it holds several scenes.
    """
    path = Path(path)
    reader = _reader(path)
    from bioio import BioImage

    try:
        image = BioImage(path, reader=reader)
        scenes = list(image.scenes)
        data = image.dask_data
        sizes = image.physical_pixel_sizes
    except Exception as exc:  # noqa: BLE001 -- the plugins raise their own types for unreadable files
        raise ValueError(f"cannot read {path} with {VENDOR_READERS[path.suffix.lower()][1]}: "
                         f"{' '.join(str(exc).split())[:300]}") from None
    if len(scenes) > 1:
        raise ValueError(f"{path} holds {len(scenes)} scenes (stage positions or wells: {', '.join(scenes[:5])}); "
                         "volltrack reads one movie per file: export each scene on its own (e.g. to OME-Zarr)")
    meta = dict(DEFAULT_METADATA)
    values = [getattr(sizes, axis, None) for axis in ("Z", "Y", "X")]
    known = [float(v) for v in values if v is not None]
    if len(known) == 3 and all(v > 0 for v in known):
        meta.update(calibration=validate_calibration(known, name=f"pixel sizes of {path}"),
                    space_units="micron", calibration_source="bioio")
    return (data if lazy else np.asarray(data)), "TCZYX", meta
