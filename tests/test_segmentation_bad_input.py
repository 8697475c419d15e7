"""``volltrack segment`` on the bad input a biologist meets: NaN voxels, blank frames, wrong axes, broken models.

Every refusal must be one line naming the file and what was expected, and must leave no output behind.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import tifffile

from segmentation_models import tiny_models_folder
from volltrack.cli import main
from volltrack.io import write_image
from volltrack.segmentation import pipeline
from volltrack.segmentation.pipeline import VollSegResult
from volltrack.synthetic import simulate_tissue


@pytest.fixture(scope="module")
def movie():
    return simulate_tissue(n_frames=3, shape=(8, 40, 40), n_cells=8, seed=11)


def _segment(image, out, *extra):
    return main(["segment", str(image), "--out", str(out), "--models", str(tiny_models_folder()), *extra])


def _error_line(capsys):
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    return err.splitlines()[-1]


def test_nan_in_a_movie_is_refused_before_anything_is_written(tmp_path, movie, capsys):
    raw = movie.raw.astype(np.float32)
    raw[1, 3, 5, 7] = np.nan
    write_image(tmp_path / "movie.tif", raw, axes="TZYX")
    assert _segment(tmp_path / "movie.tif", tmp_path / "out", "--no-denoise") == 2
    line = _error_line(capsys)
    assert "movie.tif" in line and "frame 1" in line and "NaN" in line
    assert not (tmp_path / "out").exists()


def test_nan_in_the_second_file_of_a_folder_writes_nothing_for_the_first(tmp_path, movie, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    write_image(folder / "a.tif", movie.raw[0], axes="ZYX")
    bad = movie.raw[1].astype(np.float32)
    bad[0, 0, 0] = np.inf
    write_image(folder / "b.tif", bad, axes="ZYX")
    assert _segment(folder, tmp_path / "out") == 2
    assert "b.tif" in _error_line(capsys)
    assert not (tmp_path / "out").exists()


def test_a_run_that_fails_midway_records_failed_not_success(tmp_path, movie, monkeypatch):
    write_image(tmp_path / "movie.tif", movie.raw, axes="TZYX")
    calls = []

    def failing(volume, models, **options):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        labels = np.zeros(volume.shape, np.int32)
        return VollSegResult(labels=labels, stardist_labels=labels, unet_labels=labels,
                             probability=volume.astype(np.float32), markers=labels)

    monkeypatch.setattr(pipeline, "vollseg", failing)
    with pytest.raises(RuntimeError):
        _segment(tmp_path / "movie.tif", tmp_path / "out")
    record = json.loads((tmp_path / "out" / "segment.json").read_text())
    assert record["status"] == "failed" and "disk on fire" in record["error"]
    assert not (tmp_path / "out" / "VollSeg" / "movie.tif").exists()
