"""The demo's input: a simulated membrane-labelled tissue movie with its ground truth (``volltrack run --demo``)."""

from __future__ import annotations

from pathlib import Path

from volltrack.pipeline.config import DemoConfig
from volltrack.pipeline.run import RunInputs
from volltrack.pipeline.stages import StageRunner

#: Tracker settings of ``volltrack run --demo`` without ``--config``: the division-aware mode; linking fitted by
#: ``volltrack tune`` (objective division F1) on an independent simulated movie of the demo's configuration (seed 1,
#: ground-truth detections), run.yaml's gap closing (10 µm, 2 frames) and post-processing (MIN_TRACKLET_LENGTH 2,
#: PRUNE_MODE BRANCH, TISSUE_FILTER); the division keys fitted by
#: :func:`volltrack.tuning.division_fit.fit_division_weights` to seed 1's divisions on seed 1's VollSeg detections
#: (the demo pipeline run on the seed-1 movie, its spots matched to the true cells). bench/README.md ("divisions") has the figures.
DEMO_TRACKING: dict = {
    "LINKING_MAX_DISTANCE": 6.2, "LINKING_FEATURE_PENALTIES": {"RADIUS": 1.0, "VOLUME": 0.5, "QUALITY": 0.25},
    "ALLOW_GAP_CLOSING": True, "GAP_CLOSING_MAX_DISTANCE": 10.0, "MAX_FRAME_GAP": 2,
    "GAP_CLOSING_FEATURE_PENALTIES": {"RADIUS": 1.0, "VOLUME": 0.5, "QUALITY": 0.25},
    "ALLOW_TRACK_SPLITTING": False, "SPLITTING_MAX_DISTANCE": 13.16,
    "ALTERNATIVE_LINKING_COST_FACTOR": 1.103, "CUTOFF_PERCENTILE": 0.619,
    "MIN_TRACKLET_LENGTH": 2, "PRUNE_MODE": "BRANCH", "TISSUE_FILTER": True,
    "TRACKING_MODE": "DIVISION_AWARE", "DIVISION_MAX_COST": 1.698, "DIVISION_SIZE_WEIGHT": 0.297,
    "DIVISION_VOLUME_WEIGHT": 0.0, "DIVISION_DISTANCE_WEIGHT": 0.366, "DIVISION_SEPARATION_WEIGHT": 1.223,
    "DIVISION_BORDER_WEIGHT": 1.439, "DIVISION_INTENSITY_WEIGHT": 2.366,
}


def _simulate(config: DemoConfig, folder: Path) -> dict:
    from volltrack.metrics.ctc_format import CTCData, write_ctc
    from volltrack.synthetic import simulate_tissue
    from volltrack.synthetic.export import write_movie_folder

    movie = simulate_tissue(n_frames=config.frames, shape=tuple(config.shape), n_cells=config.cells,
                            seed=config.seed)
    write_movie_folder(movie, folder)
    write_ctc(CTCData(labels=movie.labels, lineage=movie.lineage), folder / "GT", kind="gt")
    divisions = int((movie.lineage["parent"] > 0).sum())
    return {"frames": config.frames, "cells (first frame)": int(len(set(movie.labels[0].ravel())) - 1),
            "tracklets": len(movie.lineage), "daughters": divisions}


def prepare_demo_inputs(out: Path, config: DemoConfig, *, force: bool = False) -> tuple[RunInputs, StageRunner]:
    """Simulate the demo movie into ``out/demo-data`` (skipped when already there) and return the run inputs."""
    folder = Path(out) / "demo-data"
    runner = StageRunner(Path(out), force=force)
    outputs = [folder / "raw.tif", folder / "mask.tif", folder / "GT" / "TRA" / "man_track.txt"]
    runner.run("simulate", lambda: _simulate(config, folder), params=config.model_dump(mode="json"),
               inputs=[], outputs=outputs, cpu="thread")   # single-threaded; the models may load beside it
    return RunInputs(raw=folder / "raw.tif", mask=folder / "mask.tif", ground_truth=folder / "GT"), runner
