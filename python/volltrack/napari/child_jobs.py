"""Long napari work (segmentation, tracking) in a child Python process, with progress and an immediate cancel.

Why a child process: TensorFlow and Mesa's software OpenGL (napari under Xvfb, many Linux desktops) crash when
they share one process, and a JVM or a network cannot be interrupted half-way from a thread. So napari's process
never imports TensorFlow or starts the JVM for the widgets: a :class:`ChildJob` writes the input arrays to a
private temporary folder, starts ``python -m volltrack.napari.child_jobs FOLDER`` and reads its progress lines;
the job's result comes back through a file of that folder, which is deleted afterwards. :meth:`ChildJob.cancel`
kills the child at once (its whole process group) and deletes the folder: nothing partial is left behind.

A job is a generator function named by ``"module:function"`` that yields progress messages and returns its
result (as :func:`volltrack.napari.segment_widget.segmentation_steps` and
:func:`volltrack.napari.track_widget.tracking_steps` do). Array arguments travel as ``.npy`` files (read back
memory-mapped); the other arguments and the result are pickled (a private folder, written and read by this
module only).

Protocol (one JSON object per line on the child's standard output, which nothing else writes to: the child moves
its own stdout to stderr, and stderr goes to ``FOLDER/log.txt``): ``{"progress": "..."}`` per step, then
``{"done": true}`` after the result file is complete, or ``{"error": "one line"}``.
"""

from __future__ import annotations

import atexit
import importlib
import json
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Any, Callable, Generator

import numpy as np

logger = logging.getLogger(__name__)

#: Files of a job folder.
JOB_FILE, RESULT_FILE, LOG_FILE = "job.pkl", "result.pkl", "log.txt"
#: Seconds to wait for a killed child to be reaped.
KILL_TIMEOUT = 10.0
#: Jobs whose child is running; killed when the Python process exits (napari closed during a job).
_RUNNING: set[ChildJob] = set()
_RUNNING_LOCK = threading.Lock()


class JobCancelled(Exception):
    """Raised by :meth:`ChildJob.run` when the job was cancelled."""


class JobFailed(RuntimeError):
    """The child reported an error or died; the message is one line."""


def _package_root() -> str:
    """The folder holding the ``volltrack`` package this process imported (the child must import the same)."""
    import volltrack

    return str(Path(volltrack.__file__).resolve().parents[1])


