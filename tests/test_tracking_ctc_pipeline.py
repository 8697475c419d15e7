"""End to end: synthetic movie -> spots -> engine tracking -> CTC export -> TRA/DET/LNK/SEG against truth."""

from __future__ import annotations

import pytest

from tracking_jvm import jvm  # noqa: F401 -- session fixture


def test_tracking_a_synthetic_movie_scores_high_against_its_ground_truth(jvm, tmp_path):
    from volltrack.metrics.tracking import CTCData, evaluate_ctc, export_ctc, write_ctc
    from volltrack.spots import compute_spots
    from volltrack.synthetic import simulate_tissue
    from volltrack.tracking import track

    movie = simulate_tissue(n_frames=6, shape=(12, 64, 64), n_cells=20, seed=3, division_rate=0.1)
    spots = compute_spots(movie.labels, calibration=movie.calibration, frame_interval=movie.frame_interval,
                          progress=False)
    tracks = track(spots, {"LINKING_MAX_DISTANCE": 6, "ALLOW_TRACK_SPLITTING": True,
                           "SPLITTING_MAX_DISTANCE": 6}, progress=False)
    assert tracks.tracks["NUMBER_SPLITS"].sum() > 0
    write_ctc(CTCData(movie.labels, movie.lineage), tmp_path / "gt", kind="gt")
    export_ctc(movie.labels, tmp_path / "res", spots=tracks.spots, edges=tracks.edges)
    scores = evaluate_ctc(tmp_path / "gt", tmp_path / "res")
    assert scores["DET"] == pytest.approx(1.0) and scores["SEG"] == pytest.approx(1.0)
    assert scores["TRA"] > 0.95 and scores["LNK"] > 0.8


def test_evaluate_command_scores_a_trackmate_xml_with_its_labels(jvm, tmp_path, capsys):
    import json

    import tifffile

    from volltrack.cli import main
    from volltrack.metrics.tracking import CTCData, write_ctc
    from volltrack.spots import compute_spots
    from volltrack.synthetic import simulate_tissue
    from volltrack.tracking import track

    movie = simulate_tissue(n_frames=4, shape=(8, 48, 48), n_cells=12, seed=5)
    spots = compute_spots(movie.labels, calibration=movie.calibration, frame_interval=movie.frame_interval,
                          progress=False)
    track(spots, {"LINKING_MAX_DISTANCE": 6}, xml_path=tmp_path / "tracks.xml", progress=False)
    tifffile.imwrite(tmp_path / "labels.tif", movie.labels, imagej=True, metadata={"axes": "TZYX"})
    write_ctc(CTCData(movie.labels, movie.lineage), tmp_path / "gt", kind="gt")
    assert main(["evaluate", "--gt", str(tmp_path / "gt"), "--res", str(tmp_path / "tracks.xml"), "--labels",
                 str(tmp_path / "labels.tif"), "--export", str(tmp_path / "res"), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["DET"] == 1.0 and scores["TRA"] > 0.9
    assert (tmp_path / "res" / "res_track.txt").is_file()
    assert main(["evaluate", "--gt", str(tmp_path / "gt"), "--res", str(tmp_path / "tracks.xml")]) == 1
    assert "--labels" in capsys.readouterr().err
