"""Ctrl-C of the real command, sent to its process group as a terminal does, while the tracking engine (Java, in
the same process through JPype) or the analysis runs: one line ``volltrack <command>: interrupted``, exit code
130, no traceback, no temporary file or lock left behind (issue 14).

Segmentation (StarDist's compiled code) is covered by tests/test_safety.py and the bad-input matrix.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from test_safety import PYTHONPATH, _spot_csv, _volltrack_command

ENV = {**os.environ, "PYTHONPATH": PYTHONPATH}
FAKE_TRACKS = Path(__file__).parent / "data" / "trackmate" / "FakeTracks.xml"


def _interrupt_when(command: list[str], marker: str, cwd: Path) -> tuple[int, str]:
    """Run ``volltrack COMMAND`` in its own session; SIGINT its group once ``marker`` shows on stderr."""
    process = subprocess.Popen([*_volltrack_command(), *command], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               text=True, start_new_session=True, env=ENV, cwd=cwd)
    seen = ""
    try:
        while marker not in seen:
            char = process.stderr.read(1)
            assert char, f"volltrack {command[0]} ended before {marker!r}: {seen[-2000:]}"
            seen += char
        os.killpg(process.pid, signal.SIGINT)
        seen += process.stderr.read()
        return process.wait(timeout=120), seen
    finally:
        if process.poll() is None:
            process.kill()
        with process:                      # waits for it and closes its pipes
            pass


def _hidden_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and any(part.startswith(".") for part in
                                                                 p.relative_to(folder).parts)]


def _assert_interrupted(code: int, err: str, command: str) -> None:
    assert code == 130, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert err.replace("\r", "\n").strip().splitlines()[-1] == f"volltrack {command}: interrupted", err[-2000:]


@pytest.mark.parametrize("moment", ["1/3", "2/3"], ids=["inside-the-engine", "writing-the-xml"])
def test_ctrl_c_during_tracking_exits_130_and_leaves_nothing(tmp_path, moment):
    """1/3: the engine is tracking (Java code, JPype): it stops at its next check, not after the whole tracking.
    2/3: the XML is being written to a hidden temporary file: that file is removed."""
    spots = _spot_csv(tmp_path / "spots.csv", 3000, 30)
    (tmp_path / "out").mkdir()
    code, err = _interrupt_when(["track", str(spots), "--out", str(tmp_path / "out" / "t.xml")], moment, tmp_path)
    _assert_interrupted(code, err, "track")
    if moment == "1/3":
        assert "2/3" not in err, "the tracking ran to its end instead of stopping"
    assert list((tmp_path / "out").iterdir()) == []


_RUN_FROM_TRACKING = r"""
import shutil, sys
from pathlib import Path
from volltrack.cli import main
from volltrack.pipeline import run

spots_csv = sys.argv[1]


def segment(inputs, config, seg_dir, meta, *args, **kwargs):      # no network: a label file stands for the labels
    (seg_dir / "VollSeg").mkdir(parents=True, exist_ok=True)
    shutil.copy(inputs.raw, seg_dir / "VollSeg" / Path(inputs.raw).name)
    return {}


def spots(inputs, config, labels_path, spots_path, meta, *args, **kwargs):
    shutil.copy(spots_csv, spots_path)
    return {}


run.check_models = lambda folder: None
run._segment, run._spots = segment, spots
sys.exit(main(sys.argv[2:]))
"""


def test_ctrl_c_during_tracking_in_run_removes_the_lock_and_stamps_nothing(tmp_path):
    """`volltrack run` (segmentation and spots stubbed, tracking real): Ctrl-C inside the engine leaves no lock,
    no XML, no temporary file and no stamp of the tracking stage; the stages before it stay finished."""
    import numpy as np

    from volltrack.io import write_image
    from volltrack.pipeline.stages import STAMP_DIR

    spots = _spot_csv(tmp_path / "spots.csv", 3000, 30)
    raw = tmp_path / "raw.tif"
    write_image(raw, np.ones((2, 4, 16, 16), np.uint16), axes="TZYX")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-c", _RUN_FROM_TRACKING, str(spots), "run", "--raw", str(raw),
                                "--out", str(out)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               start_new_session=True, env=ENV, cwd=tmp_path)
    seen = ""
    try:
        while "tracking:" not in seen or "1/3" not in seen.split("tracking:")[-1]:
            char = process.stderr.read(1)
            assert char, seen[-2000:]
            seen += char
        os.killpg(process.pid, signal.SIGINT)
        seen += process.stderr.read()
        code = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        with process:                      # waits for it and closes its pipes
            pass
    _assert_interrupted(code, seen, "run")
    assert not (out / "tracks.xml").exists() and not (out / ".volltrack.lock").exists()
    assert {p.name for p in (out / STAMP_DIR).glob("*.json")} >= {"segment.json", "spots.json"}
    assert not (out / STAMP_DIR / "track.json").exists()
    assert [p for p in _hidden_files(out) if STAMP_DIR not in p.parts] == []


_TRACK_TWICE = r"""
import os, signal, threading, sys
import pandas as pd
from volltrack.tracking import track
from volltrack.tracking.jvm import start_jvm

