"""napari widgets of volltrack: track, segment, explore, write, record -- driven end to end on small data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.napari

SHOTS = Path(os.environ.get("VOLLTRACK_NAPARI_SHOTS", "")) if os.environ.get("VOLLTRACK_NAPARI_SHOTS") else None


def _shot(widget_or_viewer, name, tmp_path, size=(1280, 800)):
    """Save a PNG of a widget (QWidget.grab) or of the viewer window; return its path."""
    folder = SHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if hasattr(widget_or_viewer, "screenshot"):  # the window as a user sees it: shown, at a common size
        from qtpy.QtWidgets import QApplication

        window = widget_or_viewer.window._qt_window
        window.resize(*size)
        widget_or_viewer.window.show()
        QApplication.processEvents()
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
    qtbot.waitUntil(lambda: "tracks cells" in viewer.layers or widget.last_error is not None, timeout=120_000)
    assert widget.last_error is None, widget.last_error
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
    import sys

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
    assert "tensorflow" not in sys.modules  # VollSeg ran in a child process
    _shot(widget, "segment_widget.png", tmp_path)
    _shot(viewer, "segment_viewer.png", tmp_path)


SLOW_JOB = """
import time

def slow_steps(n, delay, values):
    for index in range(n):
        time.sleep(delay)
        yield f"step {index + 1}/{n}"
    return {"sum": float(values.sum()), "tensorflow": __import__("sys").modules.get("tensorflow") is not None}

def failing_steps():
    yield "about to fail"
    raise ValueError("image.tif: expected a 3D volume")
