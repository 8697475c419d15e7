"""Small shared contracts: ``UserError`` lives in ``volltrack.errors`` (old import path kept) and the lazy
exports of ``volltrack.tracking`` and ``volltrack.tuning``."""

from __future__ import annotations

import argparse

import pytest


def test_user_error_has_one_home_and_its_old_import_path_still_works():
    import volltrack.cli
    import volltrack.errors

    assert volltrack.cli.UserError is volltrack.errors.UserError


def test_a_user_error_is_one_line_and_exit_code_1(capsys):
    from volltrack.cli import error_line
    from volltrack.errors import UserError
    from volltrack.exit_codes import run_command

    def fails(_args):
        raise UserError("spots.csv: column FRAME is missing\n(expected TrackMate keys)")

    code = run_command(argparse.Namespace(command="track", _run=fails), error_line=error_line,
                       user_errors=(UserError,))
    assert code == 1
    assert capsys.readouterr().err == "volltrack track: error: spots.csv: column FRAME is missing (expected " \
                                      "TrackMate keys)\n"


@pytest.mark.parametrize("package, name, module", [("volltrack.tracking", "TrackerSettings", "volltrack.tracking.settings"),
                                                    ("volltrack.tuning", "parse_frames", "volltrack.tuning.truth")])
def test_lazy_exports_resolve_list_and_refuse_unknown_names(package, name, module):
    import importlib

    pkg = importlib.import_module(package)
    assert name in pkg.__all__ and name in dir(pkg)
    assert getattr(pkg, name) is getattr(importlib.import_module(module), name)
    with pytest.raises(AttributeError, match=f"module '{package}' has no attribute 'nothing_here'"):
        pkg.nothing_here  # noqa: B018
