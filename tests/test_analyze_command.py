"""``volltrack analyze`` and the napari reader on TrackMate XML files written by volltrack.trackmate."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from volltrack.cli import main


@pytest.fixture
def tracks_xml(tmp_path):
    """A TrackMate XML file: track with a division and a gap (IDs 10..16), and a single-cell track (20..22)."""
    from volltrack.trackmate import write_xml

    spots = pd.DataFrame({"ID": [10, 11, 12, 13, 14, 15, 16, 20, 21, 22], "FRAME": [0, 1, 2, 3, 4, 3, 5, 0, 1, 2],
                          "POSITION_X": np.arange(10.0), "POSITION_Y": 1.0, "POSITION_Z": 2.0, "RADIUS": 1.0,
                          "QUALITY": 1.0})
    spots["POSITION_T"] = spots["FRAME"] * 2.0
    spots.attrs.update(calibration=(1.0, 1.0, 1.0), frame_interval=2.0)
    edges = pd.DataFrame({"SPOT_SOURCE_ID": [10, 11, 12, 12, 13, 15, 20, 21],
                          "SPOT_TARGET_ID": [11, 12, 13, 15, 14, 16, 21, 22]})
    path = tmp_path / "tracks.xml"
    write_xml(path, spots, edges, space_units="micron", time_units="sec")
    return path


@pytest.fixture
def mask_tif(tmp_path):
    from volltrack.io import write_image

    mask = np.zeros((6, 4, 4, 16), np.uint8)
    mask[..., :8] = 1
    path = tmp_path / "mask.tif"
    write_image(path, mask, axes="TZYX", calibration=(1.0, 1.0, 1.0))
    return path


def test_analyze_writes_tables_plots_movie_and_parameters(tracks_xml, mask_tif, tmp_path):
    from movie_files import movie_size_and_frames

    from volltrack.trackmate import read_xml

    out = tmp_path / "out"
    dividing = int(read_xml(tracks_xml).edges.set_index("SPOT_SOURCE_ID").loc[10, "TRACK_ID"])
    code = main(["analyze", str(tracks_xml), "--mask", str(mask_tif), "--calibration", "1,1,1", "--out", str(out),
                 "--movie-track", str(dividing)])
    assert code == 0
    tracklets = pd.read_csv(out / "tracklets.csv", index_col="TRACKLET_ID", dtype={"PARENT_IDS": str})
    assert sorted(tracklets.index) == [10, 13, 15, 20]
    assert tracklets.loc[13, "PARENT_IDS"] == "10" and tracklets.loc[13, "GENERATION"] == 1
    assert tracklets.loc[[10, 13, 15, 20], "START_DISTANCE"].tolist() == [8.0, 5.0, 3.0, 1.0]
    spots = pd.read_csv(out / "spots.csv").set_index("ID")
    assert spots.loc[16, "SPEED"] == pytest.approx(1.0 / 4.0)  # gap of two frames of 2 s
    fate = pd.read_csv(out / "fate.csv")
    assert sorted(fate["TRACKLET_ID"]) == [13, 15] and set(fate["PARENT_END_DISTANCE"]) == {6.0}
    parameters = json.loads((out / "parameters.json").read_text())
    assert parameters["frame_interval"] == 2.0 and parameters["mask"] == str(mask_tif)
    assert len(list((out / "plots").glob("track_*.png"))) == 2
    assert movie_size_and_frames(out / f"track_{dividing}.mp4")[1] == 6
    assert not list(out.glob(".*")), "temporary files left behind"


def test_analyze_selects_dividing_tracks(tracks_xml, tmp_path):
    out = tmp_path / "out"
    assert main(["analyze", str(tracks_xml), "--tracks", "dividing", "--out", str(out)]) == 0
    assert len(pd.read_csv(out / "tracks.csv")) == 1
    assert set(pd.read_csv(out / "spots.csv")["ID"]) == {10, 11, 12, 13, 14, 15, 16}


@pytest.mark.parametrize("extra, message", [
    (["--calibration", "1,1"], "calibration"),
    (["--tracks", "some"], "--tracks"),
    (["--fft-feature", "NOPE"], "NOPE"),
    (["--movie-track", "12345"], "12345"),
    (["--smoothing", "0"], "smoothing"),
])
def test_analyze_bad_options_give_one_line_errors(tracks_xml, tmp_path, capsys, extra, message):
    out = tmp_path / "out"
    assert main(["analyze", str(tracks_xml), "--out", str(out), *extra]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_analyze_refuses_truncated_xml_and_missing_file(tracks_xml, tmp_path, capsys):
    broken = tmp_path / "broken.xml"
    broken.write_text(tracks_xml.read_text()[:700])
    assert main(["analyze", str(broken), "--out", str(tmp_path / "out")]) == 1
    assert main(["analyze", str(tmp_path / "absent.xml"), "--out", str(tmp_path / "out")]) == 1
    errors = capsys.readouterr().err
    assert "broken.xml" in errors and "absent.xml" in errors
    assert not (tmp_path / "out").exists()


def test_napari_reader_gives_tracks_with_division_graph(tracks_xml):
    from volltrack.napari.reader import get_reader

    reader = get_reader(str(tracks_xml))
    assert reader is not None and get_reader(str(tracks_xml.with_suffix(".csv"))) is None
    [(data, kwargs, kind)] = reader(str(tracks_xml))
    assert kind == "tracks" and data.shape == (10, 5)
    assert kwargs["graph"] == {13: [10], 15: [10]}
    assert kwargs["features"].loc[data[:, 0] == 15, "FRAME"].tolist() == [3.0, 5.0]


@pytest.mark.napari
def test_viewer_opens_trackmate_xml_with_the_plugin(make_napari_viewer, tracks_xml):
    viewer = make_napari_viewer()
    [layer] = viewer.open(str(tracks_xml), plugin="volltrack")
    assert type(layer).__name__ == "Tracks" and layer.graph == {13: [10], 15: [10]}


def test_analyze_refuses_an_image_without_time_axis(tracks_xml, tmp_path, capsys):
    from volltrack.io import write_image

    write_image(tmp_path / "zyx.tif", np.zeros((4, 4, 16), np.uint16), axes="ZYX")
    assert main(["analyze", str(tracks_xml), "--image", str(tmp_path / "zyx.tif"), "--out", str(tmp_path / "o")]) == 1
    assert "TZYX" in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_napari_reader_declines_other_xml(tmp_path):
    from volltrack.napari.reader import get_reader

    other = tmp_path / "other.xml"
    other.write_text("<?xml version='1.0'?><project><name>not tracks</name></project>")
    assert get_reader(str(other)) is None and get_reader([str(other), str(other)]) is None


def test_analyze_simulated_tissue_with_image_labels_and_mask(tmp_path):
    """Intensities, volumes and distances agree with the spot table's own (volltrack.spots)."""
    from volltrack.analysis.lineage_tracks import tracks_from_lineage
    from volltrack.io import write_image
    from volltrack.spots import compute_spots
    from volltrack.synthetic import simulate_tissue
    from volltrack.trackmate import write_xml

    movie = simulate_tissue(n_frames=4, shape=(8, 48, 48), n_cells=10, division_rate=0.2, seed=2)
    table = compute_spots(movie.labels, raw=movie.raw, mask=movie.tissue_mask, calibration=movie.calibration,
                          frame_interval=movie.frame_interval)
    spots, edges = tracks_from_lineage(table, movie.lineage)
    write_xml(tmp_path / "gt.xml", spots, edges, space_units="micron", time_units="sec")
    for name, array in (("raw", movie.raw), ("labels", movie.labels), ("mask", movie.tissue_mask)):
        write_image(tmp_path / f"{name}.tif", array, axes="TZYX", calibration=movie.calibration)
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "gt.xml"), "--image", str(tmp_path / "raw.tif"), "--labels",
                 str(tmp_path / "labels.tif"), "--mask", str(tmp_path / "mask.tif"), "--max-plots", "1",
                 "--out", str(out)]) == 0
    result = pd.read_csv(out / "spots.csv").set_index("ID").sort_index()
    expected = spots.set_index("ID").loc[result.index]
    np.testing.assert_allclose(result["VOLUME"], expected["VOLUME"], rtol=1e-6)
    np.testing.assert_allclose(result["MEAN_INTENSITY"], expected["MEAN_INTENSITY_CH1"], rtol=1e-4)
    assert json.loads((out / "parameters.json").read_text())["intensity_source"] == "labels"
    np.testing.assert_allclose(result["DISTANCE_TO_BOUNDARY"], expected["DISTANCE_TO_BOUNDARY"], atol=1e-5)
    np.testing.assert_array_equal(result["INSIDE_TISSUE"], expected["INSIDE_TISSUE"])