"""


@pytest.fixture
def job_module(tmp_path, monkeypatch):
    """A module of test jobs importable by the child (its folder is on the inherited PYTHONPATH)."""
    folder = tmp_path / "jobs"
    folder.mkdir()
    (folder / "volltrack_test_jobs.py").write_text(SLOW_JOB)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
    return "volltrack_test_jobs"


def _run_to_end(job):
    messages, steps = [], job.run()
    while True:
        try:
            messages.append(next(steps))
        except StopIteration as stop:
            return messages, stop.value


def test_child_job_streams_progress_and_returns_the_result(job_module):
    from volltrack.napari.child_jobs import ChildJob, JobFailed

    job = ChildJob(f"{job_module}:slow_steps", arrays={"values": np.arange(10.0)},
                   options={"n": 3, "delay": 0.01})
    messages, result = _run_to_end(job)
    assert messages == ["step 1/3", "step 2/3", "step 3/3"]
    assert result == {"sum": 45.0, "tensorflow": False}
    assert job.process.returncode == 0 and not job.folder.exists()
    failing = ChildJob(f"{job_module}:failing_steps")
    with pytest.raises(JobFailed, match="^image.tif: expected a 3D volume$"):
        _run_to_end(failing)
    assert not failing.folder.exists()


def test_cancel_kills_the_child_at_once_and_leaves_nothing(job_module, qtbot):
    """A worker drives a 60 s child job; Cancel kills it within a second, the event loop never stalls."""
    from qtpy.QtCore import QTimer

    from volltrack.napari.child_jobs import ChildJob, start_worker

    job = ChildJob(f"{job_module}:slow_steps", arrays={"values": np.ones(4)}, options={"n": 600, "delay": 0.1})
    worker = start_worker(job, total=600, description="test job")
    results, messages, finished = [], [], []
    worker.returned.connect(results.append)
    worker.yielded.connect(messages.append)
    worker.finished.connect(lambda: finished.append(True))
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    worker.start()
    qtbot.waitUntil(lambda: len(messages) >= 3, timeout=60_000)
    assert len(ticks) >= 5  # the Qt event loop ran all along
    pid, folder = job.process.pid, job.folder
    job.cancel()
    assert job.process.poll() is not None  # the child is gone when cancel returns
    qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    timer.stop()
    assert results == [None] and len(messages) < 600
    assert not folder.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_segment_widget_cancel_stops_the_child_and_adds_no_layer(make_napari_viewer, qtbot):
    import sys

    from volltrack.napari.segment_widget import make_segment_widget

    viewer = make_napari_viewer()
    viewer.add_image(np.random.default_rng(0).random((2, 8, 48, 48), dtype=np.float32), name="raw")
    widget = make_segment_widget(viewer)
    viewer.window.add_dock_widget(widget, area="right", name="Segment cells")
    widget.reset_choices()
    widget.image.value = viewer.layers["raw"]
    assert not widget.cancel_button.enabled
    worker = widget()
    assert worker is not None and widget.cancel_button.enabled and not widget.call_button.enabled
    qtbot.waitUntil(lambda: worker.job.running, timeout=30_000)
    assert widget() is None  # one job at a time
    folder = worker.job.folder
    widget.cancel_button.clicked()  # the user presses Cancel
    assert worker.job.process.poll() is not None
    qtbot.waitUntil(lambda: widget.call_button.enabled, timeout=10_000)
    qtbot.wait(200)
    assert [layer.name for layer in viewer.layers] == ["raw"]
    assert not folder.exists() and not widget.cancel_button.enabled and widget.last_error is None
    assert "tensorflow" not in sys.modules


def _inside(button, dock) -> bool:
    """The whole button, with room for its text, lies inside the dock widget as shown."""
    from qtpy.QtCore import QPoint

    corner = button.mapTo(dock, QPoint(0, 0))
    text = button.fontMetrics().horizontalAdvance(button.text())
    return (corner.x() >= 0 and corner.x() + button.width() <= dock.width() and text < button.width()
            and button.visibleRegion().boundingRect().width() == button.width())


def test_segment_and_track_buttons_fit_in_their_docks(make_napari_viewer, qtbot, tmp_path):
    from volltrack.napari.segment_widget import make_segment_widget
    from volltrack.napari.track_widget import make_track_dock

    viewer = make_napari_viewer(show=True)
    viewer.window._qt_window.resize(1280, 800)
    viewer.add_image(np.zeros((2, 8, 48, 48), np.float32), name="raw")
    segment = make_segment_widget(viewer)
    segment.models_folder.value = Path("/a/long/folder/name/of/models/that/does/not/fit/in/the/dock/at/all")
    segment_dock = viewer.window.add_dock_widget(segment, area="right", name="Segment cells")
    track = make_track_dock(viewer)
    track_dock = viewer.window.add_dock_widget(track, area="right", name="Track cells")
    qtbot.wait(300)
    for form, dock in ((segment, segment_dock), (track.form, track_dock)):
        for button in (form.call_button.native, form.cancel_button.native):
            if form is track.form:
                track.ensureWidgetVisible(button)
                qtbot.wait(50)
            assert _inside(button, dock), (button.text(), button.geometry(), dock.geometry())
    assert track.form.native.parentWidget() is track.viewport()  # the long form scrolls inside its dock
    label = segment.native.layout().itemAt(1).widget()  # the "models folder" row: label, then the path field
    assert segment.models_folder.native.width() > 120 and label.width() >= label.sizeHint().width()
    track.reset_choices()
    assert [c.name for c in track.form.raw_image.choices if c is not None] == ["raw"]
    _shot(segment, "segment_widget_docked.png", tmp_path)
    _shot(viewer, "segment_track_docks.png", tmp_path)


def _segment_form_on_a_volume(make_napari_viewer):
    """The Segment cells form, docked, with a blank (4, 16, 16) image layer chosen."""
    from volltrack.napari.segment_widget import make_segment_widget

    viewer = make_napari_viewer()
    viewer.add_image(np.zeros((4, 16, 16), np.float32), name="volume")
    widget = make_segment_widget(viewer)
    viewer.window.add_dock_widget(widget, area="right")
    widget.reset_choices()
    widget.image.value = viewer.layers["volume"]
    return widget


def test_segment_widget_refuses_a_missing_models_folder(make_napari_viewer, tmp_path):
    widget = _segment_form_on_a_volume(make_napari_viewer)
    widget.models_folder.value = tmp_path / "nothing"
    assert widget() is None
    assert "models folder" in widget.last_error and "nothing" in widget.last_error


def test_segment_widget_parameters_are_vollseg_parameters(make_napari_viewer):
    """The form's values go through VollSegParameters: a threshold of 1 is refused at the form, naming it."""
    from volltrack.napari.segment_widget import _vollseg_parameters

    form = {"tiles_z": 1, "tiles_y": 2, "tiles_x": 2, "prob_thresh": 0.0, "nms_thresh": 0.3, "suppression": "exact",
            "denoise_first": False}
    assert _vollseg_parameters(form) == {"n_tiles": (1, 2, 2), "nms_thresh": 0.3, "nms": "exact",
                                         "denoise_first": False}
    widget = _segment_form_on_a_volume(make_napari_viewer)
    widget.prob_thresh.value = 1.0
    assert widget() is None
    assert "prob_thresh" in widget.last_error and "less than 1" in widget.last_error


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
    whole_zoom = viewer.scene.camera.zoom
    widget.search_edit.setText(str(target))
    assert str(target) in items() and all(str(target) in item for item in items())
    widget.select_track(target)
    spots = analysis.spots[analysis.spots["TRACK_ID"] == target]
    centre = spots[["POSITION_Y", "POSITION_X"]].to_numpy().min(axis=0) / 2 + \
        spots[["POSITION_Y", "POSITION_X"]].to_numpy().max(axis=0) / 2
    np.testing.assert_allclose(viewer.scene.camera.center[-2:], centre, atol=1e-6)
    assert viewer.scene.camera.zoom > 1.5 * whole_zoom
    assert viewer.dims.current_step[0] == spots["FRAME"].min()
    widget.toggle_display()  # 3D: the camera follows the track too
    np.testing.assert_allclose(viewer.scene.camera.center[-2:], centre, atol=1e-6)
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