class ChildJob:
    """One generator job run in a child Python process.

    Parameters
    ----------
    function : str
        ``"module:function"`` of a generator function (yields progress strings, returns the result).
    arrays : dict of str to array-like, optional
        Keyword arguments passed as arrays (``None`` values are passed as None).
    options : dict, optional
        Further keyword arguments (picklable).

    Attributes
    ----------
    process : subprocess.Popen or None
        The child, once started.
    folder : Path or None
        The job's temporary folder while it exists.
    cancelled : bool
    """

    def __init__(self, function: str, *, arrays: dict[str, Any] | None = None,
                 options: dict[str, Any] | None = None) -> None:
        if ":" not in function:
            raise ValueError(f"job function {function!r}: expected 'module:function'")
        self.function = function
        self.arrays = dict(arrays or {})
        self.options = dict(options or {})
        self.process: subprocess.Popen[bytes] | None = None
        self.folder: Path | None = None
        self.cancelled = False
        self._lock = threading.Lock()

    # ---- parent side ---------------------------------------------------------------------------------------
    def _prepare(self) -> tuple[Path, list[str]]:
        folder = self.folder = Path(tempfile.mkdtemp(prefix="volltrack-napari-job-"))
        names: dict[str, str | None] = {}
        for name, value in self.arrays.items():
            if value is None:
                names[name] = None
                continue
            file = folder / f"input_{name}.npy"
            np.save(file, np.asarray(value))
            names[name] = file.name
        with open(folder / JOB_FILE, "wb") as handle:
            pickle.dump({"function": self.function, "arrays": names, "options": self.options}, handle)
        return folder, [sys.executable, "-m", "volltrack.napari.child_jobs", str(folder)]

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        root = _package_root()
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        return env

    def run(self) -> Generator[str, None, Any]:
        """Start the child and yield its progress messages; return (``StopIteration.value``) its result.

        Raises
        ------
        JobCancelled
            When :meth:`cancel` was called.
        JobFailed
            When the child reported an error or died.
        """
        try:
            folder, command = self._prepare()
            with self._lock:
                if self.cancelled:
                    raise JobCancelled(self.function)
                with open(folder / LOG_FILE, "wb") as log:
                    process = self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log,
                                                              stdin=subprocess.DEVNULL, env=self._environment(),
                                                              start_new_session=True)
            with _RUNNING_LOCK:
                _RUNNING.add(self)
            done, error = False, None
            stdout: IO[bytes] = process.stdout  # type: ignore[assignment]  # stdout=PIPE: never None
            for line in stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if "progress" in message:
                    yield str(message["progress"])
                elif message.get("done"):
                    done = True
                elif "error" in message:
                    error = str(message["error"])
            process.wait()
            if self.cancelled:
                raise JobCancelled(self.function)
            if error is not None:
                raise JobFailed(error)
            if not done or process.returncode != 0:
                raise JobFailed(f"the {self.function.split(':')[-1]} process ended with code "
                                f"{process.returncode}: {self._log_tail()}")
            with open(folder / RESULT_FILE, "rb") as handle:
                return pickle.load(handle)
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(self)
            if self.process is not None and self.process.poll() is None:  # the consumer stopped early
                self._kill()
            if self.process is not None and self.process.stdout is not None:
                self.process.stdout.close()
            self._remove_folder()

    def cancel(self) -> None:
        """Stop the job now: kill the child (and its process group) and delete the job folder."""
        with self._lock:
            self.cancelled = True
            if self.process is not None:
                self._kill()
        logger.info("cancelled %s", self.function)

    @property
    def running(self) -> bool:
        """True while the child process is alive."""
        return self.process is not None and self.process.poll() is None

    def _kill(self) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, AttributeError):
                process.kill()
        try:
            process.wait(timeout=KILL_TIMEOUT)
        except subprocess.TimeoutExpired:
            logger.warning("child process %d did not end within %.0f s of SIGKILL", process.pid, KILL_TIMEOUT)

    def _log_tail(self, lines: int = 3) -> str:
        if self.folder is None:
            return "no log"
        try:
            text = (self.folder / LOG_FILE).read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return " | ".join(text[-lines:]) or "no output"

    def _remove_folder(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _kill_running_jobs() -> None:
    with _RUNNING_LOCK:
        jobs = list(_RUNNING)
    for job in jobs:
        job.cancel()


atexit.register(_kill_running_jobs)


def start_worker(job: ChildJob, *, total: int, description: str) -> Any:
    """A napari generator worker running ``job``: progress per message, returns the result, or None if cancelled.

    Quitting the worker or calling ``job.cancel()`` kills the child at once.
    """
    from napari.qt.threading import create_worker

    def steps() -> Generator[str, None, Any]:
        try:
            return (yield from job.run())
        except JobCancelled:
            return None

    worker = create_worker(steps, _progress={"total": total, "desc": description})
    worker.job = job
    return worker


def start_widget_job(widget: Any, job: ChildJob, *, total: int, description: str,
                     on_message: Callable[[str], None], on_result: Callable[[Any], None],
                     on_error: Callable[[BaseException], None]) -> Any:
    """Run ``job`` in a worker owned by ``widget`` (see :func:`add_cancel_button`) and return the worker.

    Each progress message goes to ``on_message``, the result (None if cancelled) to ``on_result``, a failure to
    ``on_error``; the call button is disabled and *Cancel* enabled until the worker finishes.
    """
    worker = start_worker(job, total=total, description=description)
    widget.last_error = None
    worker.yielded.connect(on_message)
    worker.returned.connect(on_result)
    worker.errored.connect(on_error)
    worker.finished.connect(lambda: set_running(widget, False))
    widget.worker = worker
    set_running(widget, True)
    worker.start()
    return worker


def add_cancel_button(widget: Any, what: str) -> None:
    """Give a magicgui widget a *Cancel* button (disabled until a job runs) and the job attributes.

    ``widget.worker`` holds the running worker (made by :func:`start_worker`), ``widget.last_error`` the last
    error message; :func:`set_running` toggles the call button and *Cancel*.
    """
    from magicgui.widgets import PushButton

    widget.cancel_button = PushButton(text="Cancel", enabled=False,
                                      tooltip=f"Stop the {what} now (its process is killed; nothing is added)")
    widget.cancel_button.changed.connect(lambda *_: cancel_widget_job(widget))
    widget.append(widget.cancel_button)
    widget.worker = None
    widget.last_error = None


def widget_job_running(widget: Any) -> bool:
    """True while the widget's job has not ended (starting, or its child alive)."""
    worker = getattr(widget, "worker", None)
    if worker is None or worker.job.cancelled:
        return False
    return bool(worker.job.process is None or worker.job.running)


def set_running(widget: Any, running: bool) -> None:
    """While a job runs, the call button is disabled and *Cancel* enabled (and the other way round)."""
    widget.call_button.enabled = not running
    widget.cancel_button.enabled = running


def cancel_widget_job(widget: Any) -> bool:
    """Cancel the widget's job: its child process is killed at once and no layer is added.

    Returns True when a job was running.
    """
    if not widget_job_running(widget):
        return False
    widget.worker.job.cancel()
    viewer = getattr(widget, "viewer", None)
    if viewer is not None:
        viewer.status = "volltrack: cancelled"
    return True


# ---- child side --------------------------------------------------------------------------------------------
def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if not isinstance(exc, (ValueError, OSError)) else text


def child_main(folder_name: str) -> int:
    """Run the job of ``folder`` (in the child): progress lines on the original stdout, the result to a file."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything a library prints to stdout goes to the log, never into the protocol
    sys.stdout = sys.stderr

    def send(**message: Any) -> None:
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    folder = Path(folder_name)
    try:
        with open(folder / JOB_FILE, "rb") as handle:
            job = pickle.load(handle)
        module, name = job["function"].split(":")
        function = getattr(importlib.import_module(module), name)
        kwargs = dict(job["options"])
        for key, file in job["arrays"].items():
            kwargs[key] = None if file is None else np.load(folder / file, mmap_mode="r")
        steps = function(**kwargs)
        while True:
            try:
                send(progress=next(steps))
            except StopIteration as stop:
                result = stop.value
                break
        from volltrack.io.atomic import atomic_path

        with atomic_path(folder / RESULT_FILE) as partial, open(partial, "wb") as output:
            pickle.dump(result, output, protocol=pickle.HIGHEST_PROTOCOL)
        send(done=True)
        return 0
    except Exception as exc:  # noqa: BLE001 -- reported to the parent as one line
        logging.getLogger(__name__).exception("job failed")
        send(error=_one_line(exc))
        return 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: python -m volltrack.napari.child_jobs JOB_FOLDER\n")
        raise SystemExit(2)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    raise SystemExit(child_main(sys.argv[1]))
