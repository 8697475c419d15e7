"""OME-Zarr (OME-NGFF 0.4 on zarr v2, 0.5 on zarr v3) images and label images, through ome-zarr-py.

Reading: :func:`read_ome_zarr` opens the full-resolution level of a multiscale image lazily (a dask array) and
takes its axes (``t``, ``c``, ``z``, ``y``, ``x``) and physical scale (voxel size, frame interval, with units)
from the ``multiscales`` metadata. A path may name the image group (``x.ome.zarr``), one of its levels
(``x.ome.zarr/0``) or a label image (``x.ome.zarr/labels/cells``).

Writing: :func:`create_movie` makes an empty single-level OME-Zarr movie (axes ``tzyx``) chunked per time
point, to be filled one frame at a time (:func:`write_frame`); :func:`create_label_movie` adds a label image
(``labels/<name>``, ``image-label`` metadata) to an image. Frames written by different processes never share a
chunk, so workers of a cluster can write their frames concurrently.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np

from volltrack.io.calibration import DEFAULT_METADATA

__all__ = ["read_ome_zarr", "is_ome_zarr_group", "create_movie", "create_label_movie", "open_movie_array",
           "write_frame", "NGFF_VERSIONS", "frame_chunks"]

logger = logging.getLogger(__name__)

#: OME-NGFF versions written; 0.4 is stored as zarr v2, 0.5 as zarr v3.
NGFF_VERSIONS = ("0.4", "0.5")
_LENGTH_TO_MICRON = {"angstrom": 1e-4, "nanometer": 1e-3, "micrometer": 1.0, "micron": 1.0, "millimeter": 1e3,
                     "centimeter": 1e4, "meter": 1e6}
_TIME_TO_SECOND = {"millisecond": 1e-3, "second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
#: Largest chunk edge in Y and X: a frame of 100 x 2048 x 2048 is split in 4 chunks, all of one time point.
_MAX_CHUNK_YX = 1024


def _format(version: str):
    from ome_zarr.format import FormatV04, FormatV05

    if version not in NGFF_VERSIONS:
        raise ValueError(f"OME-NGFF version {version!r} is not written by volltrack; expected one of "
                         f"{', '.join(NGFF_VERSIONS)}")
    return FormatV04() if version == "0.4" else FormatV05()


def is_ome_zarr_group(path) -> bool:
    """True when ``path`` is a zarr group with OME ``multiscales`` metadata (NGFF 0.4 or 0.5)."""
    import zarr

    try:
        group = zarr.open_group(str(path), mode="r")
    except Exception:  # noqa: BLE001 -- not a group (an array, or no zarr at all)
        return False
    attrs = group.attrs.asdict()
    return "multiscales" in attrs.get("ome", attrs)


def _axis_letters(axes, source: str) -> str:
    letters = []
    for axis in axes:
        name = (axis if isinstance(axis, str) else axis.get("name", "")).lower()
        if name not in ("t", "c", "z", "y", "x"):
            raise ValueError(f"{source}: OME-Zarr axis {name!r} is not one of t, c, z, y, x; volltrack reads "
                             "time, channel and space axes named t, c, z, y, x")
        letters.append(name.upper())
    return "".join(letters)


def _scale_of(transformations) -> list[float] | None:
    for transform in transformations or []:
        if transform.get("type") == "scale":
            return [float(v) for v in transform["scale"]]
    return None


def _physical_metadata(axes, scale, source: str) -> dict:
    """Calibration (dz, dy, dx) in µm and frame interval in s from NGFF axes and a level's scale."""
    meta = dict(DEFAULT_METADATA)
    if scale is None:
        return meta
    sizes, space_units, time = {}, set(), None
    for axis, value in zip(axes, scale):
        name = axis if isinstance(axis, str) else axis.get("name", "")
        unit = None if isinstance(axis, str) else axis.get("unit")
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{source}: scale {value} of axis {name!r} is not a positive number")
        if name in ("z", "y", "x"):
            factor = _LENGTH_TO_MICRON.get(unit, 1.0) if unit else 1.0
            sizes[name] = value * factor
            space_units.add("micron" if unit in _LENGTH_TO_MICRON else (unit or "pixel"))
        elif name == "t":
            time = (value * _TIME_TO_SECOND.get(unit, 1.0), "sec" if unit in _TIME_TO_SECOND else (unit or "frame"))
    if sizes:
        meta.update(calibration=tuple(sizes.get(letter, 1.0) for letter in "zyx"), calibration_source="ome-zarr",
                    space_units=space_units.pop() if len(space_units) == 1 else "mixed")
    if time is not None:
        meta.update(frame_interval=time[0], time_units=time[1])
    return meta


