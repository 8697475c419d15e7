"""The tracker taking the spot table in piece by piece (per frame, as the cluster computes it)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tracking_jvm import jvm  # noqa: F401 -- session fixture

SETTINGS = {"LINKING_MAX_DISTANCE": 6.0, "ALLOW_TRACK_SPLITTING": True, "SPLITTING_MAX_DISTANCE": 6.0}


def _cells(n_frames=6, n_cells=7, seed=2) -> pd.DataFrame:
    """Cells drifting 1 µm per frame, one dividing at frame 3, extra features."""
    rng = np.random.default_rng(seed)
    rows = []
    for frame in range(n_frames):
        for cell in range(n_cells):
            x, y = 15.0 * cell + frame + rng.normal(0, 0.2), 10.0 + rng.normal(0, 0.2)
            parts = [(x, y - 2.5), (x, y + 2.5)] if cell == 0 and frame >= 3 else [(x, y)]
            for px, py in parts:
                rows.append({"FRAME": frame, "POSITION_X": px, "POSITION_Y": py, "POSITION_Z": 2.0,
                             "RADIUS": 1.5, "QUALITY": 1.0 + cell % 3, "VOLUME": 10.0 + cell, "LABEL": cell + 1})
    table = pd.DataFrame(rows)
    table.attrs.update(frame_interval=2.0, space_units="micron", time_units="sec")
    return table


def _links(tracks):
    positions = tracks.spots.set_index("ID")[["FRAME", "POSITION_X", "POSITION_Y"]]
    return sorted(tuple(positions.loc[s]) + tuple(positions.loc[t])
                  for s, t in zip(tracks.edges["SPOT_SOURCE_ID"], tracks.edges["SPOT_TARGET_ID"]))


def test_frames_given_in_any_order_track_as_the_whole_table(jvm, tmp_path):  # noqa: F811
    from volltrack.tracking import track
    from volltrack.tracking.stream import SpotStream
    from volltrack.trackmate import read_xml

    table = _cells()
    whole = track(table, SETTINGS, xml_path=tmp_path / "whole.xml", progress=False)
    stream = SpotStream()
    frames = [int(f) for f in np.random.default_rng(5).permutation(sorted(table["FRAME"].unique()))]
    for frame in frames:
        stream.add(frame, table[table["FRAME"] == frame])
    stream.add(99, table.iloc[:0])                     # an empty frame adds nothing
    assert (stream.pieces, stream.spots) == (len(frames), len(table))
    streamed = stream.track(SETTINGS, attrs=table.attrs, xml_path=tmp_path / "streamed.xml", progress=False)
    assert len(whole.edges) > 30 and int(whole.tracks["NUMBER_SPLITS"].sum()) == 1
    assert _links(streamed) == _links(whole)
    pd.testing.assert_frame_equal(streamed.spots, whole.spots)
    pd.testing.assert_frame_equal(streamed.edges, whole.edges)
    pd.testing.assert_frame_equal(streamed.tracks, whole.tracks)
    a, b = read_xml(tmp_path / "whole.xml"), read_xml(tmp_path / "streamed.xml")
    assert len(a.spots) == len(b.spots) and _links(a) == _links(b)
    assert b.settings["image_data"] == a.settings["image_data"]


def test_a_bad_piece_is_refused_naming_it(jvm):  # noqa: F811
    from volltrack.tracking.stream import SpotStream

    table = _cells()
    stream = SpotStream()
    stream.add(0, table[table["FRAME"] == 0])
    with pytest.raises(ValueError, match="piece 0 was already added"):
        stream.add(0, table[table["FRAME"] == 0])
    bad = table[table["FRAME"] == 1].copy()
    bad.loc[bad.index[0], "POSITION_X"] = np.nan
    with pytest.raises(ValueError, match="spot table piece 1: .*POSITION_X"):
        stream.add(1, bad)
    with pytest.raises(ValueError, match="nothing to track"):
        SpotStream().track(SETTINGS, progress=False)


def _label_movie(path, n_frames, shape):
    """Five cells moving one voxel a frame, as an OME-Zarr label movie; a raw movie of the same shape beside it."""
    from volltrack.io.ngff import create_movie, write_frame

    create_movie(path, (n_frames, *shape), np.uint16)
    raw = path.with_name("raw.ome.zarr")
    create_movie(raw, (n_frames, *shape), np.float32)
    for t in range(n_frames):
        frame = np.zeros(shape, np.uint16)
        for label in range(1, 6):
            y, x = 4 + 9 * (label - 1) + t // 2, 6 + t
            frame[1:3, y:y + 4, x:x + 4] = label
        write_frame(path, t, frame)
        write_frame(raw, t, 100.0 + 50.0 * (frame > 0))
    return path


@pytest.mark.slow
def test_spot_tasks_feed_the_tracker_as_they_finish(jvm, tmp_path):  # noqa: F811
    """``local:2``: each frame's spot table goes to the tracker when its task finishes; the tracks equal those of
    the spot table written to CSV and read back (the single-process path of ``volltrack track``)."""
    from volltrack.cluster import open_cluster
    from volltrack.cluster.spots import compute_spots_on_cluster
    from volltrack.spots import read_spots_csv, write_spots_csv
    from volltrack.tracking import track
    from volltrack.tracking.stream import SpotStream

    n_frames, shape = 8, (4, 48, 48)
    path = _label_movie(tmp_path / "labels.ome.zarr", n_frames, shape)
    stream, arrivals = SpotStream(), []

    def feed(frame, table):
        arrivals.append(frame)
        stream.add(frame, table)

    with open_cluster("local:2", quiet=True) as client:
        table = compute_spots_on_cluster(client, path, n_frames=n_frames, movie_shape=(n_frames, *shape),
                                         on_frame=feed)
    assert sorted(arrivals) == list(range(n_frames)) and stream.spots == len(table) == 5 * n_frames
    write_spots_csv(table, tmp_path / "spots.csv")
    from volltrack.spots.spot_csv import read_spots_attrs

    streamed = stream.track(SETTINGS, attrs=read_spots_attrs(tmp_path / "spots.csv"), progress=False)
    expected = track(read_spots_csv(tmp_path / "spots.csv"), SETTINGS, progress=False)
    assert len(expected.tracks) == 5 and _links(streamed) == _links(expected)
    pd.testing.assert_frame_equal(streamed.spots, expected.spots)
    pd.testing.assert_frame_equal(streamed.edges, expected.edges)


@pytest.mark.slow
def test_a_cluster_run_tracks_the_spots_the_tasks_streamed(jvm, tmp_path):  # noqa: F811
    """The spots and track stages of ``volltrack run --cluster``: each frame's spots go to the engine and to
    spots.csv (in frame order) as its task finishes -- the same spots.csv as one process writes --, the track stage
    uses what the engine took in (not spots.csv), and its tracks.xml equals the one-process run's."""
    from volltrack.cluster import open_cluster
    from volltrack.pipeline.config import RunConfig
    from volltrack.pipeline.run import RunInputs, _spots, _track
    from volltrack.tracking.stream import SpotStream
    from volltrack.trackmate import read_xml

    n_frames, shape = 6, (4, 48, 48)
    labels = _label_movie(tmp_path / "labels.ome.zarr", n_frames, shape)
    inputs, config = RunInputs(raw=tmp_path / "raw.ome.zarr"), RunConfig()
    config.tracking = config.tracking.updated(SETTINGS)
    meta = {"calibration": (2.0, 0.5, 0.5), "frame_interval": 1.0, "axes": "TZYX", "shape": (n_frames, *shape)}
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    _spots(inputs, config, labels, one / "spots.csv", meta)
    _track(config, one / "spots.csv", one / "tracks.xml")
    stream = SpotStream()
    with open_cluster("local:2", quiet=True) as client:
        _spots(inputs, config, labels, two / "spots.csv", meta, client, stream)
    assert stream.pieces == n_frames and stream.attrs["spot_table"] == str(two / "spots.csv")
    # spots.csv written frame by frame as the tasks finished: the file of the one-process table
    assert (two / "spots.csv").read_text() == (one / "spots.csv").read_text()
    assert json.loads((two / "spots.csv.json").read_text()) == json.loads((one / "spots.csv.json").read_text())
    (two / "spots.csv").write_text("not read by the track stage\n")     # the stream holds the spots
    summary = _track(config, two / "spots.csv", two / "tracks.xml", stream)
    assert summary["tracks"] == 5
    a, b = read_xml(one / "tracks.xml"), read_xml(two / "tracks.xml")
    assert _links(a) == _links(b) and len(a.edges) == 5 * (n_frames - 1)
    pd.testing.assert_frame_equal(a.spots.drop(columns=["name"], errors="ignore"),
                                  b.spots.drop(columns=["name"], errors="ignore"))
    assert {k: v for k, v in a.settings["image_data"].items() if k != "folder"} == \
        {k: v for k, v in b.settings["image_data"].items() if k != "folder"}
