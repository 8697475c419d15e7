"""The fast seed path: quadrature suppression and painting against StarDist's exact ones, and its plumbing."""

from __future__ import annotations

import json

import numpy as np
import pytest

from volltrack.segmentation.networks import stardist_candidates
from volltrack.segmentation.suppression import paint, ray_geometry, suppress

GRID = (1, 2, 2)
ANISOTROPY = (2.0, 1.0, 1.0)


@pytest.fixture(scope="module")
def rays():
    from stardist import Rays_GoldenSpiral

    return Rays_GoldenSpiral(32, anisotropy=ANISOTROPY)


@pytest.fixture(scope="module")
def geometry(rays):
    return ray_geometry(rays.vertices, rays.faces, ANISOTROPY)


def _sphere_dist(rays, radius_um):
    """Ray lengths (voxels) of a ball of ``radius_um`` (z voxels twice as long as y, x voxels)."""
    stretched = np.asarray(rays.vertices, float) * np.asarray(ANISOTROPY)
    return (radius_um / np.linalg.norm(stretched, axis=1)).astype(np.float32)


def _crowded_maps(rays, seed, n_objects=14, grid_shape=(12, 32, 32)):
    """Probability and distance grids with clusters of overlapping candidates around random cell centres."""
    rng = np.random.default_rng(seed)
    probability = np.zeros(grid_shape, np.float32)
    distances = np.zeros(grid_shape + (len(rays.vertices),), np.float32)
    centres = rng.uniform([2, 2, 2], np.asarray(grid_shape) - 3, size=(n_objects, 3))
    stretched = np.asarray(rays.vertices, float) * np.asarray(ANISOTROPY)
    unit = np.linalg.norm(stretched, axis=1)
    for centre in centres:
        radius = rng.uniform(3.0, 7.0)
        squash = rng.uniform(0.7, 1.3, 3)                 # ellipsoids, not balls
        shape_factor = 1.0 / np.linalg.norm(stretched / unit[:, None] / squash, axis=1)
        for _ in range(25):
            cell = np.clip(np.rint(centre + rng.normal(0, [0.7, 1.2, 1.2])).astype(int), 0,
                           np.asarray(grid_shape) - 1)
            offset = np.linalg.norm((cell - centre) * np.asarray(GRID) * np.asarray(ANISOTROPY))
            score = float(np.exp(-offset / radius) * rng.uniform(0.8, 1.0))
            if score > probability[tuple(cell)]:
                probability[tuple(cell)] = score
                noise = rng.uniform(0.85, 1.15, len(unit))
                distances[tuple(cell)] = radius * shape_factor / unit * noise
    return probability, distances


def _fast_kept(probability, distances, geometry, prob_thresh, nms_thresh):
    cells, scores = stardist_candidates(probability, prob_thresh)
    kept = suppress(cells, distances[tuple(cells.T)], geometry, grid=GRID, nms_thresh=nms_thresh)
    return cells[kept] * np.asarray(GRID), distances[tuple(cells[kept].T)], scores[kept]


