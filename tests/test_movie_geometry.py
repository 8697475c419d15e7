"""One source of the movie's geometry: spot table sidecar -> track() -> ImageData -> napari and analyze (issue 13).

The fast tests use a hand-made movie; the ``run`` tests share one small ``volltrack run`` (segmentation with the
bundled demo models) and check, at the voxel level, that the tracks lie on the cells.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import tifffile

from volltrack import cli
from volltrack.spots import compute_spots, read_spots_csv, write_spots_csv
from volltrack.spots.spot_csv import describe_movie
from volltrack.trackmate import read_xml
from volltrack.trackmate.image_data import check_movie_shape, find_movie, movie_of

CALIBRATION = (2.0, 0.5, 0.25)


def _movie(tmp_path: Path):
    """A (3, 4, 20, 30) label movie with one cell moving in X, its raw movie, both saved as ImageJ TIFFs."""
    labels = np.zeros((3, 4, 20, 30), np.uint16)
    for t in range(3):
        labels[t, 1:3, 5:9, 5 + 2 * t:9 + 2 * t] = 7
    raw = (labels * 10 + 3).astype(np.uint16)
    (tmp_path / "data").mkdir(exist_ok=True)
    for name, data in (("labels.tif", labels), ("raw.tif", raw)):
        tifffile.imwrite(tmp_path / "data" / name, data, imagej=True, metadata={"axes": "TZYX"})
    return labels, raw


def _image_data(xml: Path) -> dict:
    return read_xml(xml).settings["image_data"]


def test_sidecar_names_the_movie_relative_to_the_csv_and_read_resolves_it(tmp_path):
    labels, raw = _movie(tmp_path)
    spots = describe_movie(compute_spots(labels, raw=raw, calibration=CALIBRATION, frame_interval=5.0),
                           tmp_path / "data" / "raw.tif", labels.shape)
    write_spots_csv(spots, tmp_path / "spots.csv")

    sidecar = json.loads((tmp_path / "spots.csv.json").read_text())
    assert sidecar["image"] == "data/raw.tif" and sidecar["shape"] == [3, 4, 20, 30]
    moved = tmp_path / "moved"
    os.rename(tmp_path / "data", tmp_path / "moved_data")
    moved.mkdir()
    for name in ("spots.csv", "spots.csv.json"):
        os.rename(tmp_path / name, moved / name)
    (moved / "data").symlink_to(tmp_path / "moved_data")
    table = read_spots_csv(moved / "spots.csv")
    assert Path(table.attrs["image"]) == (moved / "data" / "raw.tif").resolve()
    assert table.attrs["shape"] == [3, 4, 20, 30] and tuple(table.attrs["calibration"]) == CALIBRATION
    with pytest.raises(ValueError, match="shape"):
        describe_movie(table, "x.tif", (0, 4, 20, 30))


def test_track_writes_the_movie_its_shape_and_calibration_into_image_data(tmp_path):
    from volltrack.tracking import track

    labels, raw = _movie(tmp_path)
    spots = compute_spots(labels, raw=raw, calibration=CALIBRATION, frame_interval=5.0)
    describe_movie(spots, tmp_path / "data" / "raw.tif", labels.shape)
    write_spots_csv(spots, tmp_path / "spots.csv")
    xml = tmp_path / "tracks.xml"
    track(read_spots_csv(tmp_path / "spots.csv"), {"LINKING_MAX_DISTANCE": 5.0}, xml_path=xml, progress=False)
    image = _image_data(xml)
    assert image["filename"] == "data/raw.tif" and image["folder"] == str(tmp_path.resolve()) + os.sep
    assert (image["nframes"], image["nslices"], image["height"], image["width"]) == (3, 4, 20, 30)
    assert (image["voxeldepth"], image["pixelheight"], image["pixelwidth"]) == CALIBRATION
    assert image["timeinterval"] == 5.0
    import xml.etree.ElementTree as ElementTree

    from volltrack.trackmate.display_settings import display_settings_json

    root = ElementTree.parse(xml).getroot()
    assert root.find("GUIState").get("state") == "ConfigureViews"
    assert root.find("DisplaySettings").text == display_settings_json()  # the engine's JSON = the Python writer's
    # the XML and the movie move together: TrackMate's second lookup (beside the XML) finds it
    os.rename(tmp_path, tmp_path.with_name(tmp_path.name + "_moved"))
    moved = tmp_path.with_name(tmp_path.name + "_moved")
    assert movie_of(read_xml(moved / "tracks.xml"), moved / "tracks.xml").path == (moved / "data/raw.tif").resolve()


def test_movie_outside_the_xml_folder_is_named_by_its_absolute_folder(tmp_path):
    from volltrack.tracking import track

    labels, _ = _movie(tmp_path)
    spots = describe_movie(compute_spots(labels, calibration=CALIBRATION), tmp_path / "data" / "labels.tif",
                           labels.shape)
    (tmp_path / "out").mkdir()
    track(spots, xml_path=tmp_path / "out" / "t.xml", progress=False)
    image = _image_data(tmp_path / "out" / "t.xml")
    assert image["filename"] == "labels.tif" and image["folder"] == str((tmp_path / "data").resolve()) + os.sep
    assert find_movie(tmp_path / "out" / "t.xml", image["filename"], image["folder"]) == \
        (tmp_path / "data" / "labels.tif").resolve()


def test_a_missing_movie_is_named_with_a_warning(tmp_path, caplog):
    from volltrack.tracking import track

    labels, _ = _movie(tmp_path)
    spots = describe_movie(compute_spots(labels, calibration=CALIBRATION), tmp_path / "gone.tif", labels.shape)
    with caplog.at_level(logging.WARNING):
        track(spots, xml_path=tmp_path / "t.xml", progress=False)
    assert any("does not exist" in r.getMessage() and "gone.tif" in r.getMessage() for r in caplog.records)
    assert _image_data(tmp_path / "t.xml")["filename"] == "gone.tif"


def test_a_bare_spot_table_gives_an_unsaved_image_and_one_warning(tmp_path, caplog):
    from volltrack.tracking import track

    table = pd.DataFrame({"FRAME": [0, 1, 2], "POSITION_X": [10.0, 11.0, 12.0], "POSITION_Y": [5.0, 5.0, 5.5],
                          "POSITION_Z": [4.0, 4.0, 4.0], "RADIUS": [2.0] * 3})
    table.to_csv(tmp_path / "cells.csv", index=False)
    with caplog.at_level(logging.WARNING):
        track(read_spots_csv(tmp_path / "cells.csv"), xml_path=tmp_path / "t.xml", progress=False)
    warnings = [r for r in caplog.records if "names no movie" in r.getMessage()]
    assert len(warnings) == 1
    image = _image_data(tmp_path / "t.xml")
    assert image["filename"] == "cells" and image["folder"] == ""  # TrackMate's form for an unsaved image
    assert image["width"] == 13 and image["nslices"] == 5 and image["pixelwidth"] == 1.0


def test_check_movie_shape_names_the_file_and_both_shapes(tmp_path):
    movie = movie_of(type("D", (), {"settings": {"image_data": {
        "filename": "raw.tif", "folder": "/x/", "width": 30, "height": 20, "nslices": 4, "nframes": 3}}})(),
        tmp_path / "t.xml")
    check_movie_shape(np.zeros((3, 4, 20, 30)), movie, what="image", source="raw.tif", xml_path="t.xml")
    check_movie_shape(np.zeros((3, 20, 30)), movie, what="mask", source="m.tif", xml_path="t.xml")
    with pytest.raises(ValueError) as error:
        check_movie_shape(np.zeros((3, 4, 30, 20)), movie, what="labels", source="l.tif", xml_path="t.xml")
    message = str(error.value)
    assert "\n" not in message and "l.tif" in message and "(3, 4, 30, 20)" in message and "(3, 4, 20, 30)" in message


@pytest.fixture
def tracked(tmp_path):
    """A hand-made movie tracked through the spot table into tracks.xml (its ImageData names raw.tif)."""
    from volltrack.tracking import track

    labels, raw = _movie(tmp_path)
    spots = describe_movie(compute_spots(labels, raw=raw, calibration=CALIBRATION, frame_interval=5.0),
                           tmp_path / "data" / "raw.tif", labels.shape)
    track(spots, {"LINKING_MAX_DISTANCE": 5.0}, xml_path=tmp_path / "tracks.xml", progress=False)
    return tmp_path


def _analyze(folder: Path, *options: str) -> int:
    return cli.main(["analyze", str(folder / "tracks.xml"), "--out", str(folder / "an"), "--max-plots", "0",
                     "--movie-track", "none", *options])


def test_analyze_refuses_movies_of_another_shape(tracked, capsys):
    tifffile.imwrite(tracked / "small.tif", np.zeros((3, 4, 20, 29), np.uint16), imagej=True,
                     metadata={"axes": "TZYX"})
    for option in ("--image", "--labels", "--mask"):
        assert _analyze(tracked, option, str(tracked / "small.tif")) != 0
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1, err
        assert "small.tif" in err and "(3, 4, 20, 29)" in err and "(3, 4, 20, 30)" in err, err
    assert not (tracked / "an").exists()


def test_analyze_refuses_float_labels_and_the_image_given_as_labels(tracked, capsys):
    labels = tifffile.imread(tracked / "data" / "labels.tif").astype(np.float32)
    labels[0, 0, 0, 0] = 0.5
    tifffile.imwrite(tracked / "float.tif", labels, imagej=True, metadata={"axes": "TZYX"})
    raw = str(tracked / "data" / "raw.tif")
    cases = {"float.tif": ["--labels", str(tracked / "float.tif")],
             "same file": ["--image", raw, "--labels", raw],
             "LABEL under": ["--labels", raw]}
    for expected, options in cases.items():
        assert _analyze(tracked, *options) != 0
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and expected in err, err
    assert _analyze(tracked, "--image", raw, "--labels", str(tracked / "data" / "labels.tif")) == 0


# ---------------------------------------------------------------------------------------------------------------
# A small `volltrack run` (segmentation with the bundled demo models): the done-criteria of issue 13.


# The run happens in a child Python process: the napari test below opens an OpenGL viewer in this process, and
# TensorFlow (>= 2.16) and Mesa's software OpenGL crash when both are loaded into one process (docs/install.md).
_SMALL_RUN = """
import json, sys
from pathlib import Path
from volltrack.pipeline.config import RunConfig
from volltrack.pipeline.demo import prepare_demo_inputs
from volltrack.pipeline.run import run_pipeline

