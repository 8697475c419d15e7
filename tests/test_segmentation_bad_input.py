"""``volltrack segment`` on the bad input a biologist meets: NaN voxels, blank frames, wrong axes, broken models.

Every refusal must be one line naming the file and what was expected, and must leave no output behind.
"""

from __future__ import annotations

import json
import logging
import shutil

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
    assert _segment(tmp_path / "movie.tif", tmp_path / "out", "--no-denoise") == 1
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
    assert _segment(folder, tmp_path / "out") == 1
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
    assert _segment(tmp_path / "movie.tif", tmp_path / "out") == 3       # an internal error, in one line
    record = json.loads((tmp_path / "out" / "segment.json").read_text())
    assert record["status"] == "failed" and "disk on fire" in record["error"]
    assert not (tmp_path / "out" / "VollSeg" / "movie.tif").exists()


@pytest.mark.parametrize("extra", [[], ["--block-shape", "8,24,24", "--halo", "0,8,8"]], ids=["whole", "blocks"])
def test_blank_frames_of_a_movie_get_empty_labels_and_a_warning(tmp_path, movie, caplog, extra):
    raw = movie.raw.astype(np.float32)
    raw[0] = 0.0                      # an all-zero frame (a dropped acquisition)
    raw[2] = 117.0                    # a constant frame (shutter closed, offset only)
    write_image(tmp_path / "movie.tif", raw, axes="TZYX")
    with caplog.at_level(logging.WARNING, logger="volltrack"):
        assert _segment(tmp_path / "movie.tif", tmp_path / "out", *extra) == 0
    out = tmp_path / "out"
    labels = tifffile.imread(out / "VollSeg" / "movie.tif")
    assert labels.shape == raw.shape
    assert labels[0].max() == 0 and labels[2].max() == 0
    kinds = {p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert kinds >= {"VollSeg", "StarDist", "UNet", "Probability"}
    for kind in kinds:                                               # every output keeps one frame per time point
        assert tifffile.imread(out / kind / "movie.tif").shape == raw.shape, kind
    assert tifffile.imread(out / "StarDist" / "movie.tif")[[0, 2]].max() == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("movie.tif, frame 0" in w and "blank" in w for w in warnings)
    assert any("movie.tif, frame 2" in w and "blank" in w for w in warnings)
    assert not any("frame 1" in w for w in warnings)
    assert json.loads((out / "segment.json").read_text())["status"] == "complete"


def test_a_blank_frame_result_has_the_outputs_of_a_segmented_one(movie):
    from volltrack.segmentation.batch import OUTPUTS, blank_result
    from volltrack.segmentation.models import load_models

    models = load_models(tiny_models_folder())
    volume = movie.raw[0].astype(np.float32)
    for options in ({"denoise_first": True}, {"denoise_first": False}, {}):
        real, blank = pipeline.vollseg(volume, models, **options), blank_result(volume * 0, models,
                                                                               segment_options=options)
        present = {kind for kind, attribute in OUTPUTS.items() if getattr(real, attribute) is not None}
        assert present == {kind for kind, attribute in OUTPUTS.items() if getattr(blank, attribute) is not None}


def test_a_blank_single_volume_gets_empty_labels(tmp_path, caplog):
    write_image(tmp_path / "empty.tif", np.zeros((8, 32, 32), np.uint16), axes="ZYX")
    with caplog.at_level(logging.WARNING, logger="volltrack"):
        assert _segment(tmp_path / "empty.tif", tmp_path / "out", "--no-denoise") == 0
    assert tifffile.imread(tmp_path / "out" / "VollSeg" / "empty.tif").max() == 0
    assert any("empty.tif is blank" in r.getMessage() for r in caplog.records)


def _break_models(folder, defect):
    shutil.copytree(tiny_models_folder(), folder)
    if defect == "no weights":
        (folder / "stardist" / "weights_best.h5").unlink()
    elif defect == "no config.json":
        (folder / "stardist" / "config.json").unlink()
    elif defect == "malformed config.json":
        (folder / "stardist" / "config.json").write_text("{oops")
    elif defect == "corrupt weights":
        (folder / "stardist" / "weights_best.h5").write_bytes(b"not hdf5" * 8)
    elif defect == "a U-Net config in stardist/":
        shutil.copy(folder / "unet" / "config.json", folder / "stardist" / "config.json")
    return folder / "stardist"


@pytest.mark.parametrize("defect", ["no weights", "no config.json", "malformed config.json", "corrupt weights",
                                    "a U-Net config in stardist/"])
def test_a_broken_model_subfolder_is_named_not_skipped(tmp_path, movie, capsys, defect):
    broken = _break_models(tmp_path / "models", defect)
    write_image(tmp_path / "v.tif", movie.raw[0], axes="ZYX")
    code = main(["segment", str(tmp_path / "v.tif"), "--out", str(tmp_path / "out"), "--models",
                 str(tmp_path / "models"), "--no-denoise"])
    line = _error_line(capsys)
    assert code == 1 and str(broken) in line and "config.json" in line
    assert not (tmp_path / "out").exists()


def test_a_yxz_stack_is_segmented_with_axes_yxz_and_flagged_without(tmp_path, movie, caplog):
    volume = movie.raw[0]                                   # (8, 40, 40): Z, Y, X
    tifffile.imwrite(tmp_path / "yxz.tif", np.moveaxis(volume, 0, -1))       # plain TIFF (40, 40, 8), Z last
    with caplog.at_level(logging.WARNING, logger="volltrack"):
        assert _segment(tmp_path / "yxz.tif", tmp_path / "plain", "--no-denoise") == 0
    assert sum("--axes YXZ" in r.getMessage() and "yxz.tif" in r.getMessage() for r in caplog.records) == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="volltrack"):
        assert _segment(tmp_path / "yxz.tif", tmp_path / "out", "--axes", "YXZ", "--no-denoise") == 0
    assert not any("--axes" in r.getMessage() for r in caplog.records)
    labels = tifffile.imread(tmp_path / "out" / "VollSeg" / "yxz.tif")
    assert labels.shape == (8, 40, 40)                      # segmented and written as ZYX


