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


def test_the_zarr_estimate_counts_the_raw_copy_and_the_float_maps_once():
    """OME-Zarr outputs are written once per frame, compressed: the raw copy and the probability map (labels compress
    to almost nothing), no frame store; measured 7.7 bytes per uint16 voxel, the estimate 6 is below it."""
    assert segmentation_bytes(1_000, "zarr") == 1_000 * (2 + 4)
    assert segmentation_bytes(1_000, "zarr", raw_itemsize=4, denoised=True) == 1_000 * (4 + 4 + 4)
    assert segmentation_bytes(1_000, "zarr") < 7.7 * 1_000 < segmentation_bytes(1_000)


@pytest.mark.parametrize("command", ["segment", "run"])
def test_zarr_outputs_are_estimated_as_zarr(command, raw, tmp_path, monkeypatch, capsys):
    """Refused when the OME-Zarr outputs cannot fit (the message gives their size, not the TIFFs'); a disk that holds
    them but not the TIFF outputs is enough."""
    from volltrack.segmentation import models

    needed = segmentation_bytes(3 * 4 * 32 * 32, "zarr", raw_itemsize=2)
    out = tmp_path / "out"
    argv = (["segment", str(raw), "--out", str(out)] if command == "segment"
            else ["run", "--raw", str(raw), "--out", str(out)]) + ["--format", "zarr"]
    _disk_with(monkeypatch, needed - 1)
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"about {human_size(needed)} needed" in err[0], err
    assert not out.exists()

    class Loaded(Exception):
        pass

    def load(*args, **kwargs):
        raise Loaded

    monkeypatch.setattr(models, "load_models", load)
    monkeypatch.setattr("volltrack.pipeline.run.check_models", lambda folder: None)
    monkeypatch.setattr("volltrack.pipeline.run._run_stages", load)
    _disk_with(monkeypatch, needed + 1)          # far less than the TIFF outputs would need
    assert needed + 1 < segmentation_bytes(3 * 4 * 32 * 32)
    assert main(argv) == 3                       # past the check: the networks were being loaded
    assert "Loaded" in capsys.readouterr().err


def test_track_refuses_an_xml_that_cannot_fit_before_starting_the_engine(tmp_path, monkeypatch, capsys):
    import pandas as pd

    from volltrack.io.disk_space import xml_bytes
    from volltrack.tracking import jvm

    spots = tmp_path / "spots.csv"
    pd.DataFrame({"FRAME": [0, 1] * 50, "POSITION_X": range(100), "POSITION_Y": 1.0, "POSITION_Z": 1.0,
                  "RADIUS": 1.0, "QUALITY": 1.0}).to_csv(spots, index=False)
    needed = xml_bytes(100, 6)
    assert needed == 100 * (40 + 20 * 8)
    monkeypatch.setattr(jvm, "start_jvm", lambda **k: pytest.fail("the engine was started"))
    _disk_with(monkeypatch, needed - 1)
    assert main(["track", str(spots), "--out", str(tmp_path / "t.xml"), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--out {tmp_path / 't.xml'}: not enough free disk space for the TrackMate XML of 100 " \
        "spots" in err[0], err
    assert list(tmp_path.iterdir()) == [spots]


def test_run_checks_the_xml_before_tracking(tmp_path, monkeypatch):
    import pandas as pd

    from volltrack.io.disk_space import xml_bytes
    from volltrack.pipeline import run as pipeline_run
    from volltrack.pipeline.config import RunConfig

    spots = tmp_path / "spots.csv"
    pd.DataFrame({"FRAME": [0, 1] * 5, "POSITION_X": range(10), "POSITION_Y": 1.0, "POSITION_Z": 1.0,
                  "RADIUS": 1.0, "QUALITY": 1.0}).to_csv(spots, index=False)
    monkeypatch.setattr("volltrack.tracking.track", lambda *a, **k: pytest.fail("tracked"))
    _disk_with(monkeypatch, xml_bytes(10, 6) - 1)
    with pytest.raises(ValueError, match=r"tracks.xml: not enough free disk space for the TrackMate XML of 10 spots"):
        pipeline_run._track(RunConfig(), spots, tmp_path / "tracks.xml")