@pytest.mark.parametrize("distance, suppressed", [(2, True), (4, True), (8, False), (12, False)])
def test_two_balls_follow_the_overlap_rule(rays, geometry, distance, suppressed):
    # two balls of radius 6 x-voxels, `distance` apart along x: overlap / volume = (4 + q)(2 - q)^2 / 16 with
    # q = distance / 6: 0.75 at 2 and 0.52 at 4 (suppressed at 0.3), 0.15 at 8 and 0 at 12 (kept)
    cells = np.array([[3, 10, 10], [3, 10, 10 + distance]])
    dist = np.stack([_sphere_dist(rays, 6.0)] * 2)
    kept = suppress(cells, dist, geometry, grid=(1, 1, 1), nms_thresh=0.3)
    assert kept[0] and kept[1] != suppressed


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("prob_thresh, nms_thresh", [(0.5, 0.3), (0.3, 0.4)])
def test_fast_suppression_keeps_what_stardist_keeps(rays, geometry, seed, prob_thresh, nms_thresh):
    from stardist.nms import non_maximum_suppression_3d

    probability, distances = _crowded_maps(rays, seed)
    exact, _, _ = non_maximum_suppression_3d(distances, probability, rays, grid=GRID, prob_thresh=prob_thresh,
                                             nms_thresh=nms_thresh)
    fast, _, _ = _fast_kept(probability, distances, geometry, prob_thresh, nms_thresh)
    assert len(exact) >= 10
    # A pair whose overlap is within the quadrature error of the threshold may be decided the other way; that
    # keeps a neighbouring candidate of the same object instead, a grid step or two away.
    gaps = np.linalg.norm((exact[:, None, :] - fast[None, :, :]) * np.asarray(ANISOTROPY), axis=2)
    unmatched = int((gaps.min(axis=1) > 4).sum() + (gaps.min(axis=0) > 4).sum())
    assert unmatched <= max(1, round(0.05 * len(exact))), (len(exact), len(fast), unmatched)
    # these crowds hold many candidates per object with overlaps near the threshold (extra StarDist objects
    # inside one cell); the two estimates of such overlaps may keep a few of them differently
    assert abs(len(exact) - len(fast)) <= max(1, round(0.15 * len(exact)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_order_of_the_faces_changes_no_decision(rays, geometry, seed):
    """The quadrature visits the faces facing the other candidate first (to stop earlier); any order keeps the
    same candidates: plain face order, reversed order, and the table's."""
    probability, distances = _crowded_maps(rays, seed)
    cells, _ = stardist_candidates(probability, 0.3)
    dist = distances[tuple(cells.T)]
    kept = suppress(cells, dist, geometry, grid=GRID, nms_thresh=0.3)
    assert 10 <= kept.sum() < len(cells) // 2
    n_cells, n_faces = geometry["face_order"].shape
    for order in (np.tile(np.arange(n_faces), (n_cells, 1)), geometry["face_order"][:, ::-1].copy()):
        other = suppress(cells, dist, dict(geometry, face_order=order), grid=GRID, nms_thresh=0.3)
        np.testing.assert_array_equal(other, kept)


def test_face_order_starts_with_the_face_holding_the_direction(geometry):
    from volltrack.segmentation.suppression import _cube_directions, _direction_cell

    table = geometry["face_order"]
    n = int(round(np.sqrt(table.shape[0] / 6)))
    directions, cells = _cube_directions(n, 1)
    assert [_direction_cell(*d, table.shape[0]) for d in directions] == list(cells)
    assert _direction_cell(0.0, 0.0, 0.0, table.shape[0]) == 0
    assert all(sorted(row) == list(range(table.shape[1])) for row in table)      # every face, once
    # the first face of a cell is the one whose cone holds the cell's central direction (or a neighbour of it)
    inverse = geometry["inverse"]
    for direction, cell in zip(directions[::7], cells[::7]):
        weights = inverse[table[cell, 0]] @ direction
        assert weights.min() > -0.5 * np.abs(weights).sum()


def test_painting_equals_stardist_rendering(rays, geometry):
    from stardist.geometry import polyhedron_to_label

    probability, distances = _crowded_maps(rays, 4)
    points, dist, scores = _fast_kept(probability, distances, geometry, 0.5, 0.3)
    shape = (12, 64, 64)
    ours = paint(points, dist, geometry, shape)
    theirs = polyhedron_to_label(dist, points, rays=rays, prob=scores, shape=shape, verbose=False)
    assert (ours > 0).sum() > 1000
    assert np.mean((ours > 0) == (theirs > 0)) > 0.999
    # the same objects: each of ours overlaps one of theirs almost entirely
    from stardist.matching import matching

    stats = matching(theirs, ours, thresh=0.9)
    assert stats.fp == 0 and stats.fn == 0


def test_no_candidate_keeps_nothing(geometry):
    kept = suppress(np.zeros((0, 3), int), np.zeros((0, 32)), geometry, grid=GRID, nms_thresh=0.3)
    assert kept.shape == (0,)
    assert paint(np.zeros((0, 3)), np.zeros((0, 32)), geometry, (4, 8, 8)).max() == 0


def test_bad_rays_and_anisotropy_are_refused(rays):
    with pytest.raises(ValueError, match="anisotropy"):
        ray_geometry(rays.vertices, rays.faces, (0, 1, 1))
    with pytest.raises(ValueError, match="rays"):
        ray_geometry(rays.vertices[:3], rays.faces[:2])


# --- the whole pipeline with the bundled demo models --------------------------------------------------------

@pytest.fixture(scope="module")
def demo_models():
    from volltrack.segmentation import load_models

    return load_models(None)


@pytest.fixture(scope="module")
def unseen_volume():
    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=1, shape=(22, 96, 96), n_cells=40, seed=4242)
    return np.asarray(movie.raw[0], np.float32), np.asarray(movie.labels[0])


@pytest.mark.slow
@pytest.mark.parametrize("prob_thresh", [None, 0.5])
def test_fast_and_exact_vollseg_find_the_same_cells(demo_models, unseen_volume, prob_thresh):
    from stardist.matching import matching

    from volltrack.segmentation import vollseg
    from volltrack.segmentation.pipeline import predict_networks

    volume, truth = unseen_volume
    fast_predictions = predict_networks(volume, demo_models, prob_thresh=prob_thresh, nms="fast")
    exact_predictions = predict_networks(volume, demo_models, prob_thresh=prob_thresh, nms="exact")
    fast = vollseg(volume, demo_models, prob_thresh=prob_thresh, nms="fast", predictions=fast_predictions)
    exact = vollseg(volume, demo_models, prob_thresh=prob_thresh, nms="exact", predictions=exact_predictions)
    assert exact.labels.max() >= 20
    between = matching(exact.labels, fast.labels, thresh=0.5)
    assert between.f1 >= 0.97, between
    assert matching(exact.stardist_labels, fast.stardist_labels, thresh=0.5).f1 >= 0.97
    f1_fast, f1_exact = (matching(truth, r.labels, thresh=0.5).f1 for r in (fast, exact))
    assert abs(f1_fast - f1_exact) <= 0.02 and f1_exact > 0.6


def test_suppression_started_beside_the_unet_gives_the_same_result(demo_models, unseen_volume):
    """predict_networks suppresses StarDist's candidates in a background thread while the U-Net runs;
    vollseg_from_predictions uses them only for the same nms_thresh and painting, and the result is the one
    computed after the networks."""
    from volltrack.segmentation.pipeline import predict_networks, vollseg_from_predictions

    volume, _ = unseen_volume
    predictions = predict_networks(volume, demo_models, prob_thresh=0.5)
    early = predictions.instances
    assert early is not None and early.paint and early.nms_thresh == float(demo_models.stardist.thresholds.nms)
    assert early.result_for(0.45, True) is None and early.result_for(early.nms_thresh, False) is None
    ahead = vollseg_from_predictions(predictions, demo_models)
    predictions.instances = None
    after = vollseg_from_predictions(predictions, demo_models)
    assert ahead.labels.max() >= 20
    for name in ("labels", "stardist_labels", "unet_labels", "markers"):
        np.testing.assert_array_equal(getattr(ahead, name), getattr(after, name))
    other = predict_networks(volume, demo_models, prob_thresh=0.5, nms_thresh=0.45, stardist_labels=False)
    assert other.instances.nms_thresh == 0.45 and not other.instances.paint
    skipped = vollseg_from_predictions(other, demo_models, nms_thresh=0.45, stardist_labels=False)
    other.instances = None
    np.testing.assert_array_equal(skipped.labels,
                                  vollseg_from_predictions(other, demo_models, nms_thresh=0.45,
                                                           stardist_labels=False).labels)
    exact = predict_networks(volume, demo_models, nms="exact")
    assert exact.instances is None


def test_skipping_the_stardist_labels_seeds_from_the_kept_centres(demo_models, unseen_volume):
    from stardist.matching import matching

    from volltrack.segmentation import vollseg

    volume, truth = unseen_volume
    painted = vollseg(volume, demo_models)
    skipped = vollseg(volume, demo_models, stardist_labels=False)
    assert skipped.stardist_labels is None and painted.stardist_labels is not None
    assert matching(painted.labels, skipped.labels, thresh=0.5).f1 >= 0.95


def test_unknown_nms_mode_is_refused(demo_models, unseen_volume):
    from volltrack.segmentation import vollseg

    with pytest.raises(ValueError, match="nms must be one of fast, exact"):
        vollseg(unseen_volume[0], demo_models, nms="approximate")


# --- plumbing: CLI, run.yaml, segment.json --------------------------------------------------------------------

def test_segment_command_records_the_nms_mode(tmp_path):
    from segmentation_models import tiny_models_folder
    from volltrack.cli import main
    from volltrack.io import write_image
    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=2, shape=(8, 40, 40), n_cells=8, seed=3)
    write_image(tmp_path / "movie.tif", movie.raw, axes="TZYX")
    for mode in ("exact", "fast"):
        out = tmp_path / mode
        assert main(["segment", str(tmp_path / "movie.tif"), "--out", str(out), "--models",
                     str(tiny_models_folder()), "--nms", mode]) == 0
        assert json.loads((out / "segment.json").read_text())["parameters"]["nms"] == mode
        assert (out / "StarDist" / "movie.tif").is_file()
    out = tmp_path / "skipped"
    assert main(["segment", str(tmp_path / "movie.tif"), "--out", str(out), "--models", str(tiny_models_folder()),
                 "--no-stardist-labels"]) == 0
    record = json.loads((out / "segment.json").read_text())
    assert record["parameters"]["nms"] == "fast" and record["parameters"]["stardist_labels"] is False
    assert (out / "VollSeg" / "movie.tif").is_file() and not (out / "StarDist").exists()


