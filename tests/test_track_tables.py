"""One track-tables type: what ``read_xml`` returns is what a tracking run returns (issue 20, item 1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from volltrack.trackmate import TrackMateData, read_xml
from volltrack.trackmate.tables import spot_track_ids

DATA = Path(__file__).parent / "data" / "trackmate"


def test_tracks_and_trackmate_data_are_one_type():
    from volltrack.tracking import Tracks

    assert Tracks is TrackMateData
    assert type(read_xml(DATA / "FakeTracks.xml")) is Tracks


def test_spot_track_ids_of_a_file_follow_its_edges():
    data = read_xml(DATA / "FakeTracks.xml")
    ids = data.spot_track_ids
    assert ids.index.tolist() == data.spots["ID"].astype(int).tolist() and ids.name == "TRACK_ID"
    for end in ("SPOT_SOURCE_ID", "SPOT_TARGET_ID"):
        assert (ids.loc[data.edges[end].astype(int)].to_numpy() == data.edges["TRACK_ID"].to_numpy()).all()
    linked = set(data.edges["SPOT_SOURCE_ID"]) | set(data.edges["SPOT_TARGET_ID"])
    assert (ids[~ids.index.isin(list(linked))] == -1).all()
    assert data.tracker_settings == data.settings["tracker"] and data.tracker_settings


def test_spot_track_ids_without_edges_and_with_unknown_ends():
    spots = pd.DataFrame({"ID": [7, 3, 5]})
    edges = pd.DataFrame({"SPOT_SOURCE_ID": [3, 99], "SPOT_TARGET_ID": [5, 7], "TRACK_ID": [0, 1]})
    assert spot_track_ids(spots, edges).tolist() == [1, 0, 0]
    assert spot_track_ids(spots, edges.iloc[:0]).tolist() == [-1, -1, -1]
    empty = TrackMateData(spots.iloc[:0], edges.iloc[:0], pd.DataFrame(), [])
    assert empty.spot_track_ids.empty and repr(empty) == "TrackMateData(0 spots, 0 edges, 0 tracks, units None/None)"


def test_a_run_parses_its_tracks_xml_once(tmp_path, monkeypatch):
    import shutil

    import volltrack.trackmate as trackmate
    from volltrack.pipeline.run import parsed_tracks

    calls = []
    real = trackmate.read_xml
    monkeypatch.setattr(trackmate, "read_xml", lambda path: calls.append(path) or real(path))
    xml = tmp_path / "tracks.xml"
    shutil.copyfile(DATA / "FakeTracks.xml", xml)
    first = parsed_tracks(xml)
    assert parsed_tracks(xml) is first and len(calls) == 1            # the analysis and evaluation stages
    shutil.copyfile(DATA / "Celegans-5pc-17timepoints.xml", xml)      # tracking ran again: the file changed
    assert parsed_tracks(xml) is not first and len(calls) == 2
