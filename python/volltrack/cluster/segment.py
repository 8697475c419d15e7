"""Segment the frames of one input as Dask tasks; each task writes its frame's outputs as soon as it is done."""

from __future__ import annotations

import contextlib
import functools
import logging

import numpy as np

__all__ = ["distributing_on", "frame_distributor", "segment_frames", "summarise_reports"]

logger = logging.getLogger(__name__)

#: Reports of the tasks of the last call in this process (frame, seconds, peak memory, worker), for benchmarks.
LAST_REPORTS: list[dict] = []
#: Workers of the last call restarted by their nanny for exceeding the memory limit: worker, pid, resident
#: memory (MB) when killed, and the tasks it was running (Dask ran them again on another worker).
LAST_RESTARTS: list[dict] = []


def worker_restarts(client, since: float) -> list[dict]:
    """Workers restarted by their nanny for memory since ``since`` (epoch seconds), from the scheduler's events.

    Each entry: ``worker`` (address), ``pid``, ``memory_mb`` (resident memory when the nanny killed it) and
    ``tasks`` (the keys it was running, which the scheduler gave to another worker).
    """
    restarts = []
    removed = [msg for stamp, msg in client.get_events("all") if stamp >= since and isinstance(msg, dict)
               and msg.get("action") == "remove-worker"]
    for stamp, msg in client.get_events("worker-restart-memory"):
        if stamp < since:
            continue
        tasks = sorted(str(key) for removal in removed if removal.get("worker") == msg.get("worker")
                       for key in removal.get("processing-tasks", ()))
        restarts.append({"worker": msg.get("worker"), "pid": msg.get("pid"), "memory_mb": msg.get("rss", 0) / 1e6,
                         "tasks": tasks})
    return restarts


def summarise_reports(reports) -> dict:
    """Per-worker peak memory (MB) and frames, and the mean seconds per frame, of a list of task reports."""
    workers: dict[str, dict] = {}
    for report in reports:
        entry = workers.setdefault(report["worker"], {"frames": 0, "peak_memory_mb": 0.0})
        entry["frames"] += 1
        entry["peak_memory_mb"] = max(entry["peak_memory_mb"], report["peak_memory_mb"])
    seconds = [r["seconds"] for r in reports]
    return {"workers": workers, "frames": len(reports),
            "mean_seconds_per_frame": sum(seconds) / len(seconds) if seconds else 0.0}


def frame_distributor(client):
    """The ``distribute`` function of :func:`volltrack.segmentation.batch.segment_file` that segments the frames as
    Dask tasks on ``client`` (:func:`segment_frames`); None without a client (frames segmented in the process)."""
    return None if client is None else functools.partial(segment_frames, client)


@contextlib.contextmanager
def distributing_on(cluster):
    """Enter ``cluster`` (a context manager giving a Dask client or None) and give its :func:`frame_distributor`."""
    with cluster as client:
        yield frame_distributor(client)


