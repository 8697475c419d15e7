"""Tests of volltrack.trackmate: round trips, the writer checklist of trackmate.md §6, hostile and broken XML."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import etree

from volltrack.trackmate import TrackMateXMLError, read_xml, write_xml
from volltrack.trackmate.declarations import VALID_DIMENSIONS

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "java/btrackmate/src/test/resources/trackmate"
DATA_DIR = Path(__file__).resolve().parent / "data" / "trackmate"


def _spots(rng, n_frames=4, per_frame=3, skip_frame=2):
    rows = []
    for frame in range(n_frames):
        if frame == skip_frame:
            continue
        for cell in range(per_frame):
            rows.append({"ID": 1000 + 10 * frame + cell, "FRAME": frame, "POSITION_X": cell * 10 + rng.random(),
                         "POSITION_Y": rng.random() * 5, "POSITION_Z": 2.0 * cell, "POSITION_T": frame * 5.0,
                         "RADIUS": 1.5, "QUALITY": float(rng.integers(10, 99)), "LABEL": cell + 1,
                         "MEAN_INTENSITY_CH1": np.nan if cell == 0 else rng.random(), "INSIDE_TISSUE": 1})
    return pd.DataFrame(rows)


def _chain_edges():
    """Cell 0: 1000 -> 1010 -> 1030 (gap over the empty frame 2); cell 1: 1011 -> 1001 given backwards."""
    return pd.DataFrame({"SPOT_SOURCE_ID": [1000, 1010, 1011], "SPOT_TARGET_ID": [1010, 1030, 1001],
                         "LINK_COST": [1.5, 2.25, 0.5], "TRACK_ID": [7, 7, 7]})


def _write(tmp_path, spots, edges=None, **kwargs):
    path = tmp_path / "out.xml"
    write_xml(path, spots, edges, space_units="micron", time_units="sec", **kwargs)
    return path


def test_round_trip_keeps_spots_edges_and_int_columns(tmp_path, rng):
    spots = _spots(rng)
    path = _write(tmp_path, spots, _chain_edges(), log="made by a test & <checked>")
    data = read_xml(path)
    assert data.version == "7.14.0" and (data.space_units, data.time_units) == ("micron", "sec")
    back = data.spots.set_index("ID").loc[spots["ID"]]
    for column in ("POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "QUALITY", "MEAN_INTENSITY_CH1"):
        np.testing.assert_array_equal(back[column].to_numpy(), spots[column].to_numpy())
    for column in ("FRAME", "LABEL", "INSIDE_TISSUE", "VISIBILITY"):
        assert back[column].dtype == np.int64
    assert back["name"].tolist() == [f"ID{i}" for i in spots["ID"]]
    assert data.frames == [0, 1, 2, 3]
    assert data.log == "made by a test & <checked>"
    edges = {(s, t) for s, t in zip(data.edges["SPOT_SOURCE_ID"], data.edges["SPOT_TARGET_ID"])}
    assert edges == {(1000, 1010), (1010, 1030), (1001, 1011)}


def test_writer_follows_the_trackmate_checklist(tmp_path, rng):
    path = _write(tmp_path, _spots(rng), _chain_edges(),
                  settings={"tracker": {"LINKING_MAX_DISTANCE": 15.0, "ALLOW_GAP_CLOSING": True, "MAX_FRAME_GAP": 2,
                                        "GAP_CLOSING_MAX_DISTANCE": 1e-5, "LINKING_FEATURE_PENALTIES": {"QUALITY": 1.0},
                                        "MIN_TRACKLET_LENGTH": 2}})
    root = etree.parse(str(path)).getroot()
    assert root.tag == "TrackMate" and root.get("version") == "7.14.0"
    model = root.find("Model")
    assert model.get("spatialunits") == "micron" and model.get("timeunits") == "sec"
    for feature in model.iter("Feature"):
        assert feature.get("dimension") in VALID_DIMENSIONS
    spot_decl = {f.get("feature"): f.get("isint") for f in model.find("FeatureDeclarations/SpotFeatures")}
    assert spot_decl["FRAME"] == spot_decl["VISIBILITY"] == spot_decl["LABEL"] == "true"
    assert [int(f.get("frame")) for f in model.iter("SpotsInFrame")] == [0, 1, 2, 3]
    assert len(model.find("AllSpots").findall("SpotsInFrame")[2]) == 0
    for spot in model.iter("Spot"):
        assert "." not in spot.get("FRAME") and spot.get("VISIBILITY") == "1" and "." not in spot.get("ID")
        assert int(spot.get("FRAME")) == int(spot.getparent().get("frame"))
    frames = {int(s.get("ID")): int(s.get("FRAME")) for s in model.iter("Spot")}
    tracks = model.find("AllTracks").findall("Track")
    assert len(tracks) == 2                     # two connected components although both edges said TRACK_ID 7
    for edge in model.iter("Edge"):
        assert frames[int(edge.get("SPOT_SOURCE_ID"))] < frames[int(edge.get("SPOT_TARGET_ID"))]
    assert sorted(t.get("TRACK_ID") for t in tracks) == sorted(
        t.get("TRACK_ID") for t in model.find("FilteredTracks"))
    settings = root.find("Settings")
    for required in ("ImageData", "InitialSpotFilter", "SpotFilterCollection", "TrackFilterCollection"):
        assert settings.find(required) is not None
    gap = settings.find("TrackerSettings/GapClosing")
    assert gap.get("GAP_CLOSING_MAX_DISTANCE") == "0.00001" and gap.get("MAX_FRAME_GAP") == "2"
    assert settings.find("TrackerSettings/Linking/FeaturePenalties").get("QUALITY") == "1.0"
    assert read_xml(path).settings["tracker"]["MIN_TRACKLET_LENGTH"] == 2


def test_roi_text_has_no_leading_whitespace_and_round_trips(tmp_path, rng):
    spots = _spots(rng, n_frames=1)
    spots["POSITION_Z"] = 0.0
    spots["ROI"] = [np.array([-1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0, 1.0]), None, None]
    path = _write(tmp_path, spots)
    text = path.read_text()
    assert 'ROI_N_POINTS="4">-1.0 -1.0 1.0' in text
    data = read_xml(path)
    roi = data.spots.set_index("ID").loc[1000, "ROI"]
    np.testing.assert_array_equal(np.array(roi.split(), float), spots["ROI"][0])
    assert data.spots.set_index("ID").loc[1000, "ROI_N_POINTS"] == 4


def test_spot_table_from_labels_writes_and_reads_back(tmp_path):
    from volltrack.spots import compute_spots

    labels = np.zeros((3, 2, 6, 6), np.uint16)
    labels[0, :, 1:3, 1:3] = 4
    labels[2, :, 2:4, 1:3] = 4
    spots = compute_spots(labels, calibration=(2.0, 0.5, 0.5), frame_interval=10.0)
    path = _write(tmp_path, spots, pd.DataFrame({"SPOT_SOURCE_ID": [0], "SPOT_TARGET_ID": [1]}))
    data = read_xml(path)
    assert data.frames == [0, 1, 2]
    assert data.settings["image_data"]["voxeldepth"] == 2.0 and data.settings["image_data"]["timeinterval"] == 10.0
    np.testing.assert_allclose(data.spots["POSITION_Y"], spots["POSITION_Y"])
    assert np.isnan(data.spots["DISTANCE_TO_BOUNDARY"]).all()


@pytest.mark.parametrize("edges, message", [
    ({"SPOT_SOURCE_ID": [1000], "SPOT_TARGET_ID": [5]}, "not in the spot table: 5"),
    ({"SPOT_SOURCE_ID": [1000], "SPOT_TARGET_ID": [1000]}, "self-loop"),
    ({"SPOT_SOURCE_ID": [1000, 1010], "SPOT_TARGET_ID": [1010, 1000]}, "duplicate edge"),
    ({"SPOT_SOURCE_ID": [1000]}, "missing column"),
])
def test_bad_edges_are_refused_and_nothing_is_written(tmp_path, rng, edges, message):
    path = tmp_path / "out.xml"
    path.write_text("previous content")
    with pytest.raises(ValueError, match=message):
        write_xml(path, _spots(rng), pd.DataFrame(edges), space_units="micron", time_units="sec")
    assert path.read_text() == "previous content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


@pytest.mark.parametrize("change, message", [
    (lambda s: s.drop(columns="POSITION_X"), "missing column"),
    (lambda s: s.assign(POSITION_Y=np.where(s.index == 1, np.nan, s.POSITION_Y)), "POSITION_Y is NaN"),
    (lambda s: s.assign(FRAME=np.where(s.index == 0, -1, s.FRAME)), "FRAME must be integers >= 0"),
    (lambda s: s.assign(ID=0), "duplicate ID"),
    (lambda s: s.assign(KIND="cell"), "not numeric"),
])
def test_bad_spots_are_refused(tmp_path, rng, change, message):
    with pytest.raises(ValueError, match=message):
        _write(tmp_path, change(_spots(rng)))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE TrackMate [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<TrackMate version="7.14.0"><Log>&lol9;</Log><Model><AllSpots/><AllTracks/><FilteredTracks/></Model></TrackMate>
"""


