"""The output folder is checked for writability before any work (issue 14): one line naming it, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from volltrack.cli import main
from volltrack.io.writable import check_writable_folder


@pytest.mark.parametrize("argv", [
    ["run", "--out", "{blocker}/sub"],
    ["segment", "{missing}.tif", "--out", "{blocker}/sub"],
    ["spots", "{missing}.tif", "--out", "{blocker}/sub/spots.csv"],
    ["track", "{missing}.csv", "--out", "{blocker}/sub/tracks.xml"],
    ["analyze", "{missing}.xml", "--out", "{blocker}/sub"],
], ids=["run", "segment", "spots", "track", "analyze"])
def test_an_output_under_a_regular_file_is_refused_first(tmp_path, capsys, argv):
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file")
    args = [a.format(blocker=blocker, missing=tmp_path / "missing") for a in argv]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert f"{blocker} is a file, not a folder" in err
    assert "missing" not in err  # refused before the (missing) input was even looked at
    assert blocker.read_text() == "a regular file"


def test_an_unwritable_folder_is_named(tmp_path):
    # /proc refuses new files even for root (os.access would say yes there)
    with pytest.raises(ValueError, match=r"--out /proc/volltrack-out: the output folder is not writable \(in /proc"):
        check_writable_folder(Path("/proc/volltrack-out"))


def test_a_writable_folder_passes_and_nothing_is_left(tmp_path):
    check_writable_folder(tmp_path / "a" / "b")
    check_writable_folder(tmp_path)
    assert list(tmp_path.iterdir()) == []
