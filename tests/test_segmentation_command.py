"""``volltrack segment``: files, folders, movies, resume after interruption, clear errors."""

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
    return simulate_tissue(n_frames=3, shape=(8, 40, 40), n_cells=8, seed=7)


def _fake_vollseg(calls):
    def fake(volume, models, **options):
        calls.append(volume.copy())
        labels = (volume > np.percentile(volume, 90)).astype(np.int32)
        return VollSegResult(labels=labels, stardist_labels=labels, unet_labels=labels,
                             probability=volume.astype(np.float32), markers=labels)
    return fake


def test_movie_gives_tzyx_outputs_and_a_record(tmp_path, movie):
    write_image(tmp_path / "movie.tif", movie.raw, axes="TZYX", calibration=movie.calibration)
    out = tmp_path / "out"
    assert main(["segment", str(tmp_path / "movie.tif"), "--out", str(out),
                 "--models", str(tiny_models_folder()), "--no-denoise"]) == 0
    for kind in ("VollSeg", "StarDist", "UNet", "Probability", "Markers"):
        array = tifffile.imread(out / kind / "movie.tif")
        assert array.shape == movie.raw.shape, kind
    assert tifffile.imread(out / "Probability" / "movie.tif").dtype == np.float32
    assert not (out / "Denoised").exists() and not (out / ".frames").exists()
    record = json.loads((out / "segment.json").read_text())
    assert record["status"] == "complete" and record["parameters"]["use_probability"] is True
    assert record["versions"]["stardist"] and record["models"]["stardist"]


def test_folder_of_volumes_and_resume_after_interruption(tmp_path, movie, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for t in range(2):
        write_image(folder / f"v{t}.tif", movie.raw[t], axes="ZYX", calibration=movie.calibration)
    write_image(folder / "long.tif", movie.raw, axes="TZYX", calibration=movie.calibration)
    calls = []
    fake = _fake_vollseg(calls)

    def interrupted(volume, models, **options):
        if len(calls) == 2:            # long.tif comes first (sorted): stop at its third frame
            raise KeyboardInterrupt
        return fake(volume, models, **options)

    monkeypatch.setattr(pipeline, "vollseg", interrupted)
    out = tmp_path / "out"
    args = ["segment", str(folder), "--out", str(out), "--models", str(tiny_models_folder())]
    assert main(args) == 130
    assert len(calls) == 2 and not (out / "VollSeg" / "long.tif").exists()
    monkeypatch.setattr(pipeline, "vollseg", fake)
    assert main(args) == 0
    assert len(calls) == 2 + 3            # the third frame of long.tif, then v0 and v1
    assert {p.name for p in (out / "VollSeg").iterdir()} == {"long.tif", "v0.tif", "v1.tif"}
    assert tifffile.imread(out / "VollSeg" / "long.tif").shape == movie.raw.shape
    assert main(args) == 0 and len(calls) == 5


def test_missing_models_and_inputs_are_clear_errors(tmp_path, capsys):
    image = tmp_path / "a.tif"
    write_image(image, np.zeros((4, 16, 16), np.float32), axes="ZYX")
    assert main(["segment", str(image), "--out", str(tmp_path / "o"), "--models", str(tmp_path / "none")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["segment", str(tmp_path / "missing.tif"), "--out", str(tmp_path / "o")]) == 1
    assert "missing.tif" in capsys.readouterr().err


def test_two_dimensional_input_is_refused(tmp_path, capsys):
    image = tmp_path / "flat.tif"
    write_image(image, np.zeros((16, 16), np.float32), axes="YX")
    code = main(["segment", str(image), "--out", str(tmp_path / "o"), "--models", str(tiny_models_folder())])
    assert code == 1
    assert "ZYX" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_wrong_axes_argument_is_refused(tmp_path, capsys):
    image = tmp_path / "a.tif"
    write_image(image, np.zeros((4, 16, 16), np.float32), axes="ZYX")
    assert main(["segment", str(image), "--out", str(tmp_path / "o"), "--axes", "TYX"]) == 1
    assert "axes" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