def read_ome_zarr(path, level: str | None = None):
    """Open an OME-Zarr image (or label image) lazily.

    Parameters
    ----------
    path : str or PathLike
        The multiscale image group (``x.ome.zarr``, ``x.ome.zarr/labels/cells``).
    level : str, optional
        Path of the level inside the group (``"0"``). Default: the first (full-resolution) level.

    Returns
    -------
    data : dask.array.Array
        The level, axes as stored.
    axes : str
        Axis letters from the metadata, e.g. ``"TCZYX"``.
    metadata : dict
        ``calibration``, ``frame_interval``, units, ``calibration_source`` ``"ome-zarr"``, ``ngff_version``.

    Raises
    ------
    ValueError
        When the group has no multiscales metadata, the level does not exist or an axis is unknown.
    """
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Multiscales, Node, Reader

    path = Path(path)
    logging.getLogger("ome_zarr").setLevel(logging.ERROR)   # "version mismatch" notices when reading NGFF 0.4
    location = parse_url(str(path), mode="r")
    if location is None:
        raise FileNotFoundError(f"OME-Zarr image not found: {path}")
    try:
        node = Node(location, Reader(location))
        spec = node.first(Multiscales)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: invalid OME-Zarr multiscales metadata ({exc})") from None
    if spec is None:
        raise ValueError(f"{path} is a zarr group without OME-Zarr multiscales metadata; give the path of an "
                         "array inside it (e.g. {path}/0) or of an OME-Zarr image")
    paths = list(spec.datasets)
    index = 0 if level is None else (paths.index(level) if level in paths else -1)
    if index < 0:
        raise ValueError(f"{path} has no resolution level {level!r}; its levels are {', '.join(paths)}")
    axes = node.metadata.get("axes") or []
    letters = _axis_letters(axes, str(path)) if axes else None
    transformations = node.metadata.get("coordinateTransformations") or [None] * len(paths)
    meta = _physical_metadata(axes, _scale_of(transformations[index]), str(path)) if axes else dict(DEFAULT_METADATA)
    meta["ngff_version"] = location.fmt.version
    return node.data[index], letters, meta


def frame_chunks(shape: tuple[int, ...], chunk_yx: tuple[int, int] | None = None) -> tuple[int, ...]:
    """Chunks of a ``TZYX`` movie: one time point, the whole Z, Y and X in pieces of at most 1024 (or of at most
    ``chunk_yx``, e.g. the blocks a frame is segmented in, so that a block's region touches few chunks)."""
    most_y, most_x = (_MAX_CHUNK_YX, _MAX_CHUNK_YX) if chunk_yx is None else (
        min(_MAX_CHUNK_YX, max(1, int(chunk_yx[0]))), min(_MAX_CHUNK_YX, max(1, int(chunk_yx[1]))))
    return (1, shape[1], min(shape[2], most_y), min(shape[3], most_x))


def _axes_metadata(time_units: str | None, with_time: bool = True):
    space = {"type": "space", "unit": "micrometer"}
    time = {"name": "t", "type": "time"}
    if time_units in ("sec", "s", "second"):
        time["unit"] = "second"
    return [time] * with_time + [{"name": "z", **space}, {"name": "y", **space}, {"name": "x", **space}]


def _create_level(group, shape, dtype, version: str, chunk_yx=None):
    """Level ``0``: a ``tzyx`` movie chunked per time point, or a ``zyx`` volume (``shape`` of 3) chunked alike."""
    with_time = len(shape) == 4
    chunks = frame_chunks(tuple(shape) if with_time else (1, *shape), chunk_yx)
    kwargs = dict(name="0", shape=tuple(int(n) for n in shape), chunks=chunks if with_time else chunks[1:],
                  dtype=dtype, fill_value=0, overwrite=True)
    if version == "0.5":
        kwargs["dimension_names"] = ["t", "z", "y", "x"][4 - len(shape):]
    else:
        kwargs["chunk_key_encoding"] = {"name": "v2", "separator": "/"}
    return group.create_array(**kwargs)