def test_the_selected_track_shows_its_tracklets_in_the_colours_of_its_plots(make_napari_viewer, sample, tmp_path):
    """One selected track coloured by TRACK_ID (the default) or TRACKLET_ID: every point of a tracklet has the colour
    of that tracklet's branch in the lineage tree and its curves in the plots; other features colour as chosen."""
    from matplotlib.colors import to_rgba

    from volltrack.analysis.plot_style import tracklet_colours
    from volltrack.napari.widget import SELECTION_LAYER

    movie, analysis = sample
    viewer = make_napari_viewer()
    widget = _analysis_widget(viewer, sample)
    track = int(analysis.tracks["N_DIVISIONS"].idxmax())
    assert analysis.tracks.at[track, "N_DIVISIONS"] >= 1
    assert widget.color_box.currentText() == "TRACK_ID"
    widget.select_track(track)
    layer = viewer.layers[SELECTION_LAYER]
    expected = tracklet_colours(analysis, track)
    assert len(expected) >= 3                                        # a mother and two daughters at least

    def point_colours():
        tracklet = layer.data[:, 0].astype(int)                      # napari's (sorted) order of track_colors
        return {t: np.unique(np.round(layer.track_colors[tracklet == t], 6), axis=0) for t in np.unique(tracklet)}

    shown = point_colours()
    assert set(shown) == set(expected)
    for tracklet, colours in shown.items():
        assert len(colours) == 1, tracklet                           # one colour per tracklet
        np.testing.assert_allclose(colours[0], to_rgba(expected[tracklet]), atol=1e-6)
    branches = {line.get_gid(): line.get_color() for line in widget._lineage_axes.lines
                if str(line.get_gid()).startswith("tracklet-")}
    for tracklet, colour in expected.items():                        # the lineage tree beside it
        assert to_rgba(branches[f"tracklet-{tracklet}"]) == pytest.approx(to_rgba(colour))
    # a daughter's line starts at the division (its parent's last point), in its own colour, as its branch does
    data, graph = layer.data, layer.graph
    child, parent = next((c, p[0]) for c, p in graph.items())
    first = data[data[:, 0] == child][0]
    last = data[data[:, 0] == parent][-1]
    np.testing.assert_allclose(first[1:], last[1:])
    # saved as TrackMate XML, the selection holds the track's spots once each (the copies are display only)
    from volltrack.trackmate import read_xml

    layer.save(str(tmp_path / "selection.xml"), plugin="volltrack")
    saved = read_xml(tmp_path / "selection.xml")
    assert len(saved.spots) == int((analysis.spots["TRACK_ID"] == track).sum()) < len(layer.data)
    assert "BRANCH_JOIN" not in saved.spots.columns and "TRACKLET_PLOT_COLOUR" not in saved.spots.columns
    widget.color_box.setCurrentText("GENERATION")                    # another feature: coloured by it
    assert layer.color_by == "GENERATION"
    generation = {t: g for t, g in zip(layer.data[:, 0].astype(int), layer.features["GENERATION"])}
    by_generation = point_colours()
    mother = min(shown, key=lambda t: generation[t])
    daughters = [t for t in shown if generation[t] == generation[mother] + 1]
    assert len(daughters) >= 2
    np.testing.assert_allclose(by_generation[daughters[0]], by_generation[daughters[1]])
    widget.color_box.setCurrentText("TRACKLET_ID")                   # back to the plot colours
    for tracklet, colours in point_colours().items():
        np.testing.assert_allclose(colours[0], to_rgba(expected[tracklet]), atol=1e-6)
    widget.select_track("all")                                       # all tracks: the whole layer, turbo by ID
    assert SELECTION_LAYER not in viewer.layers and viewer.layers["tracks"].color_by == "TRACKLET_ID"
    widget.select_track(track, frame=int(analysis.tracks.at[track, "END_FRAME"]))   # the whole tree drawn
    viewer.layers["mask"].visible = False
    viewer.layers["cells"].opacity = 0.25
    viewer.layers[SELECTION_LAYER].tail_width = 6
    _shot(viewer, "tracklet_colours_viewer.png", tmp_path)
    _shot(widget, "tracklet_colours_widget.png", tmp_path)


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
    if suffix == ".mp4":
        from movie_files import movie_frames

        frames = list(movie_frames(path))
    else:
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
    np.testing.assert_allclose(viewer.scene.camera.center[-2:], last[["POSITION_Y", "POSITION_X"]].mean(), atol=1e-6)
    if SHOTS is not None:
        iio.imwrite(SHOTS / f"record_first{suffix}.png", frames[0][..., :3])
        iio.imwrite(SHOTS / f"record_last{suffix}.png", frames[-1][..., :3])
    with pytest.raises(ValueError, match="expected a movie file"):
        widget.record_view(tmp_path / "view.avi")