spots = pd.read_csv(sys.argv[1])
start_jvm()
threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    track(spots, progress=False)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
small = spots[spots["FRAME"] < 3]
print("again", len(track(small, {"LINKING_MAX_DISTANCE": 2.0}, progress=False).edges), flush=True)
"""


def test_tracking_works_again_in_the_same_process_after_ctrl_c(tmp_path):
    """A notebook or napari session: Ctrl-C stops one tracking, the JVM keeps running, the next tracking works."""
    spots = _spot_csv(tmp_path / "spots.csv", 3000, 30)
    done = subprocess.run([sys.executable, "-c", _TRACK_TWICE, str(spots)], capture_output=True, text=True,
                          env=ENV, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.split()
    assert lines[0] == "interrupted", done.stdout
    assert lines[1] == "again" and int(lines[2]) == 2 * 3000, done.stdout + done.stderr[-2000:]


def test_ctrl_c_during_analysis_exits_130_and_leaves_only_whole_files(tmp_path):
    out = tmp_path / "analysis"
    code, err = _interrupt_when(["analyze", str(FAKE_TRACKS), "--out", str(out)], "plots:", tmp_path)
    _assert_interrupted(code, err, "analyze")
    assert not _hidden_files(out), _hidden_files(out)
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("*.mp4"))
    for table in out.glob("*.csv"):                         # what was written before Ctrl-C is whole
        pd.read_csv(table)
    # ... but the folder is marked as an unfinished analysis, as segment.json marks an unfinished segmentation
    import json

    record = json.loads((out / "parameters.json").read_text())
    assert record["status"] == "interrupted" and "files" not in record, record


# --- Ctrl-C while the interpreter shuts down, after the work (the console command, ``main()`` without arguments) ---

_CONSOLE = r"""
import atexit, sys, time
from volltrack.cli import main
if sys.argv[1] == "slow-exit":     # an exit handler that takes its time, as a JVM or TensorFlow shutdown may
    atexit.register(lambda: (print("exit handler", file=sys.stderr, flush=True), time.sleep(30)))
sys.argv[1:2] = []
sys.exit(main())
"""


def _console_track(tmp_path: Path, mode: str, *, after: str, delay: float = 0.0) -> tuple[int, str, float]:
    import time

    spots = _spot_csv(tmp_path / "small.csv", 50, 5)
    process = subprocess.Popen([sys.executable, "-c", _CONSOLE, mode, "track", str(spots), "--out",
                                str(tmp_path / "t.xml")], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               start_new_session=True, env=ENV, cwd=tmp_path)
    try:
        stream = process.stdout if after == "stdout" else process.stderr
        seen = ""
        while after != "stdout" and after not in seen or after == "stdout" and not seen:
            line = stream.readline()
            assert line, f"ended before {after!r}: {process.stderr.read() if stream is process.stdout else seen}"
            seen += line
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        sent = time.monotonic()
        _, err = process.communicate(timeout=60)
        return process.returncode, (seen if stream is process.stderr else "") + err, time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
        with process:                      # waits for it and closes its pipes
            pass


def test_ctrl_c_in_a_slow_exit_handler_after_the_work_exits_130_with_one_line(tmp_path):
    code, err, seconds = _console_track(tmp_path, "slow-exit", after="exit handler")
    _assert_interrupted(code, err, "track")
    assert seconds < 5
    assert (tmp_path / "t.xml").is_file()          # the work was done and its output is whole


@pytest.mark.parametrize("delay", [0.0, 0.03, 0.1])
def test_ctrl_c_as_the_console_command_shuts_down_never_dies_by_sigint(tmp_path, delay):
    """The real shutdown (scyjava stops the JVM): whatever the moment, exit 0 (Ctrl-C came too late to matter) or
    130 with the line; never a traceback, never death by SIGINT (-2)."""
    code, err, _ = _console_track(tmp_path, "plain", after="stdout", delay=delay)
    assert code in (0, 130), (code, err[-2000:])
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
    if code == 130:
        assert err.strip().splitlines()[-1] == "volltrack track: interrupted"
