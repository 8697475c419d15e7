"""Write a :class:`~volltrack.synthetic.movie.SyntheticMovie` to a folder (TIFF stacks + CTC lineage)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from volltrack.io.atomic import atomic_path, atomic_write_text
from volltrack.synthetic.lineage import write_man_track

#: File names written by :func:`write_movie_folder`.
RAW_NAME, LABELS_NAME, MASK_NAME, LINEAGE_NAME, PARAMETERS_NAME = (
    "raw.tif", "labels.tif", "mask.tif", "man_track.txt", "simulation.json")


def write_tiff_atomic(path, array, *, axes, calibration=None):
    """Write an ImageJ-compatible TIFF through a temporary file in the same folder, then rename it.

    Parameters
    ----------
    path : str or os.PathLike
        Output file.
    array : ndarray
        Image data; its axes are given by ``axes``.
    axes : str
        Axis string, e.g. ``"TZYX"`` or ``"ZYX"``.
    calibration : tuple of float, optional
        Voxel size (dz, dy, dx) in µm, stored as ImageJ spacing and resolution. Default None.
    """
    import tifffile

    path = Path(path)
    metadata = {"axes": axes}
    kwargs = {}
    if calibration is not None:
        metadata.update(spacing=float(calibration[0]), unit="micron")
        kwargs["resolution"] = (1.0 / float(calibration[2]), 1.0 / float(calibration[1]))
    data = array.astype(np.uint8) if array.dtype == bool else array
    with atomic_path(path) as temporary:
        tifffile.imwrite(temporary, data, imagej=data.dtype != np.uint32, metadata=metadata, **kwargs)


def write_movie_folder(movie, folder):
    """Write raw.tif, labels.tif, mask.tif (TZYX), man_track.txt and simulation.json into ``folder``.

    Not a Cell Tracking Challenge folder (that is :func:`volltrack.metrics.ctc_format.write_ctc`): the whole movie
    as three TIFF stacks, with the lineage in CTC's ``man_track.txt`` format beside them.

    Parameters
    ----------
    movie : SyntheticMovie
        The simulated movie.
    folder : str or os.PathLike
        Output folder, created if needed.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_tiff_atomic(folder / RAW_NAME, movie.raw, axes="TZYX", calibration=movie.calibration)
    write_tiff_atomic(folder / LABELS_NAME, movie.labels, axes="TZYX", calibration=movie.calibration)
    write_tiff_atomic(folder / MASK_NAME, movie.tissue_mask, axes="TZYX", calibration=movie.calibration)
    write_man_track(movie.lineage, folder / LINEAGE_NAME)
    record = {"calibration": list(movie.calibration), "frame_interval": movie.frame_interval,
              "space_units": "micron", "time_units": "sec",
              "parameters": {k: (list(v) if isinstance(v, tuple) else v) for k, v in movie.parameters.items()}}
    atomic_write_text(folder / PARAMETERS_NAME, json.dumps(record, indent=2, default=str))
    return folder