def test_segment_command_refuses_an_unknown_nms_mode(tmp_path, capsys):
    from volltrack.cli import main

    with pytest.raises(SystemExit) as raised:
        main(["segment", str(tmp_path / "x.tif"), "--out", str(tmp_path / "out"), "--nms", "quick"])
    assert raised.value.code == 2
    assert "--nms" in capsys.readouterr().err


def test_run_yaml_carries_the_nms_mode(tmp_path, monkeypatch):
    from volltrack.pipeline import run as run_module
    from volltrack.pipeline.config import RunConfig

    config = RunConfig.model_validate({"segmentation": {"nms": "exact"}})
    assert config.segmentation.nms == "exact" and RunConfig().segmentation.nms == "fast"
    path = tmp_path / "run.yaml"
    config.write_yaml(path)
    assert "nms: exact" in path.read_text() and RunConfig.from_yaml(path).segmentation.nms == "exact"
    path.write_text("segmentation:\n  nms: approximate\n")
    with pytest.raises(ValueError, match="segmentation.nms"):
        RunConfig.from_yaml(path)
    seen = {}
    monkeypatch.setattr("volltrack.segmentation.load_models", lambda *a, **k: type("M", (), {"n2v": None})())
    monkeypatch.setattr("volltrack.segmentation.batch.segment_file",
                        lambda *a, segment_options=None, **k: seen.update(segment_options))
    monkeypatch.setattr("volltrack.segmentation.batch.write_record", lambda *a, **k: None)
    inputs = run_module.RunInputs(raw=tmp_path / "raw.tif")
    run_module._segment(inputs, config, tmp_path / "seg", {"shape": (1, 4, 8, 8)})
    assert seen["nms"] == "exact"


