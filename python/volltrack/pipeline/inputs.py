"""Checks of ``volltrack run``'s inputs, all done before anything is computed or written.

A run takes minutes to hours (segmentation first), so every input is checked up front: the raw movie is
readable and 3D, the tissue mask matches it, the ground-truth folder is a Cell Tracking Challenge folder with
one frame per time point, and the models folder holds models. Each failure is one ``ValueError`` or
``FileNotFoundError`` naming the file, what it is and what was expected.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from volltrack.io.masks import read_tissue_mask as read_mask  # noqa: F401  (its former home)

logger = logging.getLogger(__name__)


def read_raw_meta(path: Path, *, axes: str | None) -> tuple[tuple[int, ...], dict[str, Any]]:
    """Open the raw movie lazily and return its shape as TZYX and its metadata.

    Parameters
    ----------
    path : Path
        Raw movie (TZYX, or ZYX for one time point).
    axes : str, optional
        Axes given in the configuration; None = from the file.

    Returns
    -------
    shape : tuple of int
        (T, Z, Y, X).
    meta : dict
        What :func:`volltrack.io.read_image` reports (axes, calibration, frame interval, ...).

    Raises
    ------
    ValueError
        When the movie is not 3D (has no Z axis) or has no voxel.
    """
    from volltrack.io import read_image

    image, meta = read_image(path, axes, lazy=True)
    source_axes = meta.get("source_axes", meta["axes"])
    if "Z" not in source_axes or image.ndim not in (3, 4):
        raise ValueError(f"{path}: axes {source_axes!r}, shape {tuple(image.shape)}; volltrack run needs 3D "
                         "volumes, ZYX or TZYX (set image.axes in run.yaml if the file's metadata is wrong)")
    shape = tuple(int(n) for n in image.shape)
    shape = shape if image.ndim == 4 else (1, *shape)
    if min(shape) == 0:
        raise ValueError(f"{path}: the movie is empty (shape {shape})")
    return shape, meta


def check_ground_truth(folder: Path | None, n_frames: int) -> None:
    """Check that ``folder`` is a CTC ground-truth folder with ``n_frames`` time points.

    Raises
    ------
    FileNotFoundError
        When the folder or its track file is missing.
    ValueError
        When its number of ``man_track###.tif`` frames differs from the movie's.
    """
    if folder is None:
        return
    import re

    from volltrack.metrics.ctc_format import ctc_track_folder

    mask_dir, stem, _ = ctc_track_folder(folder)
    pattern = re.compile(rf"^{stem}(\d+)\.tiff?$")
    frames = sorted(int(m.group(1)) for p in mask_dir.iterdir() if (m := pattern.match(p.name)))
    if frames != list(range(n_frames)):
        missing = sorted(set(range(n_frames)) - set(frames))
        extra = sorted(set(frames) - set(range(n_frames)))
        problem = (f"missing {', '.join(f'{stem}{t:03d}.tif' for t in missing[:5])}" if missing
                   else f"{len(extra)} more (up to {stem}{extra[-1]:03d}.tif)")
        raise ValueError(f"ground truth {folder}: expected {n_frames} frames {stem}000..{stem}{n_frames - 1:03d}.tif "
                         f"in {mask_dir}, one per time point of the raw movie; {problem}")


def check_models(folder: str | None) -> None:
    """Check that the models folder exists and holds a ``stardist/`` or ``unet/`` model, without loading it.

    Raises
    ------
    FileNotFoundError
        When the folder is missing or holds no model folder with ``config.json``.
    """
    from volltrack.segmentation.models import DEMO_MODELS

    path = Path(DEMO_MODELS if folder is None else folder)
    where = "segmentation.models" if folder is not None else "bundled demo models, segmentation.models: null"
    if not path.is_dir():
        raise FileNotFoundError(f"models folder {path} does not exist ({where}); give a folder with stardist/ "
                                "and unet/ model folders in run.yaml's segmentation.models")
    if not any((path / kind / "config.json").is_file() for kind in ("stardist", "unet")):
        raise FileNotFoundError(f"models folder {path} ({where}) holds no model: expected stardist/ and/or unet/, "
                                "each with config.json and weights_best.h5")
