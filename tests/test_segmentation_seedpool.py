"""Seed pool, markers, masked watershed and label clean-up, on synthetic maps (no networks)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from volltrack.segmentation import paint_markers, seed_pool, segment_from_predictions
from volltrack.segmentation.seed_pool import boxes_holding_points, label_centroids
from volltrack.segmentation.watershed import fill_label_holes, filter_sizes, masked_watershed


def _cube(volume, label, z, y, x, size):
    volume[z:z + size[0], y:y + size[1], x:x + size[2]] = label


def test_unet_only_cell_gets_a_seed_and_covered_component_does_not():
    star = np.zeros((10, 60, 60), np.int32)
    unet = np.zeros_like(star)
    _cube(star, 1, 2, 5, 5, (4, 8, 8))          # StarDist found this cell ...
    _cube(unet, 1, 1, 3, 3, (6, 12, 12))        # ... so its U-Net component adds no seed
    _cube(unet, 2, 2, 30, 30, (5, 10, 10))      # StarDist missed this one: it gets the component's centroid
    seeds = seed_pool(star, unet)
    np.testing.assert_allclose(seeds.points, [[3.5, 8.5, 8.5], [4.0, 34.5, 34.5]])
    np.testing.assert_array_equal(seeds.from_unet, [False, True])


def test_seed_of_a_curved_component_is_moved_inside_it():
    star = np.zeros((5, 40, 40), np.int32)
    unet = np.zeros_like(star)
    unet[1:4, 5:35, 5:9] = 1                    # an L shape: its centroid lies outside it
    unet[1:4, 31:35, 5:35] = 1
    published = seed_pool(star, unet, snap=False).points[0]
    snapped = seed_pool(star, unet).points[0]
    assert unet[tuple(np.rint(published).astype(int))] == 0
    assert unet[tuple(snapped.astype(int))] == 1
    assert np.linalg.norm(snapped - published) < 10


def test_box_test_includes_the_upper_bound_as_published():
    boxes = np.array([[0, 0, 0, 4, 4, 4]], float)
    assert boxes_holding_points(boxes, np.array([[4.0, 4.0, 4.0]]))[0]
    assert not boxes_holding_points(boxes, np.array([[4.01, 0.0, 0.0]]))[0]


def test_vectorised_pool_equals_a_per_box_loop(rng):
    star = rng.integers(0, 40, (12, 80, 80)) * (rng.random((12, 80, 80)) < 0.01)
    unet, _ = ndi.label(ndi.binary_dilation(rng.random((12, 80, 80)) < 0.004, iterations=2))
    pool = seed_pool(star, unet, snap=False)
    star_points, _ = label_centroids(star)
    star_points = sorted(map(tuple, star_points))
    expected = list(star_points)
    for index, box in enumerate(ndi.find_objects(unet)):
        hit = any(all(b.start <= p[a] <= b.stop for a, b in enumerate(box)) for p in star_points)
        if not hit:
            expected.append(tuple(np.argwhere(unet == index + 1).mean(axis=0)))
    np.testing.assert_allclose(pool.points, np.array(expected))


def test_markers_equal_point_painting_plus_ball_dilation(rng):
    from skimage.morphology import ball, dilation

    points = rng.uniform(0, 1, (30, 3)) * [9.4, 39.4, 39.4]
    markers = paint_markers(points, (10, 40, 40), radius=2)
    reference = np.zeros((10, 40, 40), np.int32)
    reference[tuple(np.rint(points).astype(int).T)] = np.arange(1, 31)
    np.testing.assert_array_equal(markers, dilation(reference, ball(2)))


def test_watershed_stays_inside_the_mask(rng):
    probability = rng.random((8, 40, 40)).astype(np.float32)
    mask = np.zeros(probability.shape, bool)
    mask[2:6, 5:35, 5:20] = True
    markers = paint_markers(np.array([[4, 10, 10], [4, 30, 15], [4, 30, 35]]), mask.shape, radius=1)
    labels = masked_watershed(probability, markers, mask)
    assert not labels[~mask].any()
    assert set(np.unique(labels[mask])) == {1, 2}


def test_probability_drives_the_split_and_is_never_truncated_to_integers():
    # Two seeds; the probability valley (cell border) sits at x = 28, far from the midpoint x = 20.
    x = np.arange(40)
    profile = np.where(x < 28, 0.9 - 0.02 * np.abs(x - 5), 0.9 - 0.02 * np.abs(x - 35)).astype(np.float32)
    probability = np.broadcast_to(profile, (4, 10, 40)).copy()
    probability[..., 28] = 0.05
    markers = paint_markers(np.array([[2, 5, 5], [2, 5, 35]]), probability.shape, radius=0)
    labels = masked_watershed(probability, markers, np.ones(probability.shape, bool))
    assert (labels[..., :28] == 1).all() and (labels[..., 29:] == 2).all()


def test_vollseg_recovers_a_cell_only_the_unet_found():
    star = np.zeros((12, 64, 64), np.int32)
    _cube(star, 7, 3, 8, 8, (6, 16, 16))
    truth = star.copy()
    _cube(truth, 9, 3, 36, 36, (6, 16, 16))
    probability = ndi.gaussian_filter(ndi.distance_transform_edt(truth > 0), 1).astype(np.float32)
    unet_probability = (truth > 0).astype(np.float32)
    result = segment_from_predictions(star, probability / probability.max(), unet_probability)
    assert len(np.unique(result.labels)) - 1 == 2
    assert result.seeds.from_unet.sum() == 1
    for label in (7, 9):
        overlap = result.labels[truth == label]
        assert (overlap == np.bincount(overlap).argmax()).mean() > 0.95


def test_unite_stardist_keeps_stardist_cells_outside_the_unet_mask():
    star = np.zeros((8, 40, 40), np.int32)
    _cube(star, 1, 2, 5, 5, (4, 10, 10))
    _cube(star, 2, 2, 25, 25, (4, 10, 10))
    unet_probability = np.zeros(star.shape, np.float32)
    unet_probability[1:7, 3:17, 3:17] = 1.0
    probability = (star > 0).astype(np.float32)
    united = segment_from_predictions(star, probability, unet_probability, unet_threshold=0.5)
    alone = segment_from_predictions(star, probability, unet_probability, unet_threshold=0.5,
                                     unite_stardist=False)
    assert len(np.unique(united.labels)) - 1 == 2
    assert len(np.unique(alone.labels)) - 1 == 1
    assert not alone.labels[unet_probability < 0.5].any()


def test_distance_landscape_needs_a_distance_map():
    volume = np.zeros((4, 8, 8), np.float32)
    with pytest.raises(ValueError, match="distance"):
        segment_from_predictions(volume.astype(np.int32), volume, volume, use_probability=False)


def test_fill_holes_and_size_filter():
    labels = np.zeros((5, 12, 12), np.int32)
    labels[1:4, 1:6, 1:6] = 3
    labels[2, 3, 3] = 0                       # an enclosed pocket
    labels[1:4, 7:11, 7:11] = 5
    labels[2, 8, 8] = 0
    labels[2, 8, 9] = 6                       # a pocket touching two labels stays
    fill_label_holes(labels)
    assert labels[2, 3, 3] == 3 and labels[2, 8, 8] == 0
    filter_sizes(labels, min_size=2)
    assert 6 not in labels and 3 in labels
    filter_sizes(labels, min_size=0, max_size=60)
    assert 3 not in labels and 5 in labels


def test_empty_predictions_give_empty_labels():
    volume = np.zeros((4, 16, 16), np.float32)
    result = segment_from_predictions(volume.astype(np.int32), volume, volume)
    assert result.labels.shape == volume.shape and not result.labels.any()


@pytest.mark.parametrize("pairs_per_chunk", [7, 4_000_000])
def test_box_test_equals_a_brute_force_comparison(rng, monkeypatch, pairs_per_chunk):
    import importlib

    module = importlib.import_module("volltrack.segmentation.seed_pool")
    monkeypatch.setattr(module, "_PAIRS_PER_CHUNK", pairs_per_chunk)
    low = rng.integers(0, 20, (60, 3)).astype(float)
    boxes = np.hstack([low, low + rng.integers(0, 6, (60, 3))])
    points = np.vstack([rng.uniform(0, 25, (40, 3)), boxes[:10, 3:], boxes[10:20, :3]])   # some on the bounds
    brute = np.array([np.any(np.all((points >= b[:3]) & (points <= b[3:]), axis=1)) for b in boxes])
    assert 0 < brute.sum() < len(boxes)
    np.testing.assert_array_equal(boxes_holding_points(boxes, points), brute)
    assert not boxes_holding_points(boxes, np.zeros((0, 3))).any()


def test_snap_accepts_label_voxels_and_a_volume_alike():
    from volltrack.segmentation.label_voxels import LabelVoxels
    from volltrack.segmentation.seed_pool import snap_into_components

    unet = np.zeros((5, 40, 40), np.int32)
    unet[1:4, 5:35, 5:9] = 3                   # an L shape, then a cube whose centroid lies inside it
    unet[1:4, 31:35, 5:35] = 3
    unet[1:4, 12:16, 20:24] = 5
    points, present = label_centroids(unet)
    from_volume = snap_into_components(points, unet, present)
    np.testing.assert_array_equal(from_volume, snap_into_components(points, LabelVoxels(unet), present))
    assert unet[tuple(from_volume[0].astype(int))] == 3
    np.testing.assert_array_equal(from_volume[1], points[1])


def test_stardist_outside_mask_equals_a_per_label_computation(rng):
    from volltrack.segmentation.watershed import stardist_outside_mask

    star = rng.integers(0, 25, (6, 30, 30)) * (rng.random((6, 30, 30)) < 0.05)
    mask = rng.random(star.shape) < 0.5
    expected = np.zeros(star.shape, bool)
    for label in np.unique(star)[1:]:
        centre = np.rint(np.argwhere(star == label).mean(axis=0)).astype(int)
        if not mask[tuple(centre)]:
            expected |= star == label
    assert expected.any()
    np.testing.assert_array_equal(stardist_outside_mask(star, mask), expected)
    assert not stardist_outside_mask(np.zeros_like(star), mask).any()


def test_size_filter_works_in_place_on_a_view():
    labels = np.zeros((4, 10, 12), np.int32)
    labels[1:3, 1:4, 1:4] = 2                  # 18 voxels
    labels[1, 6, 6] = 4                        # 1 voxel
    view = labels.transpose(2, 1, 0)           # not C-contiguous
    assert filter_sizes(view, min_size=2) is view
    assert 4 not in labels and (labels == 2).sum() == 18


@pytest.mark.parametrize("snap", [False, True])
def test_pool_from_a_connected_mask_equals_the_pool_from_its_label_volume(rng, snap):
    from volltrack.segmentation.mask_connectivity import ConnectedMask

    mask = ndi.binary_dilation(rng.random((8, 50, 50)) < 0.004, iterations=2) & (rng.random((8, 50, 50)) < 0.8)
    star = rng.integers(0, 30, mask.shape) * (rng.random(mask.shape) < 0.005)
    components = ndi.label(mask, structure=np.ones((3, 3, 3), bool))[0]
    expected = seed_pool(star, components, snap=snap)
    pool = seed_pool(star, ConnectedMask(mask).full, snap=snap)
    assert expected.from_unet.sum() > 0
    np.testing.assert_array_equal(pool.points, expected.points)
    np.testing.assert_array_equal(pool.from_unet, expected.from_unet)
