"""Segment files, folders and TZYX movies with VollSeg; resumable, atomic, with a parameters record.

Output layout (one file per input, same stem)::

    OUT/VollSeg/<name>.tif      VollSeg labels
    OUT/StarDist/<name>.tif     StarDist labels
    OUT/UNet/<name>.tif         U-Net connected components
    OUT/Probability/<name>.tif  StarDist probability (float32)
    OUT/Markers/<name>.tif      watershed markers
    OUT/Denoised/<name>.tif     N2V output (float32; only with an N2V model)
    OUT/segment.json            parameters, versions, models, inputs

A movie is segmented frame by frame into ``OUT/.frames/<name>/`` (:mod:`~volltrack.segmentation.frame_store`); an
interrupted run resumes at the first missing frame when its settings are unchanged, and the stacked outputs
are written once all frames exist (``VollSeg/`` last, so its file appears only when every output of that
input is complete).

Every input is checked whole (axes, NaN or infinite voxels) by :func:`check_input` before anything is
written. A blank volume (every voxel equal, e.g. an all-zero frame of a movie) holds no cell: it gets empty
labels and a logged warning instead of the spurious cells an untrained or badly normalised network would
"find" in pure normalisation noise.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import numpy as np

from volltrack.segmentation.frame_store import (OUTPUTS, assemble_outputs, check_frame_options, frame_done,  # noqa: F401
                                                is_finished, write_frame_outputs)
from volltrack.io.sources import output_name
from volltrack.io.timing import timed
from volltrack.segmentation.parameters import vollseg_options
from volltrack.segmentation.pipeline import blank_result
from volltrack.segmentation.validation import is_constant, validate_volume

_LOG = logging.getLogger(__name__)

#: ``segment.json`` status values: outputs being written, all written, a run that stopped early.
STATUS_RUNNING, STATUS_COMPLETE, STATUS_FAILED, STATUS_INTERRUPTED = "running", "complete", "failed", "interrupted"

#: Input file suffixes picked up from a folder.
IMAGE_SUFFIXES = (".tif", ".tiff", ".npy")
_VERSIONED = ("numpy", "scipy", "scikit-image", "tifffile", "tensorflow", "tensorflow-cpu", "tf-keras", "csbdeep",
              "stardist", "n2v")


def _is_image(path):
    """A TIFF or .npy file, or a zarr array (a folder ending in .zarr); hidden files (macOS "._a.tif", temporary
    files of interrupted writes) are not images."""
    suffix = path.suffix.lower()
    if path.name.startswith("."):
        return False
    return (path.is_file() and suffix in IMAGE_SUFFIXES) or (path.is_dir() and suffix == ".zarr")


def _is_single_input(source):
    """A file, a zarr store or a path inside one (``x.ome.zarr/0``), an HDF5 dataset (``f.h5/raw``) or a CTC
    image folder (``t000.tif`` ...): one movie, not a folder of inputs."""
    from volltrack.io.sources import is_ctc_folder, split_container

    container = split_container(source)
    if container is not None:
        if not container[0].exists():
            raise FileNotFoundError(f"input {container[0]} does not exist" + (f" (for {source})" if container[1] else ""))
        return True
    return source.is_file() or is_ctc_folder(source)


def list_inputs(source):
    """Return the images to segment: ``source`` itself (a file, a zarr store or a path in one, an HDF5 dataset, a
    CTC image folder), or the images in a folder."""
    source = Path(source)
    if _is_single_input(source):
        return [source]
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if _is_image(p))
        if not files:
            raise FileNotFoundError(f"folder {source} holds no image ({', '.join(IMAGE_SUFFIXES)} file or .zarr "
                                    "array)")
        _refuse_shared_output_names(files)
        return files
    raise FileNotFoundError(f"input {source} does not exist")


def _refuse_shared_output_names(files):
    """Two inputs with one output name (a.tif and a.npy) would overwrite each other's outputs."""
    seen = {}
    for path in files:
        other = seen.setdefault(output_name(path).lower(), path)
        if other != path:
            raise ValueError(f"{other} and {path} would both be written as {output_name(path)}.tif; rename or move "
                             "one of them")