config = RunConfig()
config.segmentation.models = None
config.image.calibration = (2.0, 0.5, 0.5)
config.demo.frames, config.demo.shape, config.demo.cells = 3, (12, 48, 48), 12
config.analysis.movie = False
out = Path(sys.argv[1])
inputs, _ = prepare_demo_inputs(out, config.demo)
result = run_pipeline(inputs, out, config)
print(json.dumps({"raw": str(inputs.raw), "mask": str(inputs.mask),
                  "outputs": {name: str(path) for name, path in result.outputs.items()}}))
"""


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    child = subprocess.run([sys.executable, "-c", _SMALL_RUN, str(out)], capture_output=True, text=True)
    assert child.returncode == 0, child.stderr[-3000:]
    done = json.loads(child.stdout.strip().splitlines()[-1])
    inputs = SimpleNamespace(raw=Path(done["raw"]), mask=Path(done["mask"]))
    result = SimpleNamespace(outputs={name: Path(path) for name, path in done["outputs"].items()})
    return out, inputs, result


@pytest.mark.slow
def test_run_xml_names_the_movie_with_its_true_dimensions_and_calibration(small_run):
    from volltrack.io import read_image

    out, inputs, _ = small_run
    raw, meta = read_image(inputs.raw, lazy=True)
    movie = movie_of(read_xml(out / "tracks.xml"), out / "tracks.xml")
    assert movie.path == Path(inputs.raw).resolve()
    assert movie.shape == tuple(raw.shape) == (3, 12, 48, 48)
    assert movie.calibration == (2.0, 0.5, 0.5)
    assert movie.frame_interval == pytest.approx(meta["frame_interval"])
    assert movie.folder == str(out.resolve()) + os.sep and not Path(movie.filename).is_absolute()


def _voxel_labels(label_movie, frames, zyx_voxels) -> np.ndarray:
    index = np.rint(zyx_voxels).astype(int)
    return np.asarray(label_movie)[frames.astype(int), index[:, 0], index[:, 1], index[:, 2]]


@pytest.mark.slow
def test_every_visible_spot_lies_on_its_label_through_the_xml_and_the_napari_layers(small_run):
    from volltrack.napari.reader import read_trackmate_xml

    out, _, result = small_run
    xml = out / "tracks.xml"
    data = read_xml(xml)
    movie = movie_of(data, xml)
    label_movie = tifffile.imread(result.outputs["labels"])
    visible = data.spots[data.spots["VISIBILITY"] == 1]
    assert len(visible) > 10
    # through the XML: position / calibration, rounded
    voxels = visible[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy() / np.asarray(movie.calibration)
    found = _voxel_labels(label_movie, visible["FRAME"].to_numpy(), voxels)
    np.testing.assert_array_equal(found, visible["LABEL"].to_numpy())
    # through the reader's layers: image, labels and tracks, all with the XML's scale
    layers = read_trackmate_xml(str(xml))
    assert [kind for _, _, kind in layers] == ["image", "labels", "tracks"]
    (image, image_kw, _), (labels, labels_kw, _), (tracks, tracks_kw, _) = layers
    assert image_kw["metadata"]["path"] == str(movie.path)
    assert tuple(image.shape) == tuple(labels.shape) == movie.shape
    for kwargs in (image_kw, labels_kw, tracks_kw):
        assert tuple(kwargs["scale"]) == (1.0, *movie.calibration)
    world = tracks[:, 1:] * np.asarray(tracks_kw["scale"])      # Tracks rows: ID, T, Z, Y, X (data units)
    in_labels = world / np.asarray(labels_kw["scale"])          # world -> labels layer data
    found = _voxel_labels(labels, in_labels[:, 0], in_labels[:, 1:])
    by_frame = visible.set_index("FRAME")
    expected = []
    for frame, *zyx in world:                                   # the visible spot at that place in that frame
        rows = by_frame.loc[[int(frame)]]
        distance = np.abs(rows[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy() - zyx).sum(axis=1)
        assert distance.min() < 1e-9
        expected.append(int(rows["LABEL"].to_numpy()[np.argmin(distance)]))
    assert len(expected) > 10
    np.testing.assert_array_equal(found, expected)


@pytest.mark.slow
def test_napari_layers_transform_spots_onto_their_labels(small_run):
    napari_layers = pytest.importorskip("napari.layers")
    from volltrack.napari.reader import read_trackmate_xml

    out, _, _ = small_run
    data = read_xml(out / "tracks.xml")
    layers = {kind: (layer_data, kwargs) for layer_data, kwargs, kind in read_trackmate_xml(str(out / "tracks.xml"))}
    label_layer = napari_layers.Labels(np.asarray(layers["labels"][0]), scale=layers["labels"][1]["scale"])
    image_layer = napari_layers.Image(np.asarray(layers["image"][0]), scale=layers["image"][1]["scale"])
    tracks_data, tracks_kwargs = layers["tracks"]
    tracks_layer = napari_layers.Tracks(tracks_data, scale=tracks_kwargs["scale"])
    visible = data.spots[data.spots["VISIBILITY"] == 1].set_index(["FRAME"])
    checked = 0
    for point in tracks_layer.data[:, 1:]:
        world = np.asarray(tracks_layer.data_to_world(point))
        voxel = np.rint(label_layer.world_to_data(world)).astype(int)
        np.testing.assert_array_equal(np.rint(image_layer.world_to_data(world)).astype(int), voxel)
        value = label_layer.data[tuple(voxel)]
        rows = visible.loc[[int(point[0])]]
        physical = rows[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy()
        nearest = np.argmin(np.abs(physical - world[1:]).sum(axis=1))
        assert value == rows["LABEL"].to_numpy()[nearest] and value > 0
        checked += 1
    assert checked == len(tracks_layer.data) > 10


@pytest.mark.slow
def test_analyze_without_calibration_equals_the_spot_table(small_run, capsys):
    out, inputs, result = small_run
    options = ["--image", str(inputs.raw), "--labels", str(result.outputs["labels"]), "--mask", str(inputs.mask),
               "--tracks", "all", "--max-plots", "0", "--movie-track", "none"]
    assert cli.main(["analyze", str(out / "tracks.xml"), "--out", str(out / "exact"), *options]) == 0
    table = pd.read_csv(out / "spots.csv")
    analysed = pd.read_csv(out / "exact" / "spots.csv").merge(table, on=["FRAME", "LABEL"], suffixes=("", "_table"))
    assert len(analysed) > 10
    for column, reference in (("DISTANCE_TO_BOUNDARY", "DISTANCE_TO_BOUNDARY_table"),
                              ("MEAN_INTENSITY", "MEAN_INTENSITY_CH1_table"),
                              ("TOTAL_INTENSITY", "TOTAL_INTENSITY_CH1_table")):
        np.testing.assert_allclose(analysed[column], analysed[reference], rtol=0, atol=1e-6, err_msg=column)
    # with a wrong calibration the label movie is refused (no spot on its label) and distances disagree: the
    # comparison above can fail
    assert cli.main(["analyze", str(out / "tracks.xml"), "--out", str(out / "refused"), *options,
                     "--calibration", "1,1,1"]) != 0
    err = capsys.readouterr().err   # refused by the spot-voxel check or, first, by the spots-beyond-the-movie check
    assert "find their LABEL" in err or "calibration (1.0, 1.0, 1.0)" in err, err
    wrong_options = ["--mask", str(inputs.mask), "--tracks", "all", "--max-plots", "0", "--movie-track", "none",
                     "--calibration", "1,1,1"]
    assert cli.main(["analyze", str(out / "tracks.xml"), "--out", str(out / "wrong"), *wrong_options]) == 0
    wrong = pd.read_csv(out / "wrong" / "spots.csv").merge(table, on=["FRAME", "LABEL"], suffixes=("", "_table"))
    assert not np.allclose(wrong["DISTANCE_TO_BOUNDARY"], wrong["DISTANCE_TO_BOUNDARY_table"], atol=1e-6)


def test_spots_command_names_the_raw_movie_else_the_labels(tmp_path):
    _movie(tmp_path)
    data = tmp_path / "data"
    assert cli.main(["spots", str(data / "labels.tif"), "--raw", str(data / "raw.tif"), "--calibration", "2,0.5,0.25",
                     "--out", str(tmp_path / "spots.csv"), "--no-progress"]) == 0
    sidecar = json.loads((tmp_path / "spots.csv.json").read_text())
    assert sidecar["image"] == "data/raw.tif" and sidecar["shape"] == [3, 4, 20, 30]
    assert sidecar["calibration"] == list(CALIBRATION)
    assert cli.main(["spots", str(data / "labels.tif"), "--out", str(tmp_path / "alone.csv"), "--no-progress"]) == 0
    assert json.loads((tmp_path / "alone.csv.json").read_text())["image"] == "data/labels.tif"


@pytest.mark.slow
@pytest.mark.napari
def test_napari_opens_the_run_xml_as_movie_labels_and_tracks_on_the_cells(small_run, make_napari_viewer):
    """``napari tracks.xml``: the plugin's reader, through npe2, in a viewer (needs Xvfb)."""
    out, inputs, _ = small_run
    viewer = make_napari_viewer()
    viewer.open(str(out / "tracks.xml"), plugin="volltrack")
    kinds = [type(layer).__name__ for layer in viewer.layers]
    assert kinds == ["Image", "Labels", "Tracks"]
    image, labels, tracks = viewer.layers
    assert image.metadata["path"] == str(Path(inputs.raw).resolve())
    for layer in viewer.layers:
        np.testing.assert_allclose(layer.scale, (1.0, 2.0, 0.5, 0.5))
    data = read_xml(out / "tracks.xml")
    visible = data.spots[data.spots["VISIBILITY"] == 1].set_index("FRAME")
    for point in tracks.data[:, 1:]:
        world = np.asarray(tracks.data_to_world(point))
        value = labels.data[tuple(np.rint(labels.world_to_data(world)).astype(int))]
        rows = visible.loc[[int(point[0])]]
        nearest = np.argmin(np.abs(rows[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy() - world[1:]).sum(1))
        assert value == rows["LABEL"].to_numpy()[nearest] > 0
