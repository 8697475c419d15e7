"""Held-out check: ``volltrack run --cluster local:2`` against the single-process run on a movie not seen before.

The movie is simulated with a seed drawn when the script starts (printed, and given back with ``--seed`` to
repeat a run) and a geometry no test uses (anisotropic voxels, a tissue that does not fill the field, divisions),
written as OME-Zarr. Both runs go through :func:`volltrack.pipeline.run.run_pipeline` with the bundled demo models
and the same settings; the cluster run's track stage takes the spots its Dask tasks streamed to the engine. Compared:
the VollSeg labels of every frame (up to the label numbering), the spot tables (row for row, LABEL aside) and the
tracks (every link, by spot position and frame). Prints one JSON line and exits 1 when anything differs.

Usage: ``python bench/scale/held_out.py [--seed N] [--frames 5] [--shape 12,72,72] [--out FOLDER]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _same_up_to_relabelling(a, b) -> bool:
    if a.shape != b.shape or not np.array_equal(a > 0, b > 0):
        return False
    pairs = np.unique(np.stack([a[a > 0], b[b > 0]]), axis=1)
    return len(np.unique(pairs[0])) == pairs.shape[1] == len(np.unique(pairs[1]))


def _links(xml):
    from volltrack.trackmate import read_xml

    tracks = read_xml(xml)
    positions = tracks.spots.set_index("ID")[["FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z"]].round(6)
    return sorted(tuple(positions.loc[s]) + tuple(positions.loc[t])
                  for s, t in zip(tracks.edges["SPOT_SOURCE_ID"], tracks.edges["SPOT_TARGET_ID"])), tracks


class _StreamRecord(logging.Handler):
    """Keeps the messages of :mod:`volltrack.tracking.stream` (the cluster run's track stage logs one)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="movie seed (default: drawn now, printed)")
    parser.add_argument("--frames", type=int, default=5)
    parser.add_argument("--shape", default="12,72,72", help="Z,Y,X of one frame")
    parser.add_argument("--out", help="folder for the two runs (default: a temporary folder)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    shape = tuple(int(v) for v in args.shape.split(","))
    logging.basicConfig(level=logging.WARNING)
    from volltrack.io import read_image
    from volltrack.io.ngff import create_movie, write_frame
    from volltrack.pipeline.run import RunInputs, run_pipeline
    from volltrack.synthetic import simulate_tissue

    out = Path(args.out or tempfile.mkdtemp(prefix="volltrack-held-out-"))
    out.mkdir(parents=True, exist_ok=True)
    movie = simulate_tissue(n_frames=args.frames, shape=shape, n_cells=max(10, shape[1] * shape[2] // 350),
                            calibration=(1.6, 0.45, 0.45), division_rate=0.08, tissue_fraction=0.85, seed=seed)
    raw = out / "held_out.ome.zarr"
    create_movie(raw, (args.frames, *shape), np.float32, calibration=(1.6, 0.45, 0.45), frame_interval=1.0)
    for t in range(args.frames):
        write_frame(raw, t, movie.raw[t].astype(np.float32))
    from volltrack.pipeline.config import RunConfig

    config = RunConfig()
    config.tracking = config.tracking.updated({"ALLOW_TRACK_SPLITTING": True})     # divisions tracked too
    streamed = _StreamRecord()
    logging.getLogger("volltrack.tracking.stream").addHandler(streamed)
    logging.getLogger("volltrack.tracking.stream").setLevel(logging.INFO)
    seconds = {}
    for name, cluster in (("single", None), ("cluster", "local:2")):
        start = time.perf_counter()
        run_pipeline(RunInputs(raw=raw), out / name, config.model_copy(deep=True), cluster=cluster)
        seconds[name] = round(time.perf_counter() - start, 1)
    labels = [read_image(out / name / "segmentation" / "held_out.ome.zarr" / "labels" / "VollSeg")[0]
              for name in ("single", "cluster")]
    frames_equal = [bool(_same_up_to_relabelling(np.asarray(labels[0][t]), np.asarray(labels[1][t])))
                    for t in range(args.frames)]
    import pandas as pd

    keys = ["FRAME", "POSITION_Z", "POSITION_Y", "POSITION_X"]
    spots = [pd.read_csv(out / name / "spots.csv").sort_values(keys).drop(columns=["LABEL"]).reset_index(drop=True)
             for name in ("single", "cluster")]
    spots_equal = spots[0].equals(spots[1])
    (links_a, tracks_a), (links_b, tracks_b) = (_links(out / name / "tracks.xml") for name in ("single", "cluster"))
    result = {"seed": seed, "frames": args.frames, "shape": list(shape), "out": str(out),
              "cells_per_frame": [int(len(np.unique(np.asarray(f)))) - 1 for f in labels[0]],
              "labels_equal_per_frame": frames_equal, "spots": len(spots[0]), "spots_equal": bool(spots_equal),
              "edges": len(links_a), "tracks": len(tracks_a.tracks), "links_equal": links_a == links_b,
              "divisions": int(tracks_a.tracks["NUMBER_SPLITS"].sum()) if "NUMBER_SPLITS" in tracks_a.tracks else 0,
              "track_stage_used_streamed_spots": streamed.messages, "seconds": seconds}
    print(json.dumps(result))
    return 0 if all(frames_equal) and spots_equal and links_a == links_b and streamed.messages else 1


if __name__ == "__main__":
    sys.exit(main())
