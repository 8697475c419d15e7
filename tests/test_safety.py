"""Nothing lost, nothing silently wrong: interrupt guard, output-folder lock, content fingerprints, exit codes."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from volltrack.io.output_lock import LOCK_NAME, FolderLockedError, output_lock
from volltrack.pipeline.stages import HASH_CACHE, STAMP_DIR, StageRunner, file_fingerprint
from volltrack.segmentation.interrupts import CompiledInterrupt, guarded, sigint_guard

PYTHONPATH = str(Path(__file__).parents[1] / "python")


# --- the interrupt guard ----------------------------------------------------------------------------------------

def _swallowing_call(mark=b"AA "):
    """What StarDist's compiled loop does on Ctrl-C: its own handler writes a mark to C's stdout, no exception."""
    os.write(1, mark)
    return "partial result"


def test_a_swallowed_interrupt_is_raised_after_the_call_and_stdout_is_restored(capfd):
    with pytest.raises(CompiledInterrupt, match="interrupted during"):
        guarded(_swallowing_call, "the fake NMS")()
    assert "AA" not in capfd.readouterr().out          # the mark is hidden, standard output works again
    print("after")
    assert capfd.readouterr().out == "after\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_call_without_interrupt_returns_its_result_and_passes_output_on(capfd):
    assert guarded(lambda: os.write(1, b"verbose output\n") and "ok", "fake")() == "ok"
    assert capfd.readouterr().out == "verbose output\n"


def test_sigint_arriving_during_a_guarded_block_is_recorded_and_raised_at_its_end():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with sigint_guard("fake"):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            done.append(True)        # the block is not cut half-way: the interrupt is raised once it returns
    assert done == [True]


_REAL_NMS = r"""
import sys, time, numpy as np
from stardist.nms import non_maximum_suppression_3d_inds
from stardist.rays3d import Rays_GoldenSpiral
from volltrack.segmentation.interrupts import CompiledInterrupt, guard_stardist_compiled
rng = np.random.default_rng(0)
n = 4000
points = rng.uniform(0, 60, (n, 3)).astype(np.float32)
dist = rng.uniform(3, 6, (n, 64)).astype(np.float32)
scores = np.sort(rng.uniform(0.5, 1, n))[::-1].astype(np.float32)
print("start", flush=True)
t = time.time()
try:
    with guard_stardist_compiled():
        keep = non_maximum_suppression_3d_inds(dist, points, Rays_GoldenSpiral(64), scores, thresh=0.3, verbose=0)
    print("finished", int(keep.sum()), flush=True)
except CompiledInterrupt:
    print("interrupted after", time.time() - t, flush=True)
"""


def test_ctrl_c_inside_stardists_compiled_nms_is_not_swallowed(tmp_path):
    """The real compiled NMS, interrupted from outside as a terminal's Ctrl-C would."""
    pytest.importorskip("stardist")
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    child = subprocess.Popen([sys.executable, "-c", _REAL_NMS], stdout=subprocess.PIPE, text=True, env=env,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert child.stdout.readline().strip() == "start"
        time.sleep(1.0)
        child.send_signal(signal.SIGINT)
        out = child.stdout.read()
        child.wait(timeout=300)
    finally:
        if child.poll() is None:
            child.kill()
        with child:                      # waits for it and closes its pipes
            pass
    assert out.startswith("interrupted after"), out


# --- the output-folder lock -------------------------------------------------------------------------------------

def test_a_second_writer_is_refused_with_the_owner_named(tmp_path):
    out = tmp_path / "out"
    with output_lock(out, "first"):
        owner = json.loads((out / LOCK_NAME).read_text())
        assert owner["pid"] == os.getpid() and owner["host"] == socket.gethostname()
        child = subprocess.run([sys.executable, "-c", "import sys; from volltrack.io.output_lock import output_lock\n"
                                f"with output_lock({str(out)!r}, 'second'): pass"], capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": PYTHONPATH}, timeout=120)
        assert child.returncode != 0 and "FolderLockedError" in child.stderr and f"process {os.getpid()}" in child.stderr
    assert not (out / LOCK_NAME).exists()


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(),
                                                  "started_epoch": time.time()}))
    with output_lock(tmp_path, "me"):
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_lock_from_another_host_is_not_guessed_stale(tmp_path):
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": 1, "host": "elsewhere.example", "command": "volltrack run"}))
    with pytest.raises(FolderLockedError, match="elsewhere.example.*delete"):
        with output_lock(tmp_path):
            pass
    assert (tmp_path / LOCK_NAME).exists()


def test_an_empty_lock_file_is_stale_only_after_a_grace_period(tmp_path):
    lock = tmp_path / LOCK_NAME
    lock.write_text("")
    with pytest.raises(FolderLockedError):
        with output_lock(tmp_path):
            pass
    old = time.time() - 3600
    os.utime(lock, (old, old))
    with output_lock(tmp_path):
        pass


