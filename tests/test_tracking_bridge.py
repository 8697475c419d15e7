"""volltrack.tracking.track: input validation, and the engine through the array bridge."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracking_jvm import jvm  # noqa: F401 -- session fixture
from volltrack.tracking import TrackerSettings, track


def moving_cells(rng: np.random.Generator, *, n_cells: int = 6, n_frames: int = 5) -> pd.DataFrame:
    """Cells on a coarse grid that drift a little each frame (links are unambiguous)."""
    rows = []
    start = np.stack(np.meshgrid(np.arange(n_cells) * 20.0, [0.0], indexing="ij"), -1).reshape(-1, 2)
    for t in range(n_frames):
        for cell, (x, y) in enumerate(start):
            dx, dy, dz = rng.normal(0, 0.5, 3)
            rows.append({"ID": len(rows), "FRAME": t, "POSITION_X": x + t * 2.0 + dx,
                         "POSITION_Y": y + 5.0 + dy, "POSITION_Z": 3.0 + dz, "RADIUS": 2.0,
                         "QUALITY": 100.0 + cell, "LABEL": cell + 1, "MEAN_INTENSITY_CH1": 10.0 * (cell + 1)})
    table = pd.DataFrame(rows)
    table.attrs.update(frame_interval=2.5, space_units="micron", time_units="sec")
    return table


def test_nan_position_is_a_clear_error(rng):
    spots = moving_cells(rng)
    spots.loc[3, "POSITION_Y"] = np.nan
    with pytest.raises(ValueError, match=r"POSITION_Y.*NaN.*rows \[3\]"):
        track(spots, progress=False)


def test_empty_table_is_a_clear_error(rng):
    with pytest.raises(ValueError, match="empty"):
        track(moving_cells(rng).iloc[:0], progress=False)


def test_missing_column_and_bad_frame_are_clear_errors(rng):
    with pytest.raises(ValueError, match="missing column 'POSITION_X'"):
        track(moving_cells(rng).drop(columns="POSITION_X"), progress=False)
    spots = moving_cells(rng).astype({"FRAME": float})
    spots.loc[0, "FRAME"] = 1.5
    with pytest.raises(ValueError, match="FRAME"):
        track(spots, progress=False)
    spots = moving_cells(rng)
    spots.loc[1, "ID"] = spots.loc[0, "ID"]
    with pytest.raises(ValueError, match="duplicate spot IDs"):
        track(spots, progress=False)


def test_bad_settings_are_clear_errors(rng):
    with pytest.raises(ValueError, match="LINKING_MAX_DSTANCE"):
        track(moving_cells(rng), {"LINKING_MAX_DSTANCE": 5.0}, progress=False)
    with pytest.raises(ValueError, match="LINKING_MAX_DISTANCE"):
        track(moving_cells(rng), {"LINKING_MAX_DISTANCE": "abc"}, progress=False)
    with pytest.raises(ValueError, match="backend"):
        track(moving_cells(rng), backend="matlab", progress=False)


def test_track_command_rejects_bad_set_syntax(tmp_path, capsys):
    from volltrack.cli import main

    csv = tmp_path / "spots.csv"
    csv.write_text("FRAME,POSITION_X,POSITION_Y\n0,1,1\n")
    assert main(["track", str(csv), "--set", "LINKING_MAX_DISTANCE", "--out", str(tmp_path / "t.xml")]) == 1
    assert "KEY=VALUE" in capsys.readouterr().err
    assert main(["track", str(csv), "--set", "NOPE=1", "--out", str(tmp_path / "t.xml")]) == 1
    assert "NOPE" in capsys.readouterr().err
    assert not (tmp_path / "t.xml").exists()


class _FakeResult:
    """Stands in for org.volltrack.btrackmate.bridge.TrackingResult (same accessors, numpy arrays)."""

    def spotIds(self): return np.array([5, 6, 7, 8], np.int32)             # noqa: E704
    def spotVisibility(self): return np.array([1, 1, 1, 0], np.int32)      # noqa: E704
    def spotTrackIds(self): return np.array([3, 3, 3, -1], np.int32)       # noqa: E704
    def edgeSources(self): return np.array([5, 6], np.int32)               # noqa: E704
    def edgeTargets(self): return np.array([6, 7], np.int32)               # noqa: E704
    def edgeCosts(self): return np.array([0.25, 1.0])                      # noqa: E704
    def edgeFeatureNames(self): return ["SPEED"]                            # noqa: E704
    def edgeFeatureValues(self): return [np.array([0.2, 0.4])]              # noqa: E704
    def trackIds(self): return np.array([3], np.int32)                     # noqa: E704
    def trackVisible(self): return np.array([True])                        # noqa: E704
    def trackNames(self): return ["Track_0"]                                # noqa: E704
    def trackFeatureNames(self): return ["NUMBER_SPOTS", "TRACK_DURATION"]  # noqa: E704
    def trackFeatureValues(self): return [np.array([3.0]), np.array([5.0])]  # noqa: E704
    def spotFeatureNames(self): return ["FRAME", "POSITION_X"]              # noqa: E704
    def spotFeatureValues(self): return [np.array([0.0, 1, 2, 2]), np.array([1.0, 2, 3, 9])]  # noqa: E704


def test_result_arrays_become_read_xml_style_tables():
    from volltrack.tracking.tracks import tracks_from_result

    tracks = tracks_from_result(_FakeResult(), settings={}, space_units="micron", time_units="sec")
    assert list(tracks.spots.columns[:2]) == ["ID", "name"] and tracks.spots["name"].iloc[0] == "ID5"
    assert tracks.spots["FRAME"].dtype.kind == "i" and tracks.spots["VISIBILITY"].tolist() == [1, 1, 1, 0]
    assert tracks.edges[["TRACK_ID", "SPOT_SOURCE_ID", "SPOT_TARGET_ID"]].values.tolist() == [[3, 5, 6], [3, 6, 7]]
    assert tracks.edges["SPEED"].tolist() == [0.2, 0.4]
    assert tracks.tracks.to_dict("list") == {"name": ["Track_0"], "TRACK_ID": [3], "NUMBER_SPOTS": [3],
                                             "TRACK_DURATION": [5.0]}
    assert tracks.filtered_track_ids == [3] and tracks.spot_track_ids.loc[8] == -1
    assert tracks.edge_set() == {(5, 6), (6, 7)}


def dividing_cells(rng: np.random.Generator, *, n_cells: int = 25, n_frames: int = 8) -> pd.DataFrame:
    """Random walks in a 3D box with divisions and missed detections (for split/gap/merge decisions)."""
    cells = [np.append(rng.uniform([0, 0, 0], [100, 100, 20]), rng.uniform(50, 150)) for _ in range(n_cells)]
    rows = []
    for t in range(n_frames):
        born = []
        for cell in cells:
            cell[:3] += rng.normal(0, 1.5, 3)
            if rng.random() < 0.06:
                born.append(np.append(cell[:3] + rng.normal(0, 2.0, 3), cell[3] * rng.uniform(0.8, 1.2)))
            if rng.random() >= 0.06:
                rows.append((t, *cell[:3], 2.0 + cell[3] / 100, cell[3]))
        cells.extend(born)
    table = pd.DataFrame(rows, columns=["FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z", "RADIUS", "QUALITY"])
    table.insert(0, "ID", np.arange(len(table)) * 3 + 7)
    table["MEAN_INTENSITY_CH1"] = rng.uniform(10, 20, len(table))
    table.attrs.update(frame_interval=1.0, space_units="micron", time_units="sec")
    return table


HARD_SETTINGS = {"LINKING_MAX_DISTANCE": 6.0, "GAP_CLOSING_MAX_DISTANCE": 8.0, "MAX_FRAME_GAP": 2,
                 "ALLOW_TRACK_SPLITTING": True, "SPLITTING_MAX_DISTANCE": 6.0, "ALLOW_TRACK_MERGING": True,
                 "MERGING_MAX_DISTANCE": 5.0, "LINKING_FEATURE_PENALTIES": {"QUALITY": 0.3}}


def _costs(edges: pd.DataFrame) -> dict[tuple[int, int], float]:
    return {(int(s), int(t)): float(c) for s, t, c in
            edges[["SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"]].itertuples(index=False)}


def test_bridge_links_drifting_cells_with_squared_distance_costs(jvm, rng, tmp_path):
    from volltrack.trackmate import read_xml

    spots = moving_cells(rng)
    tracks = track(spots, {"LINKING_MAX_DISTANCE": 10}, xml_path=tmp_path / "t.xml", progress=False)
    by_id = spots.set_index("ID")
    expected = {(i, i + 6) for i in range(24)}
    assert tracks.edge_set() == expected
    for (source, target), cost in _costs(tracks.edges).items():
        d2 = sum((by_id.loc[source, k] - by_id.loc[target, k]) ** 2 for k in ("POSITION_X", "POSITION_Y", "POSITION_Z"))
        assert cost == pytest.approx(d2, rel=1e-12)
    assert len(tracks.tracks) == 6 and sorted(tracks.filtered_track_ids) == sorted(tracks.tracks["TRACK_ID"])
    assert (tracks.spots["POSITION_T"] == tracks.spots["FRAME"] * 2.5).all()
    assert tracks.spots.set_index("ID").loc[5, "MEAN_INTENSITY_CH1"] == by_id.loc[5, "MEAN_INTENSITY_CH1"]
    assert tracks.spots.set_index("ID").loc[5, "LABEL"] == 6
    written = read_xml(tmp_path / "t.xml")
    assert _costs(written.edges) == pytest.approx(_costs(tracks.edges))
    assert written.space_units == "micron" and written.time_units == "sec"


def test_bridge_equals_the_engine_command_line(jvm, rng, tmp_path):
    import json
    import subprocess

    from volltrack.tracking.engine_jar import find_engine_jar
    from volltrack.tracking.jvm import find_java_home
    from volltrack.trackmate import read_xml

    spots = dividing_cells(rng)
    bridged = track(spots, HARD_SETTINGS, progress=False)
    spots.to_csv(tmp_path / "spots.csv", index=False)
    (tmp_path / "settings.json").write_text(json.dumps(HARD_SETTINGS))
    java = find_java_home() / "bin" / "java"
    proc = subprocess.run([str(java), "-jar", str(find_engine_jar()), "track", "--spots", str(tmp_path / "spots.csv"),
                           "--settings", str(tmp_path / "settings.json"), "--calibration", "1,1,1,1",
                           "--out", str(tmp_path / "cli.xml")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    command_line = read_xml(tmp_path / "cli.xml")
    bridge_costs, cli_costs = _costs(bridged.edges), _costs(command_line.edges)
    assert set(bridge_costs) == set(cli_costs)
    assert all(bridge_costs[key] == pytest.approx(cli_costs[key], rel=1e-12) for key in cli_costs)
    assert (bridged.tracks["NUMBER_SPLITS"].sum() > 0) and (bridged.tracks["NUMBER_GAPS"].sum() > 0)
    assert len(bridged.tracks) == len(command_line.tracks)


def test_engine_errors_become_value_errors(jvm, rng):
    spots = moving_cells(rng)
    spots["RADIUS"] = -1.0
    with pytest.raises(ValueError, match="RADIUS must be a finite number > 0"):
        track(spots, progress=False)
    with pytest.raises(ValueError, match="no feature 'FOO'"):
        track(moving_cells(rng), {"LINKING_FEATURE_PENALTIES": {"FOO": 1.0}}, progress=False)


def test_track_command_writes_trackmate_xml(jvm, rng, tmp_path, capsys):
    from volltrack.cli import main
    from volltrack.spots import write_spots_csv
    from volltrack.trackmate import read_xml

    spots = moving_cells(rng)
    spots.attrs["calibration"] = (1.0, 1.0, 1.0)
    write_spots_csv(spots, tmp_path / "spots.csv")
    (tmp_path / "s.yaml").write_text("LINKING_MAX_DISTANCE: 3\n")
    out = tmp_path / "tracks.xml"
    assert main(["track", str(tmp_path / "spots.csv"), "--settings", str(tmp_path / "s.yaml"),
                 "--set", "LINKING_MAX_DISTANCE=10", "--set", "MIN_TRACKLET_LENGTH=2", "--no-progress",
                 "--out", str(out)]) == 0
    assert "24 edges" in capsys.readouterr().out
    data = read_xml(out)
    assert len(data.edges) == 24 and len(data.tracks) == 6
    assert float(data.settings["tracker"]["LINKING_MAX_DISTANCE"]) == 10.0


def test_fiji_backend_is_dispatched_lazily(rng, monkeypatch):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "volltrack.tracking.fiji_backend", None)
    with pytest.raises(ValueError, match="backend='fiji' is not available"):
        track(moving_cells(rng), backend="fiji", progress=False)
    calls = []
    fake = types.ModuleType("volltrack.tracking.fiji_backend")
    fake.track_with_fiji = lambda spots, settings, **kw: calls.append((len(spots), settings, kw)) or "tracks"
    monkeypatch.setitem(sys.modules, "volltrack.tracking.fiji_backend", fake)
    assert track(moving_cells(rng), {"MAX_FRAME_GAP": 3}, backend="fiji", progress=False) == "tracks"
    (n_spots, settings, keywords), = calls
    assert n_spots == 30 and isinstance(settings, TrackerSettings) and settings.max_frame_gap == 3
    assert keywords == {"xml_path": None, "progress": False}


def test_track_command_without_fiji_says_how_to_configure_one(rng, tmp_path, capsys, monkeypatch):
    from volltrack.cli import main
    from volltrack.spots import write_spots_csv

    monkeypatch.delenv("VOLLTRACK_FIJI", raising=False)
    write_spots_csv(moving_cells(rng), tmp_path / "spots.csv")
    code = main(["track", str(tmp_path / "spots.csv"), "--backend", "fiji", "--no-progress",
                 "--out", str(tmp_path / "t.xml")])
    assert code == 1 and "VOLLTRACK_FIJI" in capsys.readouterr().err
    assert not (tmp_path / "t.xml").exists()


def test_multiindex_columns_are_refused_in_one_line_not_a_traceback():
    """Issue 14 item 5: a DataFrame with MultiIndex columns (pandas' pivot/groupby output) is refused clearly."""
    import pandas as pd
    import pytest

    from volltrack.tracking import track

    spots = pd.DataFrame({("a", "FRAME"): [0, 1], ("a", "POSITION_X"): [0.0, 1.0], ("a", "POSITION_Y"): [0.0, 0.0]})
    with pytest.raises(ValueError, match="MultiIndex.*flatten the columns"):
        track(spots, progress=False)
