"""Run laptrack on a spots CSV (id, frame, x, y, z) and write its edges as CSV (source, target).

Usage: ``python laptrack_driver.py SPOTS.csv EDGES.csv SETTINGS_JSON``. Run as its own process by
``run.py`` so that its time and peak memory are measured the same way as the engine's.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd


def main(argv: list[str]) -> int:
    """Track with laptrack using TrackMate-equivalent settings; print timings."""
    from laptrack import LapTrack

    spots_path, edges_path, settings_json = argv
    settings = json.loads(settings_json)
    t0 = time.perf_counter()
    spots = pd.read_csv(spots_path).sort_values(["frame", "id"], kind="stable")
    n_frames = int(spots["frame"].max()) + 1
    coords, ids = [], []
    for frame in range(n_frames):
        rows = spots[spots["frame"] == frame]
        coords.append(rows[["x", "y", "z"]].to_numpy())
        ids.append(rows["id"].to_numpy())
    t1 = time.perf_counter()
    sq = lambda key: settings[key] ** 2  # noqa: E731  (squared distances, as TrackMate compares them)
    tracker = LapTrack(
        cutoff=sq("LINKING_MAX_DISTANCE"),
        gap_closing_cutoff=sq("GAP_CLOSING_MAX_DISTANCE") if settings["ALLOW_GAP_CLOSING"] else False,
        gap_closing_max_frame_count=settings["MAX_FRAME_GAP"],
        splitting_cutoff=sq("SPLITTING_MAX_DISTANCE") if settings["ALLOW_TRACK_SPLITTING"] else False,
        merging_cutoff=sq("MERGING_MAX_DISTANCE") if settings["ALLOW_TRACK_MERGING"] else False,
        alternative_cost_percentile_interpolation="higher",
    )
    graph = tracker.predict(coords)
    t2 = time.perf_counter()
    edges = np.array(
        [(ids[a[0]][a[1]], ids[b[0]][b[1]]) for a, b in graph.edges()], dtype=np.int64
    ).reshape(-1, 2)
    pd.DataFrame({"source": edges[:, 0], "target": edges[:, 1]}).to_csv(edges_path, index=False)
    t3 = time.perf_counter()
    print(f"read_s={t1 - t0:.3f} track_s={t2 - t1:.3f} write_s={t3 - t2:.3f} edges={len(edges)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
