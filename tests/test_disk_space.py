"""The free-disk-space estimate checked before segmenting (issue 14): one line naming the output folder, the
space needed and the space available, exit code 1, nothing created."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

from volltrack.cli import main
from volltrack.io import disk_space
from volltrack.io.disk_space import check_free_space, frames_still_to_segment, human_size, segmentation_bytes

Usage = namedtuple("Usage", "total used free")


@pytest.fixture()
def raw(tmp_path):
    from volltrack.io import write_image

    path = tmp_path / "raw.tif"
    write_image(path, (np.random.default_rng(0).random((3, 4, 32, 32)) * 100).astype(np.uint16), axes="TZYX")
    return path


def _disk_with(monkeypatch, free):
    monkeypatch.setattr(disk_space.shutil, "disk_usage", lambda path: Usage(10**12, 10**12 - free, free))


def test_the_estimate_counts_every_output_and_the_frame_store():
    assert segmentation_bytes(1_000) == 1_000 * (4 * 2 + 4) * 2
    assert human_size(999) == "999 bytes" and human_size(1_500_000) == "1.5 MB"


def test_enough_space_passes_and_too_little_names_folder_needed_and_available(tmp_path, monkeypatch):
    check_free_space(tmp_path / "new" / "out", 1, "x")              # a real disk has a byte
    _disk_with(monkeypatch, 1000)
    with pytest.raises(ValueError) as refused:
        check_free_space(tmp_path / "new" / "out", 5000, "the segmentation of 2 volume(s)")
    message = str(refused.value)
    assert message.startswith(f"--out {tmp_path / 'new' / 'out'}: not enough free disk space for the segmentation")
    assert "about 5.0 kB needed, 1.0 kB available" in message and "\n" not in message


def test_frames_already_done_are_not_counted(tmp_path):
    done = tmp_path / ".frames" / "movie" / "done"
    done.mkdir(parents=True)
    for t in (0, 1):
        (done / f"t{t:05d}").touch()
    assert frames_still_to_segment(tmp_path, "movie", 5) == 3
    assert frames_still_to_segment(tmp_path, "other", 5) == 5


@pytest.mark.parametrize("command", ["segment", "run"])
def test_segment_and_run_refuse_before_any_work(command, raw, tmp_path, monkeypatch, capsys):
    needed = segmentation_bytes(3 * 4 * 32 * 32)
    _disk_with(monkeypatch, needed - 1)
    loaded = []
    from volltrack.segmentation import models

    monkeypatch.setattr(models, "load_models", lambda *a, **k: loaded.append(1))
    out = tmp_path / "out"
    argv = ["segment", str(raw), "--out", str(out)] if command == "segment" else ["run", "--raw", str(raw), "--out",
                                                                                   str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--out {out}: not enough free disk space" in err[0], err
    assert human_size(needed) in err[0] and human_size(needed - 1) in err[0]
    assert not loaded and not out.exists()


def test_a_segmented_run_is_not_refused_for_space_it_no_longer_needs(raw, tmp_path, monkeypatch):
    from volltrack.pipeline import run as pipeline_run

    out = tmp_path / "out"
    (out / ".stages").mkdir(parents=True)
    (out / ".stages" / "segment.json").write_text("{}")
    _disk_with(monkeypatch, 0)
    pipeline_run._check_disk_space(pipeline_run.RunInputs(raw=raw), out, (3, 4, 32, 32), force=False)
    with pytest.raises(ValueError, match="not enough free disk space"):
        pipeline_run._check_disk_space(pipeline_run.RunInputs(raw=raw), out, (3, 4, 32, 32), force=True)