def _click(viewer, position, *, view_direction=None, drag_to=None):
    """Press and release the left button at a world ``position`` through napari's mouse callbacks (what the
    canvas calls); with ``drag_to`` the mouse moves in between (a camera drag, not a click)."""
    from types import SimpleNamespace

    from napari.utils._proxies import ReadOnlyWrapper
    from napari.utils.interactions import mouse_move_callbacks, mouse_press_callbacks, mouse_release_callbacks

    def event(kind, where, **extra):
        return ReadOnlyWrapper(SimpleNamespace(type=kind, button=1, modifiers=(), position=tuple(where),
                                               view_direction=view_direction, is_dragging=kind == "mouse_move",
                                               dims_displayed=list(viewer.dims.displayed), handled=False,
                                               **extra), exceptions=("handled",))

    mouse_press_callbacks(viewer, event("mouse_press", position))
    if drag_to is not None:
        mouse_move_callbacks(viewer, event("mouse_move", drag_to))
    mouse_release_callbacks(viewer, event("mouse_release", drag_to if drag_to is not None else position))


def _cell_alone_on_its_column(movie, analysis, frame):
    """A spot of ``frame`` whose (y, x) column through the labels holds only its own label (for 3D clicks)."""
    spots = analysis.spots[analysis.spots["FRAME"] == frame]
    for _, spot in spots.iterrows():
        y, x = (int(round(spot[f"POSITION_{a}"] / c)) for a, c in zip("YX", movie.calibration[1:]))
        column = movie.labels[frame, :, y, x]
        if set(np.unique(column[column > 0])) == {int(spot["LABEL"])}:
            return spot
    raise AssertionError("no cell alone on its column")