def _write_image_metadata(group, *, calibration, frame_interval, time_units, version, name, with_time=True):
    from ome_zarr.writer import write_multiscales_metadata

    scale = [float(frame_interval or 1.0)] * with_time + [float(v) for v in calibration]
    datasets = [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": scale}]}]
    write_multiscales_metadata(group, datasets, fmt=_format(version), axes=_axes_metadata(time_units, with_time),
                               name=name)


def create_movie(path, shape, dtype, *, calibration=(1.0, 1.0, 1.0), frame_interval=1.0, time_units="sec",
                 version: str = "0.5", name: str | None = None, chunk_yx=None):
    """Create an empty OME-Zarr movie ``path`` (axes ``tzyx``, one level ``0``, chunked per time point).

    Parameters
    ----------
    path : str or PathLike
        The image group to create (e.g. ``out/movie.ome.zarr``); an existing one is replaced.
    shape : tuple of 4 int
        ``(T, Z, Y, X)``; a shape of 3, ``(Z, Y, X)``, makes a single volume with axes ``zyx`` (no time axis,
        so that it reads back as a volume; ``frame_interval`` and ``time_units`` are then unused).
    dtype : numpy dtype
        Voxel type.
    calibration : sequence of 3 float, optional
        ``(dz, dy, dx)`` in µm, stored as the scale of the level. Default (1, 1, 1).
    frame_interval : float, optional
        Scale of the ``t`` axis. Default 1.
    time_units : str, optional
        ``"sec"`` writes the unit ``second`` on the t axis; anything else leaves it without unit.
    version : {"0.4", "0.5"}, optional
        OME-NGFF version (0.4: zarr v2, 0.5: zarr v3). Default "0.5".
    name : str, optional
        Name in the multiscales metadata. Default: the folder name.
    chunk_yx : tuple of 2 int, optional
        Largest chunk in Y and X (default 1024; see :func:`frame_chunks`).

    Returns
    -------
    zarr.Array
        The full-resolution array, to be filled frame by frame.
    """
    import zarr

    if len(shape) not in (3, 4):
        raise ValueError(f"{path}: shape {tuple(shape)}; expected (T, Z, Y, X) or (Z, Y, X)")
    fmt = _format(version)
    group = zarr.open_group(str(path), mode="w", zarr_format=fmt.zarr_format)
    array = _create_level(group, shape, dtype, version, chunk_yx)
    _write_image_metadata(group, calibration=calibration, frame_interval=frame_interval, time_units=time_units,
                          version=version, name=name or Path(path).name, with_time=len(shape) == 4)
    return array


def create_label_movie(image_path, label_name: str, shape, dtype=np.uint32, *, calibration=(1.0, 1.0, 1.0),
                       frame_interval=1.0, time_units="sec", version: str = "0.5", chunk_yx=None):
    """Add an empty label image ``labels/<label_name>`` to the OME-Zarr image ``image_path``.

    Returns
    -------
    zarr.Array
        The label array (same shape as the image), chunked per time point.
    """
    import zarr
    from ome_zarr.writer import add_metadata, get_metadata, write_label_metadata

    fmt = _format(version)
    image = zarr.open_group(str(image_path), mode="a", zarr_format=fmt.zarr_format)
    labels = image.require_group("labels")
    if label_name in labels:
        del labels[label_name]
    group = labels.create_group(label_name)
    array = _create_level(group, shape, dtype, version, chunk_yx)
    _write_image_metadata(group, calibration=calibration, frame_interval=frame_interval, time_units=time_units,
                          version=version, name=label_name)
    listed = [n for n in get_metadata(labels).get("labels", []) if n != label_name]
    add_metadata(labels, {"labels": listed}, fmt=fmt)   # write_label_metadata appends the name to this list
    write_label_metadata(labels, label_name, fmt=fmt, source={"image": "../../"})
    return array


def open_movie_array(path, *, mode: str = "r+"):
    """The full-resolution array ``0`` of an OME-Zarr image or label image, for writing frames."""
    import zarr

    return zarr.open_array(str(Path(path) / "0"), mode=mode)


def write_frame(path, frame: int, volume) -> None:
    """Write one ``ZYX`` volume as time point ``frame`` of the OME-Zarr movie ``path``."""
    array = open_movie_array(path)
    volume = np.asarray(volume)
    if tuple(volume.shape) != tuple(array.shape[1:]):
        raise ValueError(f"frame {frame} has shape {tuple(volume.shape)}; {path} holds frames of shape "
                         f"{tuple(array.shape[1:])}")
    array[frame] = volume.astype(array.dtype, copy=False)
