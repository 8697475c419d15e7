"""Voxel calibration ``(dz, dy, dx)`` and frame interval from ImageJ and OME TIFF metadata.

Units are normalised to micrometres (``"micron"``) where the file names a known length unit (nm, µm, mm, m);
other units are kept as written and reported in ``space_units``.
"""

from __future__ import annotations

import logging
import math

from lxml import etree

__all__ = ["calibration_from_tiff", "validate_calibration", "DEFAULT_METADATA"]

logger = logging.getLogger(__name__)

_TO_MICRON = {"micron": 1.0, "microns": 1.0, "um": 1.0, "µm": 1.0, "\u03bcm": 1.0, "\\u00b5m": 1.0,
              "micrometer": 1.0, "micrometre": 1.0, "nm": 1e-3, "nanometer": 1e-3, "mm": 1e3,
              "millimeter": 1e3, "m": 1e6, "meter": 1e6}
_TO_SECOND = {"s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0, "ms": 1e-3, "min": 60.0, "h": 3600.0}

#: Metadata used when a file carries none: unit voxels, unit frame interval.
DEFAULT_METADATA = {"calibration": (1.0, 1.0, 1.0), "frame_interval": 1.0, "space_units": "pixel",
                    "time_units": "frame", "calibration_source": "default"}


def validate_calibration(calibration, *, name: str = "calibration") -> tuple[float, float, float]:
    """Return ``calibration`` as a tuple of three positive finite floats ``(dz, dy, dx)``.

    Parameters
    ----------
    calibration : sequence of 3 numbers or str
        ``(dz, dy, dx)``, or a string ``"dz,dy,dx"``.
    name : str, optional
        Argument name for the error message. Default "calibration".

    Raises
    ------
    ValueError
        If it does not hold exactly three positive finite numbers.
    """
    values = calibration.split(",") if isinstance(calibration, str) else calibration
    try:
        values = tuple(float(value) for value in values)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be three numbers dz,dy,dx (e.g. 2.0,0.5,0.5), got {calibration!r}") from None
    if len(values) != 3 or not all(math.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"{name} must be three positive finite numbers dz,dy,dx (e.g. 2.0,0.5,0.5), "
                         f"got {calibration!r}")
    return values


def _length_in_micron(value: float, unit: str | None) -> tuple[float, str]:
    key = (unit or "").strip().lower()
    if key in _TO_MICRON:
        return value * _TO_MICRON[key], "micron"
    return value, unit or "pixel"


def _resolution_to_spacing(tag) -> float | None:
    """Convert a TIFF X/YResolution tag value (pixels per unit, as a rational) to a pixel size."""
    if tag is None:
        return None
    numerator, denominator = tag.value if isinstance(tag.value, tuple) else (tag.value, 1)
    if not numerator or not denominator:
        return None
    return float(denominator) / float(numerator)


def _from_imagej(tif) -> dict:
    meta = tif.imagej_metadata or {}
    page = tif.pages[0]
    dx = _resolution_to_spacing(page.tags.get("XResolution"))
    dy = _resolution_to_spacing(page.tags.get("YResolution"))
    dz = float(meta.get("spacing", 1.0) or 1.0)
    unit = meta.get("unit")
    if dx is None or dy is None:
        return {}
    scale = _length_in_micron(1.0, unit)
    out = {"calibration": (dz * scale[0], dy * scale[0], dx * scale[0]), "space_units": scale[1],
           "calibration_source": "imagej"}
    if meta.get("finterval"):
        out.update(frame_interval=float(meta["finterval"]), time_units=meta.get("tunit", "sec") or "sec")
    return out


def _from_ome(xml_text: str) -> dict:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml_text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        logger.warning("ignoring unreadable OME metadata: %s", exc)
        return {}
    pixels = next((el for el in root.iter() if etree.QName(el).localname == "Pixels"), None)
    if pixels is None or "PhysicalSizeX" not in pixels.attrib:
        return {}
    sizes, units = [], set()
    for axis in "ZYX":
        value, unit = _length_in_micron(float(pixels.get(f"PhysicalSize{axis}", 1.0)),
                                        pixels.get(f"PhysicalSize{axis}Unit", "µm"))
        sizes.append(value)
        units.add(unit)
    out = {"calibration": tuple(sizes), "space_units": units.pop() if len(units) == 1 else "mixed",
           "calibration_source": "ome"}
    if pixels.get("TimeIncrement"):
        unit = pixels.get("TimeIncrementUnit", "s")
        factor = _TO_SECOND.get(unit.lower(), 1.0)
        out.update(frame_interval=float(pixels.get("TimeIncrement")) * factor,
                   time_units="sec" if unit.lower() in _TO_SECOND else unit)
    return out


def calibration_from_tiff(tif) -> dict:
    """Read calibration metadata from an open :class:`tifffile.TiffFile`.

    Returns
    -------
    dict
        Keys ``calibration`` ``(dz, dy, dx)``, ``frame_interval``, ``space_units``, ``time_units``,
        ``calibration_source`` (``"ome"``, ``"imagej"`` or ``"default"``); defaults for what the file lacks.
    """
    found = {}
    if tif.is_ome and tif.ome_metadata:
        found = _from_ome(tif.ome_metadata)
    elif tif.is_imagej:
        found = _from_imagej(tif)
    return {**DEFAULT_METADATA, **found}
