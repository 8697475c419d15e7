"""The ``volltrack`` command and its subcommands.

Each subcommand lives in its own module under :mod:`volltrack.commands`, which defines

* ``HELP`` -- a one-line description shown by ``volltrack --help``;
* ``configure_parser(parser)`` -- adds the subcommand's arguments to an :class:`argparse.ArgumentParser`;
* ``run(args) -> int`` -- runs the subcommand and returns the process exit code.

Command modules import heavy libraries (TensorFlow, the JVM, napari) inside ``run`` only, so that
``volltrack --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import re
import sys
from typing import Callable, Sequence

from volltrack import __version__
from volltrack.errors import UserError  # noqa: F401  (re-exported: its former home)

#: Subcommands in the order of the data flow: (name, module under ``volltrack.commands``).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("run", "run"),
    ("simulate", "simulate"),
    ("segment", "segment"),
    ("evaluate-seg", "evaluate_seg"),
    ("train", "train"),
    ("spots", "spots"),
    ("track", "track"),
    ("tune", "tune"),
    ("evaluate", "evaluate"),
    ("analyze", "analyze"),
    ("doctor", "doctor"),
)


def _available_commands() -> list[tuple[str, str]]:
    """Return the (name, module path) pairs whose module exists in this installation."""
    found = []
    for name, module in COMMANDS:
        path = f"volltrack.commands.{module}"
        if importlib.util.find_spec(path) is not None:
            found.append((name, path))
    return found


def error_line(exc: BaseException) -> str:
    """Return the one-line message printed for a user-facing error.

    An :class:`OSError` (a file that cannot be read or written: permission denied, a folder where a file is
    expected, a full disk, ...) is reported as ``PATH: reason``, naming the user's path rather than a temporary
    file. Multi-line messages (from YAML or XML parsers) are joined into one line.

    Parameters
    ----------
    exc : BaseException
        The exception caught by :func:`main`.

    Returns
    -------
    str
        The message, without newlines.
    """
    if isinstance(exc, FileExistsError) and exc.filename is not None:
        text = f"{exc.filename}: exists and is not a folder, but a folder is needed here"
    elif isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError) and exc.strerror:
        path = exc.filename2 if exc.filename2 is not None else exc.filename
        text = f"{path}: {exc.strerror.lower()}" if path is not None else exc.strerror
    elif isinstance(exc, FileNotFoundError) and exc.strerror and exc.filename is not None:
        text = f"{exc.filename}: no such file or folder"
    else:
        text = str(exc) or type(exc).__name__
    if isinstance(exc, OSError) and re.search(r"\d+ requested and \d+ written", text):
        text = f"the disk is full: a write was cut short ({text}); free some space and run again"
    return " ".join(text.split())


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="volltrack",
        description="Segment (VollSeg), track (BTrackmate, TrackMate-compatible) and analyse "
        "membrane-labelled cells in 3D+t microscopy.",
    )
    parser.add_argument("--version", action="version", version=f"volltrack {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging information")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, path in _available_commands():
        module = importlib.import_module(path)
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure_parser(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``volltrack`` console script.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        Exit code, as the engine jar's: 0 success, 1 bad input (one line on stderr naming the file and what was
        expected), 2 usage error (from argparse), 3 internal error, 130 interrupted (Ctrl-C).
    """
    from volltrack.exit_codes import INTERRUPTED, run_command

    console = argv is None
    prefix = "volltrack"
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        prefix = f"volltrack {args.command}" if getattr(args, "command", None) else prefix
        logging.basicConfig(
            level=logging.DEBUG if args.verbose else logging.INFO,
            format="%(levelname)s %(name)s: %(message)s",
        )
        if getattr(args, "_run", None) is None:
            parser.print_help()
            return 2
        _check_output_first(args)
        code = run_command(args, error_line=error_line, user_errors=(UserError,))
    except KeyboardInterrupt:           # Ctrl-C while the command starts (imports, argument parsing)
        if not console:
            raise
        print(f"{prefix}: interrupted", file=sys.stderr)
        code = INTERRUPTED
    if console:
        if code == INTERRUPTED:
            _exit_now(code)
        _shut_down(prefix, code)
    return code


def _shut_down(prefix: str, code: int) -> None:
    """End the console command after its work: what the interpreter's shutdown does that matters (wait for the
    non-daemon threads, run the exit handlers: logging, scyjava's JVM shutdown, Dask, multiprocessing), then end the
    process, skipping the finalisation of every module (seconds with TensorFlow loaded).

    A Ctrl-C on the way (the outputs are written and whole) ends the process at once with the "interrupted" line and
    exit code 130, instead of a KeyboardInterrupt traceback from an exit handler or death by SIGINT (exit status -2,
    once the interpreter has put back the default handler) (issue 14).
    """
    import atexit
    import signal
    import threading

    def interrupted(signum: int, frame: object) -> None:
        try:
            print(f"{prefix}: interrupted", file=sys.stderr)
        finally:
            _exit_now(130)

    signal.signal(signal.SIGINT, interrupted)
    wait_for_threads = getattr(threading, "_shutdown", None)    # what Py_Finalize calls first
    if wait_for_threads is not None:
        wait_for_threads()
    atexit._run_exitfuncs()
    _exit_now(code)


def _check_output_first(args: argparse.Namespace) -> None:
    """Make the command check that its ``--out`` can be written before any work (issue 14)."""
    if args.command not in ("run", "segment", "spots", "track", "analyze"):
        return
    command_run: Callable[[argparse.Namespace], int] = args._run

    def checked_run(parsed: argparse.Namespace) -> int:
        from volltrack.io.writable import check_output_of

        check_output_of(parsed.command, getattr(parsed, "out", None))
        return command_run(parsed)

    args._run = checked_run


def _exit_now(code: int) -> None:
    """End the process at once after Ctrl-C (the console command only): everything half-written was removed on the
    way out, and the interpreter's shutdown with TensorFlow or a JVM loaded can take many seconds."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    # Run through the imported module ``volltrack.cli``: under ``python -m volltrack.cli`` this file is also
    # ``__main__``, a second copy of the module's globals.
    from volltrack.cli import main as _main

    sys.exit(_main())
