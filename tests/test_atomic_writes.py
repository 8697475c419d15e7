"""One atomic-write contract: every writer goes through ``volltrack.io.atomic``.

Each output file gets the permissions of an ordinary file (0666 minus the umask, not the owner-only mode of a
temporary file), and a write that fails leaves the earlier file as it was and no temporary file behind.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import volltrack.io.atomic as atomic

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "volltrack"

#: Calls that write a file by hand (a temporary file renamed into place) ...
_HAND_ROLLED = {("os", "replace"), ("os", "rename"), ("tempfile", "mkstemp"), ("tempfile", "NamedTemporaryFile")}
#: ... allowed only here: the contract itself, the writability probe (a file created and removed, never
#: published), and setting a damaged training record aside (a rename of an existing file, nothing written).
_ALLOWED = {"io/atomic.py": {"os.replace", "tempfile.mkstemp"}, "io/writable.py": {"tempfile.mkstemp"},
            "training/model_folders.py": {"os.replace"}}


def _calls(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and (node.func.value.id, node.func.attr) in _HAND_ROLLED:
            found.add(f"{node.func.value.id}.{node.func.attr}")
    return found


def test_no_module_writes_a_file_atomically_by_hand():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        calls = _calls(path) - _ALLOWED.get(name, set())
        if calls:
            offenders[name] = sorted(calls)
    assert offenders == {}, "write through volltrack.io.atomic (atomic_path / atomic_write) instead"


def _usual_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _lineage() -> pd.DataFrame:
    return pd.DataFrame({"label": [1, 2], "begin": [0, 1], "end": [1, 1], "parent": [0, 1]})


def _write_tiff(path: Path) -> None:
    from volltrack.synthetic.export import write_tiff_atomic

    write_tiff_atomic(path, np.arange(24, dtype=np.uint16).reshape(2, 3, 4), axes="ZYX", calibration=(2, 1, 1))


def _write_man_track(path: Path) -> None:
    from volltrack.synthetic.lineage import write_man_track

    write_man_track(_lineage(), path)


def _write_json(path: Path) -> None:
    from volltrack.training.model_folders import write_json_atomic

    write_json_atomic(path, {"prob": 0.5})


def _write_ctc_result(path: Path) -> None:
    from volltrack.metrics.ctc_format import CTCData, write_ctc

    labels = np.zeros((2, 4, 4), np.uint16)
    labels[0, :2, :2], labels[1, :2, :2], labels[1, 2:, 2:] = 1, 1, 2
    write_ctc(CTCData(labels, pd.DataFrame({"label": [1, 2], "begin": [0, 1], "end": [1, 1], "parent": [0, 0]})),
              path.parent, kind="res")


WRITERS = {"tiff": ("raw.tif", _write_tiff), "man_track": ("man_track.txt", _write_man_track),
           "json": ("thresholds.json", _write_json), "ctc": ("res_track.txt", _write_ctc_result)}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_outputs_have_the_mode_of_ordinary_files(tmp_path, kind):
    name, write = WRITERS[kind]
    write(tmp_path / name)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert name in written and not [n for n in written if n.startswith(".")]
    for path in tmp_path.iterdir():
        assert path.stat().st_mode & 0o777 == _usual_mode(), path.name


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch, kind):
    name, write = WRITERS[kind]
    (tmp_path / name).write_text("earlier\n")

    def disk_full(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write(tmp_path / name)
    assert (tmp_path / name).read_text() == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
