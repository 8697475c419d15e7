"""napari plugin volltrack: manifest, reader -> Tracks layer with the division graph, widget, exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.napari

MANIFEST = Path(__file__).resolve().parents[1] / "python" / "volltrack" / "napari" / "napari.yaml"


@pytest.fixture(scope="module")
def sample():
    """A small simulated tissue with dividing ground-truth tracks, analysed (movie, analysis)."""
    from volltrack.napari.sample_data import simulated_analysis

    movie, analysis = simulated_analysis(n_frames=6, shape=(8, 48, 48), n_cells=12, division_rate=0.25, seed=4)
    assert analysis.track_set.select("dividing"), "the sample must contain a division"
    return movie, analysis


def _add_sample(viewer, movie, analysis):
    from volltrack.napari.reader import tracks_layer_tuple

    scale = (1.0, *movie.calibration)
    viewer.add_image(movie.raw, name="raw", scale=scale)
    viewer.add_labels(movie.tissue_mask.astype(np.uint8), name="mask", scale=scale)
    data, kwargs, _ = tracks_layer_tuple(analysis, name="tracks")
    return viewer.add_tracks(data, **kwargs)


def test_manifest_is_valid_and_its_commands_import():
    import importlib

    from npe2 import PluginManifest

    manifest = PluginManifest.from_file(MANIFEST)
    assert manifest.name == "volltrack"
    for command in manifest.contributions.commands:
        module, name = command.python_name.split(":")
        assert callable(getattr(importlib.import_module(module), name))
    assert manifest.contributions.readers[0].filename_patterns == ["*.xml", "*.zarr"]


def test_tracks_layer_carries_division_graph_and_features(make_napari_viewer, sample):
    movie, analysis = sample
    layer = _add_sample(make_napari_viewer(), movie, analysis)
    expected = analysis.track_set.napari_graph()
    assert {k: sorted(v) for k, v in layer.graph.items()} == {k: sorted(v) for k, v in expected.items()}
    assert len(layer.data) == len(analysis.spots)
    assert {"TRACK_ID", "DISTANCE_TO_BOUNDARY", "MEAN_INTENSITY", "GENERATION"} <= set(layer.features.columns)
    np.testing.assert_allclose(layer.scale[1:], movie.calibration)


def test_selecting_a_track_updates_plots_and_layer(make_napari_viewer, sample, tmp_path):
    from volltrack.napari.widget import SELECTION_LAYER, TrackAnalysisWidget

    movie, analysis = sample
    viewer = make_napari_viewer()
    _add_sample(viewer, movie, analysis)
    widget = TrackAnalysisWidget(viewer)
    viewer.window.add_dock_widget(widget, area="right", name="Track analysis")
    assert widget.layer_box.currentText() == "tracks"
    assert len(widget.figure.axes) == 2  # overview of all tracks
    dividing = analysis.track_set.select("dividing")[0]
    widget.kind_box.setCurrentText("dividing")
    widget.select_track(dividing)
    assert len(widget.figure.axes) == 5 and str(dividing) in widget.figure.texts[0].get_text()  # + lineage tree
    shown = viewer.layers[SELECTION_LAYER]
    assert set(np.unique(shown.data[:, 0]).astype(int)) == set(
        analysis.tracklets.index[analysis.tracklets["TRACK_ID"] == dividing])
    assert shown.graph and not viewer.layers["tracks"].visible
    with pytest.raises(ValueError, match="not among"):
        widget.select_track(-5)
    widget.toggle_display()
    assert viewer.dims.ndisplay == 3
    screenshot = viewer.screenshot(str(tmp_path / "viewer.png"), canvas_only=False)
    assert screenshot.ndim == 3 and (tmp_path / "viewer.png").stat().st_size > 10_000
    widget.grab().save(str(tmp_path / "widget.png"))
    assert (tmp_path / "widget.png").stat().st_size > 5_000


def test_widget_exports_csv_plots_and_a_readable_movie(make_napari_viewer, sample, tmp_path):
    from movie_files import movie_size_and_frames
    import pandas as pd

    from volltrack.napari.widget import TrackAnalysisWidget

    movie, analysis = sample
    viewer = make_napari_viewer()
    _add_sample(viewer, movie, analysis)
    widget = TrackAnalysisWidget(viewer)
    widget.image_box.setCurrentText("raw")
    track = analysis.track_set.select("dividing")[0]
    widget.select_track(track)
    widget.export_csv(tmp_path / "csv")
    assert set(pd.read_csv(tmp_path / "csv" / "tracklets.csv")["TRACK_ID"]) == {track}
    assert [p.name for p in widget.export_plots(tmp_path / "plots")] == [f"track_{track}.png"]
    path = widget.export_movie(tmp_path / "track.mp4")
    size, n_frames = movie_size_and_frames(path)
    assert size == (640, 640)
    assert n_frames == analysis.tracks.at[track, "END_FRAME"] - analysis.tracks.at[track, "START_FRAME"] + 1


def test_recompute_with_mask_layer_changes_distances(make_napari_viewer, sample):
    from volltrack.napari.widget import TrackAnalysisWidget

    movie, analysis = sample
    viewer = make_napari_viewer()
    layer = _add_sample(viewer, movie, analysis)
    full = np.ones_like(movie.tissue_mask, dtype=np.uint8)
    full[:, :, :, :10] = 0
    viewer.add_labels(full, name="half", scale=(1.0, *movie.calibration))
    widget = TrackAnalysisWidget(viewer)
    widget.mask_box.setCurrentText("half")
    widget.recompute()
    updated = layer.metadata["volltrack_analysis"]
    assert updated is not analysis
    x_voxel = np.rint(updated.spots["POSITION_X"] / movie.calibration[2])
    np.testing.assert_array_equal(updated.spots["INSIDE_TISSUE"].to_numpy(), (x_voxel >= 10).astype(int))


def test_sample_data_opens_raw_cells_mask_and_tracks(make_napari_viewer):
    viewer = make_napari_viewer()
    layers = viewer.open_sample("volltrack", "tissue")
    kinds = {layer.name: type(layer).__name__ for layer in layers}
    assert kinds == {"raw": "Image", "cells": "Labels", "tissue mask": "Labels", "ground-truth tracks": "Tracks"}
    tracks = viewer.layers["ground-truth tracks"]
    analysis = tracks.metadata["volltrack_analysis"]
    assert tracks.graph == analysis.track_set.napari_graph()
    assert analysis.parameters["intensity_source"] == "labels" and analysis.parameters["mask_given"]


def test_recompute_in_a_worker_thread_updates_the_layer(make_napari_viewer, sample, qtbot):
    from volltrack.napari.widget import TrackAnalysisWidget

    movie, analysis = sample
    viewer = make_napari_viewer()
    layer = _add_sample(viewer, movie, analysis)
    widget = TrackAnalysisWidget(viewer)
    widget.image_box.setCurrentText("raw")
    worker = widget.start_recompute()
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: layer.metadata["volltrack_analysis"] is not analysis, timeout=10_000)
    assert layer.metadata["volltrack_analysis"].parameters["intensity_source"] == "sphere"
