"""Segmentation outputs as OME-Zarr, written one frame at a time (``--format zarr``).

Layout for an input named ``<name>``::

    OUT/<name>.ome.zarr/                 the raw movie (tzyx, chunked per time point)
    OUT/<name>.ome.zarr/labels/VollSeg   VollSeg labels: an OME-Zarr label image of the raw
    OUT/<name>.ome.zarr/labels/StarDist  (and UNet, Markers when the models make them)
    OUT/Probability/<name>.ome.zarr      float outputs (StarDist probability, N2V output) as images

Every array is created (empty) before the first frame is segmented; each frame is then written into its own
chunks by whichever process segmented it, and marked done in ``OUT/.frames/<name>/done/`` (the markers and the
settings check of :mod:`~volltrack.segmentation.frame_store`), so an interrupted run resumes per frame. The
input's OME-NGFF version is kept (0.4 stays 0.4); other inputs give 0.5.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from volltrack.segmentation.frame_store import OUTPUTS

#: Integer outputs, written as label images of the raw movie.
LABEL_KINDS = ("VollSeg", "StarDist", "UNet", "Markers")
#: Float outputs, written as OME-Zarr images of their own.
IMAGE_KINDS = ("Probability", "Denoised")
_LABEL_DTYPE = np.uint32


def store_path(out, name) -> Path:
    """``OUT/<name>.ome.zarr``: the raw movie with its label images."""
    return Path(out) / f"{name}.ome.zarr"


def kind_path(out, name, kind) -> Path:
    """Where output ``kind`` of input ``name`` is written."""
    if kind in LABEL_KINDS:
        return store_path(out, name) / "labels" / kind
    return Path(out) / kind / f"{name}.ome.zarr"


def labels_path(out, name) -> Path:
    """The VollSeg label image of input ``name`` (what the spots stage reads)."""
    return kind_path(out, name, "VollSeg")


def produced_kinds(result) -> list[str]:
    """Output kinds a VollSegResult holds (not None), in :data:`OUTPUTS` order."""
    return [kind for kind, attribute in OUTPUTS.items() if getattr(result, attribute) is not None]


def create_outputs(out, name, kinds, shape, raw_dtype, *, calibration, frame_interval, version="0.5", chunk_yx=None):
    """Create the empty raw movie and the arrays of every output kind (``shape`` is ``(T, Z, Y, X)``); chunks of
    at most ``chunk_yx`` in Y and X when given (the block size of a block-wise segmentation)."""
    from volltrack.io.ngff import create_label_movie, create_movie

    metadata = dict(calibration=calibration, frame_interval=frame_interval or 1.0, version=version, chunk_yx=chunk_yx)
    create_movie(store_path(out, name), shape, raw_dtype, name=name, **metadata)
    for kind in kinds:
        if kind in LABEL_KINDS:
            create_label_movie(store_path(out, name), kind, shape, _LABEL_DTYPE, **metadata)
        else:
            kind_path(out, name, kind).parent.mkdir(parents=True, exist_ok=True)
            create_movie(kind_path(out, name, kind), shape, np.float32, name=f"{name} {kind}", **metadata)


def write_frame_outputs(out, name, frame, raw_volume, result) -> None:
    """Write frame ``frame`` of the raw movie and of every output of ``result`` into the OME-Zarr outputs."""
    from volltrack.io.ngff import write_frame

    write_frame(store_path(out, name), frame, raw_volume)
    for kind in produced_kinds(result):
        value = np.asarray(getattr(result, OUTPUTS[kind]))
        if kind in LABEL_KINDS and value.size and value.max() > np.iinfo(_LABEL_DTYPE).max:
            raise ValueError(f"frame {frame} of {name}: label {value.max()} does not fit uint32")
        write_frame(kind_path(out, name, kind), frame, value)


def is_finished(out, name) -> bool:
    """True when the VollSeg label image of ``name`` exists and no frame is pending."""
    return (labels_path(out, name) / "0").exists() and not (Path(out) / ".frames" / name).exists()


def finish(frames_folder) -> None:
    """Every frame is written: remove the frame markers (this is what marks the outputs complete)."""
    frames_folder = Path(frames_folder)
    shutil.rmtree(frames_folder)
    if frames_folder.parent.is_dir() and not any(frames_folder.parent.iterdir()):
        frames_folder.parent.rmdir()