def open_input(path, axes=None):
    """Open ``path`` lazily as ZYX or TZYX; return (image, metadata, is_movie); ValueError for anything else."""
    from volltrack.io import read_image

    image, meta = read_image(path, axes, lazy=True)
    if meta["axes"] not in ("ZYX", "TZYX") or "Z" not in meta["source_axes"]:
        raise ValueError(f"{path}: axes {meta['source_axes']!r}, shape {tuple(image.shape)}; VollSeg needs 3D "
                         "volumes, ZYX or TZYX (give --axes if the file's metadata is wrong)")
    return image, meta, meta["axes"] == "TZYX"


def _warn_if_z_last(path, image, meta, axes):
    """Warn when a file read without --axes looks like a stack saved with Z last (X far thinner than Z and Y)."""
    z, y, x = image.shape[-3:]
    if axes is None and x * 4 <= min(z, y):
        _LOG.warning("%s is read as %s with X = %d much smaller than Z = %d and Y = %d: if the stack was saved with "
                     "Z last, give --axes %s", path, meta["source_axes"], x, z, y,
                     "TYXZ" if meta["axes"] == "TZYX" else "YXZ")


def check_input(path, axes=None):
    """Check every volume of ``path`` (3D, not empty, finite voxels) before anything is written.

    Parameters
    ----------
    path : pathlib.Path
        A ZYX volume or TZYX movie file.
    axes : str, optional
        Axes of the file when its metadata lacks them. Default: from the file.

    Returns
    -------
    int
        The number of volumes (time points) in the file.

    Raises
    ------
    ValueError
        Naming the file (and frame) when the axes are not ZYX/TZYX, a volume is empty or holds NaN/inf.
    """
    image, meta, movie = open_input(path, axes)
    _warn_if_z_last(path, image, meta, axes)
    n_volumes = image.shape[0] if movie else 1
    if n_volumes == 0:
        raise ValueError(f"{path}: a movie with no time point (shape {tuple(image.shape)}); expected TZYX, T >= 1")
    planes = max(1, _CHECK_VOXELS // max(1, int(np.prod(image.shape[-2:]))))
    for frame in range(n_volumes):
        volume = image[frame] if movie else image
        if volume.shape[0] <= planes:
            validate_volume(np.asarray(volume[...]), name=_volume_name(path, frame, movie))
            continue
        for start in range(0, volume.shape[0], planes):     # a large frame: a slab of Z planes at a time
            stop = min(start + planes, volume.shape[0])
            validate_volume(np.asarray(volume[start:stop]),
                            name=f"{_volume_name(path, frame, movie)} (Z planes {start}-{stop - 1})")
    return n_volumes


#: Voxels :func:`check_input` reads at once: a larger frame is checked a slab of Z planes at a time.
_CHECK_VOXELS = 64_000_000


def _volume_name(path, frame, movie):
    return f"{path}, frame {frame}" if movie else str(path)


def segment_volume(volume, models, options, *, name):
    """VollSeg of one ``ZYX`` volume (float32) with ``options``; a blank volume gets empty outputs.

    ``name`` (file and frame) prefixes the errors and the blank-volume warning. Used by the cluster tasks; the
    single-process loop (:func:`_segmented_frames`) does the same per frame, with the networks of the next frame
    running ahead in a thread.
    """
    from volltrack.segmentation import pipeline

    if is_constant(volume):
        _LOG.warning("%s is blank (every voxel %g): no cells, empty labels", name,
                     float(volume.flat[0]) if volume.size else float("nan"))
        return blank_result(volume, models, segment_options=options)
    run = pipeline.vollseg_in_blocks if "block_shape" in options else pipeline.vollseg
    try:
        return run(volume, models, **options)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from error


def segment_file(path, out, models, *, axes=None, progress=None, segment_options=None, fresh=False,
                 output_format="tif", distribute=None):
    """Segment one file (ZYX volume or TZYX movie) into ``out``; skip frames already done.

    Parameters
    ----------
    path : pathlib.Path
        Input image.
    out : pathlib.Path
        Output folder.
    models : Models
        The networks.
    axes : str, optional
        Axes of the file when its metadata lacks them (e.g. "TZYX"). Default: from the file.
    progress : tqdm or None
        A bar advanced once per volume.
    segment_options : dict, optional
        Keyword arguments of :func:`~volltrack.segmentation.pipeline.vollseg` (or of ``vollseg_in_blocks``
        when they include ``block_shape``).
    fresh : bool, optional
        Discard the frames of an earlier interrupted run, whatever settings they were made with (``--force``).
        Default False: resume them when their settings match, refuse otherwise.
    output_format : {"tif", "zarr"}, optional
        TIFF stacks per output kind (default), or OME-Zarr written frame by frame
        (:mod:`~volltrack.segmentation.zarr_outputs`).
    distribute : callable, optional
        Segments the frames elsewhere: called as ``distribute(path, out, frames, axes=, models=, options=,
        output_format=, progress=)`` with the frames still to do (e.g. as Dask tasks on a cluster:
        :func:`volltrack.cluster.segment.frame_distributor`). Default: in this process.

    Returns
    -------
    dict
        How the file was resampled for the networks (``scale="auto"`` is estimated once, on its first frame):
        :func:`~volltrack.segmentation.input_scale.resolve_scale`'s record.
    """
    options = vollseg_options(segment_options)
    if output_format not in ("tif", "zarr"):
        raise ValueError(f"output format {output_format!r}: expected 'tif' or 'zarr'")
    image, meta, movie = open_input(path, axes)
    n_frames = image.shape[0] if movie else 1
    name = output_name(path)
    frames_folder = out / ".frames" / name
    used = {kind: str(Path(folder).resolve()) for kind, folder in models.describe().items() if folder}
    settings = {"shape": list(image.shape), "axes": meta["source_axes"], "models": used, "options": options}
    if output_format == "zarr":
        settings["format"] = "zarr"
    check_frame_options(frames_folder, settings, replace=fresh)
    options, scale_record = _resolved_scale(image, movie, models, options)
    todo = [frame for frame in range(n_frames) if not frame_done(frames_folder, frame)]
    if output_format == "zarr" and len(todo) == n_frames:
        _create_zarr_outputs(out, name, models, options, image, meta, movie)
    progress is not None and progress.update(n_frames - len(todo))
    if distribute is None:
        for frame, result in _segmented_frames(image, movie, path, todo, models, options):
            raw = np.asarray(image[frame] if movie else image[...]) if output_format == "zarr" else None
            with timed("segment/write frames", cpu="thread"):
                write_outputs(out, name, frame, raw, result, output_format)
            progress is not None and progress.update(1)
    else:
        distribute(path, out, todo, axes=axes, models=models, options=options, output_format=output_format,
                   progress=progress)
    if output_format == "zarr":
        from volltrack.segmentation import zarr_outputs

        zarr_outputs.finish(frames_folder)
    else:
        with timed("segment/assemble outputs"):
            assemble_outputs(frames_folder, out, name, n_frames, meta["calibration"], meta.get("frame_interval"),
                             movie)
    return scale_record


def _resolved_scale(image, movie, models, options):
    """``options`` with ``scale="auto"`` replaced by the factors estimated on the file's first frame (every frame of
    a movie is resampled alike, and a resumed run finds the same ones), and the record of how the scale was chosen
    (:func:`~volltrack.segmentation.input_scale.resolve_scale`) for ``segment.json``."""
    from volltrack.segmentation.input_scale import resolve_scale

    scale = options.get("scale", "auto")       # vollseg's default
    if scale != "auto":
        return options, resolve_scale(None, models, scale)[1]
    first = _read_volume(image, movie, 0)
    factors, record = resolve_scale(first, models, "auto")
    return {**options, "scale": tuple(factors or (1.0, 1.0, 1.0))}, record


def _create_zarr_outputs(out, name, models, options, image, meta, movie):
    from volltrack.segmentation import zarr_outputs

    kinds = zarr_outputs.produced_kinds(blank_result(np.zeros((1, 1, 1), np.float32), models,
                                                     segment_options=options))
    shape = tuple(image.shape) if movie else (1, *image.shape)
    out.mkdir(parents=True, exist_ok=True)
    zarr_outputs.create_outputs(out, name, kinds, shape, image.dtype, calibration=meta["calibration"],
                                frame_interval=meta.get("frame_interval"),
                                version="0.4" if meta.get("ngff_version") == "0.4" else "0.5",
                                chunk_yx=tuple(options["block_shape"][1:]) if "block_shape" in options else None)


def write_outputs(out, name, frame, raw, result, output_format):
    """Write one frame's outputs (TIFF mode: into the frame folder; zarr mode: into the OME-Zarr stores), then
    mark the frame done."""
    frames_folder = Path(out) / ".frames" / name
    if output_format == "zarr":
        from volltrack.segmentation import zarr_outputs

        zarr_outputs.write_frame_outputs(out, name, frame, raw, result)
        (frames_folder / "done").mkdir(parents=True, exist_ok=True)
        (frames_folder / "done" / f"t{frame:05d}").touch()
    else:
        write_frame_outputs(frames_folder, result, frame)


def _read_volume(image, movie, frame):
    return np.asarray(image[frame] if movie else image[...], dtype=np.float32)


def _segmented_frames(image, movie, path, frames, models, options):
    """Yield (frame, VollSegResult) for ``frames`` in order.

    Without blocks the networks of the next frames (up to :data:`_AHEAD`) run in a worker thread while the current
    frame is post-processed (TensorFlow and the compiled suppression release the GIL), so a movie's frames reach the
    networks back to back. Blocks (``block_shape``) are segmented one after the other.
    """
    from volltrack.segmentation import pipeline

    if "block_shape" in options:
        for frame in frames:
            yield frame, _segment_volume(_read_volume(image, movie, frame), path, frame, movie, models,
                                         pipeline.vollseg_in_blocks, options)
        return
    network_keys = ("n_tiles", "denoise_first", "normalization", "prob_thresh", "nms", "scale", "nms_thresh",
                    "stardist_labels")
    network_options = {k: options[k] for k in network_keys if k in options}

    def predict(frame):
        """(volume, predictions, failed); a failed prediction is redone by ``vollseg`` in the main thread, where
        its error is raised with the volume's name."""
        volume = _read_volume(image, movie, frame)
        if is_constant(volume):
            return volume, None, False
        try:
            with timed("segment/networks", cpu="none"):
                predictions = pipeline.predict_networks(validate_volume(volume), models, **network_options)
            return volume, predictions, False
        except Exception:  # noqa: BLE001 - re-raised by the main thread's own attempt
            return volume, None, True

    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="volltrack-networks", initializer=_quiet_keras)
    finished = False
    try:
        pending = deque(worker.submit(predict, frame) for frame in frames[:_AHEAD])
        for position, frame in enumerate(frames):
            volume, predictions, failed = pending.popleft().result()
            if position + _AHEAD < len(frames):
                pending.append(worker.submit(predict, frames[position + _AHEAD]))
            try:
                if predictions is None and not failed:
                    _LOG.warning("%s is blank (every voxel %g): no cells, empty labels",
                                 _volume_name(path, frame, movie),
                                 float(volume.flat[0]) if volume.size else float("nan"))
                    result = blank_result(volume, models, segment_options=options)
                else:
                    try:
                        with timed("segment/post-processing", cpu="thread"):
                            result = pipeline.vollseg(volume, models, predictions=predictions, **options)
                    except ValueError as error:
                        raise ValueError(f"{_volume_name(path, frame, movie)}: {error}") from error
                yield frame, result
            except BaseException:
                for waiting in pending:
                    waiting.cancel()
                raise
        finished = True
    finally:
        # Ctrl-C or an error: do not wait for the next frame's networks (TensorFlow's call cannot be cut short and
        # may take long, the first one compiles); their result is discarded and the thread ends on its own.
        worker.shutdown(wait=finished, cancel_futures=not finished)