def test_clicking_a_cell_selects_its_track_in_2d_and_3d(make_napari_viewer, sample, tmp_path):
    movie, analysis = sample
    viewer = make_napari_viewer()
    widget = _analysis_widget(viewer, sample)
    frame = 3
    spot = _cell_alone_on_its_column(movie, analysis, frame)
    track = int(spot["TRACK_ID"])
    widget.search_edit.setText("no such track")  # the picked track must come back into the list
    viewer.dims.set_current_step(0, frame)
    position = (frame, spot["POSITION_Z"], spot["POSITION_Y"], spot["POSITION_X"])
    viewer.dims.set_point(1, position[1])
    before = viewer.scene.camera.center
    _click(viewer, position, drag_to=(frame, position[1], position[2] + 5, position[3] + 5))
    assert widget.selected_track_ids() == [] and viewer.scene.camera.center == before  # a drag picks nothing
    _click(viewer, position)
    assert widget.track_box.currentText() == str(track) and widget.selected_track_ids() == [track]
    assert widget.selected_tracklet == int(spot["TRACKLET_ID"])
    assert viewer.dims.current_step[0] == frame  # the time stays on the clicked frame
    cells = analysis.spots[analysis.spots["TRACK_ID"] == track][["POSITION_Y", "POSITION_X"]].to_numpy()
    np.testing.assert_allclose(viewer.scene.camera.center[-2:], (cells.min(axis=0) + cells.max(axis=0)) / 2, atol=1e-6)
    assert f"track {track}:" in widget.figure._suptitle.get_text()
    assert int(spot["LABEL"]) in widget._labels_under(position, None, viewer.dims.displayed)
    # a click on the background (a tissue corner without cells) leaves the selection alone
    assert widget.select_at((frame, 0.0, 0.0, 0.0)) is None and widget.selected_track_ids() == [track]
    # 3D: the ray along Z through the cell's (y, x) column hits only this cell
    widget.select_track("all")
    viewer.dims.ndisplay = 3
    _click(viewer, (frame, -10.0, position[2], position[3]), view_direction=(0.0, 1.0, 0.0, 0.0))
    assert widget.selected_track_ids() == [track]
    # clicking the track's line away from any label (labels hidden): the nearest spot of the frame
    viewer.layers["cells"].visible = False
    other = analysis.spots[(analysis.spots["FRAME"] == frame) & (analysis.spots["TRACK_ID"] != track)].iloc[0]
    _click(viewer, (frame, -10.0, other["POSITION_Y"] + 0.3, other["POSITION_X"]),
           view_direction=(0.0, 1.0, 0.0, 0.0))
    assert widget.selected_track_ids() == [int(other["TRACK_ID"])]


