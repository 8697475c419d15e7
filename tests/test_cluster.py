"""``--cluster``: Dask tasks give the same labels and spots as one process; a worker memory limit is respected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volltrack.cli import main
from volltrack.cluster.connect import parse_cluster_spec
from volltrack.io import read_image


def test_cluster_spec_values_and_errors(tmp_path):
    assert parse_cluster_spec("local") == ("local", None)
    assert parse_cluster_spec("local:3") == ("local", 3)
    assert parse_cluster_spec("tcp://10.0.0.1:8786") == ("address", "tcp://10.0.0.1:8786")
    assert parse_cluster_spec("node7:8786") == ("address", "tcp://node7:8786")
    for bad in ("local:0", "local:x", "slurm", ""):
        with pytest.raises(ValueError, match="expected local, local:N"):
            parse_cluster_spec(bad)
    with pytest.raises(FileNotFoundError, match="jobqueue configuration .*none.yaml not found"):
        parse_cluster_spec(f"jobqueue:{tmp_path / 'none.yaml'}")
    config = tmp_path / "c.yaml"
    config.write_text("kind: torque\njobs: 2\n")
    from volltrack.cluster import open_cluster

    with pytest.raises(ValueError, match="kind 'torque' is not one of slurm"):
        with open_cluster(f"jobqueue:{config}"):
            pass


def test_worker_memory_needs_a_local_cluster(tmp_path, capsys):
    labels = tmp_path / "l.npy"
    np.save(labels, np.zeros((2, 3, 8, 8), np.uint16))
    assert main(["spots", str(labels), "--out", str(tmp_path / "s.csv"), "--worker-memory", "1GB"]) == 1   # bad input
    assert "--worker-memory applies to --cluster local" in capsys.readouterr().err


def _same_up_to_relabelling(a, b):
    """True when two label volumes have the same background and a one-to-one map between their labels."""
    if a.shape != b.shape or not np.array_equal(a > 0, b > 0):
        return False
    pairs = np.unique(np.stack([a[a > 0], b[b > 0]]), axis=1)
    return len(np.unique(pairs[0])) == pairs.shape[1] == len(np.unique(pairs[1]))


@pytest.mark.slow
def test_local_cluster_gives_the_single_process_labels_spots_and_tracks(tmp_path):
    """Segment with the bundled demo models in one process and on ``--cluster local:2`` (OME-Zarr output)."""
    import tifffile

    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=3, shape=(8, 40, 40), n_cells=8, seed=11).raw.astype(np.float32)
    raw = tmp_path / "movie.tif"
    tifffile.imwrite(raw, movie, imagej=True, metadata={"axes": "TZYX"})
    assert main(["segment", str(raw), "--out", str(tmp_path / "one")]) == 0
    assert main(["segment", str(raw), "--out", str(tmp_path / "two"), "--cluster", "local:2", "--format", "zarr"]) == 0
    single = read_image(tmp_path / "one" / "VollSeg" / "movie.tif")[0]
    clustered, meta = read_image(tmp_path / "two" / "movie.ome.zarr" / "labels" / "VollSeg")
    assert meta["axes"] == "TZYX" and clustered.shape == single.shape
    assert all(len(np.unique(frame)) > 3 for frame in single)          # real cells, not an empty comparison
    assert all(_same_up_to_relabelling(single[t], clustered[t]) for t in range(len(single)))
    np.testing.assert_array_equal(read_image(tmp_path / "two" / "movie.ome.zarr")[0], movie)   # the raw copy
    # spots: one process on the TIFF vs one task per frame on the OME-Zarr labels
    assert main(["spots", str(tmp_path / "one" / "VollSeg" / "movie.tif"), "--raw", str(raw),
                 "--out", str(tmp_path / "one.csv"), "--no-progress"]) == 0
    assert main(["spots", str(tmp_path / "two" / "movie.ome.zarr" / "labels" / "VollSeg"), "--raw", str(raw),
                 "--out", str(tmp_path / "two.csv"), "--no-progress", "--cluster", "local:2"]) == 0
    one, two = pd.read_csv(tmp_path / "one.csv"), pd.read_csv(tmp_path / "two.csv")
    keys = ["FRAME", "POSITION_Z", "POSITION_Y", "POSITION_X"]
    one, two = (t.sort_values(keys).drop(columns=["LABEL"]).reset_index(drop=True) for t in (one, two))
    pd.testing.assert_frame_equal(one, two)
    # tracks: the same spot table gives the same tracks (the tracker is one process either way)
    assert main(["track", str(tmp_path / "one.csv"), "--out", str(tmp_path / "one.xml")]) == 0
    assert main(["track", str(tmp_path / "two.csv"), "--out", str(tmp_path / "two.xml")]) == 0
    from volltrack.trackmate import read_xml

    a, b = read_xml(tmp_path / "one.xml"), read_xml(tmp_path / "two.xml")
    assert len(a.edges) == len(b.edges) > 0
    pa = a.spots.set_index("ID")[["FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z"]]
    pb = b.spots.set_index("ID")[["FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z"]]
    def links(tracks, positions):
        return sorted(tuple(positions.loc[s].round(6)) + tuple(positions.loc[t].round(6))
                      for s, t in zip(tracks.edges["SPOT_SOURCE_ID"], tracks.edges["SPOT_TARGET_ID"]))
    assert links(a, pa) == links(b, pb)


@pytest.mark.slow
def test_spots_on_a_movie_three_times_the_worker_memory_budget(tmp_path):
    """Each worker holds one frame at a time: its memory grows by far less than the movie, under a Dask limit."""
    from volltrack.cluster import open_cluster
    from volltrack.cluster.spots import LAST_REPORTS, compute_spots_on_cluster
    from volltrack.io.ngff import create_movie, write_frame
    from volltrack.spots import compute_spots

    n_frames, shape = 60, (8, 400, 400)
    path = tmp_path / "labels.ome.zarr"
    create_movie(path, (n_frames, *shape), np.uint16)
    rng = np.random.default_rng(4)
    for t in range(n_frames):
        frame = np.zeros(shape, np.uint16)
        for label in range(1, 13):
            z, y, x = rng.integers(0, 5), rng.integers(0, 380), rng.integers(0, 380)
            frame[z:z + 3, y:y + 20, x:x + 20] = label
        write_frame(path, t, frame)
    movie_mb = n_frames * np.prod(shape) * 2 / 1e6
    with open_cluster("local:2", memory_limit="1GB", quiet=True) as client:
        # baseline: each worker's peak after one frame's task (imports, first-call allocations of pandas and zarr:
        # ~65 MB measured with VmHWM, whatever the movie's length), so that the growth below is what more frames add
        client.run(_one_frame_table, str(path), (n_frames, *shape))
        baseline = {pid: mb for pid, mb in client.run(_pid_and_peak_memory).values()}
        table = compute_spots_on_cluster(client, path, n_frames=n_frames, movie_shape=(n_frames, *shape))
    growth = {}
    for report in LAST_REPORTS:
        pid = int(report["worker"].rsplit(":", 1)[1])
        growth[pid] = max(growth.get(pid, 0.0), report["peak_memory_mb"] - baseline[pid])
    expected = compute_spots(read_image(path, lazy=True)[0])
    assert len(table) == len(expected) > n_frames * 8 and len(LAST_REPORTS) == n_frames
    assert max(growth.values()) < movie_mb / 3, (growth, movie_mb)
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected.reset_index(drop=True))


def _one_frame_table(path, movie_shape):
    from volltrack.cluster.tasks import spots_frame_task

    spots_frame_task(path, 0, raw_path=None, mask_path=None, axes=None, calibration=(1.0, 1.0, 1.0),
                     frame_interval=1.0, movie_shape=movie_shape)


def _pid_and_peak_memory():
    import os

    from volltrack.cluster.tasks import peak_memory_mb

    return os.getpid(), peak_memory_mb()