#: Frames whose networks may run ahead of the post-processing (queued in the networks' thread): two, so that a
#: slow post-processing (the first frame's, which compiles the suppression on a fresh install) does not leave
#: the networks idle; each waiting frame holds its volume and maps (tens of MB for the demo's volumes).
_AHEAD = 2


def _quiet_keras():
    """No Keras progress bar per prediction in this thread (Keras keeps that switch per thread)."""
    try:
        from tensorflow import keras

        keras.utils.disable_interactive_logging()
    except ImportError:  # pragma: no cover - TensorFlow is a dependency
        pass


def _segment_volume(volume, path, frame, movie, models, run, options):
    """Segment one volume with ``run`` (blank volumes get empty labels); errors name the file and frame."""
    if is_constant(volume):
        _LOG.warning("%s is blank (every voxel %g): no cells, empty labels", _volume_name(path, frame, movie),
                     float(volume.flat[0]) if volume.size else float("nan"))
        return blank_result(volume, models, segment_options=options)
    try:
        return run(volume, models, **options)
    except ValueError as error:
        raise ValueError(f"{_volume_name(path, frame, movie)}: {error}") from error


def versions():
    """Versions of volltrack and the libraries that shape the result."""
    import volltrack
    from volltrack.io.versions import installed_versions

    return {"volltrack": volltrack.__version__, **installed_versions(_VERSIONED)}