@pytest.mark.parametrize("axes", ["ZZYX", "TYX", "ZYXW", "XY"])
def test_impossible_axes_are_refused(tmp_path, movie, capsys, axes):
    write_image(tmp_path / "v.tif", movie.raw[0], axes="ZYX")
    assert _segment(tmp_path / "v.tif", tmp_path / "out", "--axes", axes) == 1
    line = _error_line(capsys)
    assert axes in line and "ZYX" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option, value", [("--n-tiles", "0,1,1"), ("--block-shape", "8,0,16"), ("--halo", "-1,8,8"),
                                           ("--n-tiles", "2,2"), ("--unet-threshold", "5"), ("--prob-thresh", "0"),
                                           ("--nms-thresh", "1.5"), ("--max-size", "ten")])
def test_out_of_range_options_are_refused_before_anything_runs(tmp_path, movie, capsys, option, value):
    write_image(tmp_path / "v.tif", movie.raw[0], axes="ZYX")
    with pytest.raises(SystemExit) as stop:
        _segment(tmp_path / "v.tif", tmp_path / "out", option, value)
    assert stop.value.code == 2
    assert option in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("sizes, expected", [(["--min-size", "20", "--max-size", "5"], "--max-size 5"),
                                             (["--min-size", "-5"], "--min-size"),
                                             (["--min-size-mask", "-1"], "--min-size-mask")])
def test_impossible_size_filters_are_refused(tmp_path, movie, capsys, sizes, expected):
    write_image(tmp_path / "v.tif", movie.raw[0], axes="ZYX")
    assert _segment(tmp_path / "v.tif", tmp_path / "out", *sizes) == 1
    assert expected in _error_line(capsys)
    assert not (tmp_path / "out").exists()


def test_a_zarr_movie_and_a_folder_holding_one_are_segmented(tmp_path, movie):
    import zarr

    array = zarr.open(str(tmp_path / "in" / "movie.zarr"), mode="w", shape=movie.raw[:2].shape, dtype="f4")
    array[:] = movie.raw[:2]
    array.attrs["axes"] = "TZYX"
    assert _segment(tmp_path / "in" / "movie.zarr", tmp_path / "one", "--no-denoise") == 0
    assert tifffile.imread(tmp_path / "one" / "VollSeg" / "movie.tif").shape == movie.raw[:2].shape
    assert _segment(tmp_path / "in", tmp_path / "folder", "--no-denoise") == 0
    assert (tmp_path / "folder" / "VollSeg" / "movie.tif").is_file()


def test_an_empty_folder_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no images here")
    assert _segment(tmp_path / "empty", tmp_path / "out") == 1
    line = _error_line(capsys)
    assert str(tmp_path / "empty") in line and ".tif" in line
    assert not (tmp_path / "out").exists()


def test_hidden_files_in_an_input_folder_are_not_inputs(tmp_path, movie):
    folder = tmp_path / "in"
    folder.mkdir()
    write_image(folder / "a.tif", movie.raw[0], axes="ZYX")
    (folder / "._a.tif").write_bytes(b"\x00\x05\x16\x07" + bytes(120))       # macOS resource fork
    assert _segment(folder, tmp_path / "out", "--no-denoise") == 0
    assert [p.name for p in (tmp_path / "out" / "VollSeg").iterdir()] == ["a.tif"]


