"""Segmentation throughput on a Dask LocalCluster with 1 and 2 workers, memory per worker, and a paper estimate.

Floor: the same frames segmented in this process (models loaded once, the single-process path). Each cluster
run starts the cluster and loads the models on every worker first (``worker_models`` through ``client.run``)
and, unless ``--no-warm-up``, segments frame 0 once on every worker (and in the single process) so that
TensorFlow's first-prediction tracing is not timed either; then it times the ``segment_file`` call (checks,
creating the outputs, the per-frame tasks: read frame, VollSeg, write the OME-Zarr outputs). Prints frames/s,
the 2-vs-1-worker speed-up from wall time and from the tasks' CPU seconds (meaningful on a loaded machine), the
per-task times per worker (wall, CPU, phases, idle gaps), the worker peak memory (``VmHWM``) and an estimate
for a 1000-frame 100x2048x2048 movie on a 32-GPU SLURM cluster scaled from the measured seconds per voxel.

Usage: ``python bench/scale/run.py [--frames 8] [--shape 16,96,96] [--models FOLDER] [--block-shape 16,48,48]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np


def _movie(path: Path, frames: int, shape) -> None:
    import tifffile

    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=frames, shape=tuple(shape), n_cells=max(8, shape[1] * shape[2] // 300),
                            seed=5).raw.astype(np.float32)
    tifffile.imwrite(path, movie, imagej=True, metadata={"axes": "TZYX"})


def _warm_up(raw: str, models_folder: str, options: dict) -> float:
    """Load the models and segment frame 0 once (not written), in this process: TensorFlow traces and oneDNN
    compiles the networks for the frame shape on the first prediction, a once-per-process cost like the model
    loading. Returns the seconds it took."""
    from volltrack.cluster.tasks import worker_models
    from volltrack.segmentation.batch import open_input, segment_volume, vollseg_options

    start = time.perf_counter()
    image = open_input(Path(raw))[0]
    segment_volume(np.asarray(image[0], np.float32), worker_models(models_folder, False), vollseg_options(options),
                   name="warm-up")
    return time.perf_counter() - start


def _single_process(raw: Path, out: Path, models, options, warm_up: bool) -> dict:
    from volltrack.segmentation.batch import segment_file

    warm = _warm_up(str(raw), str(models.folder), options) if warm_up else None
    start, cpu = time.perf_counter(), time.process_time()
    segment_file(raw, out, models, output_format="zarr", segment_options=options)
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "warm_up_s": warm}


def _task_profile(reports, wall: float, start_epoch: float) -> dict:
    """Per worker: tasks, their wall and CPU seconds, the idle gaps between a worker's tasks; the time of the
    call spent outside any task (client side: checks, creating the outputs, submitting, finishing)."""
    workers: dict[str, list] = {}
    for report in sorted(reports, key=lambda r: r["started"]):
        workers.setdefault(report["worker"], []).append(report)
    profile = {}
    for worker, tasks in workers.items():
        gaps = [b["started"] - (a["started"] + a["seconds"]) for a, b in zip(tasks, tasks[1:])]
        profile[worker] = {
            "tasks": len(tasks), "task_s": sum(t["seconds"] for t in tasks),
            "task_cpu_s": sum(t["cpu_seconds"] for t in tasks), "gaps_s": sum(gaps),
            "first_task_start_s": tasks[0]["started"] - start_epoch,
            "last_task_end_s": tasks[-1]["started"] + tasks[-1]["seconds"] - start_epoch,
            "peak_memory_mb": max(t["peak_memory_mb"] for t in tasks),
            "phases_s": {k: round(sum(t.get("phases", {}).get(k, 0.0) for t in tasks), 3)
                         for k in tasks[0].get("phases", {})},
            "task_seconds": [round(t["seconds"], 3) for t in tasks],
            "task_cpu_seconds": [round(t["cpu_seconds"], 3) for t in tasks]}
    first = min(p["first_task_start_s"] for p in profile.values())
    last = max(p["last_task_end_s"] for p in profile.values())
    return {"workers": profile, "before_first_task_s": first, "after_last_task_s": wall - last,
            "total_task_cpu_s": sum(p["task_cpu_s"] for p in profile.values()),
            "max_worker_task_cpu_s": max(p["task_cpu_s"] for p in profile.values())}


def _cluster(raw: Path, out: Path, models, workers: int, memory: str, options,
             worker_threads: int | None, warm_up: bool) -> tuple[float, dict, dict]:
    from volltrack.cluster import open_cluster
    from volltrack.cluster.segment import LAST_REPORTS, summarise_reports
    from volltrack.cluster.tasks import worker_models
    from volltrack.segmentation.batch import segment_file

    with open_cluster(f"local:{workers}", memory_limit=memory, quiet=True, worker_threads=worker_threads) as client:
        client.run(worker_models, str(models.folder), False)          # models loaded once per worker, not timed
        if warm_up:                                                    # and the first prediction traced, not timed
            client.run(_warm_up, str(raw), str(models.folder), options)
        start_epoch, start, cpu = time.time(), time.perf_counter(), time.process_time()
        segment_file(raw, out, models, output_format="zarr", client=client, segment_options=options)
        seconds = time.perf_counter() - start
        client_cpu = time.process_time() - cpu          # this process: the client, the scheduler and the nannies
    profile = _task_profile(LAST_REPORTS, seconds, start_epoch)
    profile["client_scheduler_nannies_cpu_s"] = client_cpu
    return seconds, summarise_reports(LAST_REPORTS), profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--shape", default="16,96,96", help="Z,Y,X of one frame")
    parser.add_argument("--models", help="models folder (default: the bundled demo models)")
    parser.add_argument("--memory", default="3GB", help="memory limit per worker")
    parser.add_argument("--block-shape", help="Z,Y,X: segment every frame in blocks (one Dask task per block on "
                        "the cluster, vollseg_in_blocks in the single process)")
    parser.add_argument("--halo", default="0,16,16", help="Z,Y,X halo of the blocks (default 0,16,16)")
    parser.add_argument("--worker-threads", type=int, default=1,
                        help="TensorFlow threads per worker (default 1: one core per worker, so that 1 and 2 "
                        "workers compare the parallel stages; 0: TensorFlow's default, every core in each worker)")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="time each process's first prediction too (by default every worker, and the single "
                        "process, segment frame 0 once before the timed run, like the model loading)")
    args = parser.parse_args()
    warm_up = not args.no_warm_up
    worker_threads = args.worker_threads or None
    shape = tuple(int(v) for v in args.shape.split(","))
    options = {}
    if args.block_shape:
        options = dict(block_shape=tuple(int(v) for v in args.block_shape.split(",")),
                       halo=tuple(int(v) for v in args.halo.split(",")), unet_threshold=0.5)

    from volltrack.segmentation.models import load_models

    work = Path(tempfile.mkdtemp(prefix="volltrack-bench-scale-"))
    try:
        raw = work / "movie.tif"
        _movie(raw, args.frames, shape)
        models = load_models(args.models, n2v=False)
        single = _single_process(raw, work / "single", models, options, warm_up)
        floor = single["seconds"]
        one, one_summary, one_profile = _cluster(raw, work / "w1", models, 1, args.memory, options, worker_threads,
                                                 warm_up)
        two, two_summary, two_profile = _cluster(raw, work / "w2", models, 2, args.memory, options, worker_threads,
                                                 warm_up)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    frames = args.frames
    voxels = int(np.prod(shape))
    per_frame = two_summary["mean_seconds_per_frame"]
    result = {
        "frames": frames, "frame_shape": shape, "load_average_1min": os.getloadavg()[0],
        "blocks": options.get("block_shape"), "halo": options.get("halo"), "worker_threads": worker_threads,
        "warm_up": warm_up, "single_process_s": floor, "single_process_cpu_s": single["cpu_seconds"],
        "one_worker_s": one, "two_workers_s": two,
        "frames_per_s": {"single": frames / floor, "1 worker": frames / one, "2 workers": frames / two},
        "speedup_2_vs_1": one / two, "one_worker_vs_single": floor / one,
        "peak_memory_mb_per_worker": {"1 worker": [w["peak_memory_mb"] for w in one_summary["workers"].values()],
                                      "2 workers": [w["peak_memory_mb"] for w in two_summary["workers"].values()]},
        "task_seconds_per_frame": per_frame, "task_seconds_per_megavoxel": per_frame / (voxels / 1e6),
        "tasks": {"1 worker": one_profile, "2 workers": two_profile},
        # CPU-time view, independent of other load: the tasks' CPU seconds with 1 worker over the busiest worker's
        # with 2 (what 2 workers on 2 free cores would give if the tasks were all there is)
        "speedup_2_vs_1_from_task_cpu": one_profile["total_task_cpu_s"] / two_profile["max_worker_task_cpu_s"],
    }
    big_voxels = 100 * 2048 * 2048
    cpu_frame = result["task_seconds_per_megavoxel"] * big_voxels / 1e6
    result["paper_estimate"] = {
        "movie": "1000 frames of 100x2048x2048 (uint16 raw 0.84 GB/frame, uint32 labels 1.7 GB/frame)",
        "cpu_seconds_per_frame_at_measured_rate": cpu_frame,
        "cpu_core_hours_total": cpu_frame * 1000 / 3600,
    }
    print(json.dumps(result, indent=2))
    print(f"segmentation: single {frames / floor:.3f} frames/s, 1 worker {frames / one:.3f}, 2 workers "
          f"{frames / two:.3f}; 2-vs-1 speed-up {one / two:.2f}x (target 1.8x; from the tasks' CPU seconds "
          f"{result['speedup_2_vs_1_from_task_cpu']:.2f}x); 1 worker / single {floor / one:.2f}x; load average "
          f"{result['load_average_1min']:.1f}")


if __name__ == "__main__":
    main()
