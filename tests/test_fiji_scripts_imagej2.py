"""The Jython scripts of fiji-scripts/ and the example macro, installed from the ``make fiji-dist`` output, run
under ImageJ2 headless as a Fiji user runs them (``ImageJ --headless --run script 'key=value,...'`` and
``ImageJ --headless -macro file arg``): marked ``fiji``, it needs a local Fiji.app (``VOLLTRACK_FIJI``) with
TrackMate, and the distribution (installed in it, else ``dist/fiji``).

CI runs the scripts under a bare Jython with ImageJ1 (``java/fiji-scripts-test``); this test runs them through
SciJava's script service and imagej-legacy, which fill the ``#@`` parameters and run the macro."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import tifffile

from volltrack.tracking.fiji_backend import ENV_VAR

pytestmark = pytest.mark.fiji

#: What Fiji's launcher gives the JVM on Java 9+ (imagej-legacy patches ImageJ1's classes at start-up).
LAUNCHER_OPTIONS = ("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.desktop/java.awt=ALL-UNNAMED",
                    "-Djava.awt.headless=true")


def _local_fiji() -> Path:
    value = os.environ.get(ENV_VAR, "")
    if not value or not Path(value).is_dir():
        pytest.skip(f"no local Fiji configured: set {ENV_VAR} to a Fiji.app folder (with TrackMate) to run the "
                    "scripts and the macro under ImageJ2")
    return Path(value)


def _installed_fiji(tmp_path: Path) -> Path:
    """The Fiji with the distribution installed: itself when it holds it, else a copy (links) plus dist/fiji."""
    from volltrack.tracking.fiji_dist import DistributionError, find_distribution

    fiji = _local_fiji()
    try:
        found = find_distribution(fiji)
    except DistributionError as exc:
        pytest.skip(str(exc))
    if found.installed:
        return fiji
    app = tmp_path / "Fiji.app"
    for folder in ("jars", "plugins"):
        (app / folder).mkdir(parents=True)
        for entry in (fiji / folder).iterdir():
            (app / folder / entry.name).symlink_to(entry)
    for entry in found.folder.iterdir():          # what a user copies into Fiji.app (README: BTrackmate in Fiji)
        if entry.is_dir():
            shutil.copytree(entry, app / entry.name, dirs_exist_ok=True)
    return app


def _imagej(app: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    """Start ImageJ2 headless as Fiji's launcher does: class path jars/ + plugins/, net.imagej.Main."""
    from volltrack.tracking.jvm import find_java_home

    java = find_java_home() / "bin" / "java"
    classpath = os.pathsep.join([str(app / "jars" / "*"), str(app / "plugins" / "*")])
    command = [str(java), *LAUNCHER_OPTIONS, f"-Duser.home={home}", f"-Dimagej.dir={app}",
               f"-Dplugins.dir={app / 'plugins'}", "-cp", classpath, "net.imagej.Main", "--headless", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=home)


def _label_movie(path: Path, n_cells: int = 3, n_frames: int = 4) -> Path:
    """``n_cells`` cells (3x3x2 boxes) drifting 1 px per frame in X; ImageJ hyperstack TZYX, 0.5 µm pixels."""
    labels = np.zeros((n_frames, 3, 20, 30), dtype=np.uint16)
    for t in range(n_frames):
        for cell, (y, x) in enumerate([(2, 2), (10, 4), (14, 18)][:n_cells], start=1):
            labels[t, 0:2, y:y + 3, x + t:x + t + 3] = cell * 10
    tifffile.imwrite(path, labels, imagej=True, resolution=(2.0, 2.0),
                     metadata={"axes": "TZYX", "spacing": 1.5, "unit": "micron", "finterval": 4.0})
    return path


def _args(**values) -> str:
    """SciJava's ``--run`` argument: key=value pairs, strings quoted."""
    return ",".join(f'{k}="{v}"' if isinstance(v, (str, Path)) else f"{k}={v}" for k, v in values.items())


def test_scripts_and_macro_run_under_imagej2_headless(tmp_path):
    from volltrack.trackmate import read_xml

    app = _installed_fiji(tmp_path)
    scripts = app / "scripts" / "Plugins" / "BTrackmate"
    macro = app / "macros" / "BTrackmate_example.ijm"
    assert sorted(p.name for p in scripts.glob("*.py")) == ["BTrackmate_Batch.py", "BTrackmate_Print_Tracks.py",
                                                             "BTrackmate_Track_Movie.py"], "every script is run here"
    assert macro.is_file()
    home = tmp_path / "home"
    home.mkdir()
    movie = _label_movie(tmp_path / "cells_labels.tif")
    single_xml = tmp_path / "single" / "cells.xml"
    single_xml.parent.mkdir()
    batch_in, batch_out = tmp_path / "batch_in", tmp_path / "batch_out"
    batch_in.mkdir()
    _label_movie(batch_in / "a_labels.tif", n_cells=2, n_frames=3)
    _label_movie(batch_in / "b_labels.tif", n_cells=3, n_frames=3)
    (batch_in / "c_labels.tif").write_bytes(b"not a TIFF")
    # One ImageJ2 start runs them all, in order (SciJava's console arguments are handled one after the other).
    proc = _imagej(app, home,
                   "--run", str(scripts / "BTrackmate_Track_Movie.py"),
                   _args(labels=movie, xml=single_xml, linking_max_distance=5.0),
                   "--run", str(scripts / "BTrackmate_Print_Tracks.py"), _args(xml=single_xml),
                   "--run", str(scripts / "BTrackmate_Batch.py"), _args(input_dir=batch_in, output_dir=batch_out),
                   "-macro", str(macro), str(movie))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]

    # BTrackmate_Track_Movie.py: the XML, and its #@output summary printed by SciJava
    data = read_xml(single_xml)
    assert (len(data.spots), len(data.edges), len(data.filtered_track_ids)) == (12, 9, 3), out[-3000:]
    assert f"[INFO] summary = BTrackmate: 12 spots (12 visible), 9 links, 3 tracks -> {single_xml}" in out
    # BTrackmate_Print_Tracks.py: one line per track
    report = out[out.index("[INFO] report = "):].splitlines()
    assert report[0] == "[INFO] report = cells.xml: 12 spots, 3 tracks (visible), units micron / sec"
    assert all("spots=4" in line and "links=3" in line and "frames=0-3" in line for line in report[1:4])
    # BTrackmate_Batch.py: two movies tracked, the broken one reported, the batch went on
    assert "[INFO] summary = 3 movies: 2 tracked, 0 skipped (already done), 1 failed" in out
    assert len(read_xml(batch_out / "a_tracks.xml").filtered_track_ids) == 2
    assert len(read_xml(batch_out / "b_tracks.xml").filtered_track_ids) == 3
    assert "c: FAILED" in (batch_out / "btrackmate_batch.log").read_text()
    # the example macro, with the label file as its argument: the XML next to it
    macro_xml = read_xml(tmp_path / "cells_labels_tracks.xml")
    assert (len(macro_xml.spots), len(macro_xml.edges)) == (12, 9)
    assert macro_xml.settings["tracker"]["LINKING_MAX_DISTANCE"] == 15.0