def test_resuming_a_movie_with_other_options_is_refused(tmp_path, movie, monkeypatch, capsys):
    write_image(tmp_path / "movie.tif", movie.raw, axes="TZYX")
    calls = []

    def interrupted(volume, models, **options):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        labels = np.ones(volume.shape, np.int32)
        return VollSegResult(labels=labels, stardist_labels=labels, unet_labels=labels,
                             probability=volume.astype(np.float32), markers=labels)

    monkeypatch.setattr(pipeline, "vollseg", interrupted)
    assert _segment(tmp_path / "movie.tif", tmp_path / "out") == 130
    assert json.loads((tmp_path / "out" / "segment.json").read_text())["status"] == "interrupted"
    capsys.readouterr()
    assert _segment(tmp_path / "movie.tif", tmp_path / "out", "--min-size", "50") == 1
    line = _error_line(capsys)
    assert str(tmp_path / "out" / ".frames" / "movie") in line and "options" in line
    assert not (tmp_path / "out" / "VollSeg").exists()
    assert _segment(tmp_path / "movie.tif", tmp_path / "out") == 0         # same options: resumes
    assert len(calls) == 2 + 2 and tifffile.imread(tmp_path / "out" / "VollSeg" / "movie.tif").shape[0] == 3


def test_two_inputs_with_one_output_name_are_refused(tmp_path, movie, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    write_image(folder / "a.tif", movie.raw[0], axes="ZYX")
    np.save(folder / "a.npy", movie.raw[1])
    assert _segment(folder, tmp_path / "out") == 1
    line = _error_line(capsys)
    assert "a.tif" in line and "a.npy" in line
    assert not (tmp_path / "out").exists()


def test_a_models_folder_with_only_n2v_is_refused_before_writing(tmp_path, movie, capsys):
    shutil.copytree(tiny_models_folder() / "n2v", tmp_path / "models" / "n2v")
    write_image(tmp_path / "v.tif", movie.raw[0], axes="ZYX")
    code = main(["segment", str(tmp_path / "v.tif"), "--out", str(tmp_path / "out"), "--models",
                 str(tmp_path / "models")])
    assert code == 1 and "stardist/ or unet/" in _error_line(capsys)
    assert not (tmp_path / "out").exists()


def test_a_single_model_folder_given_as_models_gets_a_hint(tmp_path, movie, capsys):
    write_image(tmp_path / "v.tif", movie.raw[0], axes="ZYX")
    single = tiny_models_folder() / "stardist"
    code = main(["segment", str(tmp_path / "v.tif"), "--out", str(tmp_path / "out"), "--models", str(single)])
    assert code == 1
    line = _error_line(capsys)
    assert str(single) in line and "itself is one model folder" in line
    assert not (tmp_path / "out").exists()


def test_new_parameters_on_a_finished_output_folder_are_refused_not_ignored(tmp_path, movie, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    write_image(folder / "a.tif", movie.raw[0], axes="ZYX")
    assert _segment(folder, tmp_path / "out", "--no-denoise") == 0
    capsys.readouterr()
    assert _segment(folder, tmp_path / "out", "--no-denoise", "--min-size", "50") == 1   # said "already segmented"
    line = _error_line(capsys)
    assert "min_size" in line and "segment.json" in line
    write_image(folder / "b.tif", movie.raw[1], axes="ZYX")
    assert _segment(folder, tmp_path / "out", "--no-denoise") == 0                      # same parameters: adds b
    assert (tmp_path / "out" / "VollSeg" / "b.tif").is_file()


def test_frame_settings_only_bind_finished_frames(tmp_path):
    from volltrack.segmentation.frame_store import check_frame_options

    frames = tmp_path / ".frames" / "movie"
    check_frame_options(frames, {"options": {"min_size": 10}})
    (frames / "Denoised").mkdir()
    np.save(frames / "Denoised" / "t00000.npy", np.zeros((2, 2, 2)))     # a first frame that crashed midway
    check_frame_options(frames, {"options": {"min_size": 50}})            # nothing finished: start afresh
    assert not (frames / "Denoised").exists()
    (frames / "done").mkdir()
    (frames / "done" / "t00000").touch()
    with pytest.raises(ValueError, match="options"):
        check_frame_options(frames, {"options": {"min_size": 10}})
    check_frame_options(frames, {"options": {"min_size": 50}})


def test_denoise_without_an_n2v_model_is_refused_before_writing(tmp_path, movie, capsys):
    for kind in ("stardist", "unet"):
        shutil.copytree(tiny_models_folder() / kind, tmp_path / "models" / kind)
    write_image(tmp_path / "v.tif", movie.raw[0], axes="ZYX")
    code = main(["segment", str(tmp_path / "v.tif"), "--out", str(tmp_path / "out"), "--models",
                 str(tmp_path / "models"), "--denoise"])
    assert code == 1 and "--denoise needs an N2V model" in _error_line(capsys)
    assert not (tmp_path / "out").exists()
