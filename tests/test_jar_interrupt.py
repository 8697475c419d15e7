"""Ctrl-C of the engine jar's own command line (``java -jar btrackmate-all.jar track``), sent to its process group as
a terminal does: exit code 130, one line ``btrackmate track: interrupted`` on stderr, and nothing left in the output
folder (the XML being written is a hidden temporary file, removed on the way out) (issue 14)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_safety import _spot_csv


def _jar() -> Path:
    from volltrack.tracking.engine_jar import EngineJarNotFound, find_engine_jar

    try:
        return Path(find_engine_jar())
    except EngineJarNotFound:
        pytest.skip("engine jar not built")


@pytest.fixture(scope="module")
def spots(tmp_path_factory):
    return _spot_csv(tmp_path_factory.mktemp("spots") / "spots.csv", 3000, 30)


def _start(spots: Path, out: Path, relaunch: bool) -> subprocess.Popen:
    if shutil.which("java") is None:
        pytest.skip("no java on PATH")
    env = {**os.environ, "BTRACKMATE_RELAUNCH": "1" if relaunch else "0"}
    return subprocess.Popen(["java", "-jar", str(_jar()), "track", "--spots", str(spots), "--out", str(out / "t.xml")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=env)


def _interrupt(process: subprocess.Popen, ready) -> tuple[int, str, float]:
    try:
        deadline = time.monotonic() + 60
        while not ready() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert process.poll() is None, "the jar finished before it could be interrupted: " + process.stderr.read()
        os.killpg(process.pid, signal.SIGINT)
        sent = time.monotonic()
        code = process.wait(timeout=30)
        return code, process.stderr.read(), time.monotonic() - sent
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        with process:                      # waits for it and closes its pipes
            pass


@pytest.mark.parametrize("relaunch", [True, False], ids=["child-jvm", "one-jvm"])
def test_ctrl_c_while_the_jar_writes_the_xml_prints_one_line_and_leaves_nothing(tmp_path, spots, relaunch):
    out = tmp_path / "out"
    out.mkdir()
    process = _start(spots, out, relaunch)
    code, err, seconds = _interrupt(process, lambda: any(out.glob(".t.xml.*.tmp")))
    assert code == 130, err
    assert err.strip().splitlines() == ["btrackmate track: interrupted"], err
    assert list(out.iterdir()) == []
    assert seconds < 5, seconds


def test_ctrl_c_while_the_jar_tracks_prints_one_line(tmp_path, spots):
    out = tmp_path / "out"
    out.mkdir()
    process = _start(spots, out, True)
    started = time.monotonic()
    code, err, _ = _interrupt(process, lambda: time.monotonic() - started > 2.0)
    assert code == 130, err
    assert err.strip().splitlines() == ["btrackmate track: interrupted"], err
    assert list(out.iterdir()) == []
