"""``make fiji-dist``: dist/fiji (laid out as in Fiji.app) and dist/fiji-update-site (a Fiji update site whose
db.xml.gz lists every file with the ImageJ updater's checksum and timestamp); where the Fiji backend finds them."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from volltrack.tracking import fiji_dist

ROOT = Path(__file__).resolve().parents[1]
V = fiji_dist.VERSION
WIZARD_MODULES = ("BTrackmateDetectorFactory", "TissueFeatureAnalyzerFactory", "TrackletAnalyzer",
                  "PruneTrackletsActionFactory")
EPOCH_A, STAMP_A = "1796612400", "20261207030000"   # 2026-12-07 03:00:00 UTC
EPOCH_B, STAMP_B = "1796698800", "20261208030000"


def _build(out: Path, site: Path, *, root: Path | None = None, epoch: str = EPOCH_A) -> Path:
    import os

    env = dict(os.environ, SOURCE_DATE_EPOCH=epoch)
    try:
        return fiji_dist.build_distribution(out, site=site, root=root, env=env)
    except fiji_dist.DistributionError as exc:
        if root is None:
            pytest.skip(f"jars not built ({exc})")
        raise


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("dist")
    return _build(base / "fiji", base / "fiji-update-site"), base / "fiji-update-site"


@pytest.fixture()
def dist(built) -> Path:
    return built[0]


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_layout_is_complete_and_ships_nothing_fiji_ships(dist):
    expected = {f"plugins/BTrackmate_-{V}.jar", f"jars/btrackmate-fiji-{V}.jar", "macros/BTrackmate_example.ijm",
                "README.txt", "MANIFEST.json"}
    expected |= {f"scripts/Plugins/BTrackmate/{p.name}" for p in (ROOT / "fiji-scripts").glob("*.py")}
    assert _files(dist) == expected
    for script in (ROOT / "fiji-scripts").glob("*.py"):
        assert (dist / "scripts/Plugins/BTrackmate" / script.name).read_bytes() == script.read_bytes()
    manifest = json.loads((dist / "MANIFEST.json").read_text())
    assert "jars/commons-csv-1.14.1.jar" in manifest["fiji_provides"], "built against Fiji's commons-csv"
    assert "commons-csv-1.14.1" in (dist / "README.txt").read_text()
    macro = (dist / "macros/BTrackmate_example.ijm").read_text()
    assert "--headless -macro" in macro and "-batch" not in macro, "no claim that plain ImageJ -batch works"


def test_engine_jar_has_the_imagej_command_and_no_imagej(dist):
    with zipfile.ZipFile(dist / f"plugins/BTrackmate_-{V}.jar") as jar:
        names = set(jar.namelist())
        config = jar.read("plugins.config").decode()
    assert 'Plugins>Tracking, "BTrackmate", org.volltrack.btrackmate.ij.BTrackmatePlugin' in config
    assert "org/volltrack/btrackmate/ij/BTrackmatePlugin.class" in names
    assert not any(n.startswith(("ij/", "org/apache/commons/csv/", "org/jgrapht/", "com/google/gson/"))
                   for n in names), "Fiji ships ImageJ1, commons-csv, jgrapht, gson; the jar must not carry a copy"


def test_wizard_jar_indexes_its_modules_and_ships_no_trackmate_stand_in(dist):
    with zipfile.ZipFile(dist / f"jars/btrackmate-fiji-{V}.jar") as jar:
        names = set(jar.namelist())
        index = jar.read("META-INF/json/org.scijava.plugin.Plugin").decode()
    for module in WIZARD_MODULES:
        assert f"org.volltrack.btrackmate.fiji.{module}" in index
    assert not any(n.startswith(("fiji/", "net/imagej/", "net/imglib2/")) for n in names), \
        "the TrackMate API stand-in must never be shipped"


def test_manifest_lists_every_file_with_its_hash(dist):
    manifest = json.loads((dist / "MANIFEST.json").read_text())
    assert manifest["version"] == V
    assert set(manifest["files"]) == _files(dist) - {"MANIFEST.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest


def test_update_site_lists_every_file_with_its_checksum_and_timestamp(built):
    dist, site = built
    installable = {name for name in _files(dist) if fiji_dist.is_managed(name)}
    assert installable == _files(dist) - {"README.txt", "MANIFEST.json"}
    files = fiji_dist.check_update_site(site)      # DTD-valid index; every file served, sized and checksummed
    assert {f.filename for f in files} == installable
    assert _files(site) == {fiji_dist.INDEX_NAME} | {f"{f.filename}-{STAMP_A}" for f in files}
    for entry in files:
        assert entry.timestamp == STAMP_A and re.fullmatch(r"[0-9a-f]{40}", entry.checksum)
        assert entry.checksum == fiji_dist.updater_checksum(entry.filename, dist / entry.filename)
        assert entry.filesize == (dist / entry.filename).stat().st_size
        assert entry.description and entry.previous == []
    text = gzip.decompress((site / fiji_dist.INDEX_NAME).read_bytes()).decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE pluginRecords [')


def _jar(path: Path, *, stamp: tuple, build_date: str, main_class: str, code: bytes = b"\xca\xfe") -> Path:
    with zipfile.ZipFile(path, "w") as jar:
        jar.writestr(zipfile.ZipInfo("META-INF/MANIFEST.MF", stamp), f"Manifest-Version: 1.0\nMain-Class: "
                                                                     f"{main_class}\n")
        jar.writestr(zipfile.ZipInfo("z/B.class", stamp), code)
        jar.writestr(zipfile.ZipInfo("a/A.class", stamp), b"A")
        jar.writestr(zipfile.ZipInfo("META-INF/maven/x/pom.properties", stamp), f"#{build_date}\nversion=1\n")
    return path


def test_checksum_rules_of_the_updater(tmp_path):
    one = _jar(tmp_path / "1.jar", stamp=(2020, 1, 1, 0, 0, 0), build_date="Mon", main_class="a.Main")
    two = _jar(tmp_path / "2.jar", stamp=(2026, 12, 7, 3, 0, 0), build_date="Tue", main_class="b.Other")
    other = _jar(tmp_path / "3.jar", stamp=(2020, 1, 1, 0, 0, 0), build_date="Mon", main_class="a.Main",
                 code=b"\xca\xfe\x00")
    checksum = fiji_dist.updater_checksum
    assert checksum("jars/x-1.jar", one) == checksum("jars/x-1.jar", two), \
        "zip times, the build date comment of pom.properties and the manifest do not count"
    assert checksum("jars/x-1.jar", one) != checksum("jars/x-1.jar", other), "class bytes count"
    expected = hashlib.sha1()
    for name, data in (("META-INF/MANIFEST.MF", b""), ("META-INF/maven/x/pom.properties", b"\nversion=1\n"),
                       ("a/A.class", b"A"), ("z/B.class", b"\xca\xfe")):
        expected.update(name.encode() + data)
    assert checksum("jars/x-1.jar", one) == expected.hexdigest()
    script = tmp_path / "s.py"
    script.write_text("print(1)\n")
    assert checksum("scripts/s.py", script) == hashlib.sha1(b"scripts/s.pyprint(1)\n").hexdigest()


def _copy_checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    for module, name in (("btrackmate", f"btrackmate-{V}.jar"), ("btrackmate-fiji", f"btrackmate-fiji-{V}.jar"),
                         ("fiji-dist", f"fiji-dist-{V}.jar")):
        source = ROOT / "java" / module / "target" / name
        if not source.is_file():
            pytest.skip(f"{source} not built")
        (root / "java" / module / "target").mkdir(parents=True)
        shutil.copy2(source, root / "java" / module / "target" / name)
    shutil.copytree(ROOT / "fiji-scripts", root / "fiji-scripts")
    return root


def test_rebuild_keeps_unchanged_files_and_records_replaced_versions(tmp_path):
    root = _copy_checkout(tmp_path)
    out, site = tmp_path / "fiji", tmp_path / "site"
    _build(out, site, root=root, epoch=EPOCH_A)
    before = {f.filename: f for f in fiji_dist.check_update_site(site)}
    (out / "stale.txt").write_text("old")
    script = next((root / "fiji-scripts").glob("*.py"))
    script.write_text(script.read_text() + "\n# changed\n")
    _build(out, site, root=root, epoch=EPOCH_B)
    assert not (out / "stale.txt").exists(), "the folder is replaced as a whole"
    after = {f.filename: f for f in fiji_dist.check_update_site(site)}
    changed = f"scripts/Plugins/BTrackmate/{script.name}"
    for name, entry in after.items():
        if name == changed:
            assert entry.timestamp == STAMP_B and entry.checksum != before[name].checksum
            assert entry.previous == [{"timestamp": STAMP_A, "timestamp-obsolete": STAMP_B,
                                       "checksum": before[name].checksum}]
        else:
            assert (entry.timestamp, entry.checksum, entry.previous) == (STAMP_A, before[name].checksum, [])


def test_a_broken_site_is_reported_naming_the_file(built, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built[1], site)
    served = next(p for p in site.rglob("*.py-*"))
    served.write_text(served.read_text() + "#")
    with pytest.raises(fiji_dist.BadUpdateSite, match=re.escape(served.name) + ".*bytes, the index says"):
        fiji_dist.check_update_site(site)
    (site / fiji_dist.INDEX_NAME).write_bytes(gzip.compress(b"<pluginRecords><plugin filename='README.txt'>"
                                                            b"</plugin></pluginRecords>"))
    with pytest.raises(fiji_dist.BadUpdateSite, match="README.txt: not a path the ImageJ updater manages"):
        fiji_dist.read_update_site(site)
    assert fiji_dist.main(["check", str(site)]) == 1
    good = gzip.decompress((built[1] / fiji_dist.INDEX_NAME).read_bytes())
    (site / fiji_dist.INDEX_NAME).write_bytes(gzip.compress(good.replace(b"<author>", b"<note/><author>", 1)))
    with pytest.raises(fiji_dist.BadUpdateSite, match="not valid against its DTD"):
        fiji_dist.read_update_site(site)


def test_missing_jars_are_reported_and_nothing_is_written(tmp_path):
    root = _copy_checkout(tmp_path)
    (root / "java" / "btrackmate" / "target" / f"btrackmate-{V}.jar").unlink()
    with pytest.raises(fiji_dist.DistributionError, match=r"btrackmate-0\.1\.0\.jar is missing; build it first "
                                                          r"with 'mvn -B -DskipTests package'"):
        _build(tmp_path / "out", tmp_path / "site", root=root)
    assert not (tmp_path / "out").exists() and not (tmp_path / "site").exists()


def test_make_fiji_dist_needs_only_maven_and_a_jdk():
    text = (ROOT / "Makefile").read_text()
    rule = re.search(r"^fiji-dist:(.*)\n((?:\t.*\n)+)", text, re.M)
    assert rule is not None
    assert "setup" not in rule.group(1), "no Python environment as a prerequisite"
    recipe = rule.group(2)
    assert "mvn" in recipe.replace("$(MVN)", "mvn") and "java -jar" in recipe
    assert not re.search(r"\$\(PY\)|\.venv|python", recipe)


def _fake_fiji(tmp_path: Path, *, with_dist: bool) -> Path:
    fiji = tmp_path / "Fiji.app"
    (fiji / "jars").mkdir(parents=True)
    (fiji / "plugins").mkdir()
    if with_dist:
        (fiji / f"plugins/BTrackmate_-{V}.jar").write_bytes(b"x")
        (fiji / f"jars/btrackmate-fiji-{V}.jar").write_bytes(b"x")
    return fiji


def test_backend_takes_the_distribution_installed_in_fiji_first(tmp_path, monkeypatch):
    monkeypatch.setenv(fiji_dist.DIST_ENV_VAR, str(tmp_path / "nowhere"))
    found = fiji_dist.find_distribution(_fake_fiji(tmp_path, with_dist=True))
    assert found.installed and found.jars == []


def test_backend_falls_back_to_make_fiji_dist_output_never_to_target_folders(tmp_path, monkeypatch, dist):
    fiji = _fake_fiji(tmp_path, with_dist=False)
    monkeypatch.setenv(fiji_dist.DIST_ENV_VAR, str(dist))
    found = fiji_dist.find_distribution(fiji)
    assert not found.installed
    assert found.jars == [dist / f"plugins/BTrackmate_-{V}.jar", dist / f"jars/btrackmate-fiji-{V}.jar"]
    assert not any("target" in jar.parts or ".m2" in jar.parts for jar in found.jars)
    monkeypatch.setenv(fiji_dist.DIST_ENV_VAR, str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(fiji_dist.DistributionError, match="holds no BTrackmate jars.*rerun 'make fiji-dist'"):
        fiji_dist.find_distribution(fiji)
    monkeypatch.setattr(fiji_dist, "_ROOT", tmp_path / "not-a-checkout")
    monkeypatch.delenv(fiji_dist.DIST_ENV_VAR)
    with pytest.raises(fiji_dist.DistributionError, match="has no BTrackmate.*update site.*make fiji-dist"):
        fiji_dist.find_distribution(fiji)


def test_partial_or_duplicated_installs_are_named(tmp_path):
    fiji = _fake_fiji(tmp_path, with_dist=True)
    (fiji / f"jars/btrackmate-fiji-{V}.jar").unlink()
    with pytest.raises(fiji_dist.DistributionError, match=r"only partly there \(jars/btrackmate-fiji-\*\.jar"):
        fiji_dist.find_distribution(fiji)
    (fiji / f"jars/btrackmate-fiji-{V}.jar").write_bytes(b"x")
    (fiji / "jars/btrackmate-fiji-0.0.9.jar").write_bytes(b"x")
    with pytest.raises(fiji_dist.DistributionError, match="2 versions of jars/btrackmate-fiji"):
        fiji_dist.find_distribution(fiji)


def test_example_macro_runs_headless(dist, tmp_path):
    from test_fiji_plugin_macro import _engine_jar, _label_movie, _run_macro
    from volltrack.trackmate import read_xml

    labels = tmp_path / "movie.tif"
    _label_movie(labels)
    proc = _run_macro(_engine_jar(), dist / "macros" / "BTrackmate_example.ijm", argument=str(labels))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(read_xml(tmp_path / "movie_tracks.xml").filtered_track_ids) == 3


def _real_updater_fiji() -> Path:
    import os

    fiji = os.environ.get("VOLLTRACK_FIJI", "")
    if not fiji or not Path(fiji).is_dir() or not sorted(Path(fiji).glob("jars/imagej-updater-*.jar")):
        pytest.skip("needs VOLLTRACK_FIJI = a local Fiji.app with the ImageJ updater (jars/imagej-updater-*.jar)")
    return Path(fiji)


def _updater(fiji: Path, *args: str):
    import subprocess

    return subprocess.run(["java", f"-Dimagej.dir={fiji}", "-Djava.awt.headless=true", "-cp",
                           f"{fiji}/jars/*", "net.imagej.updater.CommandLine", *args],
                          capture_output=True, text=True, timeout=600)


@pytest.mark.fiji
def test_the_real_imagej_updater_installs_the_update_site(built, tmp_path):
    """Fiji's own updater adds the site, downloads every file, verifies its checksum and installs it; then it
    sees each one as up to date (its Checksummer agrees with our checksums)."""
    fiji = tmp_path / "Fiji.app"
    shutil.copytree(_real_updater_fiji(), fiji, symlinks=True)
    dist, site = built
    added = _updater(fiji, "add-update-site", "BTrackmate", site.resolve().as_uri() + "/")
    assert added.returncode == 0, added.stdout + added.stderr
    update = _updater(fiji, "update")
    assert update.returncode == 0, update.stdout + update.stderr
    assert "Incorrect checksum" not in update.stdout + update.stderr
    for entry in fiji_dist.read_update_site(site):
        assert (fiji / entry.filename).read_bytes() == (dist / entry.filename).read_bytes(), entry.filename
    listing = _updater(fiji, "list", *[e.filename for e in fiji_dist.read_update_site(site)])
    lines = [line for line in listing.stdout.splitlines() if "BTrackmate" in line or "btrackmate" in line]
    assert len(lines) == len(fiji_dist.read_update_site(site)), listing.stdout + listing.stderr
    assert all("up-to-date" in line.lower() or "installed" in line.lower() for line in lines), listing.stdout
