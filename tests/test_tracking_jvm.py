"""JVM start-up: clear errors when Java or the engine jar is missing; nothing heavy at import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from volltrack.tracking.engine_jar import EngineJarNotFound, find_engine_jar
from volltrack.tracking.jvm import JavaNotFound, find_java_home


def _fake_java_home(tmp_path, spec_version: str):
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho '    java.specification.version = {spec_version}' >&2\n")
    java.chmod(0o755)
    return home


def test_old_java_is_refused_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(_fake_java_home(tmp_path, "1.8")))
    with pytest.raises(JavaNotFound, match=r"Java 8; volltrack needs Java >= 11"):
        find_java_home()


def test_no_java_at_all_says_how_to_install_one(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(JavaNotFound, match="install a JDK"):
        find_java_home()


def test_missing_engine_jar_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("VOLLTRACK_ENGINE_JAR", str(tmp_path / "missing.jar"))
    with pytest.raises(EngineJarNotFound, match="VOLLTRACK_ENGINE_JAR"):
        find_engine_jar()


def test_track_command_reports_missing_java_in_one_line(tmp_path):
    csv = tmp_path / "spots.csv"
    csv.write_text("FRAME,POSITION_X,POSITION_Y\n0,1,1\n1,1.5,1\n")
    env = {"PATH": str(tmp_path), "JAVA_HOME": str(tmp_path / "none"), "PYTHONPATH": ":".join(sys.path)}
    proc = subprocess.run([sys.executable, "-c", "import sys; from volltrack.cli import main; sys.exit(main())", "track", str(csv), "--no-progress", "--out",
                           str(tmp_path / "t.xml")], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1, proc.stderr
    assert "install a JDK" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "t.xml").exists()


def test_importing_tracking_loads_no_jvm():
    code = ("import sys, volltrack.tracking as t, volltrack.tracking.bridge, volltrack.metrics.tracking; "
            "t.TrackerSettings; print(any(m.split('.')[0] in ('jpype', '_jpype', 'scyjava') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_heap_is_settable_through_the_environment():
    code = ("from volltrack.tracking.jvm import jimport; "
            "print(jimport('java.lang.Runtime').getRuntime().maxMemory() // 2**20)")
    env = {**__import__("os").environ, "VOLLTRACK_JVM_HEAP": "300m", "PYTHONPATH": ":".join(sys.path)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert 200 <= int(proc.stdout.strip()) <= 300
