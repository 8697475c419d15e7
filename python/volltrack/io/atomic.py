"""Atomic writes: write to a temporary file in the destination folder, then ``os.replace`` it.

A reader never sees a half-written output, and an output that existed before a failed write is left intact.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "notes.txt") as handle:
...     _ = handle.write("hello")
>>> (folder / "notes.txt").read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_path", "atomic_write", "atomic_write_text", "atomic_write_bytes"]


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it onto ``path``, on error delete it.

    Parameters
    ----------
    path : str or PathLike
        Final destination. Its folder must exist.
    suffix : str, optional
        Suffix of the temporary file; the destination's own suffixes by default (so that writers that look at
        the extension, such as tifffile with ``.ome.tif``, behave as for the final name).

    Yields
    ------
    Path
        The temporary path to write to: an empty file that reserves the name; overwrite it.
    """
    destination = Path(path)
    folder = destination.parent if str(destination.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {destination}: folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=suffix if suffix is not None else "".join(destination.suffixes),
            dir=folder)
    except OSError as exc:        # name the user's file, not the hidden temporary one
        raise type(exc)(exc.errno, f"cannot write {destination.name} in {folder} ({exc.strerror})",
                        str(destination)) from None
    os.close(handle)
    temporary_path = Path(temporary)
    os.chmod(temporary_path, 0o666 & ~_current_umask())  # mkstemp makes 0600 files; use the usual mode
    try:
        yield temporary_path
        os.replace(temporary_path, destination)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary_path.unlink()
        raise


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing and move it onto ``path`` when the block ends without error.

    Parameters
    ----------
    path : str or PathLike
        Final destination.
    mode : {"w", "wb"}
        Text or binary mode. Default "w".
    encoding : str, optional
        Text encoding (text mode only). Default "utf-8".
    newline : str, optional
        Passed to :func:`open` in text mode. Default None.

    Yields
    ------
    file object
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write: mode must be 'w' or 'wb', got {mode!r}")
    with atomic_path(path) as temporary:
        if mode == "wb":
            with open(temporary, "wb") as handle:
                yield handle
        else:
            with open(temporary, "w", encoding=encoding, newline=newline) as handle:
                yield handle


def atomic_write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    with atomic_write(path, "w", encoding=encoding) as handle:
        handle.write(text)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    with atomic_write(path, "wb") as handle:
        handle.write(data)