def test_the_lock_is_reentrant_and_removed_on_interrupt_and_a_created_folder_removed_on_failure(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(KeyboardInterrupt):
        with output_lock(out):
            with output_lock(out):
                raise KeyboardInterrupt
    assert not out.exists()


# --- content fingerprints ---------------------------------------------------------------------------------------

def test_fingerprints_follow_content_not_the_spelling_of_the_path(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    source = tmp_path / "a" / "raw.bin"
    source.write_bytes(b"x" * 100)
    monkeypatch.chdir(tmp_path)
    spelled = [source, Path("a/raw.bin"), Path("a/../a/raw.bin"), tmp_path / "a" / "." / "raw.bin"]
    assert len({json.dumps(file_fingerprint(p)) for p in spelled}) == 1
    os.symlink(source, tmp_path / "link.bin")
    assert file_fingerprint(tmp_path / "link.bin") == file_fingerprint(source)
    copy = tmp_path / "copy.bin"
    copy.write_bytes(source.read_bytes())
    assert file_fingerprint(copy) == file_fingerprint(source)      # a copy elsewhere is the same input


def test_a_stage_is_skipped_when_the_same_input_is_named_another_way(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source, out, calls = tmp_path / "raw.bin", tmp_path / "o.txt", []

    def stage():
        calls.append(1)
        out.write_text("r")

    source.write_bytes(b"abc")
    StageRunner(tmp_path).run("s", stage, params={}, inputs=[source], outputs=[out])
    record = StageRunner(tmp_path).run("s", stage, params={}, inputs=[Path("raw.bin")], outputs=[out])
    assert record.skipped and len(calls) == 1
    assert (tmp_path / STAMP_DIR / HASH_CACHE).is_file()
    source.write_bytes(b"abd")                      # same size: still noticed
    record = StageRunner(tmp_path).run("s", stage, params={}, inputs=[source], outputs=[out])
    assert not record.skipped and len(calls) == 2


# --- exit codes -------------------------------------------------------------------------------------------------

def test_exit_codes_follow_the_jar(tmp_path, capsys, monkeypatch):
    from volltrack import cli
    from volltrack.commands import simulate

    assert cli.main(["spots", str(tmp_path / "missing.tif"), "--out", str(tmp_path / "s.csv")]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as usage:
        cli.main(["spots", "--no-such-option"])
    assert usage.value.code == 2
    capsys.readouterr()

    def crash(args):
        raise RuntimeError("a bug")

    def interrupt(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(simulate, "run", crash)
    assert cli.main(["simulate", "--out", str(tmp_path / "s")]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: a bug" in err and "Traceback" not in err and err.count("\n") == 1
    monkeypatch.setattr(simulate, "run", interrupt)
    assert cli.main(["simulate", "--out", str(tmp_path / "s")]) == 130
    assert capsys.readouterr().err == "volltrack simulate: interrupted\n"


# --- tracking: a full disk ends in one line and leaves nothing (Ctrl-C: tests/test_ctrl_c.py) --------------------------------------------

def _spot_csv(path, n_per_frame, n_frames):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    index = np.tile(np.arange(n_per_frame), n_frames)
    pd.DataFrame({"FRAME": np.repeat(np.arange(n_frames), n_per_frame),
                  "POSITION_X": (index % 100) * 4.0 + rng.normal(0, 0.3, index.size),
                  "POSITION_Y": (index // 100) * 4.0 + rng.normal(0, 0.3, index.size),
                  "POSITION_Z": 5.0, "RADIUS": 1.0, "QUALITY": 1.0}).to_csv(path, index=False)
    return path


def _volltrack_command():
    return [sys.executable, "-c", "import sys; from volltrack.cli import main; sys.exit(main(sys.argv[1:]))"]


def test_a_full_disk_while_writing_the_xml_names_the_xml_and_leaves_nothing(tmp_path):
    import resource

    spots = _spot_csv(tmp_path / "spots.csv", 400, 20)
    (tmp_path / "out").mkdir()

    def file_size_limit():        # the XML cannot grow beyond 200 kB: what a full disk does to a writer
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    done = subprocess.run([*_volltrack_command(), "track", str(spots), "--out", str(tmp_path / "out" / "tracks.xml")],
                          preexec_fn=file_size_limit, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": PYTHONPATH})
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "tracks.xml: cannot write the TrackMate XML" in last and ".tmp" not in last, done.stderr
    assert "Traceback" not in done.stderr
    assert list((tmp_path / "out").iterdir()) == []          # no XML, no hidden temporary file


# --- Ctrl-C while the next frame's networks run in the worker thread ------------------------------------------------

def test_ctrl_c_does_not_wait_for_the_next_frames_networks(monkeypatch):
    """The networks of frame 1 run in a worker thread (TensorFlow cannot be cut short; the first call compiles for
    a long time). Ctrl-C while frame 0 is post-processed must not wait for them: the command says "interrupted"
    at once and the worker's result is discarded."""
    import threading

    import numpy as np

    from volltrack.segmentation import batch, pipeline

    release, started = threading.Event(), threading.Event()

    def networks(volume, models, **options):
        if volume.flat[0] == 1:                 # frame 1: blocks until the test releases it
            started.set()
            release.wait(60)
        return {"fake": True}

    monkeypatch.setattr(pipeline, "predict_networks", networks)
    monkeypatch.setattr(pipeline, "vollseg", lambda volume, models, **kw: "result")
    movie = np.zeros((2, 2, 4, 4), np.float32)
    movie[1] = 1
    movie[:, 0, 0, 1] += 0.5                     # not blank
    frames = batch._segmented_frames(movie, True, "movie.tif", [0, 1], models=None, options={})
    assert next(frames) == (0, "result")
    assert started.wait(30)
    with pytest.raises(KeyboardInterrupt):
        frames.throw(KeyboardInterrupt)
    assert not release.is_set()                  # returned while frame 1's networks still run
    worker = [t for t in threading.enumerate() if t.name.startswith("volltrack-networks")]
    assert worker and worker[0].is_alive()
    release.set()
    worker[0].join(30)
