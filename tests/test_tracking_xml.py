"""TrackMate XML interchange: Python-written files load in the Java reader, Java-written ones in read_xml."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tracking_jvm import jvm  # noqa: F401 -- session fixture

from volltrack import trackmate

REFERENCE = (Path(__file__).resolve().parents[1] / "java" / "btrackmate" / "src" / "test" / "resources"
             / "trackmate" / "trackmate_tracks_with_splitting.xml")


def _java_model(jvm, path: Path):
    """Read ``path`` with the engine's reader; return (spots {id: (frame, x, y, z)}, edges {(s, t): cost},
    visible track IDs, the Java file object)."""
    reader = jvm("org.volltrack.btrackmate.xml.TrackMateXmlReader")
    paths = jvm("java.nio.file.Paths")
    file = reader.read(paths.get(str(path)))
    model = file.model
    spots = {int(s.getId()): (int(s.frame()), float(s.getDoublePosition(0)), float(s.getDoublePosition(1)),
                              float(s.getDoublePosition(2))) for s in model.getSpots().all(False)}
    graph = model.getGraph()
    edges = {}
    for edge in graph.edgeSet():
        a, b = graph.getEdgeSource(edge), graph.getEdgeTarget(edge)
        if a.frame() > b.frame():
            a, b = b, a
        edges[(int(a.getId()), int(b.getId()))] = float(graph.getEdgeWeight(edge))
    visible = sorted(int(i) for i in model.getTrackModel().trackIDs(True))
    return spots, edges, visible, file


def _python_tracks(rng: np.random.Generator):
    """Two tracks over 4 frames, one of which divides at frame 2."""
    rows, edges = [], []
    positions = {0: [(5.0, 5.0)], 1: [(5.5, 5.2)], 2: [(4.0, 5.0), (7.0, 5.5)], 3: [(3.5, 5.0), (7.5, 6.0)]}
    for t, cells in positions.items():
        for x, y in cells:
            rows.append((len(rows) + 100, t, x, y))
    for t, cells in positions.items():
        for x, y in cells:
            rows.append((len(rows) + 100, t, x + 50.0, y + 50.0))
    spots = pd.DataFrame(rows, columns=["ID", "FRAME", "POSITION_X", "POSITION_Y"])
    spots["POSITION_Z"] = rng.uniform(0, 3, len(spots))
    spots["POSITION_T"] = spots["FRAME"] * 2.0
    spots["RADIUS"], spots["QUALITY"], spots["VISIBILITY"] = 2.0, 10.0, 1
    spots.insert(1, "name", [f"ID{i}" for i in spots["ID"]])
    links = [(100, 101, 0), (101, 102, 0), (101, 103, 0), (102, 104, 0), (103, 105, 0),
             (106, 107, 1), (107, 108, 1), (108, 110, 1)]
    for source, target, track_id in links:
        a = spots.set_index("ID").loc[source]
        b = spots.set_index("ID").loc[target]
        cost = float((a.POSITION_X - b.POSITION_X) ** 2 + (a.POSITION_Y - b.POSITION_Y) ** 2
                     + (a.POSITION_Z - b.POSITION_Z) ** 2)
        edges.append((track_id, source, target, cost))
    edges = pd.DataFrame(edges, columns=["TRACK_ID", "SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"])
    tracks = pd.DataFrame({"name": ["Track_0", "Track_1"], "TRACK_ID": [0, 1]})
    return spots, edges, tracks


def test_python_written_xml_loads_in_the_java_reader(jvm, rng, tmp_path):
    spots, edges, tracks = _python_tracks(rng)
    path = tmp_path / "python.xml"
    trackmate.write_xml(path, spots, edges, tracks, space_units="micron", time_units="sec")
    java_spots, java_edges, visible, file = _java_model(jvm, path)
    assert set(java_spots) == set(spots["ID"])
    for row in spots.itertuples():
        frame, x, y, z = java_spots[row.ID]
        assert (frame, x, y, z) == (row.FRAME, row.POSITION_X, row.POSITION_Y, pytest.approx(row.POSITION_Z))
    expected = {(int(s), int(t)): c for s, t, c in edges[["SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"]]
                .itertuples(index=False)}
    assert set(java_edges) == set(expected)
    assert all(java_edges[key] == pytest.approx(expected[key]) for key in expected)
    assert visible == [0, 1]
    assert str(file.model.getSpaceUnits()) == "micron"


def test_java_written_xml_loads_in_read_xml(jvm, tmp_path):
    java_spots, java_edges, visible, file = _java_model(jvm, REFERENCE)
    writer = jvm("org.volltrack.btrackmate.xml.TrackMateXmlWriter")
    out = tmp_path / "java.xml"
    writer.write(file, jvm("java.nio.file.Paths").get(str(out)))
    data = trackmate.read_xml(out)
    assert set(data.spots["ID"].astype(int)) == set(java_spots)
    for row in data.spots.itertuples():
        frame, x, y, z = java_spots[int(row.ID)]
        assert (int(row.FRAME), row.POSITION_X, row.POSITION_Y, row.POSITION_Z) == (frame, x, y, z)
    python_edges = {(int(s), int(t)): c for s, t, c in
                    data.edges[["SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"]].itertuples(index=False)}
    assert set(python_edges) == set(java_edges)
    assert all(python_edges[key] == pytest.approx(java_edges[key]) for key in java_edges)
    assert sorted(int(i) for i in data.filtered_track_ids) == visible
    assert len(visible) > 0 and len(java_edges) > 10


def test_engine_tracks_rewritten_by_python_load_in_java_unchanged(jvm, rng, tmp_path):
    from test_tracking_bridge import HARD_SETTINGS, dividing_cells
    from volltrack.tracking import track

    tracks = track(dividing_cells(rng), HARD_SETTINGS, progress=False)
    path = tmp_path / "rewritten.xml"
    trackmate.write_xml(path, tracks.spots, tracks.edges, tracks.tracks, space_units=tracks.space_units,
                        time_units=tracks.time_units, settings=tracks.settings)
    java_spots, java_edges, visible, _ = _java_model(jvm, path)
    assert set(java_spots) == set(tracks.spots["ID"])
    expected = {(int(s), int(t)): c for s, t, c in
                tracks.edges[["SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"]].itertuples(index=False)}
    assert set(java_edges) == set(expected)
    assert all(java_edges[key] == pytest.approx(expected[key], rel=1e-12) for key in expected)
    assert visible == sorted(tracks.filtered_track_ids)


def _number_or_text(text: str):
    try:
        value = float(text)
    except ValueError:
        return text
    return "NaN" if value != value else value


def _xml_content(path: Path) -> dict:
    """What a TrackMate XML says about the model and the tracker, read with lxml alone (not our reader): numbers
    compared as numbers, attribute and declaration order kept."""
    from lxml import etree

    root = etree.parse(str(path)).getroot()

    def attributes(element):
        return [(key, _number_or_text(value)) for key, value in element.attrib.items()]

    model = root.find("Model")
    return {
        "units": dict(model.attrib),
        "declarations": {kind.tag: [dict(f.attrib) for f in kind] for kind in model.find("FeatureDeclarations")},
        "spots": {frame.get("frame"): sorted(attributes(s) for s in frame) for frame in model.find("AllSpots")},
        "nspots": model.find("AllSpots").get("nspots"),
        "tracks": {t.get("TRACK_ID"): (attributes(t), sorted(attributes(e) for e in t))
                   for t in model.find("AllTracks")},
        "filtered": [t.get("TRACK_ID") for t in model.find("FilteredTracks")],
        "tracker": etree.tostring(root.find("Settings/TrackerSettings"), method="c14n"),
        "engine": attributes(root.find("Settings/BTrackmateSettings")),
    }


def test_python_and_java_writers_write_the_same_model_of_one_movie(jvm, tmp_path):
    """The engine's XML writer (Java) and ``trackmate.write_xml`` (Python, used by the napari writer) give the same
    spots, edges, tracks, feature declarations and tracker settings for the tracks of one small simulated movie."""
    from volltrack.spots import compute_spots
    from volltrack.synthetic import simulate_tissue
    from volltrack.tracking import track

    movie = simulate_tissue(n_frames=4, shape=(8, 48, 48), n_cells=10, seed=2)
    spots = compute_spots(movie.labels, raw=movie.raw, mask=movie.tissue_mask, calibration=movie.calibration,
                          frame_interval=movie.frame_interval)
    settings = {"LINKING_MAX_DISTANCE": 8.0, "ALLOW_TRACK_SPLITTING": True, "SPLITTING_MAX_DISTANCE": 8.0,
                "MIN_TRACKLET_LENGTH": 2, "PRUNE_MODE": "TRACK"}
    tracks = track(spots, settings, xml_path=tmp_path / "java.xml", progress=False)
    trackmate.write_xml(tmp_path / "python.xml", tracks.spots, tracks.edges, tracks.tracks,
                        space_units=tracks.space_units, time_units=tracks.time_units, settings=tracks.settings,
                        filtered_track_ids=tracks.filtered_track_ids)
    java, python = _xml_content(tmp_path / "java.xml"), _xml_content(tmp_path / "python.xml")
    assert len(java["tracks"]) > 5 and int(java["nspots"]) == len(spots)
    for part in java:
        assert python[part] == java[part], part
    assert ("PRUNE_MODE", "TRACK") in java["engine"]
    # and both read back with the same tracker settings as the run's, the engine's own keys included
    for path in ("java.xml", "python.xml"):
        assert trackmate.read_xml(tmp_path / path).tracker_settings == tracks.settings["tracker"], path