def segment_paths(paths, out, models, *, segment_options=None, inputs=None, axes=None, progress=None, fresh=False,
                  output_format=None, distribute=None, distributor=None):
    """Segment every file of ``paths`` into ``out`` (:func:`segment_file`), recording the run in ``segment.json``.

    The record says "running" until every output is written, then "complete"; "failed" (with the error) or
    "interrupted" when the run stops. ``volltrack segment`` and ``volltrack run`` both segment through here.

    Parameters
    ----------
    paths : list of pathlib.Path
        The files to segment now.
    out : pathlib.Path
        Output folder (created when missing).
    models : Models
        The networks.
    segment_options : dict, optional
        :class:`~volltrack.segmentation.parameters.VollSegParameters` keys, checked before anything is written.
    inputs : list of pathlib.Path, optional
        Every input of the run, recorded (default ``paths``; finished inputs that are skipped belong here too).
    axes, progress, fresh, distribute
        As for :func:`segment_file`.
    output_format : str or callable, optional
        "tif" or "zarr", or a function of the path giving it; default "tif".
    distributor : context manager, optional
        Entered once the record says "running" (e.g. starting a cluster); gives the ``distribute`` function to use
        (or None), instead of ``distribute``.
    """
    vollseg_options(segment_options)
    scales: dict = {}
    record = dict(inputs=list(paths if inputs is None else inputs), models=models, parameters=segment_options or {},
                  scales=scales)
    Path(out).mkdir(parents=True, exist_ok=True)
    write_record(out, status=STATUS_RUNNING, **record)
    try:
        with distributor if distributor is not None else contextlib.nullcontext(distribute) as running:
            for path in paths:
                scales[str(path)] = segment_file(
                    path, out, models, axes=axes, progress=progress, segment_options=segment_options, fresh=fresh,
                    distribute=running,
                    output_format=output_format(path) if callable(output_format) else output_format or "tif")
    except KeyboardInterrupt:
        write_record(out, status=STATUS_INTERRUPTED, **record)
        raise
    except Exception as error:
        write_record(out, status=STATUS_FAILED, error=f"{type(error).__name__}: {error}", **record)
        raise
    write_record(out, status=STATUS_COMPLETE, **record)


