"""napari widgets of volltrack: track, segment, explore, write, record -- driven end to end on small data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.napari

SHOTS = Path(os.environ.get("VOLLTRACK_NAPARI_SHOTS", "")) if os.environ.get("VOLLTRACK_NAPARI_SHOTS") else None


def _shot(widget_or_viewer, name, tmp_path):
    """Save a PNG of a widget (QWidget.grab) or of the viewer window; return its path."""
    folder = SHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if hasattr(widget_or_viewer, "screenshot"):
        widget_or_viewer.screenshot(str(path), canvas_only=False)
    else:
        getattr(widget_or_viewer, "native", widget_or_viewer).grab().save(str(path))
    assert path.stat().st_size > 5_000
    return path


@pytest.fixture(scope="module")
def tissue():
    """A small simulated tissue: raw, labels, mask and lineage (6 frames of 8 x 48 x 48)."""
    from volltrack.synthetic import simulate_tissue

    return simulate_tissue(n_frames=6, shape=(8, 48, 48), n_cells=12, division_rate=0.25, seed=4)


def _add_movie(viewer, movie):
    scale = (1.0, *movie.calibration)
    viewer.add_image(movie.raw, name="raw", scale=scale)
    viewer.add_labels(movie.labels, name="cells", scale=scale)
    viewer.add_labels(movie.tissue_mask.astype(np.uint8), name="mask", scale=scale)


def test_track_form_is_generated_from_the_settings_schema():
    from volltrack.napari.track_widget import FORM_SKIPPED, settings_form_fields
    from volltrack.tracking.settings import TrackerSettings

    fields = {f["key"]: f for f in settings_form_fields()}
    expected = [k for n, k in zip(TrackerSettings.model_fields, TrackerSettings.keys()) if n not in FORM_SKIPPED]
    assert list(fields) == expected
    defaults = TrackerSettings().to_dict()
    assert all(fields[k]["default"] == defaults[k] for k in fields)
    assert fields["PRUNE_MODE"]["options"]["choices"] == ["BRANCH", "TRACK", "BOTH"]
    assert fields["CUTOFF_PERCENTILE"]["options"]["max"] == 1
    assert "Maximum distance" in fields["LINKING_MAX_DISTANCE"]["options"]["tooltip"]


def test_track_widget_tracks_a_label_movie_in_a_worker(make_napari_viewer, tissue, qtbot, tmp_path):
    from volltrack.napari.track_widget import make_track_widget

    viewer = make_napari_viewer()
    _add_movie(viewer, tissue)
    widget = make_track_widget(viewer)
    viewer.window.add_dock_widget(widget, area="right", name="Track cells")
    widget.reset_choices()
    widget["labels_layer"].value = viewer.layers["cells"]
    widget.raw_image.value = viewer.layers["raw"]
    widget.tissue_mask.value = viewer.layers["mask"]
    widget.allow_track_splitting.value = True
    widget.linking_max_distance.value = 8.0
    assert widget.linking_max_distance.tooltip.startswith("LINKING_MAX_DISTANCE")
    widget()
    qtbot.waitUntil(lambda: "tracks cells" in viewer.layers, timeout=120_000)
    assert widget.last_error is None
    layer = viewer.layers["tracks cells"]
    n_cells = sum(len(np.unique(frame)) - 1 for frame in tissue.labels)
    analysis = layer.metadata["volltrack_analysis"]
    assert len(layer.data) == len(analysis.spots)
    assert 0.9 * n_cells <= len(layer.data) <= n_cells  # every cell is a spot; lone spots are in no track
    np.testing.assert_allclose(layer.scale[1:], tissue.calibration)
    # the points lie on their cells: each centroid (voxels) falls in a labelled voxel of its frame
    frame, zyx = layer.data[:, 1].astype(int), np.rint(layer.data[:, 2:]).astype(int)
    assert (tissue.labels[frame, zyx[:, 0], zyx[:, 1], zyx[:, 2]] > 0).mean() > 0.9
    assert analysis.parameters["mask_given"]
    assert np.isfinite(layer.features["DISTANCE_TO_BOUNDARY"]).all()
    assert layer.graph, "the simulated divisions are found with splitting allowed"
    _shot(widget, "track_widget.png", tmp_path)
    _shot(viewer, "track_viewer.png", tmp_path)


def test_track_widget_reports_bad_input_in_one_line(make_napari_viewer, tissue):
    from volltrack.napari.track_widget import make_track_widget

    viewer = make_napari_viewer()
    _add_movie(viewer, tissue)
    viewer.add_image(np.zeros((2, 4, 8, 8)), name="small")
    widget = make_track_widget(viewer)
    viewer.window.add_dock_widget(widget, area="right")
    widget.reset_choices()
    widget["labels_layer"].value = viewer.layers["cells"]
    widget.raw_image.value = viewer.layers["small"]
    assert widget() is None
    assert "'small' has shape (2, 4, 8, 8)" in widget.last_error and "\n" not in widget.last_error


@pytest.mark.slow
def test_segment_widget_segments_a_movie_with_the_demo_models(make_napari_viewer, qtbot, tmp_path):
    from volltrack.napari.segment_widget import make_segment_widget, vollseg_accepts_nms
    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=2, shape=(8, 48, 48), n_cells=12, division_rate=0.0, seed=4)
    viewer = make_napari_viewer()
    viewer.add_image(movie.raw, name="raw", scale=(1.0, *movie.calibration), translate=(0, 0, 3.0, 0))
    widget = make_segment_widget(viewer)
    viewer.window.add_dock_widget(widget, area="right", name="Segment cells")
    widget.reset_choices()
    widget.image.value = viewer.layers["raw"]
    widget.probability.value = True
    choices = list(widget.suppression.choices)
    assert choices == (["fast", "exact"] if vollseg_accepts_nms() else ["model default"])
    if vollseg_accepts_nms():
        assert widget.suppression.value == "fast"  # vollseg's own default
    worker = widget()
    assert worker is not None
    qtbot.waitUntil(lambda: "labels raw" in viewer.layers and "probability raw" in viewer.layers, timeout=240_000)
    labels = viewer.layers["labels raw"]
    assert labels.data.shape == movie.raw.shape and type(labels).__name__ == "Labels"
    np.testing.assert_allclose(labels.scale, viewer.layers["raw"].scale)
    np.testing.assert_allclose(labels.translate, (0, 0, 3.0, 0))
    for frame in range(2):  # the demo models find cells, lying in the tissue far more than by chance
        found = labels.data[frame] > 0
        assert len(np.unique(labels.data[frame])) > 3
        chance = (movie.labels[frame] > 0).mean()  # ~0.25 of the volume is cells
        assert (movie.labels[frame][found] > 0).mean() > max(0.5, 2 * chance)
    assert 0 <= viewer.layers["probability raw"].data.min() and viewer.layers["probability raw"].data.max() <= 1
    _shot(widget, "segment_widget.png", tmp_path)
    _shot(viewer, "segment_viewer.png", tmp_path)


def test_segment_widget_refuses_a_missing_models_folder(make_napari_viewer, tmp_path):
    from volltrack.napari.segment_widget import make_segment_widget

    viewer = make_napari_viewer()
    viewer.add_image(np.zeros((4, 16, 16), np.float32), name="volume")
    widget = make_segment_widget(viewer)
    viewer.window.add_dock_widget(widget, area="right")
    widget.reset_choices()
    widget.image.value = viewer.layers["volume"]
    widget.models_folder.value = tmp_path / "nothing"
    assert widget() is None
    assert "models folder" in widget.last_error and "nothing" in widget.last_error


@pytest.fixture(scope="module")
def sample():
    """A wider tissue (8 x 96 x 96) with its ground-truth tracks analysed (movie, analysis)."""
    from volltrack.napari.sample_data import simulated_analysis

    return simulated_analysis(n_frames=6, shape=(8, 96, 96), n_cells=25, division_rate=0.2, seed=4)


def _analysis_widget(viewer, sample):
    from volltrack.napari.reader import tracks_layer_tuple
    from volltrack.napari.widget import TrackAnalysisWidget

    movie, analysis = sample
    _add_movie(viewer, movie)
    data, kwargs, _ = tracks_layer_tuple(analysis, name="tracks")
    viewer.add_tracks(data, **kwargs)
    widget = TrackAnalysisWidget(viewer)
    viewer.window.add_dock_widget(widget, area="right", name="Track analysis")
    return widget


def test_search_filters_the_track_list_and_the_camera_zooms_on_the_track(make_napari_viewer, sample, tmp_path):
    movie, analysis = sample
    viewer = make_napari_viewer()
    widget = _analysis_widget(viewer, sample)
    ids = [str(t) for t in analysis.track_set.select("all")]
    items = lambda: [widget.track_box.itemText(i) for i in range(widget.track_box.count())]  # noqa: E731
    assert items() == ["all"] + ids
    extent = analysis.spots.groupby("TRACK_ID")[["POSITION_Y", "POSITION_X"]].agg(np.ptp).max(axis=1)
    target = int(extent.idxmin())  # the most compact track: the camera must zoom in on it
    whole_zoom = viewer.camera.zoom
    widget.search_edit.setText(str(target))
    assert str(target) in items() and all(str(target) in item for item in items())
    widget.select_track(target)
    spots = analysis.spots[analysis.spots["TRACK_ID"] == target]
    centre = spots[["POSITION_Y", "POSITION_X"]].to_numpy().min(axis=0) / 2 + \
        spots[["POSITION_Y", "POSITION_X"]].to_numpy().max(axis=0) / 2
    np.testing.assert_allclose(viewer.camera.center[-2:], centre, atol=1e-6)
    assert viewer.camera.zoom > 1.5 * whole_zoom
    assert viewer.dims.current_step[0] == spots["FRAME"].min()
    widget.toggle_display()  # 3D: the camera follows the track too
    np.testing.assert_allclose(viewer.camera.center[-2:], centre, atol=1e-6)
    widget.search_edit.setText("no such track")
    assert items() == [] and widget.selected_track_ids() == [] and not widget.figure.axes
    _shot(viewer, "explore_viewer_3d.png", tmp_path)


def test_tracks_are_coloured_by_the_chosen_feature(make_napari_viewer, sample, tmp_path):
    from volltrack.napari.widget import SELECTION_LAYER

    movie, analysis = sample
    viewer = make_napari_viewer()
    widget = _analysis_widget(viewer, sample)
    colours = [widget.color_box.itemText(i) for i in range(widget.color_box.count())]
    assert colours[:5] == ["TRACK_ID", "GENERATION", "DISTANCE_TO_BOUNDARY", "SPEED", "MEAN_INTENSITY"]
    layer = viewer.layers["tracks"]
    before = layer.track_colors.copy()
    widget.color_box.setCurrentText("GENERATION")
    assert layer.color_by == "GENERATION"
    generation = layer.features["GENERATION"].to_numpy()
    assert len(np.unique(generation)) > 1
    # points of one generation share a colour, and two generations differ
    colors = layer.track_colors
    g0, g1 = np.flatnonzero(generation == generation.min()), np.flatnonzero(generation == generation.max())
    np.testing.assert_allclose(colors[g0], np.repeat(colors[g0[:1]], len(g0), axis=0))
    assert not np.allclose(colors[g0[0]], colors[g1[0]])
    assert not np.allclose(before, colors)
    widget.select_track(analysis.track_set.select("dividing")[0])
    assert viewer.layers[SELECTION_LAYER].color_by == "GENERATION"
    with pytest.raises(ValueError, match="no feature"):
        widget.color_tracks("NOT_A_FEATURE")
    _shot(viewer, "explore_viewer.png", tmp_path)
    _shot(widget, "explore_widget.png", tmp_path)


def test_tracks_layer_saves_as_trackmate_xml_with_divisions_and_calibration(make_napari_viewer, sample, tmp_path):
    from volltrack.napari.reader import read_trackmate_xml
    from volltrack.trackmate import read_xml

    movie, analysis = sample
    viewer = make_napari_viewer()
    _analysis_widget(viewer, sample)
    layer = viewer.layers["tracks"]
    written = layer.save(str(tmp_path / "saved.xml"), plugin="volltrack")
    assert written == [str(tmp_path / "saved.xml")]
    data = read_xml(tmp_path / "saved.xml")
    assert len(data.spots) == len(layer.data)
    # positions are voxels x scale (physical units), as in the analysis the layer came from
    physical = np.sort(data.spots["POSITION_X"].to_numpy())
    np.testing.assert_allclose(physical, np.sort(analysis.spots["POSITION_X"].to_numpy()), atol=1e-6)
    image = data.settings["image_data"]
    assert (image["voxeldepth"], image["pixelheight"], image["pixelwidth"]) == pytest.approx(movie.calibration)
    # one TrackMate track per analysed track, and as many division points
    assert len(data.tracks) == len(analysis.tracks)
    sources = data.edges["SPOT_SOURCE_ID"].value_counts()
    assert int((sources == 2).sum()) == int(analysis.tracks["N_DIVISIONS"].sum())
    assert {"DISTANCE_TO_BOUNDARY", "GENERATION"} <= set(data.spots.columns)
    # read back by the plugin's reader: same tracklets, same division graph size, same scale
    tracks_tuple = read_trackmate_xml(tmp_path / "saved.xml")[-1]
    assert len(tracks_tuple[0]) == len(layer.data)
    assert len(tracks_tuple[1]["graph"]) == len(layer.graph)
    np.testing.assert_allclose(tracks_tuple[1]["scale"], layer.scale)


def test_labels_layer_saves_as_tiff_with_voxel_size(make_napari_viewer, sample, tmp_path):
    import tifffile

    movie, _ = sample
    viewer = make_napari_viewer()
    layer = viewer.add_labels(movie.labels, name="cells", scale=(1.0, *movie.calibration))
    layer.save(str(tmp_path / "cells.tif"), plugin="volltrack")
    with tifffile.TiffFile(tmp_path / "cells.tif") as tif:
        np.testing.assert_array_equal(tif.asarray(), movie.labels)
        assert tif.imagej_metadata["spacing"] == pytest.approx(movie.calibration[0])
        x_resolution = tif.pages[0].tags["XResolution"].value
        assert x_resolution[1] / x_resolution[0] == pytest.approx(movie.calibration[2])


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_record_view_follows_the_selected_track(make_napari_viewer, sample, tmp_path, suffix):
    import imageio.v3 as iio

    movie, analysis = sample
    viewer = make_napari_viewer(show=True)  # napari-animation renders the shown canvas
    widget = _analysis_widget(viewer, sample)
    with pytest.raises(ValueError, match="select one track"):
        widget.record_view(tmp_path / f"all{suffix}")
    track = analysis.track_set.select("dividing")[0]
    widget.select_track(track)
    path = widget.record_view(tmp_path / f"view{suffix}", steps_per_frame=2, fps=4)
    frames = [np.asarray(frame) for frame in iio.imiter(path)]
    n_key = analysis.tracks.at[track, "END_FRAME"] - analysis.tracks.at[track, "START_FRAME"] + 1
    assert len(frames) >= (n_key - 1) * 2
    for frame in (frames[0], frames[-1]):  # the coloured cells of the labels layer are on screen
        rgb = frame[..., :3].astype(int)
        assert ((rgb.max(axis=-1) - rgb.min(axis=-1)) > 20).mean() > 0.05
    # after recording, the viewer stands on the track's last frame, centred on its cells there
    last = analysis.spots[(analysis.spots["TRACK_ID"] == track)
                          & (analysis.spots["FRAME"] == analysis.tracks.at[track, "END_FRAME"])]
    assert viewer.dims.current_step[0] == analysis.tracks.at[track, "END_FRAME"]
    np.testing.assert_allclose(viewer.camera.center[-2:], last[["POSITION_Y", "POSITION_X"]].mean(), atol=1e-6)
    if SHOTS is not None:
        iio.imwrite(SHOTS / f"record_first{suffix}.png", frames[0][..., :3])
        iio.imwrite(SHOTS / f"record_last{suffix}.png", frames[-1][..., :3])
    with pytest.raises(ValueError, match="expected a movie file"):
        widget.record_view(tmp_path / "view.avi")
