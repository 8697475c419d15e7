"""Read and write images as ``TZYX`` / ``ZYX`` arrays with their axes and calibration.

Formats: TIFF (ImageJ hyperstacks and OME-TIFF carry axes and calibration; plain TIFF stacks do not), NumPy
``.npy``, zarr arrays (``.zarr`` folders), OME-Zarr images (NGFF 0.4/0.5: ``x.ome.zarr``, ``x.ome.zarr/0``,
``x.ome.zarr/labels/cells``; axes and scale from the multiscales metadata), HDF5 datasets (``file.h5/raw``) and
Cell Tracking Challenge image folders (``t000.tif``, ``t001.tif``, ...; see :mod:`volltrack.io.sources`). Large
files can be opened lazily (``lazy=True``: a memory map, a zarr array or a dask array), so that frame-by-frame
computations work on movies larger than memory.

Examples
--------
>>> import tempfile, pathlib, numpy as np
>>> path = pathlib.Path(tempfile.mkdtemp()) / "movie.tif"
>>> write_image(path, np.zeros((2, 3, 8, 8), np.uint16), axes="TZYX", calibration=(2.0, 0.5, 0.5))
>>> image, meta = read_image(path)
>>> image.shape, meta["axes"], meta["calibration"]
((2, 3, 8, 8), 'TZYX', (2.0, 0.5, 0.5))
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import numpy as np

from volltrack.io.atomic import atomic_path
from volltrack.io.axes import to_canonical_axes, validate_axes
from volltrack.io.calibration import DEFAULT_METADATA, calibration_from_tiff, validate_calibration
from volltrack.io.tiff_check import tiff_completeness_problem

__all__ = ["read_image", "write_image", "write_image_frames"]

logger = logging.getLogger(__name__)

_TIFF_SUFFIXES = (".tif", ".tiff")
#: Axes assumed, by number of dimensions, for files without axis metadata.
_AXES_BY_NDIM = {2: "YX", 3: "ZYX", 4: "TZYX"}
#: dtypes that an ImageJ hyperstack can hold; other dtypes are written as OME-TIFF.
_IMAGEJ_DTYPES = (np.uint8, np.uint16, np.float32)


def _default_axes(shape: tuple[int, ...], source: str) -> str:
    if len(shape) not in _AXES_BY_NDIM:
        raise ValueError(f"{source} has {len(shape)} dimensions (shape {tuple(shape)}) and no axis metadata; "
                         "give its axes explicitly, e.g. axes='TZYX'")
    return _AXES_BY_NDIM[len(shape)]


def _refuse_several_positions(tif, path: Path) -> None:
    """Raise ValueError when an OME-TIFF holds several image series of one shape (stage positions, wells)."""
    if not tif.is_ome or len(tif.series) < 2:
        return
    first = tuple(tif.series[0].shape)
    alike = sum(1 for s in tif.series if tuple(s.shape) == first)
    if alike > 1:
        raise ValueError(f"{path} holds {alike} image series of shape {first} (several stage positions or "
                         "wells); volltrack reads one movie per file and would silently use only the first: "
                         "save each position as its own file (e.g. Fiji's Bio-Formats importer, 'Open all "
                         "series', then File > Save As > Tiff per position)")


def _shaped_axes(tif, series) -> str | None:
    """The axes a tifffile-written ("shaped") TIFF records in its description, when they fit its shape."""
    try:
        metadata = tif.shaped_metadata[0] if tif.is_shaped and tif.shaped_metadata else None
    except (IndexError, TypeError, ValueError):
        return None
    axes = metadata.get("axes") if isinstance(metadata, dict) else None
    if not isinstance(axes, str) or len(axes) != len(series.shape) or len(set(axes.upper())) != len(axes):
        return None
    return axes.upper() if set(axes.upper()) <= set("TZCYXS") else None


def _open_tiff(path: Path, lazy: bool):
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            problem = tiff_completeness_problem(tif, path.stat().st_size)
            if not problem:
                series = tif.series[0]
                _refuse_several_positions(tif, path)
                meta = calibration_from_tiff(tif)
                file_axes = series.axes if (tif.is_imagej or tif.is_ome) else _shaped_axes(tif, series)
                shape = tuple(series.shape)
                data = None if lazy else series.asarray()
    except (tifffile.TiffFileError, ValueError, OSError, IndexError) as exc:
        raise ValueError(f"cannot read {path} as a TIFF image: {exc}") from None
    if problem:
        raise ValueError(f"{path}: truncated TIFF: {problem} (an interrupted copy or write?)")
    if lazy:
        try:
            data = tifffile.memmap(path, mode="r")
        except ValueError:
            logger.info("%s cannot be memory-mapped (compressed or tiled); reading it into memory", path)
            data = tifffile.imread(path)
    if tuple(data.shape) != shape:  # memmap of a squeezed series
        data = np.reshape(data, shape)
    return data, file_axes, meta


def _npy_header_reader(version):
    """Return ``read(handle) -> (shape, fortran_order, dtype)`` for a ``.npy`` format ``version``.

    Versions 1.0 and 2.0 (what ``np.save`` writes) use numpy's public readers, the same in numpy 1 and 2; other
    versions use numpy's private reader where this numpy has one (its location changed in numpy 2).
    """
    public = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version in public:
        return public[version]
    for module_name in ("numpy.lib._format_impl", "numpy.lib.format"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        private = getattr(module, "_read_array_header", None)
        if private is not None:
            return lambda handle: private(handle, version)
    raise ValueError(f".npy format version {version[0]}.{version[1]} is not supported by this numpy")


def _load_npy(path: Path, lazy: bool) -> np.ndarray:
    """Load a numeric ``.npy`` array (memory-mapped when ``lazy``); ValueError naming the file otherwise."""
    try:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            shape, _, dtype = _npy_header_reader(version)(handle)
            header_end = handle.tell()
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"{path}: not a .npy array file ({exc})") from None
    if dtype.hasobject or dtype.kind not in "biuf":
        raise ValueError(f"{path}: not a numeric array (dtype {dtype}); expected integer, float or bool voxels")
    needed = header_end + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    size = path.stat().st_size
    if size < needed:
        raise ValueError(f"{path}: truncated .npy (header says shape {tuple(shape)} {dtype} = {needed - header_end} "
                         f"bytes of data, file has {size - header_end})")
    return np.load(path, mmap_mode="r" if lazy else None, allow_pickle=False)


def _open_array(path: Path, lazy: bool):
    return _load_npy(path, lazy), None, dict(DEFAULT_METADATA)


def _open_source(path: Path, lazy: bool):
    """Open ``path`` by what it is; return (data, axes from the file or None, metadata)."""
    from volltrack.io.sources import is_ctc_folder, open_ctc_folder, open_hdf5, open_zarr, split_container

    container = split_container(path)
    if container is not None:
        base, inner, kind = container
        if not base.exists():
            raise FileNotFoundError(f"image file not found: {base}" + (f" (for {path})" if inner else ""))
        return open_zarr(base, inner, lazy) if kind == "zarr" else open_hdf5(base, inner, lazy)
    if not path.exists():
        raise FileNotFoundError(f"image file not found: {path}")
    suffix = path.suffix.lower()
    if path.is_dir():
        if is_ctc_folder(path):
            return open_ctc_folder(path, lazy)
        raise ValueError(f"{path} is a folder but neither a zarr store (.zarr) nor a Cell Tracking Challenge image "
                         "folder (t000.tif, t001.tif, ...)")
    if suffix in _TIFF_SUFFIXES:
        return _open_tiff(path, lazy)
    if suffix == ".npy":
        return _open_array(path, lazy)
    from volltrack.io.vendor import is_vendor_file, open_vendor

    if is_vendor_file(path):
        return open_vendor(path, lazy)
    raise ValueError(f"unsupported image format {suffix!r} for {path}; expected .tif, .tiff, .npy, a .zarr or "
                     ".ome.zarr store (or an array inside one, x.ome.zarr/0), an HDF5 dataset (file.h5/raw), a "
                     "CTC image folder (t000.tif ...) or, with the bioio plugins, .czi, .lif or .nd2")


def read_image(path, axes: str | None = None, *, calibration=None, frame_interval: float | None = None,
               lazy: bool = False, require_z: bool = False):
    """Read an image file as a ``TZYX`` (or ``ZYX``) array with its metadata.

    Parameters
    ----------
    path : str or PathLike
        A ``.tif``/``.tiff`` (ImageJ, OME or plain) or ``.npy`` file, a ``.zarr`` array or OME-Zarr image (or a
        path inside one: ``x.ome.zarr/0``), an HDF5 dataset ``file.h5/dataset`` or a CTC image folder.
    axes : str, optional
        Axes of the stored array (letters from ``TZCYX``), overriding the file's. Default None: from ImageJ/OME
        metadata, else by dimension count (2: ``YX``, 3: ``ZYX``, 4: ``TZYX``).
    calibration : sequence of 3 floats or str, optional
        ``(dz, dy, dx)`` in µm, overriding the file's. Default None: from the file, else ``(1, 1, 1)``.
    frame_interval : float, optional
        Time between frames, overriding the file's. Default None: from the file, else 1.
    lazy : bool, optional
        Return a memory map (TIFF, npy), a zarr array or a dask array (OME-Zarr, HDF5, CTC folder) instead of
        loading the data. Default False.
    require_z : bool, optional
        Refuse an image without a Z axis (``YX``, ``TYX``) instead of giving it a Z of length 1. Default False.

    Returns
    -------
    image : ndarray or array-like
        Axes ``TZYX``, or ``ZYX`` when the data has no T axis (a missing Z becomes length 1).
    metadata : dict
        ``axes``, ``source_axes``, ``calibration`` (dz, dy, dx), ``frame_interval``, ``space_units``,
        ``time_units``, ``calibration_source`` and ``path``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file cannot be read or the axes do not fit the data.
    """
    path = Path(path)
    data, file_axes, meta = _open_source(path, lazy)
    source_axes = axes if axes is not None else (file_axes or _default_axes(data.shape, str(path)))
    if require_z and "Z" not in source_axes.upper():
        raise ValueError(f"{path} has axes {source_axes.upper()} (shape {tuple(data.shape)}); volltrack needs 3D "
                         "volumes, ZYX or TZYX (give the axes explicitly if the file's metadata is wrong)")
    image, canonical = to_canonical_axes(data, source_axes, source=str(path),
                                         from_file=axes is None and file_axes is not None)
    if calibration is not None:
        meta.update(calibration=validate_calibration(calibration), space_units="micron",
                    calibration_source="argument")
    if frame_interval is not None:
        meta.update(frame_interval=float(frame_interval), time_units="sec")
    meta.update(axes=canonical, source_axes=source_axes.upper(), path=str(path))
    return image, meta


def _tiff_kwargs(array: np.ndarray, axes: str, calibration, frame_interval, path: Path) -> dict:
    dz, dy, dx = calibration
    imagej = array.dtype.type in _IMAGEJ_DTYPES and not path.name.lower().endswith((".ome.tif", ".ome.tiff"))
    if imagej:
        metadata = {"axes": axes, "spacing": dz, "unit": "um"}
        if frame_interval is not None:
            metadata["finterval"] = float(frame_interval)
        return {"imagej": True, "resolution": (1.0 / dx, 1.0 / dy), "metadata": metadata}
    metadata = {"axes": axes, "PhysicalSizeX": dx, "PhysicalSizeY": dy, "PhysicalSizeZ": dz,
                "PhysicalSizeXUnit": "µm", "PhysicalSizeYUnit": "µm", "PhysicalSizeZUnit": "µm"}
    if frame_interval is not None:
        metadata.update(TimeIncrement=float(frame_interval), TimeIncrementUnit="s")
    return {"ome": True, "metadata": metadata}


def write_image(path, array, *, axes: str, calibration=None, frame_interval: float | None = None,
                compression: str | None = None) -> None:
    """Write ``array`` atomically as TIFF (ImageJ hyperstack, or OME-TIFF for other dtypes) or ``.npy``.

    Parameters
    ----------
    path : str or PathLike
        Destination ``.tif``/``.tiff``/``.ome.tif`` or ``.npy``. Its folder must exist.
    array : ndarray
        Image data; bool arrays are written as uint8.
    axes : str
        Axes of ``array``, letters from ``TZCYX``, e.g. ``"TZYX"``.
    calibration : sequence of 3 floats, optional
        ``(dz, dy, dx)`` in µm. Default None: ``(1, 1, 1)``.
    frame_interval : float, optional
        Time between frames in seconds, stored when given. Default None.
    compression : str, optional
        TIFF compression (e.g. ``"zlib"``). Default None (uncompressed, so that it can be memory-mapped).

    Notes
    -----
    uint8, uint16 and float32 data are written as ImageJ hyperstacks (Fiji opens them with their axes and
    calibration); other dtypes (labels in uint32, say) as OME-TIFF, which tifffile and Bio-Formats read.
    """
    path = Path(path)
    array = np.asarray(array)
    if array.dtype == bool:
        array = array.astype(np.uint8)
    axes = validate_axes(axes, array.shape, source=f"array for {path}")
    calibration = validate_calibration(calibration if calibration is not None else (1.0, 1.0, 1.0))
    if path.suffix.lower() == ".npy":
        with atomic_path(path) as temporary, open(temporary, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        return
    if path.suffix.lower() not in _TIFF_SUFFIXES:
        raise ValueError(f"unsupported output format {path.suffix!r} for {path}; expected .tif, .tiff or .npy")
    import tifffile

    ordered = "".join(letter for letter in "TZCYX" if letter in axes)  # the order ImageJ hyperstacks use
    array = np.transpose(array, [axes.index(letter) for letter in ordered])
    kwargs = _tiff_kwargs(array, ordered, calibration, frame_interval, path)
    with atomic_path(path) as temporary:
        tifffile.imwrite(temporary, array, compression=compression, **kwargs)
    logger.debug("wrote %s (%s, axes %s, calibration %s)", path, array.dtype, axes, calibration)


#: Above this size a TIFF that is not an ImageJ hyperstack is written as BigTIFF (classic TIFF offsets are 32-bit).
_BIGTIFF_BYTES = 2**32 - 2**25


def write_image_frames(path, frames, *, shape, dtype, calibration=None, frame_interval: float | None = None) -> None:
    """Write a ``TZYX`` movie given one ``ZYX`` frame at a time, atomically, without holding the whole movie.

    Parameters
    ----------
    path : str or PathLike
        Destination ``.tif``/``.tiff``/``.ome.tif``; its folder must exist.
    frames : iterable of ndarray
        The ``T`` volumes of shape ``shape[1:]``, in order; each is converted to ``dtype`` and written at once.
    shape : tuple of 4 int
        ``(T, Z, Y, X)``.
    dtype : numpy dtype
        Voxel type (as :func:`write_image`: uint8/uint16/float32 as ImageJ hyperstack, others as OME-TIFF).
    calibration, frame_interval
        As in :func:`write_image`.

    Notes
    -----
    tifffile writes the pages as the frames arrive, so the memory used is one frame. An OME-TIFF larger than
    4 GB is written as BigTIFF; an ImageJ hyperstack stays an ImageJ file (tifffile writes its data contiguously,
    which Fiji reads beyond 4 GB).
    """
    import tifffile

    path = Path(path)
    if path.suffix.lower() not in _TIFF_SUFFIXES:
        raise ValueError(f"unsupported output format {path.suffix!r} for {path}; expected .tif or .tiff")
    shape = tuple(int(n) for n in shape)
    if len(shape) != 4:
        raise ValueError(f"a movie for {path} must have shape (T, Z, Y, X); got {shape}")
    dtype = np.dtype(np.uint8 if np.dtype(dtype) == bool else dtype)
    calibration = validate_calibration(calibration if calibration is not None else (1.0, 1.0, 1.0))
    kwargs = _tiff_kwargs(np.empty((0,), dtype), "TZYX", calibration, frame_interval, path)
    if not kwargs.get("imagej") and int(np.prod(shape)) * dtype.itemsize > _BIGTIFF_BYTES:
        kwargs["bigtiff"] = True
    written, problem = [0], []

    def pages():
        for volume in frames:
            volume = np.asarray(volume)
            if tuple(volume.shape) != shape[1:]:
                problem.append(f"frame {written[0]} for {path} has shape {tuple(volume.shape)}; expected {shape[1:]}")
                raise ValueError(problem[-1])
            written[0] += 1
            yield volume.astype(dtype, copy=False)

    with atomic_path(path) as temporary:
        try:
            tifffile.imwrite(temporary, pages(), shape=shape, dtype=dtype, **kwargs)
        except ValueError:
            if problem:
                raise ValueError(problem[0]) from None
            if written[0] < shape[0]:         # tifffile's own message counts bytes, not frames
                raise ValueError(f"{path}: {written[0]} frames given, expected {shape[0]}") from None
            raise
        if written[0] != shape[0]:
            raise ValueError(f"{path}: {written[0]} frames given, expected {shape[0]}")
    logger.debug("wrote %s frame by frame (%s, shape %s)", path, dtype, shape)