def test_lineage_plot_and_time_slider_follow_each_other(make_napari_viewer, sample, tmp_path):
    from matplotlib.backend_bases import MouseEvent

    from volltrack.analysis.lineage_plot import lineage_layout
    from volltrack.napari.widget import SELECTION_LAYER

    movie, analysis = sample
    viewer = make_napari_viewer()
    widget = _analysis_widget(viewer, sample)
    dividing = analysis.tracks[analysis.tracks["N_DIVISIONS"] > 0]
    track = int(dividing["N_DIVISIONS"].idxmax())
    widget.select_track(track)
    interval = analysis.parameters["frame_interval"]
    start = int(analysis.tracks.at[track, "START_FRAME"])
    assert widget.lineage_marker_time() == pytest.approx(start * interval)
    viewer.dims.set_current_step(0, start + 3)  # slider -> marker
    assert widget.lineage_marker_time() == pytest.approx((start + 3) * interval)
    # click on the branch of a daughter (plot -> slider, selection and camera)
    tracklets = analysis.tracklets[analysis.tracklets["TRACK_ID"] == track]
    daughter = int(tracklets[tracklets["GENERATION"] == tracklets["GENERATION"].max()].index[0])
    rows = lineage_layout(tracklets)
    cells = analysis.spots[analysis.spots["TRACKLET_ID"] == daughter]
    target = cells.iloc[-1]
    widget.canvas.draw()
    x, y = widget._lineage_axes.transData.transform((target["TIME"], rows[daughter]))
    MouseEvent("button_press_event", widget.canvas, x, y, button=1)._process()
    assert viewer.dims.current_step[0] == int(target["FRAME"])
    assert widget.selected_tracklet == daughter and widget.selected_track_ids() == [track]
    assert widget.lineage_marker_time() == pytest.approx(target["TIME"])
    np.testing.assert_allclose(viewer.scene.camera.center[-2:], target[["POSITION_Y", "POSITION_X"]].to_numpy(dtype=float),
                               atol=1e-6)
    assert viewer.dims.point[1] == pytest.approx(target["POSITION_Z"], abs=movie.calibration[0])
    widget.select_track("all")  # no single track: no lineage, no marker
    assert widget.lineage_marker_time() is None
    widget.select_track(track, frame=int(target["FRAME"]))
    widget.select_lineage_point(target["TIME"], rows[daughter])
    thick = [line for line in widget._lineage_axes.lines if line.get_linewidth() > 3]
    assert [line.get_gid() for line in thick] == [f"tracklet-{daughter}"]
    _shot(widget, "lineage_widget.png", tmp_path)
    _shot(viewer, "lineage_viewer.png", tmp_path)
    widget.toggle_display()  # 3D, tilted: the napari hub screenshot (docs/images/napari-hub.png)
    assert viewer.dims.current_step[0] == int(target["FRAME"])  # the time stays on the chosen frame
    assert widget.lineage_marker_time() == pytest.approx(target["TIME"])
    viewer.layers["mask"].visible = False
    viewer.layers["cells"].opacity = 0.4
    widget.color_tracks("GENERATION")
    viewer.layers[SELECTION_LAYER].tail_width = 6
    viewer.scene.camera.angles = (0.0, 30.0, 55.0)
    viewer.scene.camera.zoom *= 0.45
    _shot(viewer, "hub_viewer_3d.png", tmp_path, size=(1600, 1000))


