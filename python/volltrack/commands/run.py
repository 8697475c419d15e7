"""``volltrack run``: the whole pipeline in one command, resumable, with a report."""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

HELP = "run the whole pipeline: (denoise) -> VollSeg -> spots -> BTrackmate -> analysis -> report.html"

logger = logging.getLogger(__name__)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack run``."""
    parser.add_argument("--raw", type=Path, help="raw movie (TZYX TIFF, or ZYX); not needed with --demo")
    parser.add_argument("--out", type=Path, help="output folder (created when missing); a rerun resumes there")
    parser.add_argument("--mask", type=Path, help="tissue mask (TZYX, TYX or ZYX); cells outside are not tracked")
    parser.add_argument("--gt", type=Path, help="Cell Tracking Challenge ground-truth folder (TRA/, SEG/): adds "
                                                "SEG, DET, TRA and segmentation F1 to the report")
    parser.add_argument("--config", type=Path, help="run.yaml with the parameters (see --write-config)")
    parser.add_argument("--write-config", type=Path, metavar="PATH",
                        help="write the default run.yaml, with a comment per parameter, to PATH and exit")
    parser.add_argument("--demo", action="store_true",
                        help="simulate a membrane-labelled tissue movie with ground truth and run on it")
    parser.add_argument("--force", action="store_true", help="recompute every stage")
    parser.add_argument("--format", choices=("tif", "zarr"), help="segmentation outputs as TIFF or OME-Zarr "
                        "(default zarr for an OME-Zarr raw movie)")
    from volltrack.cluster.options import add_cluster_arguments

    add_cluster_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run ``volltrack run``."""
    from volltrack.pipeline.config import RunConfig

    config = RunConfig.from_yaml(args.config) if args.config else RunConfig()
    if args.write_config:
        config.write_yaml(args.write_config)
        print(f"wrote {args.write_config}")
        return 0
    if args.out is None:
        raise ValueError("--out is required")
    from volltrack.io.output_lock import output_lock

    if args.out.exists() and not args.out.is_dir():
        raise ValueError(f"--out {args.out}: exists and is a file; expected a folder (or a path that does not exist)")
    from volltrack.io.timing import collecting

    with output_lock(args.out, "volltrack run"), collecting() as timings:
        return _run_locked(args, config, timings)


def _run_locked(args: argparse.Namespace, config, timings) -> int:
    """``volltrack run`` with the lock of ``--out`` held; ``timings`` collects the parts' wall and CPU seconds."""
    from volltrack.pipeline.run import RunInputs, run_pipeline

    start = time.perf_counter()
    if args.demo:
        from volltrack.pipeline.demo import DEMO_TRACKING, prepare_demo_inputs
        from volltrack.pipeline.inputs import check_models
        from volltrack.tracking.settings import TrackerSettings

        if not args.config:   # the demo's own tracker settings (division-aware, fitted on another simulated movie)
            config.tracking = TrackerSettings.from_mapping(DEMO_TRACKING)
        check_models(config.segmentation.models)  # before simulating, so a failed check leaves nothing behind

        if config.image.calibration is None:
            config.image.calibration = (2.0, 0.5, 0.5)
        from volltrack.pipeline.run import preload_models

        preload_models(config)   # TensorFlow and the models load while the movie is simulated
        inputs, _ = prepare_demo_inputs(args.out, config.demo, force=args.force)
    else:
        if args.raw is None:
            raise ValueError("--raw is required (or --demo)")
        inputs = RunInputs(raw=args.raw, mask=args.mask, ground_truth=args.gt)
    result = run_pipeline(inputs, args.out, config, force=args.force, cluster=args.cluster,
                          worker_memory=args.worker_memory, output_format=args.format)
    for record in result.records:
        state = "skipped (up to date)" if record.skipped else f"{record.seconds:.1f} s"
        counts = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in record.summary.items())
        print(f"{record.name:<9} {state:<22} {counts}")
    for name, path in result.outputs.items():
        print(f"{name:<9} {path}")
    if result.metrics:
        shown = {k: result.metrics[k] for k in ("SEG", "DET", "TRA", "LNK", "F1@0.5") if k in result.metrics}
        print("metrics   " + "  ".join(f"{k} {v:.3f}" for k, v in shown.items() if v is not None))
        from volltrack.metrics.divisions import division_line

        line = division_line(result.metrics)
        if line:
            print(f"{'':<10}{line}")
    _print_timings(timings, wall=time.perf_counter() - start)
    return 0


def _print_timings(timings, *, wall: float) -> None:
    """The run's parts with their wall and CPU seconds, then the total as the last line."""
    timings.rest("segment/networks", "segment")   # the networks run in a thread beside the post-processing
    lines = timings.lines()
    if lines:
        print("time per part (stages skipped as up to date are not listed; networks CPU = segment CPU minus its "
              "other parts)")
        for line in lines:
            print(f"  {line}")
    cpu = time.process_time() + timings.child_cpu   # since the process started: imports, every thread and child
    print(f"done in {_since_start(wall):.0f} s ({cpu:.0f} s CPU on {os.cpu_count() or 1} cores; the command's own "
          f"start-up included)")


def _since_start(fallback: float) -> float:
    """Wall seconds since this process started (``fallback`` where psutil cannot tell)."""
    try:
        import psutil

        return max(fallback, time.time() - psutil.Process().create_time())
    except Exception:  # noqa: BLE001 - psutil missing or the process table unreadable: the measured part
        return fallback
