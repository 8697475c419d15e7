"""``make fiji-dist``: the folder laid out like a Fiji update site holds everything a Fiji user copies."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from volltrack.tracking import fiji_dist

ROOT = Path(__file__).resolve().parents[1]
WIZARD_MODULES = ("BTrackmateDetectorFactory", "TissueFeatureAnalyzerFactory", "TrackletAnalyzer",
                  "PruneTrackletsActionFactory")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    try:
        return fiji_dist.build_distribution(tmp_path_factory.mktemp("dist") / "fiji")
    except fiji_dist.DistributionError as exc:
        pytest.skip(f"jars not built ({exc})")


def test_layout_is_complete(dist):
    v = fiji_dist.VERSION
    expected = {f"plugins/BTrackmate_-{v}.jar", f"jars/btrackmate-fiji-{v}.jar", "macros/BTrackmate_example.ijm",
                "README.txt", "MANIFEST.json"}
    expected |= {f"scripts/Plugins/BTrackmate/{p.name}" for p in (ROOT / "fiji-scripts").glob("*.py")}
    present = {str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file()}
    assert expected <= present, expected - present
    assert any(name.startswith("jars/commons-csv-") for name in present)
    for script in (ROOT / "fiji-scripts").glob("*.py"):
        assert (dist / "scripts/Plugins/BTrackmate" / script.name).read_bytes() == script.read_bytes()


def test_engine_jar_has_the_imagej_command_and_no_imagej(dist):
    with zipfile.ZipFile(dist / f"plugins/BTrackmate_-{fiji_dist.VERSION}.jar") as jar:
        names = set(jar.namelist())
        config = jar.read("plugins.config").decode()
    assert 'Plugins>Tracking, "BTrackmate", org.volltrack.btrackmate.ij.BTrackmatePlugin' in config
    assert "org/volltrack/btrackmate/ij/BTrackmatePlugin.class" in names
    assert not any(n.startswith("ij/") for n in names), "Fiji ships ImageJ1; the jar must not carry a copy"


def test_wizard_jar_indexes_its_modules_and_ships_no_trackmate_stand_in(dist):
    with zipfile.ZipFile(dist / f"jars/btrackmate-fiji-{fiji_dist.VERSION}.jar") as jar:
        names = set(jar.namelist())
        index = jar.read("META-INF/json/org.scijava.plugin.Plugin").decode()
    for module in WIZARD_MODULES:
        assert f"org.volltrack.btrackmate.fiji.{module}" in index
    assert not any(n.startswith(("fiji/", "net/imagej/", "net/imglib2/")) for n in names), \
        "the TrackMate API stand-in must never be shipped"


def test_manifest_lists_every_file_with_its_hash(dist):
    manifest = json.loads((dist / "MANIFEST.json").read_text())
    assert manifest["version"] == fiji_dist.VERSION
    files = {str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file()} - {"MANIFEST.json"}
    assert set(manifest["files"]) == files
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest


def test_rebuild_replaces_the_folder_and_cli_reports_missing_jars(dist, tmp_path, monkeypatch, capsys):
    (dist / "stale.txt").write_text("old")
    fiji_dist.build_distribution(dist)
    assert not (dist / "stale.txt").exists()
    monkeypatch.setattr(fiji_dist, "_ROOT", tmp_path)
    assert fiji_dist.main(["--out", str(tmp_path / "out")]) == 1
    assert "mvn -B -DskipTests package" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_example_macro_runs_headless(dist, tmp_path):
    from test_fiji_plugin_macro import _engine_jar, _label_movie, _run_macro
    from volltrack.trackmate import read_xml

    labels = tmp_path / "movie.tif"
    _label_movie(labels)
    proc = _run_macro(_engine_jar(), dist / "macros" / "BTrackmate_example.ijm", argument=str(labels))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(read_xml(tmp_path / "movie_tracks.xml").filtered_track_ids) == 3