@pytest.mark.parametrize("shape", [(22, 96, 96), (19, 50, 67)])
def test_direct_forward_pass_gives_the_numbers_of_the_models_own_predict(demo_models, shape):
    """The untiled networks are called through Keras directly; padding, crop and ray clipping are StarDist's and
    CSBDeep's own, on shapes that need no padding and on shapes that need it on every axis."""
    from volltrack.segmentation.networks import normalize_percentiles, predict_stardist_maps, predict_unet
    from volltrack.synthetic import simulate_tissue

    image = normalize_percentiles(simulate_tissue(n_frames=1, shape=shape, n_cells=20, seed=77).raw[0])
    probability, distances = predict_stardist_maps(image, demo_models.stardist)
    own_probability, own_distances = demo_models.stardist.predict(image, axes="ZYX", show_tile_progress=False)
    assert probability.shape == own_probability.shape and distances.shape == own_distances.shape
    assert np.array_equal(probability, own_probability) and np.array_equal(distances, own_distances)
    assert distances.min() >= np.float32(1e-3)
    unet = predict_unet(image, demo_models.unet)
    own_unet = np.asarray(demo_models.unet.predict(image, axes="ZYX", normalizer=None), np.float32)
    assert unet.shape == shape and np.array_equal(unet, own_unet)