def segment_frames(client, path, out, frames, *, axes, models, options, output_format, progress=None) -> list[dict]:
    """Submit one task per frame of ``frames`` to ``client`` and wait for all; advance ``progress`` per frame.

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    path, out : pathlib.Path
        Input and output folder; both must be reachable by the workers (a shared file system).
    frames : list of int
        Frames still to segment.
    axes : str or None
        Axes of the input when its metadata lacks them.
    models : Models
        The models loaded in this process: the workers load the same folder (once per worker).
    options : dict
        Segmentation options.
    output_format : {"tif", "zarr"}
        Where a task writes its frame (frame folder or OME-Zarr stores).
    progress : tqdm, optional
        Advanced as frames finish.

    Returns
    -------
    list of dict
        One report per frame: seconds, peak memory of the worker (MB), worker, cells.

    Raises
    ------
    ValueError
        The first task error (bad frame), re-raised here; frames already written stay done.
    """
    import time

    from distributed import KilledWorker, as_completed

    from volltrack.cluster.tasks import segment_frame_task

    if models.folder is None:
        raise ValueError("the models were not loaded from a folder; the workers need a folder to load them from")
    from pathlib import Path

    path, out = Path(path).resolve(), Path(out).resolve()      # workers may run in another folder
    kwargs = dict(axes=axes, models_folder=str(Path(models.folder).resolve()), n2v=models.n2v is not None, options=options,
                  output_format=output_format)
    tag = f"{abs(hash((str(path), str(out)))) % 10**8}"
    if "block_shape" in options:
        futures = _submit_block_tasks(client, path, out, frames, tag, models, **kwargs)
    else:
        futures = [client.submit(segment_frame_task, str(path), str(out), frame, pure=False,
                                 key=f"segment-{frame}-{tag}", **kwargs) for frame in frames]
    reports = []
    since = time.time()
    try:
        for future in as_completed(futures, loop=client.loop):
            try:
                reports.append(future.result())
            except KilledWorker as error:
                raise ValueError(f"{path}: task {error.task} killed {error.allowed_failures + 1} Dask workers in a "
                                 "row (each restarted by its nanny, most often for going over its memory limit): "
                                 "give the workers more memory (--worker-memory) or segment in blocks "
                                 "(--block-shape)") from None
            if progress is not None:
                progress.update(1)
    finally:
        for future in futures:
            future.cancel()
        LAST_RESTARTS[:] = worker_restarts(client, since)
        for restart in LAST_RESTARTS:
            logger.warning("Dask worker %s (pid %s) went over its memory limit (%.0f MB resident) and was restarted; "
                           "its task(s) %s were run again", restart["worker"], restart["pid"], restart["memory_mb"],
                           ", ".join(restart["tasks"]) or "(none)")
    reports.sort(key=lambda r: r["frame"])
    for report in reports:
        LAST_BLOCK_REPORTS.extend(report.pop("block_reports", []))
    LAST_REPORTS[:] = reports
    summary = summarise_reports(reports)
    for worker, entry in summary["workers"].items():
        logger.info("worker %s: %d frames, peak memory %.0f MB", worker, entry["frames"], entry["peak_memory_mb"])
    return reports


#: Reports of the block tasks of the last call (frame, block, seconds, peak memory, worker), for benchmarks/tests.
LAST_BLOCK_REPORTS: list[dict] = []


def _submit_block_tasks(client, path, out, frames, tag, models, *, axes, models_folder, n2v, options, output_format):
    """Per frame: a statistics task, one task per block not yet saved, and a stitching task; return the
    stitching futures (one per frame).

    Blocks saved by an earlier, interrupted run (their ``.npz`` exists) are not submitted again.
    """
    from volltrack.cluster import blocks as block_tasks
    from volltrack.segmentation import zarr_outputs
    from volltrack.segmentation.batch import blank_result, open_input, output_name
    from volltrack.segmentation.tiling import block_slices

    image, _, movie = open_input(path, axes)
    shape = tuple(int(n) for n in image.shape[-3:])
    blocks = block_slices(shape, options["block_shape"], options["halo"])
    name = output_name(path)

    kinds = zarr_outputs.produced_kinds(blank_result(np.zeros((1, 1, 1), np.float32), models,
                                                     segment_options=options))
    LAST_BLOCK_REPORTS.clear()
    stitched = []
    for frame in frames:
        statistics = client.submit(block_tasks.frame_statistics_task, str(path), frame, axes=axes, pure=False,
                                   key=f"statistics-{frame}-{tag}")
        segmented = [client.submit(block_tasks.segment_block_task, str(path), str(out), name, frame, index,
                                   outer, core, statistics, axes=axes, models_folder=models_folder, n2v=n2v,
                                   options=options, pure=False, key=f"block-{frame}-{index}-{tag}")
                     for index, (outer, core) in enumerate(blocks)
                     if not block_tasks.block_file(out, name, frame, index).is_file()]
        stitched.append(client.submit(_stitch_and_collect, str(path), str(out), name, frame, blocks, statistics,
                                      segmented, axes=axes, kinds=kinds, output_format=output_format, pure=False,
                                      key=f"stitch-{frame}-{tag}"))
    return stitched


def _stitch_and_collect(path, out, name, frame, blocks, statistics, block_reports, **kwargs):
    from volltrack.cluster.blocks import stitch_frame_task

    report = stitch_frame_task(path, out, name, frame, blocks, statistics, block_reports, **kwargs)
    report["block_reports"] = [dict(r) for r in block_reports]
    return report

