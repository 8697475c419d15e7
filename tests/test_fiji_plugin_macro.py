"""The BTrackmate ImageJ1 command run headless from an ImageJ macro (real ImageJ1 in the engine jar, a separate
JVM as a user would start it) writes a TrackMate XML that volltrack's reader and the Fiji backend's table
conversion accept."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import tifffile


def _engine_jar():
    from volltrack.tracking.engine_jar import EngineJarNotFound, find_engine_jar

    if shutil.which("java") is None:
        pytest.skip("no java on the PATH")
    try:
        return find_engine_jar()
    except EngineJarNotFound as exc:
        pytest.skip(str(exc))


def _label_movie(path, *, n_frames: int = 4) -> None:
    """Three cells (3x3x2 boxes) drifting 1 px per frame in X; ImageJ hyperstack TZYX, 0.5 µm pixels."""
    labels = np.zeros((n_frames, 3, 20, 30), dtype=np.uint16)
    for t in range(n_frames):
        for cell, (y, x) in enumerate([(2, 2), (10, 4), (14, 18)], start=1):
            labels[t, 0:2, y:y + 3, x + t:x + t + 3] = cell * 10
    tifffile.imwrite(path, labels, imagej=True, resolution=(2.0, 2.0),
                     metadata={"axes": "TZYX", "spacing": 1.5, "unit": "micron", "finterval": 4.0})


def _run_macro(jar, macro_file, *, argument: str | None = None, timeout: int = 120):
    extra = [] if argument is None else [argument]
    return subprocess.run(["java", "-Djava.awt.headless=true", "-cp", str(jar),
                           "org.volltrack.btrackmate.ij.HeadlessMacro", str(macro_file), *extra],
                          capture_output=True, text=True, timeout=timeout)


def test_macro_run_writes_xml_our_reader_accepts(tmp_path):
    from volltrack.tracking.fiji_backend import tracks_from_xml
    from volltrack.trackmate import read_xml

    jar = _engine_jar()
    labels, xml = tmp_path / "cells labels.tif", tmp_path / "out" / "cells.xml"
    xml.parent.mkdir()
    _label_movie(labels)
    macro = tmp_path / "track.ijm"
    macro.write_text(f'run("BTrackmate", "labels=[{labels}] xml=[{xml}] linking_max_distance=2 '
                     f'allow_gap_closing min_tracklet_length=0 prune_mode=BRANCH");\n')
    proc = _run_macro(jar, macro)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = read_xml(xml)
    assert len(data.spots) == 12
    assert sorted(data.spots["LABEL"].unique().tolist()) == [10.0, 20.0, 30.0]
    assert len(data.filtered_track_ids) == 3
    assert len(data.edges) == 9
    np.testing.assert_allclose(sorted(data.spots["POSITION_T"].unique()), [0.0, 4.0, 8.0, 12.0])
    assert data.settings["tracker"]["LINKING_MAX_DISTANCE"] == 2.0
    tracks = tracks_from_xml(xml)
    assert (tracks.spot_track_ids >= 0).all()
    for _, group in tracks.spots.groupby(tracks.spot_track_ids.loc[tracks.spots["ID"].astype(int)].to_numpy()):
        assert group["LABEL"].nunique() == 1, "each track follows one cell"


def test_macro_with_bad_options_fails_and_writes_nothing(tmp_path):
    jar = _engine_jar()
    xml = tmp_path / "never.xml"
    macro = tmp_path / "bad.ijm"
    macro.write_text(f'run("BTrackmate", "labels=[{tmp_path / "absent.tif"}] xml=[{xml}]");\n')
    proc = _run_macro(jar, macro)
    assert proc.returncode == 1
    assert "absent.tif" in proc.stderr and "neither the title of an open image nor an existing file" in proc.stderr
    assert not xml.exists()
