"""volltrack.analysis: tracklets, divisions, gaps, merges, distances, intensity, FFT and fate on tiny tracks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volltrack.analysis import (analyze_tracks, boundary_distance_map, build_track_set, distance_to_boundary,
                                dominant_frequency, power_spectrum)


def _tables(rows, links):
    """Spots from (ID, FRAME, X) rows (Y = 1, Z = 2) and edges from (source, target) pairs."""
    spots = pd.DataFrame(rows, columns=["ID", "FRAME", "POSITION_X"]).assign(POSITION_Y=1.0, POSITION_Z=2.0,
                                                                              RADIUS=1.0)
    edges = pd.DataFrame(links, columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID"])
    return spots, edges


@pytest.fixture
def division():
    """Track 10: 10-11-12 divides into 13-14 and 15-(gap)-16; track 20: 20-21-22 without division."""
    return _tables([(10, 0, 0.0), (11, 1, 1.0), (12, 2, 2.0), (13, 3, 3.0), (14, 4, 4.0), (15, 3, 5.0),
                    (16, 5, 6.0), (20, 0, 7.0), (21, 1, 8.0), (22, 2, 9.0)],
                   [(10, 11), (11, 12), (12, 13), (12, 15), (13, 14), (15, 16), (20, 21), (21, 22)])


@pytest.fixture
def merge():
    """Two cells 1-2 and 3-4 merge into 5-6, which then divides into 7 and 8."""
    return _tables([(1, 0, 0.0), (2, 1, 1.0), (3, 0, 5.0), (4, 1, 4.0), (5, 2, 2.0), (6, 3, 2.0), (7, 4, 1.0),
                    (8, 4, 3.0)], [(1, 2), (3, 4), (2, 5), (4, 5), (5, 6), (6, 7), (6, 8)])


def test_division_gives_three_tracklets_with_parent_links_and_generations(division):
    track_set = build_track_set(*division)
    tracklets = track_set.tracklets
    assert sorted(tracklets.index) == [10, 13, 15, 20]
    assert tracklets.at[10, "PARENT_IDS"] == () and tracklets.at[10, "END_TYPE"] == "split"
    assert tracklets.at[13, "PARENT_IDS"] == (10,) and tracklets.at[15, "PARENT_IDS"] == (10,)
    assert tracklets.loc[[10, 13, 15, 20], "GENERATION"].tolist() == [0, 1, 1, 0]
    assert tracklets.at[15, "N_SPOTS"] == 2 and tracklets.at[15, "END_FRAME"] == 5  # across the gap
    assert track_set.napari_graph() == {13: [10], 15: [10]}
    assert track_set.select("dividing") == [10] and track_set.select("non-dividing") == [20]
    assert track_set.spots_of(20).index.tolist() == [20, 21, 22]
    with pytest.raises(ValueError, match="TRACK_ID 99"):
        track_set.spots_of(99)
    assert track_set.spots.loc[[10, 11, 12, 13, 14, 15, 16], "TRACKLET_ID"].tolist() == [10, 10, 10, 13, 13, 15, 15]


def test_merge_gives_tracklet_with_both_parents(merge):
    track_set = build_track_set(*merge)
    tracklets = track_set.tracklets
    assert sorted(tracklets.index) == [1, 3, 5, 7, 8]
    assert tracklets.at[5, "PARENT_IDS"] == (1, 3)
    assert tracklets.at[1, "END_TYPE"] == "merge" and tracklets.at[5, "END_TYPE"] == "split"
    assert tracklets.loc[[1, 3, 5, 7, 8], "GENERATION"].tolist() == [0, 0, 0, 1, 1]
    assert track_set.napari_graph() == {5: [1, 3], 7: [5], 8: [5]}
    assert track_set.tracks.loc[1, ["N_DIVISIONS", "N_MERGES", "N_TRACKLETS"]].tolist() == [1, 1, 5]


def test_tracklet_ids_do_not_depend_on_row_order_or_edge_orientation(division, rng):
    spots, edges = division
    reference = build_track_set(spots, edges)
    shuffled_edges = edges.sample(frac=1.0, random_state=1).to_numpy().copy()  # writable under pandas 3
    shuffled_edges[::2] = shuffled_edges[::2, ::-1]  # TrackMate's graph is undirected
    other = build_track_set(spots.sample(frac=1.0, random_state=2),
                            pd.DataFrame(shuffled_edges, columns=edges.columns))
    pd.testing.assert_frame_equal(reference.tracklets, other.tracklets)
    assert reference.spots["TRACKLET_ID"].to_dict() == other.spots["TRACKLET_ID"].to_dict()


def test_track_ids_from_file_are_kept_and_selection_filters(division):
    spots, edges = division
    edges = edges.assign(TRACK_ID=[7, 7, 7, 7, 7, 7, 3, 3])
    track_set = build_track_set(spots, edges, track_ids=[3])
    assert list(track_set.tracks.index) == [3] and set(track_set.spots.index) == {20, 21, 22}


def test_speed_over_gap_and_distance_inside_flags(division):
    spots, edges = division
    mask = np.zeros((6, 4, 4, 16), bool)
    mask[..., :8] = True  # tissue for x < 8: nearest background voxel x = 8, nearest tissue voxel x = 7
    analysis = analyze_tracks(spots, edges, mask=mask, calibration=(1.0, 1.0, 1.0), frame_interval=2.0)
    table = analysis.spots
    assert np.isnan(table.at[10, "SPEED"])
    assert table.at[11, "SPEED"] == pytest.approx(0.5)            # 1 unit in 2 time units
    assert table.at[15, "SPEED"] == pytest.approx(3.0 / 2.0)      # from 12 (x=2) to 15 (x=5)
    assert table.at[16, "SPEED"] == pytest.approx(1.0 / 4.0)      # gap of two frames
    # signed: positive inside (to the nearest background voxel), negative outside (to the nearest tissue voxel)
    assert table.loc[[10, 12, 20, 21, 22], "DISTANCE_TO_BOUNDARY"].tolist() == [8.0, 6.0, 1.0, -1.0, -2.0]
    assert table.loc[[20, 21, 22], "INSIDE_TISSUE"].tolist() == [1, 0, 0]
    assert table.at[11, "DISTANCE_TO_BOUNDARY_SMOOTH"] == pytest.approx(7.0)
    assert table.at[10, "DISTANCE_TO_BOUNDARY_SMOOTH"] == pytest.approx(7.5)  # edge: mean of 2 points
    fate = analysis.fate().set_index("TRACKLET_ID")
    assert fate.loc[13, ["PARENT_START_DISTANCE", "PARENT_END_DISTANCE", "START_DISTANCE", "END_DISTANCE"]
                    ].tolist() == [8.0, 6.0, 5.0, 4.0]
    assert analysis.tracks.at[10, "START_DISTANCE"] == 8.0
    assert analysis.tracks.at[10, "END_DISTANCE"] == pytest.approx((4.0 + 2.0) / 2)


def test_boundary_distance_is_signed_anisotropic_and_backends_agree():
    mask = np.zeros((5, 6, 7), bool)
    mask[1:4, 1:5, 1:6] = True
    mask[2, 2, 3] = False  # a hole
    calibration = (3.0, 0.5, 0.25)
    exact = boundary_distance_map(mask, calibration=calibration, backend="scipy")
    np.testing.assert_allclose(boundary_distance_map(mask, calibration=calibration), exact, rtol=1e-5)
    voxels = np.argwhere(np.ones_like(mask)) * np.asarray(calibration)
    tissue, background = voxels[mask.ravel()], voxels[~mask.ravel()]
    to_background = np.linalg.norm(voxels[:, None] - background[None], axis=2).min(axis=1)
    to_tissue = np.linalg.norm(voxels[:, None] - tissue[None], axis=2).min(axis=1)
    brute = np.where(mask.ravel(), to_background, -to_tissue)
    np.testing.assert_allclose(exact.ravel(), brute, rtol=1e-6)
    assert exact[0, 0, 0] == pytest.approx(-np.linalg.norm([3.0, 0.5, 0.25]))
    assert exact[2, 2, 4] == pytest.approx(0.25)  # next to the hole


def test_distance_matches_the_spot_tables_convention(rng):
    from scipy import ndimage

    from volltrack.spots import signed_distance_to_boundary

    mask = ndimage.gaussian_filter(rng.random((9, 30, 34)), (1, 3, 3)) > 0.5
    calibration = (2.0, 0.5, 0.4)
    np.testing.assert_allclose(boundary_distance_map(mask, calibration=calibration),
                               signed_distance_to_boundary(mask, sampling=calibration), rtol=1e-5, atol=1e-5)


def test_spot_features_of_the_spots_stage_give_the_measured_analysis():
    """``spot_features=True`` takes intensity, volume and the tissue features from the spot table that
    compute_spots made in the same movies (what ``volltrack run`` does): the analysis is the same as measuring
    them again (issue 20)."""
    from volltrack.spots import compute_spots
    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=3, shape=(8, 48, 48), n_cells=12, division_rate=0.0, seed=3)
    mask = np.zeros(movie.labels.shape, bool)
    mask[..., :26] = True                                   # cuts the tissue: spots on both sides of it
    spots = compute_spots(movie.labels, raw=movie.raw, mask=mask, calibration=movie.calibration)
    spots["ID"] = np.arange(len(spots))
    cells = spots.sort_values("FRAME").groupby("LABEL")["ID"]
    edges = pd.DataFrame([(a, b) for _, ids in cells for a, b in zip(ids, ids.iloc[1:])],
                         columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID"])
    movies = {"image": movie.raw, "labels": movie.labels, "mask": mask, "calibration": movie.calibration}
    measured = analyze_tracks(spots, edges, **movies)
    reused = analyze_tracks(spots, edges, spot_features=True, **movies)
    not_measured = analyze_tracks(spots, edges, spot_features=True, **{**movies, "mask": ~mask, "image": 2 * movie.raw})
    pd.testing.assert_frame_equal(reused.spots, not_measured.spots, check_exact=True)   # the movies go unread
    assert (measured.parameters["intensity_source"], reused.parameters["intensity_source"]) == ("labels", "file")
    assert set(measured.spots["INSIDE_TISSUE"]) == {0, 1} and len(edges) > 10
    for name in ("spots", "tracklets", "tracks"):
        pd.testing.assert_frame_equal(getattr(measured, name), getattr(reused, name), check_exact=True)


def test_distance_without_boundary_is_nan_and_frames_are_checked():
    mask = np.ones((2, 3, 3, 3), bool)
    distance, inside = distance_to_boundary(mask, [0, 1], [[0, 0, 0], [1, 1, 1]])
    assert np.isnan(distance).all() and inside.all()
    with pytest.raises(ValueError, match="frame 2"):
        distance_to_boundary(mask, [2], [[0, 0, 0]])


def test_intensity_over_labels_and_over_spheres():
    image = np.zeros((1, 3, 5, 5), float)
    image[0, 1, 2, 2] = 10.0
    image[0, 1, 2, 3] = 2.0
    labels = np.zeros((1, 3, 5, 5), np.uint16)
    labels[0, 1, 2, 2:4] = 4
    spots, edges = _tables([(1, 0, 2.0), (2, 1, 2.0)], [(1, 2)])
    spots = spots.assign(POSITION_Y=2.0, POSITION_Z=1.0)
    image2, labels2 = np.concatenate([image, image]), np.concatenate([labels, labels])
    with_labels = analyze_tracks(spots, edges, image=image2, labels=labels2, calibration=(1.0, 1.0, 1.0))
    assert with_labels.spots.at[1, "TOTAL_INTENSITY"] == 12.0 and with_labels.spots.at[1, "MEAN_INTENSITY"] == 6.0
    assert with_labels.spots.at[1, "VOLUME"] == 2.0 and with_labels.parameters["intensity_source"] == "labels"
    spheres = analyze_tracks(spots, edges, image=image2, calibration=(1.0, 1.0, 1.0))
    assert spheres.spots.at[1, "TOTAL_INTENSITY"] == 12.0     # centre + 6 face neighbours at radius 1
    assert spheres.spots.at[1, "MEAN_INTENSITY"] == pytest.approx(12.0 / 7.0)


def test_fft_finds_the_oscillation_of_a_tracklet_with_a_gap():
    frames = np.delete(np.arange(40), [10, 11])
    values = 5 + np.sin(2 * np.pi * frames / 8.0)
    frequency, power = power_spectrum(frames, values, frame_interval=0.5)
    assert dominant_frequency(frequency, power) == pytest.approx(1 / (8 * 0.5), rel=0.05)
    assert power_spectrum([0, 1, 2], [1.0, 2.0, 1.0])[0].size == 0


def test_fft_per_tracklet_in_analysis():
    frames = np.arange(24)
    spots = pd.DataFrame({"ID": frames + 100, "FRAME": frames, "POSITION_X": 0.0, "POSITION_Y": 0.0,
                          "POSITION_Z": 0.0, "TOTAL_INTENSITY_CH1": 10 + np.cos(2 * np.pi * frames / 6)})
    edges = pd.DataFrame({"SPOT_SOURCE_ID": frames[:-1] + 100, "SPOT_TARGET_ID": frames[1:] + 100})
    analysis = analyze_tracks(spots, edges, frame_interval=1.0, smoothing_window=1)
    assert analysis.tracklets.at[100, "DOMINANT_FREQUENCY"] == pytest.approx(1 / 6)
    assert set(analysis.spectra["TRACKLET_ID"]) == {100}


@pytest.mark.parametrize("change, message", [
    (lambda s, e: (s.assign(POSITION_X=np.nan), e), "NaN"),
    (lambda s, e: (s.drop(columns="FRAME"), e), "FRAME"),
    (lambda s, e: (s, pd.concat([e, pd.DataFrame({"SPOT_SOURCE_ID": [10], "SPOT_TARGET_ID": [999]})])), "999"),
    (lambda s, e: (s, pd.concat([e, e.iloc[:1]])), "twice"),
    (lambda s, e: (pd.concat([s, s.iloc[:1]]), e), "duplicate ID"),
    (lambda s, e: (s, e.iloc[:0]), "empty"),
])
def test_bad_tables_give_clear_errors(division, change, message):
    spots, edges = change(*division)
    with pytest.raises(ValueError, match=message):
        build_track_set(spots, edges)


def test_mask_with_wrong_shape_is_refused(division):
    spots, edges = division
    with pytest.raises(ValueError, match="mask"):
        analyze_tracks(spots, edges, image=np.zeros((6, 4, 4, 16)), mask=np.zeros((6, 4, 5, 16), bool))


@pytest.mark.parametrize("method", ["edt", "scipy", "kdtree", "auto"])
def test_distance_methods_give_the_same_exact_values(rng, method):
    from scipy import ndimage

    mask = ndimage.gaussian_filter(rng.random((3, 9, 30, 34)), (0, 1, 3, 3)) > 0.5
    frames = rng.integers(0, 3, 200)
    calibration = (2.0, 0.5, 0.4)
    positions = rng.uniform(0, 1, (200, 3)) * (np.asarray(mask.shape[1:]) - 1) * calibration
    reference = np.concatenate([boundary_distance_map(mask[t], calibration=calibration, backend="scipy")[None]
                                for t in range(3)])
    index = np.rint(positions / calibration).astype(int)
    expected = reference[frames, index[:, 0], index[:, 1], index[:, 2]]
    distance, inside = distance_to_boundary(mask, frames, positions, calibration=calibration, method=method)
    np.testing.assert_allclose(distance, expected, rtol=1e-5)
    np.testing.assert_array_equal(inside, mask[frames, index[:, 0], index[:, 1], index[:, 2]])


def test_real_trackmate_file_divisions_and_merges_match_trackmates_own_counts():
    from pathlib import Path

    from volltrack.analysis.xml_input import analyze_xml
    from volltrack.trackmate import read_xml

    path = Path(__file__).parent / "data" / "analysis" / "laptrack_trackmate_splitting_merging.xml"
    analysis = analyze_xml(path)
    reference = read_xml(path).tracks.set_index("TRACK_ID")
    ours = analysis.tracks.loc[reference.index]
    assert ours["N_DIVISIONS"].tolist() == reference["NUMBER_SPLITS"].astype(int).tolist()
    assert ours["N_MERGES"].tolist() == reference["NUMBER_MERGES"].astype(int).tolist()
    assert ours["N_SPOTS"].tolist() == reference["NUMBER_SPOTS"].astype(int).tolist()
    merged = analysis.tracklets[analysis.tracklets["PARENT_IDS"].map(len) == 2]
    assert len(merged) == 1 and merged["GENERATION"].iloc[0] == 2
    assert analysis.track_set.napari_graph()[merged.index[0]] == list(merged["PARENT_IDS"].iloc[0])
