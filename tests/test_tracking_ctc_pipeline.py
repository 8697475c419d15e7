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
