"""What runs on a Dask worker: one frame segmented and written, one frame's spot table.

A task gets file paths and options, never arrays: it opens the input itself and reads only its frame, so the
scheduler moves a few hundred bytes per task and a worker holds one frame at a time. The models are loaded on
the first task a worker runs and kept for the next ones (:func:`worker_models`).
"""

from __future__ import annotations

import os
import resource
import socket
import sys
import time

import numpy as np

__all__ = ["worker_models", "segment_frame_task", "spots_frame_task", "peak_memory_mb", "resident_memory_mb"]

#: (models folder, with N2V) -> Models, per worker process.
_MODELS: dict[tuple[str, bool], object] = {}


def _proc_status_mb(field: str) -> float | None:
    """``VmHWM`` / ``VmRSS`` of ``/proc/self/status`` in MB; None where there is no ``/proc`` (macOS)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024 / 1e6      # the kernel's "kB" are KiB
    except OSError:
        pass
    return None


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB (10**6 bytes, as Dask's memory limits: "1600MB").

    On Linux this is ``VmHWM`` (the high-water mark of this process's own memory). Not ``ru_maxrss``: a process
    started by fork + exec (a Dask worker spawned by its nanny) inherits in ``ru_maxrss`` the peak of the process
    that started it, so a worker of a client holding TensorFlow and the models would report the client's peak.
    Elsewhere ``ru_maxrss`` (KiB on Linux, bytes on macOS).
    """
    peak = _proc_status_mb("VmHWM")
    if peak is not None:
        return peak
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 1e6 * (1 if sys.platform == "darwin" else 1024)


def resident_memory_mb() -> float:
    """Resident memory of this process now, in MB (what Dask's nanny compares with the worker's limit)."""
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def worker_models(folder: str, n2v: bool):
    """The models of ``folder``, loaded once per worker process."""
    key = (str(folder), bool(n2v))
    if key not in _MODELS:
        from volltrack.segmentation.models import load_models

        _MODELS[key] = load_models(folder, n2v=n2v)
    return _MODELS[key]


def _clock() -> tuple[float, float]:
    """(wall, CPU) clocks at the start of a task, for :func:`_report`."""
    return time.perf_counter(), time.process_time()


def _report(frame: int, start: tuple[float, float], **extra) -> dict:
    """What a task returns besides its result: its seconds (wall, and CPU of the whole worker process, every
    thread), when it started (epoch seconds), the worker's peak and current resident memory (MB), the worker."""
    wall = time.perf_counter() - start[0]
    return {"frame": frame, "seconds": wall, "cpu_seconds": time.process_time() - start[1],
            "started": time.time() - wall, "peak_memory_mb": peak_memory_mb(), "memory_mb": resident_memory_mb(),
            "worker": f"{socket.gethostname()}:{os.getpid()}", **extra}


def segment_frame_task(path: str, out: str, frame: int, *, axes, models_folder: str, n2v: bool, options: dict,
                       output_format: str) -> dict:
    """Segment frame ``frame`` of ``path`` and write its outputs into ``out`` at once; return a report."""
    import dask
    from pathlib import Path

    from volltrack.segmentation.batch import (_volume_name, open_input, output_name, segment_volume,
                                              write_outputs)

    start = _clock()
    phases = {}
    with dask.config.set(scheduler="synchronous"):     # a lazy (dask) input is read in this task's thread
        image, _, movie = open_input(Path(path), axes)
        raw = np.asarray(image[frame] if movie else image[...])
    phases["read"] = time.perf_counter() - start[0]
    models = worker_models(models_folder, n2v)
    phases["models"] = time.perf_counter() - start[0] - sum(phases.values())
    result = segment_volume(raw.astype(np.float32, copy=False), models, options,
                            name=_volume_name(path, frame, movie))
    phases["segment"] = time.perf_counter() - start[0] - sum(phases.values())
    write_outputs(Path(out), output_name(Path(path)), frame, raw, result, output_format)
    phases["write"] = time.perf_counter() - start[0] - sum(phases.values())
    return _report(frame, start, phases=phases,
                   cells=int(len(np.unique(result.labels))) - int((result.labels == 0).any()))


def spots_frame_task(labels_path: str, frame: int, *, raw_path, mask_path, axes, calibration, frame_interval,
                     movie_shape, labels_axes=None) -> dict:
    """The spot table of frame ``frame`` (a DataFrame in ``"table"``) with a report."""
    import dask

    from volltrack.io import read_image
    from volltrack.spots.table import frame_spot_table

    start = _clock()
    with dask.config.set(scheduler="synchronous"):
        labels = read_image(labels_path, labels_axes, lazy=True, require_z=True)[0]
        frame_labels = np.asarray(labels[frame] if labels.ndim == 4 else labels)
        frame_raw = None
        if raw_path is not None:
            raw = read_image(raw_path, axes, lazy=True, require_z=True)[0]
            frame_raw = np.asarray(raw[frame] if raw.ndim == 4 else raw)
        frame_mask = None
        if mask_path is not None:
            from volltrack.io.masks import read_tissue_mask as read_mask

            mask = read_mask(mask_path, movie_shape)
            frame_mask = np.asarray(mask[frame], dtype=bool)     # ZYX, or YX applied to every Z
    table = frame_spot_table(frame_labels, frame, raw=frame_raw, mask=frame_mask, calibration=calibration,
                             frame_interval=frame_interval)
    return _report(frame, start, table=table, cells=len(table))
