"""Containers that hold a movie inside a path: zarr stores (plain or OME-Zarr), HDF5 datasets, CTC image folders.

:func:`split_container` finds the container in a path (``movie.ome.zarr/0`` is level ``0`` of the store
``movie.ome.zarr``; ``file.h5/raw`` is the dataset ``raw`` of ``file.h5``). :func:`open_zarr`,
:func:`open_hdf5` and :func:`open_ctc_folder` open them lazily and return ``(data, axes, metadata)`` for
:func:`volltrack.io.read_image`. Every failure names the path and what was expected.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from volltrack.io.calibration import DEFAULT_METADATA, validate_calibration

__all__ = ["split_container", "open_zarr", "open_hdf5", "open_ctc_folder", "is_ctc_folder", "ZARR_SUFFIX",
           "HDF5_SUFFIXES", "CTC_FRAME"]

ZARR_SUFFIX = ".zarr"
HDF5_SUFFIXES = (".h5", ".hdf5", ".hdf")
#: File names of a Cell Tracking Challenge image folder: t000.tif, t001.tif, ... (3 or more digits).
CTC_FRAME = re.compile(r"^t(\d{3,})\.tiff?$", re.IGNORECASE)


def split_container(path) -> tuple[Path, str, str] | None:
    """Split ``path`` into (container, inner path, kind) when one of its parts is a zarr store or HDF5 file.

    Returns
    -------
    tuple or None
        ``(container, inner, kind)`` with ``kind`` ``"zarr"`` or ``"hdf5"`` and ``inner`` ``""`` for the
        container itself; None when no part of the path ends in ``.zarr``, ``.h5``, ``.hdf5`` or ``.hdf``.
    """
    path = Path(path)
    parts = path.parts
    for index, part in enumerate(parts):
        lower = part.lower()
        kind = "zarr" if lower.endswith(ZARR_SUFFIX) else ("hdf5" if lower.endswith(HDF5_SUFFIXES) else None)
        if kind is None or (kind == "hdf5" and index + 1 < len(parts) and Path(*parts[: index + 1]).is_dir()):
            continue
        return Path(*parts[: index + 1]), "/".join(parts[index + 1:]), kind
    return None


def _zarr_children(group) -> str:
    names = sorted(group.keys())
    return ", ".join(names[:10]) + (" ..." if len(names) > 10 else "") if names else "nothing"


def _plain_zarr_meta(attrs: dict, path: Path) -> dict:
    meta = dict(DEFAULT_METADATA)
    if "calibration" in attrs:
        meta.update(calibration=validate_calibration(attrs["calibration"], name=f"calibration in {path}"),
                    calibration_source="zarr")
    for key in ("frame_interval", "space_units", "time_units"):
        if key in attrs:
            meta[key] = attrs[key]
    return meta


def open_zarr(store: Path, inner: str, lazy: bool):
    """Open an array of a zarr store: a plain array, a level of an OME-Zarr image, or an OME-Zarr image itself.

    Parameters
    ----------
    store : Path
        The ``.zarr`` folder.
    inner : str
        Path inside the store (``""``, ``"0"``, ``"labels/cells"``, ``"labels/cells/0"``).
    lazy : bool
        Return a dask or zarr array instead of loading the data.
    """
    import zarr

    from volltrack.io.ngff import is_ome_zarr_group, read_ome_zarr

    if not store.exists():
        raise FileNotFoundError(f"image file not found: {store}")
    full = store / inner if inner else store
    if is_ome_zarr_group(full):
        data, axes, meta = read_ome_zarr(full)
        return (data if lazy else np.asarray(data)), axes, meta
    try:
        node = zarr.open(str(store), mode="r", path=inner or None)
    except Exception as exc:  # noqa: BLE001 -- zarr raises several types for a bad or missing store
        if inner:
            try:
                parent = zarr.open_group(str(store), mode="r")
                holds = _zarr_children(parent)
            except Exception:  # noqa: BLE001
                holds = "no readable group"
            raise ValueError(f"{store} holds no array or group {inner!r} (its top level holds: {holds})") from None
        raise ValueError(f"cannot read {store} as a zarr array or OME-Zarr image: {exc}") from None
    if not hasattr(node, "shape"):
        raise ValueError(f"{full} is a zarr group without OME-Zarr multiscales metadata; give the path of an array "
                         f"inside it (it holds: {_zarr_children(node)})")
    parent = full.parent
    if inner and is_ome_zarr_group(parent):       # a level of an OME-Zarr image: x.ome.zarr/0
        _, axes, meta = read_ome_zarr(parent, level=full.name)
        return (_as_dask(node) if lazy else node[...]), axes, meta
    attrs = dict(node.attrs)
    return (node if lazy else node[...]), attrs.get("axes"), _plain_zarr_meta(attrs, full)


def _as_dask(array):
    import dask.array as da

    return da.from_zarr(array)


def open_hdf5(file: Path, inner: str, lazy: bool):
    """Open the dataset ``inner`` of the HDF5 file ``file`` (lazily: a dask array reading one chunk at a time).

    Axes come from the dataset's ``axes`` attribute (e.g. ``"tzyx"``) when present; the voxel size from
    ``element_size_um`` (Z, Y, X, as ilastik and Fiji's HDF5 plugin write it) or ``calibration``.
    """
    import h5py

    if not file.is_file():
        raise FileNotFoundError(f"image file not found: {file}")
    try:
        handle = h5py.File(file, "r")
    except OSError as exc:
        raise ValueError(f"cannot read {file} as an HDF5 file: {exc}") from None
    from volltrack.io.hdf5 import dataset_names, parse_voxel_size, voxel_size_attribute

    datasets = dataset_names(handle)
    if not inner:
        if len(datasets) != 1:
            handle.close()
            raise ValueError(f"{file} holds {len(datasets)} datasets ({', '.join(datasets[:10]) or 'none'}); name "
                             f"the one to read after the file name, e.g. {file}/{datasets[0] if datasets else 'raw'}")
        inner = datasets[0]
    if inner not in handle or not isinstance(handle[inner], h5py.Dataset):
        handle.close()
        raise ValueError(f"{file} has no dataset {inner!r}; it holds: {', '.join(datasets[:10]) or 'no dataset'}")
    dataset = handle[inner]
    attrs = {key: dataset.attrs[key] for key in dataset.attrs}
    axes = attrs.get("axes")
    axes = axes.decode() if isinstance(axes, bytes) else (str(axes) if axes is not None else None)
    meta = dict(DEFAULT_METADATA)
    try:
        size = parse_voxel_size(voxel_size_attribute(handle, inner), f"{file}/{inner}")
    except ValueError:
        handle.close()
        raise
    if size is not None:
        meta.update(calibration=validate_calibration(list(size), name=f"voxel size in {file}/{inner}"),
                    space_units="micron", calibration_source="hdf5")
    if lazy:
        import dask.array as da

        chunks = (1, *dataset.shape[1:]) if dataset.ndim == 4 else dataset.shape
        return da.from_array(dataset, chunks=chunks, lock=True), axes, meta
    data = dataset[...]
    handle.close()
    return data, axes, meta


def is_ctc_folder(path) -> bool:
    """True when ``path`` is a folder holding Cell Tracking Challenge frames ``t000.tif``, ``t001.tif``, ..."""
    path = Path(path)
    return path.is_dir() and any(CTC_FRAME.match(p.name) for p in path.iterdir())


def _read_tiff_volume(path):
    import tifffile

    return tifffile.imread(path)


def open_ctc_folder(folder: Path, lazy: bool):
    """Open a CTC image folder (``t000.tif`` ... one ``ZYX`` volume per time point) as a ``TZYX`` movie.

    Raises
    ------
    ValueError
        When frame numbers have gaps, or the files differ in shape or type.
    """
    import tifffile

    frames = sorted((int(CTC_FRAME.match(p.name).group(1)), p) for p in folder.iterdir() if CTC_FRAME.match(p.name))
    numbers = [n for n, _ in frames]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        missing = sorted(set(range(numbers[0], numbers[-1] + 1)) - set(numbers))
        raise ValueError(f"{folder}: CTC frames t{numbers[0]:03d}..t{numbers[-1]:03d}.tif have gaps (missing "
                         f"{', '.join(f't{n:03d}.tif' for n in missing[:5])}); expected consecutive frame numbers")
    try:
        with tifffile.TiffFile(frames[0][1]) as tif:
            series = tif.series[0]
            shape, dtype = tuple(series.shape), series.dtype
            from volltrack.io.calibration import calibration_from_tiff

            meta = calibration_from_tiff(tif)
    except (tifffile.TiffFileError, ValueError, OSError, IndexError) as exc:
        raise ValueError(f"cannot read {frames[0][1]} as a TIFF image: {exc}") from None
    if len(shape) not in (2, 3):
        raise ValueError(f"{frames[0][1]} has shape {shape}; a CTC image folder holds one ZYX (or YX) volume per "
                         "file")
    axes = "TZYX" if len(shape) == 3 else "TYX"
    if not lazy:
        volumes = [tifffile.imread(p) for _, p in frames]
        odd = next((p for (_, p), v in zip(frames, volumes) if v.shape != shape), None)
        if odd is not None:
            raise ValueError(f"{odd} has another shape than {frames[0][1]} {shape}; every frame must match")
        return np.stack(volumes), axes, meta
    for _, path in frames[1:]:      # headers only: a lazy read would fail late, inside a worker
        try:
            with tifffile.TiffFile(path) as tif:
                other = tuple(tif.series[0].shape)
        except (tifffile.TiffFileError, ValueError, OSError, IndexError) as exc:
            raise ValueError(f"cannot read {path} as a TIFF image: {exc}") from None
        if other != shape:
            raise ValueError(f"{path} has shape {other}, {frames[0][1]} has {shape}; every frame must match")
    import dask
    import dask.array as da

    parts = [da.from_delayed(dask.delayed(_read_tiff_volume)(str(p)), shape=shape, dtype=dtype) for _, p in frames]
    return da.stack(parts), axes, meta


def is_ome_zarr_path(path) -> bool:
    """True when ``path`` is an OME-Zarr image or a path inside one (``x.ome.zarr``, ``x.ome.zarr/0``)."""
    from volltrack.io.ngff import is_ome_zarr_group

    container = split_container(path)
    if container is None or container[2] != "zarr":
        return False
    return is_ome_zarr_group(container[0]) or is_ome_zarr_group(path)


def default_output_format(path) -> str:
    """``"zarr"`` for an OME-Zarr input (outputs as OME-Zarr next to it), ``"tif"`` for anything else."""
    return "zarr" if is_ome_zarr_path(path) else "tif"


def output_name(path):
    """The stem used for outputs: ``a.ome.tif`` -> ``a``, ``b.zarr`` -> ``b``, ``c.ome.zarr/0`` -> ``c``,
    ``d.h5/raw`` -> ``d``."""
    container = split_container(path)
    name = (container[0] if container is not None else Path(path)).name
    for suffix in (".ome.tiff", ".ome.tif", ".tiff", ".tif", ".npy", ".ome.zarr", ".zarr", ".hdf5", ".h5", ".hdf"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return Path(path).stem
