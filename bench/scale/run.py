"""Segmentation throughput on a Dask LocalCluster with 1 and 2 workers, memory per worker, and a paper estimate.

Floor: the same frames segmented in this process (models loaded once, the single-process path). Each cluster
run starts the cluster and loads the models on every worker first (``worker_models`` through ``client.run``),
then times only the per-frame tasks (read frame, VollSeg, write the OME-Zarr outputs). Prints frames/s, the
2-vs-1-worker speed-up, the worker peak memory (``ru_maxrss``) and an estimate for a 1000-frame 100x2048x2048
movie on a 32-GPU SLURM cluster scaled from the measured seconds per voxel.

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


def _single_process(raw: Path, out: Path, models, options) -> float:
    from volltrack.segmentation.batch import segment_file

    start = time.perf_counter()
    segment_file(raw, out, models, output_format="zarr", segment_options=options)
    return time.perf_counter() - start


def _cluster(raw: Path, out: Path, models, workers: int, memory: str, options,
             worker_threads: int | None) -> tuple[float, dict]:
    from volltrack.cluster import open_cluster
    from volltrack.cluster.segment import LAST_REPORTS, summarise_reports
    from volltrack.cluster.tasks import worker_models
    from volltrack.segmentation.batch import segment_file

    with open_cluster(f"local:{workers}", memory_limit=memory, quiet=True, worker_threads=worker_threads) as client:
        client.run(worker_models, str(models.folder), False)          # models loaded once per worker, not timed
        start = time.perf_counter()
        segment_file(raw, out, models, output_format="zarr", client=client, segment_options=options)
        seconds = time.perf_counter() - start
    return seconds, summarise_reports(LAST_REPORTS)


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
    args = parser.parse_args()
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
        floor = _single_process(raw, work / "single", models, options)
        one, one_summary = _cluster(raw, work / "w1", models, 1, args.memory, options, worker_threads)
        two, two_summary = _cluster(raw, work / "w2", models, 2, args.memory, options, worker_threads)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    frames = args.frames
    voxels = int(np.prod(shape))
    per_frame = two_summary["mean_seconds_per_frame"]
    result = {
        "frames": frames, "frame_shape": shape, "load_average_1min": os.getloadavg()[0],
        "blocks": options.get("block_shape"), "halo": options.get("halo"), "worker_threads": worker_threads,
        "single_process_s": floor, "one_worker_s": one, "two_workers_s": two,
        "frames_per_s": {"single": frames / floor, "1 worker": frames / one, "2 workers": frames / two},
        "speedup_2_vs_1": one / two, "one_worker_vs_single": floor / one,
        "peak_memory_mb_per_worker": {"1 worker": [w["peak_memory_mb"] for w in one_summary["workers"].values()],
                                      "2 workers": [w["peak_memory_mb"] for w in two_summary["workers"].values()]},
        "task_seconds_per_frame": per_frame, "task_seconds_per_megavoxel": per_frame / (voxels / 1e6),
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
          f"{frames / two:.3f}; 2-vs-1 speed-up {one / two:.2f}x (target 1.8x); 1 worker / single "
          f"{floor / one:.2f}x; load average {result['load_average_1min']:.1f}")


if __name__ == "__main__":
    main()