@pytest.mark.timeout(20)
def test_entity_expansion_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text(BILLION_LAUGHS)
    with pytest.raises(TrackMateXMLError, match="document type declaration") as info:
        read_xml(path)
    assert "bomb.xml" in str(info.value)


def test_external_entity_is_refused_and_nothing_leaks(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / "xxe.xml"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE TrackMate [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
                    '<TrackMate version="7.14.0"><Log>&xxe;</Log><Model spatialunits="a" timeunits="b">'
                    '<AllSpots/><AllTracks/><FilteredTracks/></Model></TrackMate>\n')
    with pytest.raises(TrackMateXMLError, match="DTDs and entities are refused") as info:
        read_xml(path)
    assert "TOP-SECRET" not in str(info.value)


def test_truncated_file_error_names_file_and_line(tmp_path, rng):
    path = _write(tmp_path, _spots(rng), _chain_edges())
    lines = path.read_text().splitlines(keepends=True)
    cut = tmp_path / "cut.xml"
    cut.write_text("".join(lines[:40]) + lines[40][:25])
    with pytest.raises(TrackMateXMLError, match=r"cut\.xml: not valid XML at line \d+"):
        read_xml(cut)


@pytest.mark.parametrize("text, message", [
    ('<?xml version="1.0"?><Tracks nTracks="0"/>', "not a TrackMate XML file"),
    ('<TrackMate version="7.14.0"><Log/></TrackMate>', "no <Model> element"),
    ('<TrackMate version="7.14.0"><Model/></TrackMate>', "no <AllSpots> element"),
    ('<TrackMate version="7.14.0"><Model><AllSpots><SpotsInFrame frame="0"><Spot ID="1" FRAME="0" '
     'POSITION_X="a1"/></SpotsInFrame></AllSpots></Model></TrackMate>', "POSITION_X='a1' is not a number"),
    ("", "not valid XML"),
])
def test_wrong_documents_get_clear_errors(tmp_path, text, message):
    path = tmp_path / "wrong.xml"
    path.write_text(text)
    with pytest.raises(TrackMateXMLError, match=message):
        read_xml(path)


def test_old_btrackmate_and_trackmate_3_files_are_read(tmp_path, rng):
    path = _write(tmp_path, _spots(rng), _chain_edges())
    old = path.read_text().replace('version="7.14.0"', 'version="2.0.0"')
    old = old.replace("<FeatureDeclarations>", "<FeatureDeclarations>\n<!-- old fork -->")
    for version in ("2.0.0", "3.7.0"):
        other = tmp_path / f"v{version}.xml"
        other.write_text(old.replace('version="2.0.0"', f'version="{version}"'))
        data = read_xml(other)
        assert data.version == version and len(data.spots) == 9 and len(data.edges) == 3


def test_missing_optional_elements_and_unknown_attributes_are_tolerated(tmp_path):
    path = tmp_path / "min.xml"
    path.write_text('<TrackMate version="unknown"><Model spatialunits="pixel" timeunits="frame"><AllSpots>'
                    '<SpotsInFrame frame="0"><Spot ID="3" FRAME="0" POSITION_X="NaN" POSITION_Y="Infinity" '
                    'EXTRA="1.0E-5" /></SpotsInFrame></AllSpots></Model></TrackMate>')
    data = read_xml(path)
    spot = data.spots.iloc[0]
    assert spot["name"] == "ID3" and np.isnan(spot["POSITION_X"]) and spot["POSITION_Y"] == np.inf
    assert spot["EXTRA"] == 1e-5 and data.edges.empty and data.tracks.empty and data.settings == {}


def _reference_files():
    laptrack = sorted(REFERENCE_DIR.glob("*.xml")) if REFERENCE_DIR.is_dir() else []
    return laptrack + sorted(DATA_DIR.glob("*.xml"))


@pytest.mark.skipif(not _reference_files(), reason=f"no reference TrackMate files in {REFERENCE_DIR} "
                                                   "(committed by the engine branch)")
@pytest.mark.parametrize("path", _reference_files(), ids=lambda p: p.name)
def test_real_trackmate_files_read_and_rewrite_identically(tmp_path, path):
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()
    data = read_xml(path)
    assert data.version == root.get("version")
    assert len(data.spots) == len(list(root.iter("Spot"))) and len(data.edges) == len(list(root.iter("Edge")))
    assert sorted(data.filtered_track_ids) == sorted(int(t.get("TRACK_ID")) for t in root.iter("TrackID"))
    first = next(root.iter("Spot"))
    row = data.spots.set_index("ID").loc[int(first.get("ID"))]
    assert row["POSITION_X"] == float(first.get("POSITION_X")) and row["FRAME"] == int(first.get("FRAME"))
    out = tmp_path / "again.xml"
    write_xml(out, data.spots, data.edges, data.tracks, space_units=data.space_units, time_units=data.time_units,
              settings=data.settings, log=data.log, filtered_track_ids=data.filtered_track_ids,
              feature_declarations=data.feature_declarations)
    again = read_xml(out)
    key = ["SPOT_SOURCE_ID", "SPOT_TARGET_ID"]
    pd.testing.assert_frame_equal(again.edges.sort_values(key).reset_index(drop=True)[key + ["LINK_COST"]],
                                  data.edges.sort_values(key).reset_index(drop=True)[key + ["LINK_COST"]])
    assert again.settings["tracker"] == data.settings["tracker"]


def test_spots_with_different_attributes_and_orders_across_chunks():
    from volltrack.trackmate.attribute_table import AttributeTable

    table = AttributeTable(string_columns=("name",), chunk_size=2)
    rows = [{"ID": "1", "name": "a", "X": "1.5"}, {"X": "2.5", "ID": "2", "name": "b"},
            {"ID": "3", "name": "c", "X": "NaN", "Q": "Infinity"}, {"ID": "4", "Q": "7", "name": "d"},
            {"ID": "5", "name": "e", "X": "-1E-5"}]
    for row in rows:
        table.add(row)
    frame = table.to_frame()
    assert list(frame.columns) == ["ID", "name", "X", "Q"]
    assert frame["ID"].tolist() == [1, 2, 3, 4, 5] and frame["name"].tolist() == list("abcde")
    np.testing.assert_array_equal(frame["X"], [1.5, 2.5, np.nan, np.nan, -1e-5])
    np.testing.assert_array_equal(frame["Q"], [np.nan, np.nan, np.inf, 7.0, np.nan])


def test_reader_handles_many_frames_beyond_one_chunk(tmp_path, rng):
    n = 20000
    spots = pd.DataFrame({"FRAME": np.arange(n) // 100, "POSITION_X": rng.random(n), "POSITION_Y": rng.random(n)})
    spots.loc[::7, "EXTRA"] = 3.0
    edges = pd.DataFrame({"SPOT_SOURCE_ID": np.arange(n - 100), "SPOT_TARGET_ID": np.arange(100, n)})
    path = _write(tmp_path, spots, edges)
    data = read_xml(path)
    back = data.spots.sort_values("ID")
    np.testing.assert_array_equal(back["POSITION_X"], spots["POSITION_X"])
    np.testing.assert_array_equal(back["EXTRA"], spots["EXTRA"])
    assert len(data.tracks) == 100 and len(data.edges) == n - 100 and data.frames == list(range(200))


def test_trackmate_8_roi_spots_round_trip(tmp_path):
    path = DATA_DIR / "FakeTracks.xml"
    data = read_xml(path)
    assert data.version.startswith("8.0.0")
    with_roi = data.spots[data.spots["ROI_N_POINTS"] > 2]
    assert len(with_roi) > 0
    root = etree.parse(str(path)).getroot()
    first = next(s for s in root.iter("Spot") if s.text and s.text.strip())
    row = data.spots.set_index("ID").loc[int(first.get("ID"))]
    np.testing.assert_array_equal(np.array(row["ROI"].split(), float), np.array(first.text.split(), float))
    out = tmp_path / "again.xml"
    write_xml(out, data.spots, data.edges, data.tracks, space_units=data.space_units, time_units=data.time_units,
              settings=data.settings, feature_declarations=data.feature_declarations)
    again = read_xml(out).spots.set_index("ID").loc[with_roi["ID"]]
    assert again["ROI"].tolist() == with_roi.set_index("ID")["ROI"].tolist()
    assert (again["ROI_N_POINTS"] == with_roi.set_index("ID")["ROI_N_POINTS"]).all()


def test_edges_outside_tracks_get_nan_track_id(tmp_path):
    path = tmp_path / "loose.xml"
    path.write_text('<TrackMate version="7.14.0"><Model><AllSpots><SpotsInFrame frame="0"><Spot ID="1" FRAME="0" '
                    'POSITION_X="0" POSITION_Y="0"/></SpotsInFrame><SpotsInFrame frame="1"><Spot ID="2" FRAME="1" '
                    'POSITION_X="1" POSITION_Y="0"/></SpotsInFrame></AllSpots><AllTracks>'
                    '<Edge SPOT_SOURCE_ID="1" SPOT_TARGET_ID="2"/><Track name="T" TRACK_ID="4">'
                    '<Edge SPOT_SOURCE_ID="2" SPOT_TARGET_ID="1"/></Track></AllTracks><FilteredTracks/></Model>'
                    '</TrackMate>')
    edges = read_xml(path).edges
    assert np.isnan(edges["TRACK_ID"].iloc[0]) and edges["TRACK_ID"].iloc[1] == 4


def test_spots_of_an_edge_outside_every_track_have_no_track_id(tmp_path):
    """A loose edge's NaN TRACK_ID is not cast to an integer: its spots keep -1 (was the smallest int64)."""
    path = tmp_path / "loose.xml"
    path.write_text('<TrackMate version="7.14.0"><Model><AllSpots><SpotsInFrame frame="0"><Spot ID="1" FRAME="0" '
                    'POSITION_X="0" POSITION_Y="0"/><Spot ID="3" FRAME="0" POSITION_X="9" POSITION_Y="0"/>'
                    '</SpotsInFrame><SpotsInFrame frame="1"><Spot ID="2" FRAME="1" POSITION_X="1" POSITION_Y="0"/>'
                    '<Spot ID="4" FRAME="1" POSITION_X="9" POSITION_Y="1"/></SpotsInFrame></AllSpots><AllTracks>'
                    '<Edge SPOT_SOURCE_ID="3" SPOT_TARGET_ID="4"/><Track name="T" TRACK_ID="4">'
                    '<Edge SPOT_SOURCE_ID="1" SPOT_TARGET_ID="2"/></Track></AllTracks><FilteredTracks/></Model>'
                    '</TrackMate>')
    data = read_xml(path)
    assert data.spot_track_ids.to_dict() == {1: 4, 2: 4, 3: -1, 4: -1}