@pytest.mark.parametrize("option, shape, axes, message", [
    ("--image", (4, 4, 16), "ZYX", "--image {path} has shape (4, 4, 16)"),
    ("--labels", (4, 4, 16), "ZYX", "--labels {path} has shape (4, 4, 16)"),
    ("--mask", (4, 16), "YX", "{path} has axes YX"),
])
def test_analyze_shape_errors_name_the_file(tracks_xml, tmp_path, capsys, option, shape, axes, message):
    """qa findings 3 and 4: shape errors name the file; a 2D (YX) mask is refused, not read as Z = 1."""
    from volltrack.io import write_image

    path = tmp_path / "movie.tif"
    write_image(path, np.zeros(shape, np.uint16), axes=axes)
    assert main(["analyze", str(tracks_xml), option, str(path), "--out", str(tmp_path / "o")]) == 1
    assert message.format(path=path) in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_analyze_unknown_track_id_names_the_xml(tracks_xml, tmp_path, capsys):
    """qa finding 5: --tracks 99999 said 'the edge table is empty' instead of naming the unknown ID."""
    assert main(["analyze", str(tracks_xml), "--tracks", "0,99999", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert f"no track with TRACK_ID 99999 in {tracks_xml}; known: 0..1 (2 tracks)" in err, err
    assert not (tmp_path / "o").exists()


def test_analyze_reads_a_one_slice_mask_as_the_same_mask_on_every_z(tmp_path):
    """The mask goes through io.masks.movie_mask: a T1YX mask gives what its TZYX repetition gives."""
    from volltrack.analysis.lineage_tracks import tracks_from_lineage
    from volltrack.io import write_image
    from volltrack.spots import compute_spots
    from volltrack.synthetic import simulate_tissue
    from volltrack.trackmate import write_xml

    movie = simulate_tissue(n_frames=3, shape=(6, 40, 40), n_cells=8, seed=4)
    table = compute_spots(movie.labels, calibration=movie.calibration, frame_interval=movie.frame_interval)
    spots, edges = tracks_from_lineage(table, movie.lineage)
    write_xml(tmp_path / "gt.xml", spots, edges, space_units="micron", time_units="sec")
    write_image(tmp_path / "labels.tif", movie.labels, axes="TZYX", calibration=movie.calibration)
    plane = np.asarray(movie.tissue_mask)[:, 3:4]                              # (T, 1, Y, X)
    write_image(tmp_path / "plane.tif", plane, axes="TZYX", calibration=movie.calibration)
    write_image(tmp_path / "full.tif", np.repeat(plane, 6, axis=1), axes="TZYX", calibration=movie.calibration)
    results = []
    for name in ("plane", "full"):
        out = tmp_path / name
        assert main(["analyze", str(tmp_path / "gt.xml"), "--labels", str(tmp_path / "labels.tif"), "--mask",
                     str(tmp_path / f"{name}.tif"), "--max-plots", "0", "--movie-track", "none", "--out", str(out)]) == 0
        results.append(pd.read_csv(out / "spots.csv").set_index("ID").sort_index())
    pd.testing.assert_series_equal(results[0]["DISTANCE_TO_BOUNDARY"], results[1]["DISTANCE_TO_BOUNDARY"])
    assert results[0]["INSIDE_TISSUE"].between(0, 1).all() and results[0]["INSIDE_TISSUE"].any()


def test_analyze_marks_its_folder_complete_last_and_a_rerun_keeps_one_analysis(tracks_xml, tmp_path):
    """parameters.json says "complete" (with the files) only once everything is written; a failed run says
    "failed"; a rerun selecting fewer tracks removes the plots of the earlier analysis, not the user's own files."""
    from volltrack.analysis import export

    out = tmp_path / "out"
    assert main(["analyze", str(tracks_xml), "--out", str(out), "--movie-track", "none"]) == 0
    record = json.loads((out / "parameters.json").read_text())
    assert record["status"] == "complete"
    plots = sorted(p.name for p in (out / "plots").glob("*.png"))
    assert len(plots) == 2 and {f"plots/{name}" for name in plots} <= set(record["files"])
    assert {"spots.csv", "tracks.csv", "tracklets.csv", "fate.csv", "spectra.csv", "parameters.json"} <= set(
        record["files"])
    (out / "notes.txt").write_text("mine")
    assert main(["analyze", str(tracks_xml), "--out", str(out), "--movie-track", "none", "--tracks",
                 "dividing"]) == 0
    assert len(list((out / "plots").glob("*.png"))) == 1 and (out / "notes.txt").read_text() == "mine"

    def broken_plot(*args, **kwargs):
        raise RuntimeError("plotting failed")

    import volltrack.analysis.plots as plots_module

    original = plots_module.save_track_plot
    plots_module.save_track_plot = broken_plot
    try:
        assert main(["analyze", str(tracks_xml), "--out", str(out), "--movie-track", "none"]) == 3
    finally:
        plots_module.save_track_plot = original
    record = json.loads((out / "parameters.json").read_text())
    assert record["status"] == export.STATUS_FAILED and "plotting failed" in record["error"]
