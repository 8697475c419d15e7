"""The demo's input: a simulated membrane-labelled tissue movie with its ground truth (``volltrack run --demo``)."""

from __future__ import annotations

from pathlib import Path

from volltrack.pipeline.config import DemoConfig
from volltrack.pipeline.run import RunInputs
from volltrack.pipeline.stages import StageRunner


def _simulate(config: DemoConfig, folder: Path) -> dict:
    from volltrack.metrics.ctc_format import CTCData, write_ctc as write_ground_truth
    from volltrack.synthetic import simulate_tissue
    from volltrack.synthetic.export import write_ctc as write_movie

    movie = simulate_tissue(n_frames=config.frames, shape=tuple(config.shape), n_cells=config.cells,
                            seed=config.seed)
    write_movie(movie, folder)
    write_ground_truth(CTCData(labels=movie.labels, lineage=movie.lineage), folder / "GT", kind="gt")
    divisions = int((movie.lineage["parent"] > 0).sum())
    return {"frames": config.frames, "cells (first frame)": int(len(set(movie.labels[0].ravel())) - 1),
            "tracklets": len(movie.lineage), "daughters": divisions}


def prepare_demo_inputs(out: Path, config: DemoConfig, *, force: bool = False) -> tuple[RunInputs, StageRunner]:
    """Simulate the demo movie into ``out/demo-data`` (skipped when already there) and return the run inputs."""
    folder = Path(out) / "demo-data"
    runner = StageRunner(Path(out), force=force)
    outputs = [folder / "raw.tif", folder / "mask.tif", folder / "GT" / "TRA" / "man_track.txt"]
    runner.run("simulate", lambda: _simulate(config, folder), params=config.model_dump(mode="json"),
               inputs=[], outputs=outputs)
    return RunInputs(raw=folder / "raw.tif", mask=folder / "mask.tif", ground_truth=folder / "GT"), runner
