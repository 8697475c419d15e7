"""Exit codes of the ``volltrack`` command, the same as the engine jar's.

====  =================================================================================================
0     success
1     bad input: a file, folder, option value or setting that cannot be used (one line on stderr naming it
      and what was expected), an output folder in use by another run, a full disk, out of memory
2     usage error: unknown option, missing argument (argparse's own exit code)
3     internal error: a bug; one line on stderr (``-v`` adds the traceback) -- please report it
130   interrupted (Ctrl-C): one line ``volltrack <command>: interrupted``; nothing half-written is left
====  =================================================================================================
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable

OK, BAD_INPUT, USAGE, INTERNAL, INTERRUPTED = 0, 1, 2, 3, 130

_LOG = logging.getLogger("volltrack")


def _is_out_of_memory(exc: BaseException) -> bool:
    """True for Python's MemoryError and Java's OutOfMemoryError (as raised through JPype)."""
    return isinstance(exc, MemoryError) or type(exc).__name__.endswith("OutOfMemoryError")


def _user_error_types(extra: tuple[type[BaseException], ...]) -> tuple[type[BaseException], ...]:
    from volltrack.io.output_lock import FolderLockedError

    return (*extra, FolderLockedError, FileNotFoundError, ValueError, OSError)


def run_command(args: argparse.Namespace, *, error_line: Callable[[BaseException], str], user_errors: tuple[type[BaseException], ...] = ()) -> int:
    """Run ``args._run(args)`` and turn its outcome into an exit code and at most one line on stderr.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments with ``command`` and ``_run``.
    error_line : callable
        Formats an exception as the one-line message.
    user_errors : tuple of type, optional
        Further exception types that mean bad input.

    Returns
    -------
    int
        See the module table.
    """
    prefix = f"volltrack {args.command}"
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        _LOG.debug("%s interrupted", args.command, exc_info=True)
        _close_progress_bars()
        print(f"{prefix}: interrupted", file=sys.stderr)
        return INTERRUPTED
    except _user_error_types(user_errors) as exc:
        _LOG.debug("%s failed", args.command, exc_info=True)
        print(f"{prefix}: error: {error_line(exc)}", file=sys.stderr)
        return BAD_INPUT
    except Exception as exc:  # noqa: BLE001 -- every failure ends in one line and an exit code
        _LOG.debug("%s failed", args.command, exc_info=True)
        if _is_out_of_memory(exc):
            print(f"{prefix}: error: out of memory ({type(exc).__name__}); for tracking give a larger Java heap "
                  "(--heap 8g or VOLLTRACK_JVM_HEAP), or process a smaller movie", file=sys.stderr)
            return BAD_INPUT
        if _is_java_io_error(exc):
            print(f"{prefix}: error: {' '.join(str(exc).split())[:300]} (a file could not be read or written: full "
                  "disk, permissions?)", file=sys.stderr)
            return BAD_INPUT
        if _is_java_interrupt(exc):
            print(f"{prefix}: interrupted", file=sys.stderr)
            return INTERRUPTED
        text = " ".join((str(exc) or "").split())[:300]
        print(f"{prefix}: internal error: {type(exc).__name__}: {text} (run with -v for the traceback; please "
              "report it)", file=sys.stderr)
        return INTERNAL


def _close_progress_bars() -> None:
    """Close the progress bars an interrupt left open, so that the message starts a line of its own."""
    tqdm_module = sys.modules.get("tqdm.std")
    if tqdm_module is None:
        return
    for bar in list(getattr(tqdm_module.tqdm, "_instances", ())):
        try:
            # interrupted between its first display and the end of its constructor, a bar does not end its line
            unfinished = getattr(bar, "sp", None) is not None and not hasattr(bar, "last_print_t")
            bar.close()
            if unfinished and bar.leave is not False:
                bar.fp.write("\n")
        except Exception:  # noqa: BLE001,S112 -- a broken bar must not hide the message
            continue


def _is_java_io_error(exc: BaseException) -> bool:
    """Java's IOException and its subclasses, as raised through JPype (``java.io.IOException``, ...)."""
    name = type(exc).__name__
    return name.startswith("java.") and ("IOException" in name or "FileSystemException" in name
                                        or "AccessDenied" in name or "NoSuchFile" in name)


def _is_java_interrupt(exc: BaseException) -> bool:
    """JPype's errors after Ctrl-C stopped the JVM (``JVMNotRunning``, ``InterruptedException``)."""
    name = type(exc).__name__
    return name in ("JVMNotRunning", "InterruptedException") or "JVMNotRunning" in str(exc)
