"""``volltrack train`` on broken training data: one-line errors naming the file, no half-made model folder."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from volltrack.cli import main


def _arrays(rng):
    X = rng.random((4, 8, 16, 16)).astype(np.float32)
    Y = rng.integers(0, 3, X.shape).astype(np.int32)
    return {"X": X, "Y": Y, "X_val": X[:1].copy(), "Y_val": Y[:1].copy()}


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _write_bad_npz(path, case, rng):
    arrays = _arrays(rng)
    if case in ("truncated", "bit flip"):
        np.savez(path, **arrays)
        data = bytearray(path.read_bytes())
        if case == "truncated":
            data = data[: len(data) // 2]
        else:
            data[len(data) // 3] ^= 0xFF
        path.write_bytes(bytes(data))
    elif case == "truncated member":           # a valid zip whose X.npy lost its end
        with zipfile.ZipFile(path, "w") as archive:
            for key, value in arrays.items():
                archive.writestr(f"{key}.npy", _npy_bytes(value)[: 1000 if key == "X" else None])
    elif case == "not an npz":
        path.write_bytes(b"this is a text file" * 20)
    elif case == "pickled objects":
        np.savez(path, **{**arrays, "X": np.array([arrays["X"], None], dtype=object)})
    elif case == "missing Y_val":
        np.savez(path, **{k: v for k, v in arrays.items() if k != "Y_val"})
    elif case == "validation patch of another size":
        np.savez(path, **{**arrays, "X_val": arrays["X_val"][:, :4], "Y_val": arrays["Y_val"][:, :4]})
    elif case == "3D X":
        np.savez(path, **{**arrays, "X": arrays["X"][0], "Y": arrays["Y"][0]})
    elif case == "fractional labels":
        np.savez(path, **{**arrays, "Y": arrays["Y"] + 0.5})
    elif case == "NaN raw":
        np.savez(path, **{**arrays, "X": np.where(arrays["Y"] > 1, np.nan, arrays["X"]).astype(np.float32)})
    elif case == "no labelled cell":
        np.savez(path, **{**arrays, "Y": np.zeros_like(arrays["Y"])})
    elif case == "broken parameters":
        np.savez(path, **arrays, parameters=np.array("{not json"))
    else:
        raise AssertionError(case)


CASES = ("truncated", "bit flip", "truncated member", "not an npz", "pickled objects", "missing Y_val",
         "validation patch of another size", "3D X", "fractional labels", "NaN raw", "broken parameters",
         "no labelled cell")


@pytest.mark.parametrize("network", ["stardist", "unet"])
@pytest.mark.parametrize("case", CASES)
def test_broken_training_npz_is_a_one_line_error_naming_the_file(tmp_path, rng, capsys, case, network):
    data = tmp_path / "patches.npz"
    _write_bad_npz(data, case, rng)
    model = tmp_path / "model"
    code = main(["train", network, str(data), "--model", str(model), "--depth", "1", "--filters", "2",
                 "--epochs", "1", "--steps", "1", "--patch", "8,16,16"])
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert str(data) in err
    assert not model.exists()


def test_well_formed_float_labels_are_accepted_as_integers(tmp_path, rng):
    from volltrack.training.patches import load_training_data

    arrays = _arrays(rng)
    np.savez(tmp_path / "p.npz", **{**arrays, "Y": arrays["Y"].astype(np.float32)})
    data = load_training_data(tmp_path / "p.npz")
    assert data.Y.dtype == np.int32 and np.array_equal(data.Y, arrays["Y"])


def _training_folder(folder, rng, n_images=2, shape=(16, 48, 48)):
    import tifffile

    (folder / "Raw").mkdir(parents=True)
    (folder / "RealMask").mkdir()
    for i in range(n_images):
        labels = np.zeros(shape, np.uint16)
        labels[4:10, 5:20, 5:20] = 1
        labels[4:12, 25:40, 25:40] = 2
        tifffile.imwrite(folder / "Raw" / f"s{i}.tif", (labels * 50 + rng.normal(10, 3, shape)).astype(np.float32))
        tifffile.imwrite(folder / "RealMask" / f"s{i}.tif", labels)
    return folder


def _one_line(capsys):
    """The single error line (progress bars may precede it on stderr)."""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("command", ["prepare", "n2v"])
def test_nan_in_a_raw_training_image_is_named(tmp_path, rng, capsys, command):
    import tifffile

    folder = _training_folder(tmp_path / "data", rng)
    raw = tifffile.imread(folder / "Raw" / "s1.tif")
    raw[3, 4, 5] = np.nan
    tifffile.imwrite(folder / "Raw" / "s1.tif", raw)
    if command == "prepare":
        argv = ["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16"]
    else:
        argv = ["train", "n2v", str(folder), "--model", str(tmp_path / "m"), "--patch", "8,16,16", "--depth", "1",
                "--filters", "2", "--epochs", "1", "--steps", "1"]
    assert main(argv) == 1
    err = _one_line(capsys)
    assert str(folder / "Raw" / "s1.tif") in err and "NaN" in err
    assert not (tmp_path / "p.npz").exists() and not (tmp_path / "m").exists()


def test_prepare_refuses_label_images_without_any_cell(tmp_path, rng, capsys):
    import tifffile

    folder = _training_folder(tmp_path / "data", rng)
    for i in range(2):
        tifffile.imwrite(folder / "RealMask" / f"s{i}.tif", np.zeros((16, 48, 48), np.uint16))
    assert main(["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16"]) == 1
    assert str(folder / "RealMask") in _one_line(capsys)
    assert list(tmp_path.iterdir()) == [folder]


@pytest.mark.parametrize("option, value, expected", [("--validation", "0", "--validation"),
                                                     ("--validation", "1", "--validation"),
                                                     ("--patch", "0,16,16", "--patch")])
def test_prepare_refuses_a_split_or_patch_that_training_cannot_use(tmp_path, rng, capsys, option, value, expected):
    folder = _training_folder(tmp_path / "data", rng)
    argv = ["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16", option, value]
    try:
        code = main(argv)
    except SystemExit as stop:               # argparse refuses a malformed value itself
        code = stop.code
    assert code == 2 and expected in capsys.readouterr().err   # a malformed option value is a usage error
    assert not (tmp_path / "p.npz").exists()


def test_prepare_skips_macos_resource_forks(tmp_path, rng):
    folder = _training_folder(tmp_path / "data", rng)
    for sub in ("Raw", "RealMask"):
        (folder / sub / "._s0.tif").write_bytes(b"\x00\x05\x16\x07" + bytes(120))   # AppleDouble header
    assert main(["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16",
                 "--patches-per-image", "2"]) == 0
    from volltrack.training.patches import load_training_data

    assert load_training_data(tmp_path / "p.npz").parameters["images"] == ["s0", "s1"]


@pytest.mark.parametrize("argv, option", [
    (["train", "stardist", "D", "--model", "M", "--anisotropy", "0,1,1"], "--anisotropy"),
    (["train", "unet", "D", "--model", "M", "--epochs", "0"], "--epochs"),
    (["train", "unet", "D", "--model", "M", "--batch", "-2"], "--batch"),
    (["train", "unet", "D", "--model", "M", "--lr", "0"], "--lr"),
    (["train", "prepare", "D", "--out", "O", "--copies", "-1"], "--copies"),
    (["train", "prepare", "D", "--out", "O", "--gaussian", "-0.1"], "--gaussian"),
    (["train", "n2v", "D", "--model", "M", "--validation", "1.5"], "--validation"),
    (["train", "thresholds", "D", "--models", "M", "--nms", ""], "--nms"),
    (["train", "thresholds", "D", "--models", "M", "--nms", "0.3,1.5"], "--nms"),
    (["train", "thresholds", "D", "--models", "M", "--iou", "2"], "--iou"),
    (["train", "thresholds", "D", "--models", "M", "--evaluations", "0"], "--evaluations"),
    (["train", "thresholds", "D", "--models", "M", "--max-volumes", "0"], "--max-volumes"),
])
def test_out_of_range_training_options_are_refused_by_name(capsys, argv, option):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert f"argument {option}" in capsys.readouterr().err


@pytest.mark.parametrize("network, other", [("stardist", "unet"), ("unet", "stardist"), ("n2v", "stardist"),
                                            ("unet", "n2v")])
def test_resume_refuses_a_model_folder_of_another_kind(tmp_path, rng, capsys, network, other):
    import json

    configs = {"stardist": {"n_rays": 8, "grid": [1, 1, 1]}, "unet": {"probabilistic": False, "n_dim": 3},
               "n2v": {"n2v_patch_shape": [8, 16, 16], "probabilistic": False}}
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text(json.dumps(configs[other]))
    (model / "weights_last.h5").write_bytes(b"")
    data = _training_folder(tmp_path / "data", rng) if network == "n2v" else tmp_path / "p.npz"
    if network != "n2v":
        np.savez(data, **_arrays(rng))
    code = main(["train", network, str(data), "--model", str(model), "--resume", "--epochs", "1", "--patch",
                 "8,16,16"])
    err = _one_line(capsys)
    assert code == 1 and f"holds a {other} model, not a {network} model" in err and str(model) in err


@pytest.mark.parametrize("defect", ["a StarDist model", "no weights"])
def test_prepare_refuses_a_denoise_model_that_is_not_n2v(tmp_path, rng, capsys, defect):
    import json

    model = tmp_path / "n2v"
    model.mkdir()
    if defect == "a StarDist model":
        (model / "config.json").write_text(json.dumps({"n_rays": 8}))
        (model / "weights_best.h5").write_bytes(b"")
    else:
        (model / "config.json").write_text(json.dumps({"n2v_patch_shape": [8, 16, 16], "probabilistic": False}))
    folder = _training_folder(tmp_path / "data", rng)
    code = main(["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16",
                 "--denoise-model", str(model)])
    assert code == 1 and str(model) in _one_line(capsys)
    assert not (tmp_path / "p.npz").exists()


def test_prepare_warns_about_a_binary_mask_given_as_labels(tmp_path, rng, caplog):
    import logging

    import tifffile

    folder = _training_folder(tmp_path / "data", rng)
    binary = (tifffile.imread(folder / "RealMask" / "s1.tif") > 0).astype(np.uint8)
    tifffile.imwrite(folder / "RealMask" / "s1.tif", binary)
    with caplog.at_level(logging.WARNING, logger="volltrack"):
        assert main(["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16",
                     "--patches-per-image", "2"]) == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "s1.tif" in warnings[0] and "binary mask" in warnings[0]


def test_prepare_refuses_two_raw_images_of_one_name(tmp_path, rng, capsys):
    import shutil

    folder = _training_folder(tmp_path / "data", rng)
    shutil.copy(folder / "Raw" / "s0.tif", folder / "Raw" / "s0.tiff")
    assert main(["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16"]) == 1
    line = _one_line(capsys)
    assert "s0.tif " in line and "s0.tiff" in line


@pytest.mark.parametrize("shape", [(48, 48), (2, 16, 48, 48), (16, 48, 48, 3)], ids=["2D", "TZYX movie", "RGB"])
def test_prepare_refuses_a_raw_image_that_is_not_one_volume(tmp_path, rng, capsys, shape):
    import tifffile

    folder = _training_folder(tmp_path / "data", rng)
    tifffile.imwrite(folder / "Raw" / "s1.tif", rng.random(shape).astype(np.float32))
    assert main(["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16"]) == 1
    line = _one_line(capsys)
    assert str(folder / "Raw" / "s1.tif") in line and "3D volume (Z, Y, X)" in line
    assert not (tmp_path / "p.npz").exists()


@pytest.mark.parametrize("network", ["stardist", "unet"])
def test_a_training_patch_larger_than_the_prepared_patches_names_the_file(tmp_path, rng, capsys, network):
    np.savez(tmp_path / "p.npz", **_arrays(rng))                  # patches of 8 x 16 x 16
    code = main(["train", network, str(tmp_path / "p.npz"), "--model", str(tmp_path / "m"), "--patch", "16,32,32",
                 "--depth", "1"])
    line = _one_line(capsys)
    assert code == 1 and str(tmp_path / "p.npz") in line and "--patch 16,32,32" in line and "(8, 16, 16)" in line
    assert not (tmp_path / "m").exists()


def test_thresholds_refuses_a_stardist_folder_without_weights(tmp_path, rng, capsys):
    import json

    (tmp_path / "models" / "stardist").mkdir(parents=True)
    (tmp_path / "models" / "stardist" / "config.json").write_text(json.dumps({"n_rays": 8}))
    (tmp_path / "models" / "stardist" / "thresholds.json").write_text('{"prob": 0.5, "nms": 0.4}')
    folder = _training_folder(tmp_path / "data", rng)
    code = main(["train", "thresholds", str(folder), "--models", str(tmp_path / "models"), "--target", "stardist"])
    line = _one_line(capsys)
    assert code == 1 and str(tmp_path / "models" / "stardist") in line and "weights" in line
    assert json.loads((tmp_path / "models" / "stardist" / "thresholds.json").read_text()) == {"prob": 0.5, "nms": 0.4}


@pytest.mark.parametrize("content", ["{truncated", '{"not": "a list"}'])
def test_a_damaged_training_record_does_not_fail_a_finished_training(tmp_path, content, caplog):
    import json
    import logging

    from volltrack.training.model_folders import record_training

    (tmp_path / "training_runs.json").write_text(content)
    with caplog.at_level(logging.WARNING, logger="volltrack"):
        record_training(tmp_path, kind="unet", parameters={"epochs": 1}, data="p.npz", history={"loss": [0.5, 0.25]})
    runs = json.loads((tmp_path / "training_runs.json").read_text())
    assert len(runs) == 1 and runs[0]["final"] == {"loss": 0.25}
    assert (tmp_path / "training_runs.json.damaged").read_text() == content
    assert any("training_runs.json" in r.getMessage() for r in caplog.records)


def test_label_images_saved_in_another_format_are_named(tmp_path, rng, capsys):
    folder = _training_folder(tmp_path / "data", rng)
    for i in range(2):
        (folder / "RealMask" / f"s{i}.tif").unlink()
        np.save(folder / "RealMask" / f"s{i}.npy", np.zeros((16, 48, 48), np.uint16))
    assert main(["train", "prepare", str(folder), "--out", str(tmp_path / "p.npz"), "--patch", "8,16,16"]) == 1
    line = _one_line(capsys)
    assert str(folder / "RealMask") in line and "s0.npy" in line and "TIFF" in line
