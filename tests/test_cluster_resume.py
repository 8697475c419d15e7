"""A ``--cluster`` run killed part-way resumes only the frames it had not finished (per-frame stamps)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from volltrack.cli import main
from volltrack.io import read_image

_CLI = "import sys; from volltrack.cli import main; sys.exit(main(sys.argv[1:]))"


def _chunk_times(labels_array_folder):
    """Modification time of every chunk file of a zarr v3 array (``c/<t>/...``), keyed by path."""
    return {p: p.stat().st_mtime_ns for p in labels_array_folder.rglob("*") if p.is_file() and "c" in p.parts}


def _frame_of(path, array_folder):
    parts = path.relative_to(array_folder).parts
    return int(parts[1]) if parts[0] == "c" else None


@pytest.mark.slow
def test_a_killed_cluster_run_resumes_only_the_missing_frames(tmp_path):
    import tifffile

    from volltrack.synthetic import simulate_tissue

    n_frames = 8
    movie = simulate_tissue(n_frames=n_frames, shape=(8, 48, 48), n_cells=8, seed=3).raw.astype(np.float32)
    raw, out = tmp_path / "movie.tif", tmp_path / "out"
    tifffile.imwrite(raw, movie, imagej=True, metadata={"axes": "TZYX"})
    command = ["segment", str(raw), "--out", str(out), "--cluster", "local:2", "--format", "zarr"]
    done = out / ".frames" / "movie" / "done"
    with open(tmp_path / "first.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-c", _CLI, *command], stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)       # its own process group: the Dask workers too
        try:
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline and process.poll() is None:
                if done.is_dir() and len(list(done.iterdir())) >= 2:
                    break
                time.sleep(0.2)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)             # the whole run, workers included
            process.wait()
    finished = sorted(int(p.name[1:]) for p in done.iterdir())
    assert 2 <= len(finished) < n_frames, f"the first run was not stopped part-way: {finished}"
    assert "dashboard http" in (tmp_path / "first.log").read_text()
    array = out / "movie.ome.zarr" / "labels" / "VollSeg" / "0"
    before = {p: t for p, t in _chunk_times(array).items() if _frame_of(p, array) in finished}
    assert before                                                   # the finished frames' chunks exist
    from volltrack.cluster import segment as cluster_segment

    cluster_segment.LAST_REPORTS.clear()
    assert main(command) == 0
    resumed = sorted(r["frame"] for r in cluster_segment.LAST_REPORTS)
    assert resumed == sorted(set(range(n_frames)) - set(finished))        # only what the killed run missed
    assert {p: p.stat().st_mtime_ns for p in before} == before             # finished frames not rewritten
    labels = np.asarray(read_image(out / "movie.ome.zarr" / "labels" / "VollSeg")[0])
    assert all(len(np.unique(frame)) > 3 for frame in labels) and not (out / ".frames").exists()
    np.testing.assert_array_equal(np.asarray(read_image(out / "movie.ome.zarr")[0]), movie)
