"""The wheel: built from a clean copy of the sources it carries the engine jar, and installed into a fresh virtual
environment on a machine without Maven it gives a working ``volltrack`` (doctor, track).

To stay fast and offline the fresh environment gets only the wheel (``pip install --no-deps --no-index``); its
dependencies are reused from the environment running the tests through a ``.pth`` file listing that
environment's site-packages (plain paths: the test environment's own editable volltrack is not activated).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _source_files(root: Path) -> list[str]:
    """The tracked files of the checkout: what a clean clone holds (their working-tree contents)."""
    if shutil.which("git") and (root / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-z", "--cached"], cwd=root,
                             capture_output=True, check=True).stdout
        return [name for name in out.decode().split("\0") if name and (root / name).is_file()]
    pytest.skip("not a git checkout: cannot tell the sources from build outputs")


def _clean_copy(dest: Path) -> Path:
    for name in _source_files(ROOT):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    assert not list((dest / "python" / "volltrack").glob("jars/*.jar")), "a clean copy holds no engine jar"
    return dest


def _clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VOLLTRACK_ENGINE_JAR", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(extra)
    return env


def _base_python() -> str:
    return getattr(sys, "_base_executable", None) or sys.executable


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built by ``python -m build`` (sdist, then the wheel from the sdist) from a clean copy."""
    pytest.importorskip("build")
    if shutil.which("mvn") is None:
        pytest.skip("Maven is needed to build the wheel")
    work = tmp_path_factory.mktemp("wheel")
    src = _clean_copy(work / "src")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(work / "dist"),
                           str(src)], capture_output=True, text=True, timeout=1200, env=_clean_env())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "building the BTrackmate engine jar with Maven" in proc.stdout
    wheels = list((work / "dist").glob("volltrack-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed and the test environment's packages visible."""
    root = tmp_path_factory.mktemp("venv") / "fresh"
    subprocess.run([_base_python(), "-m", "venv", str(root)], check=True, timeout=300, env=_clean_env())
    python = root / "bin" / "python"
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=600, env=_clean_env())
    assert proc.returncode == 0, proc.stderr
    fresh_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                capture_output=True, text=True, check=True).stdout.strip()
    (Path(fresh_site) / "zz_test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return root


def _bare_path(tmp_path: Path) -> str:
    """A PATH holding only a folder without ``java`` or ``mvn``: the venv's own scripts are called by path."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    return str(empty)


def _java_home() -> str:
    from volltrack.tracking.jvm import find_java_home

    return str(find_java_home())


def test_wheel_carries_the_runnable_engine_jar(wheel):
    with zipfile.ZipFile(wheel) as archive:
        jars = [name for name in archive.namelist() if name.startswith("volltrack/jars/") and name.endswith("-all.jar")]
        assert len(jars) == 1
        with archive.open(jars[0]) as jar_file, zipfile.ZipFile(jar_file) as jar:
            manifest = jar.read("META-INF/MANIFEST.MF").decode()
            assert "Main-Class: org.volltrack.btrackmate" in manifest
            assert any(name.endswith("LapTracker.class") or name.startswith("org/volltrack/btrackmate/")
                       for name in jar.namelist())
        assert "volltrack/models/demo/stardist/config.json" in archive.namelist()


def test_installed_wheel_passes_doctor_without_maven(venv, tmp_path):
    env = _clean_env(PATH=_bare_path(tmp_path), JAVA_HOME=_java_home())
    proc = subprocess.run([str(venv / "bin" / "volltrack"), "doctor"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = {line.split()[1]: line for line in proc.stdout.splitlines()}
    for name in ("python", "java", "engine", "tensorflow"):
        assert lines[name].startswith("OK"), lines[name]
    assert str(venv) in lines["engine"]       # the jar inside the installed package, not the checkout's


def test_installed_wheel_tracks(venv, tmp_path):
    rows = ["ID,FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS,QUALITY"]
    for frame in range(4):
        for cell, (x, y) in enumerate([(10.0, 10.0), (40.0, 10.0), (10.0, 40.0)]):
            rows.append(f"{frame * 3 + cell},{frame},{x + frame},{y + 0.5 * frame},5.0,3.0,1.0")
    (tmp_path / "spots.csv").write_text("\n".join(rows) + "\n")
    env = _clean_env(PATH=_bare_path(tmp_path), JAVA_HOME=_java_home())
    proc = subprocess.run([str(venv / "bin" / "volltrack"), "track", "spots.csv", "--out", "tracks.xml",
                           "--no-progress", "--set", "LINKING_MAX_DISTANCE=5"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "12 spots, 9 edges, 3 tracks" in proc.stdout
    from volltrack.trackmate import read_xml

    tracks = read_xml(tmp_path / "tracks.xml")
    assert len(tracks.spots) == 12 and len(tracks.edges) == 9


def test_installed_wheel_without_java_says_what_to_install(venv, tmp_path):
    env = _clean_env(PATH=_bare_path(tmp_path))
    env.pop("JAVA_HOME", None)
    doctor = subprocess.run([str(venv / "bin" / "volltrack"), "doctor", "--skip-tensorflow"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600, env=env)
    assert doctor.returncode == 1
    java_line = next(line for line in doctor.stdout.splitlines() if line.split()[1] == "java")
    assert java_line.startswith("FAIL") and "install a JDK" in java_line and "JAVA_HOME" in java_line
    (tmp_path / "spots.csv").write_text("ID,FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS\n0,0,1,1,1,2\n1,1,1,1,1,2\n")
    track = subprocess.run([str(venv / "bin" / "volltrack"), "track", "spots.csv", "--out", "t.xml",
                            "--no-progress"], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert track.returncode != 0
    assert "Traceback" not in track.stderr
    assert "install a JDK" in track.stderr and len(track.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "t.xml").exists()


def test_wheel_build_without_maven_fails_with_the_fix(tmp_path):
    pytest.importorskip("build")
    src = _clean_copy(tmp_path / "src")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir",
                           str(tmp_path / "dist"), str(src)], capture_output=True, text=True, timeout=600,
                          env=_clean_env(PATH=_bare_path(tmp_path)))
    assert proc.returncode != 0
    assert "needs Maven ('mvn') and a JDK >= 17" in proc.stdout + proc.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))


def test_setup_hook_reuses_a_current_jar_without_maven(tmp_path):
    """A jar in the package newer than the sources is kept as is (no Maven needed)."""
    src = tmp_path / "src"
    (src / "java" / "btrackmate" / "src" / "main" / "java").mkdir(parents=True)
    (src / "pom.xml").write_text("<project/>")
    (src / "java" / "btrackmate" / "pom.xml").write_text("<project/>")
    (src / "java" / "btrackmate" / "src" / "main" / "java" / "A.java").write_text("class A {}")
    jars = src / "python" / "volltrack" / "jars"
    jars.mkdir(parents=True)
    (jars / "btrackmate-0.1.0-all.jar").write_bytes(b"jar")
    os.utime(src / "java" / "btrackmate" / "src" / "main" / "java" / "A.java", (1_000, 1_000))
    for pom in (src / "pom.xml", src / "java" / "btrackmate" / "pom.xml"):
        os.utime(pom, (1_000, 1_000))
    code = textwrap.dedent(f"""
        import sys, runpy
        sys.argv = ["setup.py", "--name"]
        namespace = runpy.run_path({str(ROOT / "setup.py")!r})
        from pathlib import Path
        print(namespace["ensure_engine_jar"](Path({str(src)!r})).name)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=_clean_env(PATH=_bare_path(tmp_path)), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "btrackmate-0.1.0-all.jar"
    assert (jars / "btrackmate-0.1.0-all.jar").read_bytes() == b"jar"
