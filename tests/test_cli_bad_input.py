"""Bad input on the command line: one clear line naming the file, exit code 2, no traceback, no output left.

Everything here fails before a model, a JVM or a segmentation is needed, so the whole file runs in seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tifffile

from volltrack.cli import error_line, main

SPOT_COLUMNS = ["FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z", "RADIUS", "QUALITY"]


def _one_line_error(capsys, command: str) -> str:
    """Return the error line printed by the last command, checking there is exactly one and no traceback."""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith(f"volltrack {command}: error: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    return lines[0]


def _spots_refuses(movie, out, capsys) -> str:
    """``volltrack spots movie --out out`` fails with one error line (returned) and writes no ``out``."""
    assert main(["spots", str(movie), "--out", str(out), "--no-progress"]) == 1
    line = _one_line_error(capsys, "spots")
    assert not Path(out).exists()
    return line


def _label_movie(path, rng, *, n_frames=3, shape=(4, 16, 16), empty_frames=()):
    """Write a tiny TZYX label movie with two cells per frame (none in ``empty_frames``)."""
    labels = np.zeros((n_frames, *shape), np.uint16)
    for t in range(n_frames):
        if t not in empty_frames:
            labels[t, 1:3, 2:6, 2 + t:6 + t] = 1
            labels[t, 1:3, 9:13, 9:13] = 2
    tifffile.imwrite(path, labels, imagej=True, metadata={"axes": "TZYX"})
    return path


def _spot_table(path, rng, changes=None):
    """Write a valid spot CSV of six spots, with ``changes`` {(row, column): value} applied."""
    table = pd.DataFrame({"FRAME": [0, 0, 1, 1, 2, 2], "POSITION_X": rng.uniform(0, 10, 6),
                          "POSITION_Y": rng.uniform(0, 10, 6), "POSITION_Z": rng.uniform(0, 3, 6),
                          "RADIUS": 1.0, "QUALITY": 10.0}).astype(object)
    for (row, column), value in (changes or {}).items():
        table.loc[row, column] = value
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("content", [b"", b"II*\x00" + bytes(range(60)), bytes(np.random.default_rng(1)
                                                                               .integers(0, 256, 3000, np.uint8))])
def test_spots_refuses_a_corrupt_tiff_and_writes_nothing(tmp_path, capsys, content):
    bad = tmp_path / "movie.tif"
    bad.write_bytes(content)
    assert "movie.tif" in _spots_refuses(bad, tmp_path / "spots.csv", capsys)
    assert list(tmp_path.iterdir()) == [bad]


def test_spots_into_a_folder_or_under_a_file_is_a_one_line_error(tmp_path, capsys, rng):
    labels = _label_movie(tmp_path / "labels.tif", rng)
    folder = tmp_path / "results"
    folder.mkdir()
    assert main(["spots", str(labels), "--out", str(folder), "--no-progress"]) == 1
    assert _one_line_error(capsys, "spots").endswith(f"{folder}: is a directory")
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    assert main(["spots", str(labels), "--out", str(a_file / "spots.csv")]) == 1
    assert "afile" in _one_line_error(capsys, "spots")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "labels.tif", "results"]
    assert list(folder.iterdir()) == []


def test_spots_of_a_movie_with_an_empty_frame_keeps_the_frame_count(tmp_path, capsys, rng):
    labels = _label_movie(tmp_path / "labels.tif", rng, empty_frames=(1,))
    out = tmp_path / "spots.csv"
    assert main(["spots", str(labels), "--out", str(out), "--no-progress"]) == 0
    table = pd.read_csv(out)
    assert sorted(table["FRAME"].unique()) == [0, 2]
    assert len(table) == 4


@pytest.mark.parametrize(("changes", "expected"), [
    ({(2, "POSITION_Y"): np.nan}, "line 4: column POSITION_Y is empty"),   # pandas writes NaN as an empty cell
    ({(3, "FRAME"): -1}, "line 5: FRAME must be an integer >= 0"),
    ({(1, "POSITION_Z"): "abc"}, "line 3: column POSITION_Z: 'abc' is not a number"),
])
def test_track_refuses_bad_spot_values_naming_file_and_line(tmp_path, capsys, rng, changes, expected):
    csv = _spot_table(tmp_path / "spots.csv", rng, changes)
    out = tmp_path / "tracks.xml"
    assert main(["track", str(csv), "--out", str(out), "--no-progress"]) == 1
    line = _one_line_error(capsys, "track")
    assert "spots.csv" in line and expected in line
    assert not out.exists()


def test_track_refuses_a_missing_column_and_an_empty_table(tmp_path, capsys, rng):
    csv = _spot_table(tmp_path / "spots.csv", rng)
    pd.read_csv(csv).drop(columns="POSITION_X").to_csv(csv, index=False)
    assert main(["track", str(csv), "--out", str(tmp_path / "t.xml")]) == 1
    assert "missing column(s) POSITION_X" in _one_line_error(capsys, "track")
    pd.DataFrame(columns=SPOT_COLUMNS).to_csv(csv, index=False)
    assert main(["track", str(csv), "--out", str(tmp_path / "t.xml")]) == 1
    assert "empty" in _one_line_error(capsys, "track")
    assert not (tmp_path / "t.xml").exists()


def test_a_multi_line_parser_message_is_printed_on_one_line(tmp_path, capsys, rng):
    csv = _spot_table(tmp_path / "spots.csv", rng)
    settings = tmp_path / "tracker.yaml"
    settings.write_text("LINKING_MAX_DISTANCE: [\n")
    assert main(["track", str(csv), "--settings", str(settings), "--out", str(tmp_path / "t.xml")]) == 1
    assert "tracker.yaml" in _one_line_error(capsys, "track")


def test_error_line_names_the_users_path_not_the_temporary_file(tmp_path):
    error = IsADirectoryError(21, "Is a directory", str(tmp_path / ".out.x1.tmp"), None, str(tmp_path / "out"))
    assert error_line(error) == f"{tmp_path / 'out'}: is a directory"
    assert error_line(FileExistsError(17, "File exists", "results")) == \
        "results: exists and is not a folder, but a folder is needed here"
    assert error_line(PermissionError(13, "Permission denied", "/x/y.csv")) == "/x/y.csv: permission denied"
    assert error_line(ValueError("a\n  b")) == "a b"


def test_an_unexpected_exception_is_not_hidden(monkeypatch, tmp_path):
    import volltrack.commands.simulate as simulate

    def broken(args):
        raise RuntimeError("a real bug")

    monkeypatch.setattr(simulate, "run", broken)
    assert main(["simulate", "--out", str(tmp_path / "x")]) == 3     # internal error, as the jar's exit code 3


def test_analyze_refuses_hostile_and_truncated_xml(tmp_path, capsys):
    hostile = tmp_path / "hostile.xml"
    hostile.write_text('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                       '<TrackMate version="7.14.0"><Log>&x;</Log></TrackMate>')
    assert main(["analyze", str(hostile), "--out", str(tmp_path / "a")]) == 1
    assert "hostile.xml" in _one_line_error(capsys, "analyze")
    cut = tmp_path / "cut.xml"
    cut.write_text('<?xml version="1.0"?>\n<TrackMate version="7.14.0"><Model spatialunits="micron" ti')
    assert main(["analyze", str(cut), "--out", str(tmp_path / "a")]) == 1
    assert "cut.xml" in _one_line_error(capsys, "analyze")
    assert not (tmp_path / "a").exists()


# ---- volltrack run: every input is checked before the output folder is touched ----

def _raw_movie(path, *, shape=(3, 4, 16, 16), axes="TZYX"):
    tifffile.imwrite(path, np.ones(shape, np.uint16), imagej=True, metadata={"axes": axes})
    return path


def _run_fails_before_writing(tmp_path, capsys, argv, expected):
    out = tmp_path / "out"
    assert main(["run", *argv, "--out", str(out)]) == 1
    line = _one_line_error(capsys, "run")
    assert expected in line, line
    assert not out.exists()
    return line


def test_run_refuses_a_corrupt_or_2d_raw_movie(tmp_path, capsys):
    corrupt = tmp_path / "raw.tif"
    corrupt.write_bytes(bytes(range(256)) * 4)
    _run_fails_before_writing(tmp_path, capsys, ["--raw", str(corrupt)], "raw.tif")
    flat = tmp_path / "flat.tif"
    tifffile.imwrite(flat, np.ones((16, 16), np.uint16))
    _run_fails_before_writing(tmp_path, capsys, ["--raw", str(flat)], "needs 3D volumes")


def test_run_refuses_a_mask_of_another_shape_before_segmenting(tmp_path, capsys):
    raw = _raw_movie(tmp_path / "raw.tif")
    mask = _raw_movie(tmp_path / "mask.tif", shape=(2, 4, 16, 16))
    line = _run_fails_before_writing(tmp_path, capsys, ["--raw", str(raw), "--mask", str(mask)], "mask.tif")
    assert "(3, 4, 16, 16)" in line


def test_run_refuses_ground_truth_with_missing_frames(tmp_path, capsys):
    raw = _raw_movie(tmp_path / "raw.tif")
    gt = tmp_path / "GT" / "TRA"
    gt.mkdir(parents=True)
    (gt / "man_track.txt").write_text("1 0 2 0\n")
    for t in (0, 2):
        tifffile.imwrite(gt / f"man_track{t:03d}.tif", np.zeros((4, 16, 16), np.uint16))
    line = _run_fails_before_writing(tmp_path, capsys, ["--raw", str(raw), "--gt", str(tmp_path / "GT")],
                                     "missing man_track001.tif")
    assert "GT" in line
    _run_fails_before_writing(tmp_path, capsys, ["--raw", str(raw), "--gt", str(tmp_path)], "TRA/man_track.txt")


def test_run_refuses_a_models_folder_without_models(tmp_path, capsys):
    raw = _raw_movie(tmp_path / "raw.tif")
    config = tmp_path / "run.yaml"
    config.write_text(f"segmentation:\n  models: {tmp_path / 'nothing'}\n")
    _run_fails_before_writing(tmp_path, capsys, ["--raw", str(raw), "--config", str(config)],
                              "models folder")


def test_a_tyx_mask_applies_to_every_z(tmp_path):
    from volltrack.pipeline.inputs import read_mask

    path = _raw_movie(tmp_path / "mask.tif", shape=(3, 16, 16), axes="TYX")
    mask = read_mask(path, (3, 4, 16, 16))
    assert mask.shape == (3, 4, 16, 16)   # one shape, TZYX, whatever the form stored
    assert mask[1].shape == (4, 16, 16) and mask[1].strides[0] == 0 and mask[1].all()
    one_frame = _raw_movie(tmp_path / "zyx.tif", shape=(4, 16, 16), axes="ZYX")
    assert read_mask(one_frame, (1, 4, 16, 16)).shape == (1, 4, 16, 16)
    assert read_mask(one_frame, (3, 4, 16, 16)).shape == (3, 4, 16, 16)   # ZYX: the same tissue at every time
    with pytest.raises(ValueError, match="zyx.tif has shape"):
        read_mask(one_frame, (3, 5, 16, 16))


def test_python_dash_m_reports_a_user_error_in_one_line(tmp_path):
    """Under ``python -m volltrack.cli`` the module is also ``__main__``: its UserError must still be caught."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import volltrack

    env = {**os.environ, "PYTHONPATH": str(Path(volltrack.__file__).parents[1])}
    missing = tmp_path / "missing.tif"
    result = subprocess.run([sys.executable, "-m", "volltrack.cli", "segment", str(missing), "--out",
                             str(tmp_path / "seg")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"volltrack segment: error: input {missing} does not exist" in result.stderr
    assert not (tmp_path / "seg").exists()


def test_memory_exhaustion_is_one_line_but_other_errors_are_not_hidden(monkeypatch, tmp_path, capsys):
    import volltrack.commands.simulate as simulate

    class OutOfMemoryError(Exception):
        """Stands for java.lang.OutOfMemoryError as JPype raises it."""

    def exhausted(args):
        raise OutOfMemoryError("Java heap space")

    monkeypatch.setattr(simulate, "run", exhausted)
    assert main(["simulate", "--out", str(tmp_path / "x")]) == 1
    assert "--heap" in _one_line_error(capsys, "simulate")


def test_doctor_names_a_malformed_heap_setting(monkeypatch):
    import volltrack.tracking.engine_jar as engine_jar
    from volltrack.commands import doctor

    monkeypatch.setattr(engine_jar, "find_engine_jar", lambda: "engine.jar")
    monkeypatch.setenv("VOLLTRACK_JVM_HEAP", "abc")
    ok, message = doctor._check_engine()
    assert not ok
    assert "VOLLTRACK_JVM_HEAP='abc' is not a Java heap size" in message


def test_run_refuses_an_unknown_tracking_key_before_segmenting(tmp_path, capsys):
    raw = _raw_movie(tmp_path / "raw.tif")
    models = tmp_path / "models" / "stardist"
    models.mkdir(parents=True)
    (models / "config.json").write_text("{}")
    config = tmp_path / "run.yaml"
    config.write_text(f"segmentation:\n  models: {models.parent}\ntracking:\n  LINKING_MAX_DISTANSE: 5\n")
    _run_fails_before_writing(tmp_path, capsys, ["--raw", str(raw), "--config", str(config)],
                              "LINKING_MAX_DISTANSE")


def test_run_analysis_of_a_movie_without_tracks_is_skipped_not_an_error(tmp_path):
    """A one-time-point movie gives spots but no link: the analyse stage notes it instead of failing."""
    from volltrack.pipeline.config import RunConfig
    from volltrack.pipeline.run import RunInputs, _analyze
    from volltrack.trackmate import write_xml

    spots = pd.DataFrame({"ID": [0, 1], "name": ["ID0", "ID1"], "FRAME": [0, 0], "POSITION_X": [1.0, 5.0],
                          "POSITION_Y": [1.0, 5.0], "POSITION_Z": [1.0, 1.0], "POSITION_T": [0.0, 0.0],
                          "RADIUS": [1.0, 1.0], "QUALITY": [1.0, 1.0], "VISIBILITY": [1, 1]})
    edges = pd.DataFrame({"SPOT_SOURCE_ID": pd.Series([], dtype=int), "SPOT_TARGET_ID": pd.Series([], dtype=int),
                          "LINK_COST": pd.Series([], dtype=float)})
    xml = tmp_path / "tracks.xml"
    write_xml(xml, spots, edges, space_units="micron", time_units="sec")
    out = tmp_path / "analysis"
    summary = _analyze(RunInputs(raw=tmp_path / "raw.tif"), RunConfig(), xml, tmp_path / "labels.tif", out,
                       {"shape": (1, 4, 16, 16), "calibration": (1.0, 1.0, 1.0), "frame_interval": 1.0})
    assert summary["tracks analysed"] == 0
    assert "no track" in (out / "NO_TRACKS.txt").read_text()


def test_run_demo_checks_the_models_before_simulating(tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text(f"segmentation:\n  models: {tmp_path / 'no-models'}\n")
    _run_fails_before_writing(tmp_path, capsys, ["--demo", "--config", str(config)], "no-models")


@pytest.mark.parametrize("imagej", [True, False])
def test_run_refuses_a_truncated_raw_movie_or_mask(tmp_path, capsys, imagej):
    raw = tmp_path / "raw.tif"
    movie = np.arange(3 * 4 * 16 * 16, dtype=np.uint16).reshape(3, 4, 16, 16)
    tifffile.imwrite(raw, movie, **({"imagej": True, "metadata": {"axes": "TZYX"}} if imagej else {}))
    cut = tmp_path / "cut.tif"
    cut.write_bytes(raw.read_bytes()[: raw.stat().st_size // 2])
    _run_fails_before_writing(tmp_path, capsys, ["--raw", str(cut)], "cut.tif: truncated TIFF")
    _run_fails_before_writing(tmp_path, capsys, ["--raw", str(raw), "--mask", str(cut)], "cut.tif: truncated TIFF")


@pytest.mark.parametrize("kind", ["imagej", "tifffile", "tifffile-zlib"])
def test_engine_jar_refuses_a_truncated_label_movie(tmp_path, kind):
    """``java -jar btrackmate.jar track --labels``: a cut TIFF is an error (ImageJ alone reads what is there)."""
    import shutil
    import subprocess

    from volltrack.tracking.engine_jar import EngineJarNotFound, find_engine_jar

    try:
        jar = find_engine_jar()
    except EngineJarNotFound:
        pytest.skip("engine jar not built")
    if shutil.which("java") is None:
        pytest.skip("no java on PATH")
    labels = np.zeros((3, 5, 32, 32), np.uint16)  # Z = 5: tifffile would store Z = 3 or 4 as colour samples
    labels[:, 1:3, 4:12, 4:12] = 7
    options = {"imagej": {"imagej": True, "metadata": {"axes": "TZYX"}}, "tifffile": {},
               "tifffile-zlib": {"compression": "zlib"}}[kind]
    whole = tmp_path / "labels.tif"
    tifffile.imwrite(whole, labels, **options)
    cut = tmp_path / "cut.tif"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    out = tmp_path / "tracks.xml"
    good = subprocess.run(["java", "-jar", str(jar), "track", "--labels", str(whole), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    out.unlink()
    result = subprocess.run(["java", "-jar", str(jar), "track", "--labels", str(cut), "--out", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "cut.tif: truncated TIFF" in result.stderr
    assert "Exception" not in result.stderr and not out.exists()


@pytest.mark.parametrize("imagej", [True, False])
def test_read_image_refuses_a_truncated_tiff_and_spots_writes_nothing(tmp_path, capsys, imagej):
    """qa finding 1: tifffile reads a cut multi-page TIFF silently as its first pages; read_image refuses it."""
    from volltrack.io import read_image

    full = tmp_path / "full.tif"
    movie = np.arange(3 * 4 * 16 * 16, dtype=np.uint16).reshape(3, 4, 16, 16)
    tifffile.imwrite(full, movie, **({"imagej": True, "metadata": {"axes": "TZYX"}} if imagej else {}))
    assert read_image(full)[0].shape == (3, 4, 16, 16)
    cut = tmp_path / "cut.tif"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    for lazy in (False, True):
        with pytest.raises(ValueError, match="cut.tif: truncated TIFF"):
            read_image(cut, lazy=lazy)
    assert "cut.tif: truncated TIFF" in _spots_refuses(cut, tmp_path / "spots.csv", capsys)


def test_spots_refuses_a_2d_image_unless_axes_say_so(tmp_path, capsys):
    """qa finding 2: a YX image was read as a ZYX volume with Z = 1."""
    from volltrack.io import read_image

    flat = tmp_path / "img2d.tif"
    tifffile.imwrite(flat, np.zeros((16, 16), np.uint16))
    assert read_image(flat)[0].shape == (1, 16, 16)  # without require_z, unchanged
    with pytest.raises(ValueError, match=r"img2d.tif has axes YX .*ZYX or TZYX"):
        read_image(flat, require_z=True)
    assert "img2d.tif has axes YX" in _spots_refuses(flat, tmp_path / "spots.csv", capsys)


def test_broken_npy_inputs_name_the_file(tmp_path, capsys):
    """qa finding 15: a cut .npy said 'mmap length is greater than file size', an object .npy named no file."""
    from volltrack.io import read_image

    full = tmp_path / "full.npy"
    np.save(full, np.ones((2, 3, 8, 8), np.uint16))
    assert read_image(full, lazy=True)[0].shape == (2, 3, 8, 8)
    cut = tmp_path / "cut.npy"
    cut.write_bytes(full.read_bytes()[:500])
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    garbage = tmp_path / "garbage.npy"
    garbage.write_bytes(b"not an npy file at all")
    for path, message in ((cut, "cut.npy: truncated .npy (header says shape (2, 3, 8, 8) uint16 = 768 bytes"),
                          (objects, "objects.npy: not a numeric array"), (garbage, "garbage.npy: not a .npy")):
        for lazy in (False, True):
            with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
                read_image(path, lazy=lazy)
        assert message in _spots_refuses(path, tmp_path / "o.csv", capsys)


def test_track_refuses_a_malformed_heap_size(tmp_path, capsys, rng):
    """qa finding 12: --heap 1x was reported as the engine jar missing from the class path."""
    from volltrack.tracking.bridge import _bridge_class
    from volltrack.tracking.jvm import BadHeapSize, checked_heap_size

    assert [checked_heap_size(v) for v in ("8g", "8192m", "512M", "2048")] == ["8g", "8192m", "512M", "2048"]
    spots = _spot_table(tmp_path / "spots.csv", rng)
    out = tmp_path / "tracks.xml"
    assert main(["track", str(spots), "--heap", "1x", "--out", str(out)]) == 1
    assert "--heap '1x' is not a Java heap size; expected e.g. 8g or 8192m" in _one_line_error(capsys, "track")
    assert not out.exists()

    def failing_jimport(name):
        checked_heap_size("abc", source="VOLLTRACK_JVM_HEAP")

    with pytest.raises(BadHeapSize, match="VOLLTRACK_JVM_HEAP 'abc' is not a Java heap size"):
        _bridge_class(failing_jimport)


@pytest.mark.parametrize("changes, message", [
    ({(2, "RADIUS"): -3.0}, "line 4: RADIUS must be a finite number > 0, got -3.0"),
    ({(0, "RADIUS"): 0.0, (5, "RADIUS"): float("nan")},     # NaN is written as an empty cell, found when reading
     "line 7: column RADIUS is empty; every row needs a number there"),
    ({(1, "FRAME"): 5_000_000}, "line 3: FRAME 5000000 is beyond the largest supported frame 1000000; FRAME is the "
                                "time-point index 0, 1, 2, ... (not a time)"),
])
def test_read_spots_csv_names_the_line_of_a_bad_radius_or_huge_frame(tmp_path, rng, changes, message):
    """qa finding 13: RADIUS <= 0 and FRAME > 1,000,000 were found only by the engine, naming a spot, not a line."""
    from volltrack.spots import read_spots_csv

    assert len(read_spots_csv(_spot_table(tmp_path / "good.csv", rng))) == 6
    path = _spot_table(tmp_path / "bad.csv", rng, changes)
    with pytest.raises(ValueError) as error:
        read_spots_csv(path)
    assert str(error.value) == f"{path}: {message}"


def test_read_spots_csv_names_the_sidecar_of_a_bad_frame_interval(tmp_path, rng):
    """qa finding 18 (track side): a bad frame_interval in the sidecar names the sidecar."""
    import json

    from volltrack.spots import read_spots_csv

    path = _spot_table(tmp_path / "spots.csv", rng)
    (tmp_path / "spots.csv.json").write_text(json.dumps({"frame_interval": -1.0}))
    with pytest.raises(ValueError, match=r"frame_interval in .*spots.csv.json: got -1.0; expected a number"):
        read_spots_csv(path)


def test_spots_refuses_nan_in_the_raw_movie(tmp_path, capsys, rng):
    """qa finding 14: a NaN raw voxel silently made that cell's intensities NaN."""
    labels = _label_movie(tmp_path / "labels.tif", rng)
    raw = rng.uniform(0, 100, (3, 4, 16, 16)).astype(np.float32)
    tifffile.imwrite(tmp_path / "raw.tif", raw, imagej=True, metadata={"axes": "TZYX"})
    out = tmp_path / "spots.csv"
    assert main(["spots", str(labels), "--raw", str(tmp_path / "raw.tif"), "--out", str(out), "--no-progress"]) == 0
    raw[1, 2, 3, 4] = np.nan
    tifffile.imwrite(tmp_path / "nanraw.tif", raw, imagej=True, metadata={"axes": "TZYX"})
    out.unlink()
    assert main(["spots", str(labels), "--raw", str(tmp_path / "nanraw.tif"), "--out", str(out), "--no-progress"]) == 1
    line = _one_line_error(capsys, "spots")
    assert "nanraw.tif: raw intensity movie holds 1 NaN or infinite value(s) in frame 1 (first at z, y, x = " \
           "(2, 3, 4))" in line, line
    assert not out.exists()


@pytest.mark.parametrize("dt", ["-1", "0", "nan", "inf", "soon"])
def test_spots_refuses_a_non_positive_dt(tmp_path, capsys, rng, dt):
    """qa finding 18: --dt -1/0/nan wrote POSITION_T = -0.0/NaN, found only later by volltrack track."""
    from volltrack.spots import compute_spots

    labels = _label_movie(tmp_path / "labels.tif", rng)
    out = tmp_path / "spots.csv"
    with pytest.raises(SystemExit) as exit_info:
        main(["spots", str(labels), "--dt", dt, "--out", str(out), "--no-progress"])
    assert exit_info.value.code == 2
    assert f"--dt must be a positive number of seconds, got '{dt}'" in _one_line_error(capsys, "spots")
    assert not out.exists()
    with pytest.raises(ValueError, match="frame_interval must be a positive number of seconds"):
        compute_spots(np.ones((1, 2, 4, 4), np.uint16), frame_interval=float(dt) if dt != "soon" else dt)
    assert len(compute_spots(np.ones((1, 2, 4, 4), np.uint16), frame_interval=2.5)) == 1