def test_labels_layer_saves_as_ome_zarr_with_voxel_size(make_napari_viewer, sample, tmp_path):
    import zarr

    from volltrack.io import read_image
    from volltrack.io.ngff import read_ome_zarr

    movie, _ = sample
    viewer = make_napari_viewer()
    layer = viewer.add_labels(movie.labels, name="cells", scale=(2.5, *movie.calibration))
    written = layer.save(str(tmp_path / "cells.ome.zarr"), plugin="volltrack")
    assert written == [str(tmp_path / "cells.ome.zarr")]
    data, axes, metadata = read_ome_zarr(tmp_path / "cells.ome.zarr")
    assert axes == "TZYX"
    np.testing.assert_array_equal(np.asarray(data), movie.labels)
    assert tuple(metadata["calibration"]) == pytest.approx(movie.calibration)
    assert metadata["frame_interval"] == pytest.approx(2.5)
    attrs = zarr.open_group(str(tmp_path / "cells.ome.zarr"), mode="r").attrs.asdict()
    assert "image-label" in attrs["ome"] and attrs["ome"]["version"] == "0.5"
    assert [p.name for p in tmp_path.iterdir()] == ["cells.ome.zarr"]  # no temporary folder left
    # read back in napari: a 4D Labels layer with the same scale
    back = viewer.open(str(tmp_path / "cells.ome.zarr"), plugin="volltrack")
    assert [type(layer).__name__ for layer in back] == ["Labels"]
    assert back[0].data.shape == movie.labels.shape and tuple(back[0].scale) == pytest.approx(layer.scale)
    # a volume stays a volume (axes zyx, no time axis); saving again replaces the file
    volume = viewer.add_labels(movie.labels[0], name="one", scale=movie.calibration)
    volume.save(str(tmp_path / "cells.ome.zarr"), plugin="volltrack")
    data, axes, metadata = read_ome_zarr(tmp_path / "cells.ome.zarr")
    assert axes == "ZYX" and data.shape == movie.labels[0].shape
    np.testing.assert_array_equal(np.asarray(data), movie.labels[0])
    assert tuple(metadata["calibration"]) == pytest.approx(movie.calibration)
    assert read_image(tmp_path / "cells.ome.zarr")[0].shape == movie.labels[0].shape
    back = viewer.open(str(tmp_path / "cells.ome.zarr"), plugin="volltrack")[0]
    assert type(back).__name__ == "Labels" and back.ndim == 3 and back.data.shape == movie.labels[0].shape
    assert tuple(back.scale) == pytest.approx(volume.scale)
    np.testing.assert_array_equal(np.asarray(back.data), movie.labels[0])
    for other in [layer for layer in viewer.layers if layer is not back]:
        viewer.layers.remove(other)
    assert viewer.dims.ndim == 3                                   # one slider (Z), no time slider
    _shot(viewer, "labels_3d_read_back.png", tmp_path)
    volume.save(str(tmp_path / "one.tif"), plugin="volltrack")                   # and as TIFF
    tif, meta = read_image(tmp_path / "one.tif")
    assert tif.shape == movie.labels[0].shape and meta["axes"] == "ZYX"
    from volltrack.napari.writer import write_labels_ome_zarr

    with pytest.raises(ValueError, match="'flat' has shape"):
        write_labels_ome_zarr(str(tmp_path / "flat.ome.zarr"), np.zeros((4, 4), np.uint8), {"name": "flat"})
    assert not (tmp_path / "flat.ome.zarr").exists()


def test_ome_zarr_segmentation_outputs_open_as_image_and_labels(tmp_path):
    """``volltrack segment --format zarr`` output opens in napari as the raw movie and its label images, aligned;
    folders that are not OME-Zarr are left to other readers."""
    from volltrack.io.ngff import create_label_movie, create_movie, write_frame
    from volltrack.napari.reader import get_reader

    path = tmp_path / "movie.ome.zarr"
    create_movie(path, (2, 3, 8, 8), np.float32, calibration=(2.0, 0.5, 0.25), frame_interval=5.0)
    write_frame(path, 1, np.ones((3, 8, 8), np.float32))
    create_label_movie(path, "VollSeg", (2, 3, 8, 8), calibration=(2.0, 0.5, 0.25), frame_interval=5.0)
    layers = get_reader(str(path))(str(path))
    assert [(kwargs["name"], kind) for _, kwargs, kind in layers] == [("movie", "image"), ("movie VollSeg", "labels")]
    for data, kwargs, _ in layers:
        assert data.shape == (2, 3, 8, 8) and kwargs["scale"] == pytest.approx((5.0, 2.0, 0.5, 0.25))
    assert float(np.asarray(layers[0][0][1]).max()) == 1.0
    (tmp_path / "plain.zarr").mkdir()
    assert get_reader(str(tmp_path / "plain.zarr")) is None and get_reader(str(tmp_path)) is None
