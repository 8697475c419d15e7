"""Up-front check that an output folder can be written, before any (possibly hours of) work.

``os.access`` is not enough: as root it says yes for read-only mounts, and it says nothing for a path whose
parent is a regular file. The check therefore finds the folder that will hold the output (or its nearest existing
ancestor, where the missing folders will be created), refuses a regular file on the way, and creates and removes a
temporary file there.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def check_writable_folder(folder: str | os.PathLike, option: str = "--out") -> None:
    """Raise :class:`ValueError` (one line naming the folder) unless files can be created in ``folder``.

    Parameters
    ----------
    folder : path-like
        The output folder; it may not exist yet (then its nearest existing ancestor must be a writable folder).
    option : str, optional
        The option that named it, for the message.

    Raises
    ------
    ValueError
        When a path component is a regular file, or a temporary file cannot be created there.
    """
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise ValueError(f"{option} {folder}: cannot create the output folder there, {probe} is a file, not a "
                         "folder")
    try:
        handle, name = tempfile.mkstemp(prefix=".volltrack-write-check-", dir=probe)
    except OSError as exc:
        where = "" if probe == folder else f" (in {probe}, where it would be created)"
        raise ValueError(f"{option} {folder}: the output folder is not writable{where}: "
                         f"{(exc.strerror or str(exc)).lower()}") from None
    os.close(handle)
    os.unlink(name)


def check_output_of(command: str, out: str | os.PathLike | None) -> None:
    """Check the output of a ``volltrack`` command: a folder for run/segment/analyze, a file for spots/track."""
    if out is None:
        return
    out = Path(out)
    if command in ("spots", "track"):
        if out.is_dir():
            return  # the command's own check names this mistake
        check_writable_folder(out.parent if str(out.parent) else Path("."), "--out")
    elif command in ("run", "segment", "analyze"):
        if out.exists() and not out.is_dir():
            return  # the command's own check names this mistake
        check_writable_folder(out, "--out")