def write_record(out, *, inputs, models, parameters, status=STATUS_COMPLETE, error=None, scales=None):
    """Write ``OUT/segment.json`` (status, parameters, versions, models, inputs) atomically.

    Parameters
    ----------
    out : pathlib.Path
        Output folder (must exist).
    inputs : list of pathlib.Path
        The inputs of the run.
    models : Models
        The networks used.
    parameters : dict
        The segmentation options.
    status : {"running", "complete", "failed", "interrupted"}, optional
        Whether the outputs are all written. Default "complete".

    The record also says which map the seeds flooded (``watershed_map``: the option, else the models' default).
    error : str, optional
        Why a failed run stopped. Default None.
    scales : dict, optional
        Per input segmented by this run: how it was resampled for the networks (``factors``, ``source``, and for
        ``scale="auto"`` the estimated and the models' cell size), recorded as ``input_scale``.
    """
    from volltrack.io import atomic_write_text

    from volltrack.segmentation.pipeline import default_watershed_map

    record = {"status": status, "parameters": parameters, "versions": versions(), "models": models.describe(),
              "watershed_map": parameters.get("watershed_map") or default_watershed_map(models),
              "inputs": [str(p) for p in inputs]}
    if scales:
        record["input_scale"] = scales
    if error is not None:
        record["error"] = error
    atomic_write_text(Path(out) / "segment.json", json.dumps(record, indent=2, default=str))
