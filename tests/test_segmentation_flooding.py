"""Fast paths of the segmentation: one-pass label statistics, mask connectivity, flooding with skimage's kernel.

Each fast path is compared with the straightforward computation (numpy, scipy.ndimage, the public skimage
watershed) on small seeded random volumes.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
from scipy import ndimage as ndi
from skimage.segmentation import watershed

from volltrack.segmentation import flooding
from volltrack.segmentation.label_voxels import LabelVoxels
from volltrack.segmentation.mask_connectivity import ConnectedMask
from volltrack.segmentation.watershed import masked_watershed, paint_markers

FULL = np.ones((3, 3, 3), bool)


def _blobs(rng, shape, density, grow=1):
    """A random mask of small blobs: some touch along faces, some only along edges or corners."""
    return ndi.binary_dilation(rng.random(shape) < density, iterations=grow) if grow else rng.random(shape) < density


def _random_markers(rng, shape, count):
    points = rng.uniform(0, 1, (count, 3)) * (np.asarray(shape) - 1)
    return paint_markers(points, shape, radius=int(rng.integers(0, 2)))


@pytest.mark.parametrize("seed", range(6))
def test_label_voxels_statistics_equal_a_straightforward_computation(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 30, (7, 19, 23)) * (rng.random((7, 19, 23)) < 0.2)
    labels[np.isin(labels, rng.choice(30, 8, replace=False))] = 0          # missing labels
    view = np.asfortranarray(labels)[:, ::-1]                              # not C-contiguous
    voxels = LabelVoxels(view)
    present = np.unique(view)[1:]
    np.testing.assert_array_equal(voxels.present, present)
    expected = np.array([np.argwhere(view == k).mean(axis=0) for k in present]).reshape(-1, 3)
    np.testing.assert_array_equal(voxels.centroids(), expected)
    slices = ndi.find_objects(view)
    boxes = [[s.start for s in slices[k - 1]] + [s.stop for s in slices[k - 1]] for k in present]
    np.testing.assert_array_equal(voxels.boxes(), np.array(boxes, float).reshape(-1, 6))
    flat = rng.integers(0, view.size, 50)
    np.testing.assert_array_equal(voxels.label_at(flat), np.ravel(view)[flat])


def test_label_voxels_of_an_empty_volume():
    voxels = LabelVoxels(np.zeros((2, 3, 4), np.int32))
    assert voxels.centroids().shape == (0, 3) and voxels.boxes().shape == (0, 6)
    assert voxels.present.size == 0 and voxels.label_at([0, 5]).tolist() == [0, 0]


@pytest.mark.parametrize("seed", range(20))
def test_connected_mask_equals_ndimage_labels(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(1, 20, 3))
    mask = _blobs(rng, shape, rng.uniform(0.02, 0.45), grow=0)
    connected = ConnectedMask(mask)
    np.testing.assert_array_equal(connected.face_labels, ndi.label(mask)[0])
    np.testing.assert_array_equal(connected.full_labels(), ndi.label(mask, structure=FULL)[0])


def test_connected_mask_joins_cells_touching_only_at_a_corner_and_rejects_2d():
    mask = np.zeros((3, 3, 3), bool)
    mask[0, 0, 0] = mask[1, 1, 1] = mask[2, 2, 0] = True
    connected = ConnectedMask(mask)
    assert connected.n_face == 3 and connected.full.present.tolist() == [1]
    with pytest.raises(ValueError, match="3D"):
        ConnectedMask(np.ones((4, 4), bool))


@pytest.mark.parametrize("depth", [16, 19])
def test_components_touching_at_hundreds_of_edges_are_joined_once(depth):
    z, y, x = np.indices((depth, 40, 40))
    mask = (x + y <= 20) | ((x + y >= 22) & (x + y < 60))   # two staircases facing each other along a diagonal
    connected = ConnectedMask(mask)
    assert connected.n_face == 2 and connected.full.present.tolist() == [1]
    np.testing.assert_array_equal(connected.full_labels(), ndi.label(mask, structure=FULL)[0])


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("levels", [None, 3])
def test_masked_watershed_equals_the_public_skimage_watershed(seed, levels):
    rng = np.random.default_rng(seed)
    shape = (6, 24, 26)
    probability = rng.random(shape).astype(np.float32)
    if levels:                                             # plateaus: ties decided by skimage's queue order
        probability = np.floor(probability * levels).astype(np.float32)
    mask = _blobs(rng, shape, 0.006, grow=2)               # blobs with 0, 1 or several marker labels
    markers = _random_markers(rng, shape, 40)
    expected = watershed(-probability, markers, mask=mask)
    np.testing.assert_array_equal(masked_watershed(probability, markers, mask), expected)
    np.testing.assert_array_equal(masked_watershed(probability, markers, ConnectedMask(mask)), expected)
    np.testing.assert_array_equal(flooding.flood_mask(probability, markers, mask),
                                  watershed(probability, markers, mask=mask))


def test_contested_components_with_tied_markers_are_flooded_with_everything(monkeypatch):
    shape = (3, 12, 30)
    probability = np.zeros(shape, np.float32)             # every marker value ties
    mask = np.zeros(shape, bool)
    mask[:, 2:10, 2:28] = True                             # one component, two marker labels: contested
    mask[1, 5, 29] = True                                  # a separate single-voxel component
    markers = np.zeros(shape, np.int32)
    markers[1, 5, 4], markers[1, 5, 25] = 1, 2
    flooded_sizes = []
    kernel_flood = flooding._flood_voxels
    monkeypatch.setattr(flooding, "_flood_voxels", lambda k, lab, s, f, *a: flooded_sizes.append(f.size)
                        or kernel_flood(k, lab, s, f, *a))
    labels = masked_watershed(probability, markers, mask)
    np.testing.assert_array_equal(labels, watershed(-probability, markers, mask=mask))
    assert flooded_sizes == [int(mask.sum())]
    probability[1, 5, 25] = 0.5                            # no tie: only the contested component is flooded
    flooded_sizes.clear()
    np.testing.assert_array_equal(masked_watershed(probability, markers, mask),
                                  watershed(-probability, markers, mask=mask))
    assert flooded_sizes == [int(mask.sum()) - 1]


def test_public_watershed_is_used_when_the_kernel_check_fails(monkeypatch, caplog):
    rng = np.random.default_rng(3)
    probability = rng.random((5, 16, 16))
    mask = _blobs(rng, probability.shape, 0.05)
    markers = _random_markers(rng, probability.shape, 6)
    expected = watershed(-probability, markers, mask=mask)
    def missing():
        raise ImportError("no kernel")

    for load in (lambda: lambda *args: None, lambda: lambda *args: 1 / 0 if args else None, missing):
        monkeypatch.setattr(flooding, "_load_kernel", load)
        flooding._checked_kernel.cache_clear()
        with caplog.at_level(logging.WARNING, logger="volltrack.segmentation.flooding"):
            np.testing.assert_array_equal(masked_watershed(probability, markers, mask), expected)
        assert "public skimage watershed" in caplog.text
        caplog.clear()
    monkeypatch.undo()
    flooding._checked_kernel.cache_clear()
    assert flooding._checked_kernel() is not None


def test_a_2d_image_is_flooded_by_the_public_function():
    rng = np.random.default_rng(5)
    probability = rng.random((30, 30))
    mask = probability > 0.3
    markers = np.zeros(mask.shape, np.int32)
    markers[5, 5], markers[20, 25] = 1, 2
    np.testing.assert_array_equal(masked_watershed(probability, markers, mask),
                                  watershed(-probability, markers, mask=mask))


def test_empty_mask_and_no_markers():
    volume = np.zeros((3, 8, 8))
    markers = np.zeros(volume.shape, np.int32)
    assert not masked_watershed(volume, markers, np.zeros(volume.shape, bool)).any()
    assert not masked_watershed(volume, markers, np.ones(volume.shape, bool)).any()
