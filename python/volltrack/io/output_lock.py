"""One writer per output folder: a lock file ``OUT/.volltrack.lock`` naming its owner (PID, host, command).

Two commands writing into one folder would mix their outputs (a movie stacked from frames of two runs, a
stage stamp describing another run's file). :func:`output_lock` takes the folder for the duration of a
``with`` block:

* the lock file is created atomically (``O_CREAT | O_EXCL``) and holds JSON: ``pid``, ``host``, ``command``,
  ``started``;
* a lock whose owner is gone is *stale* and taken over: same host and no process with that PID (or a
  recycled PID that started after the lock was written), or a lock file left empty (its writer died between
  creating and writing it) for more than a minute;
* a live owner, or an owner on another host (whose processes cannot be checked), is refused with a one-line
  message naming the lock file and its owner;
* the lock is removed when the block ends, however it ends; a folder the lock created is removed too when the
  block failed and left it empty (bad input leaves nothing behind).

The lock is re-entrant within one process: ``volltrack run`` takes it and the pipeline it calls may take it again.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Iterator

#: Name of the lock file inside the output folder.
LOCK_NAME = ".volltrack.lock"
#: A lock file still empty after this many seconds was left by a writer that died.
EMPTY_LOCK_GRACE_SECONDS = 60.0

_HELD: dict[str, int] = {}


class FolderLockedError(Exception):
    """The output folder is being written by another live volltrack process."""


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True          # exists, owned by someone else
    return True


def _process_start_time(pid: int) -> float | None:
    """Start time of ``pid`` (seconds since the epoch) on Linux, else None."""
    try:
        ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def read_owner(lock_path: Path) -> dict | None:
    """The owner recorded in a lock file; None when it is empty or unreadable."""
    try:
        owner = json.loads(Path(lock_path).read_text() or "null")
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) else None


def is_stale(lock_path: Path) -> bool:
    """True when the lock's owner is certainly gone (see the module notes)."""
    owner = read_owner(lock_path)
    if owner is None:
        try:
            age = time.time() - Path(lock_path).stat().st_mtime
        except FileNotFoundError:
            return True
        return age > EMPTY_LOCK_GRACE_SECONDS
    if owner.get("host") != socket.gethostname():
        return False
    pid = int(owner.get("pid") or 0)
    if not _process_alive(pid):
        return True
    started, locked = _process_start_time(pid), owner.get("started_epoch")
    return started is not None and isinstance(locked, (int, float)) and started > locked + 1.0


def _describe(owner: dict | None) -> str:
    if owner is None:
        return "an unknown process (the lock file is empty)"
    return (f"process {owner.get('pid')} on {owner.get('host')} ({owner.get('command', '?')}, since "
            f"{owner.get('started', '?')})")


def _create(lock_path: Path, command: str) -> None:
    descriptor = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    owner = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
             "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "started_epoch": time.time()}
    with os.fdopen(descriptor, "w") as handle:
        handle.write(json.dumps(owner))


def acquire(folder: Path, command: str) -> Path:
    """Take the lock of ``folder`` (which must exist); return the lock file's path.

    Raises
    ------
    FolderLockedError
        When a live process holds it.
    """
    lock_path = Path(folder) / LOCK_NAME
    _refuse_locked_parent(Path(folder))
    for _ in range(3):
        try:
            _create(lock_path, command)
            return lock_path
        except FileExistsError:
            if not is_stale(lock_path):
                owner = read_owner(lock_path)
                raise FolderLockedError(
                    f"{folder} is in use by {_describe(owner)}: wait for it to finish or give another --out "
                    f"(if that process is gone, for example on another computer, delete {lock_path})") from None
            with contextlib.suppress(FileNotFoundError):
                lock_path.unlink()           # stale: take it over
    raise FolderLockedError(f"{folder}: could not take the lock {lock_path} (another process keeps taking it)")


def _refuse_locked_parent(folder: Path) -> None:
    """A folder inside another run's output folder (``volltrack segment --out RUN/segmentation``) is that run's."""
    for parent in folder.resolve().parents:
        lock_path = parent / LOCK_NAME
        if not lock_path.is_file():
            continue
        owner = read_owner(lock_path)
        ours = owner is not None and owner.get("pid") == os.getpid() and owner.get("host") == socket.gethostname()
        if not ours and not is_stale(lock_path):
            raise FolderLockedError(f"{folder} is inside {parent}, which is in use by {_describe(owner)}: wait for "
                                    f"it to finish or give another --out (if that process is gone, delete {lock_path})")


def release(lock_path: Path) -> None:
    """Remove ``lock_path`` if this process owns it."""
    owner = read_owner(lock_path)
    if owner is not None and owner.get("pid") == os.getpid() and owner.get("host") == socket.gethostname():
        with contextlib.suppress(FileNotFoundError):
            Path(lock_path).unlink()


@contextlib.contextmanager
def output_lock(folder: str | os.PathLike, command: str | None = None) -> Iterator[Path]:
    """Hold the lock of the output folder ``folder`` (created when missing) while the block runs.

    Parameters
    ----------
    folder : path
        The output folder.
    command : str, optional
        Recorded in the lock file for the message another process shows. Default: this process's arguments.

    Yields
    ------
    pathlib.Path
        The folder.

    Raises
    ------
    FolderLockedError
        When another live process holds the folder.
    """
    folder = Path(folder)
    key = str(folder.resolve())
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield folder
        finally:
            _HELD[key] -= 1
        return
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        lock_path = acquire(folder, command or " ".join(["volltrack", *sys.argv[1:]])[:200])
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    _HELD[key] = 1
    failed = True
    try:
        yield folder
        failed = False
    finally:
        _HELD.pop(key, None)
        release(lock_path)
        if failed and created:
            with contextlib.suppress(OSError):
                folder.rmdir()               # only when empty
