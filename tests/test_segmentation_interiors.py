"""U-Net trained on cell interiors: training targets, the recorded erosion, and growing the mask back."""

from __future__ import annotations

import json

import numpy as np
import pytest
from stardist.matching import matching

from volltrack.segmentation import segment_from_predictions
from volltrack.segmentation.pipeline import unet_instances
from volltrack.segmentation.unet_target import TARGET_FILE, grow_mask, read_unet_erosion
from volltrack.training.unet_targets import cell_interiors, write_unet_target


def _touching_boxes():
    """Two cells touching along X and a third one below them in Z, all in one tissue block."""
    labels = np.zeros((12, 20, 30), np.int32)
    labels[1:6, 2:18, 2:15] = 1
    labels[1:6, 2:18, 15:28] = 2
    labels[6:11, 2:18, 2:28] = 3
    return labels


def test_interiors_separate_touching_cells():
    labels = _touching_boxes()
    from scipy import ndimage as ndi

    assert ndi.label(labels > 0)[1] == 1                      # the plain mask is one blob
    interiors = cell_interiors(labels, erosion=1)
    components, count = ndi.label(interiors)
    assert count == 3                                         # interiors: one blob per cell
    for cell in (1, 2, 3):
        assert len(np.unique(components[labels == cell])) == 2   # the cell's blob and its removed rim (0)
    # exactly the voxels with a 6-neighbour of another value (or outside the tissue) are removed
    assert not interiors[1, 5, 5] and not interiors[3, 5, 14] and not interiors[3, 5, 15] and not interiors[5, 5, 5]
    assert interiors[3, 5, 5] and interiors[8, 10, 10]


def test_erosion_zero_is_the_plain_mask_and_batches_work():
    labels = _touching_boxes()
    np.testing.assert_array_equal(cell_interiors(labels, erosion=0), labels > 0)
    batch = np.stack([labels, labels[::-1]])
    out = cell_interiors(batch, erosion=2)
    np.testing.assert_array_equal(out[1], cell_interiors(labels[::-1], erosion=2))
    assert out[0].sum() < cell_interiors(labels, erosion=1).sum()
    with pytest.raises(ValueError, match="erosion must be >= 0"):
        cell_interiors(labels, erosion=-1)
    with pytest.raises(ValueError, match=r"\(Z, Y, X\)"):
        cell_interiors(labels[0], erosion=1)


def test_recorded_erosion_round_trip_and_bad_file(tmp_path):
    assert read_unet_erosion(tmp_path) == 0                  # no volltrack.json: a plain-mask U-Net
    write_unet_target(tmp_path, erosion=2)
    assert json.loads((tmp_path / TARGET_FILE).read_text()) == {"target": "cell interiors", "erosion": 2}
    assert read_unet_erosion(tmp_path) == 2
    (tmp_path / TARGET_FILE).write_text('{"erosion": "two"}')
    with pytest.raises(ValueError, match="volltrack.json.*integer"):
        read_unet_erosion(tmp_path)
    (tmp_path / TARGET_FILE).write_text('not json')
    with pytest.raises(ValueError, match="volltrack.json"):
        read_unet_erosion(tmp_path)


def test_grown_components_recover_whole_cells():
    labels = _touching_boxes()
    probability = cell_interiors(labels, erosion=1).astype(np.float32)   # a perfect interior U-Net
    components, mask = unet_instances(probability, threshold=0.5, min_size=1, growth=1)
    assert components.max() == 3
    assert matching(labels, components, thresh=0.5).f1 == 1.0
    np.testing.assert_array_equal(mask, labels > 0)            # the rim is back, tissue holes none
    plain, plain_mask = unet_instances(probability, threshold=0.5, min_size=1, growth=0)
    assert plain_mask.sum() < mask.sum()
    np.testing.assert_array_equal(grow_mask(plain_mask, voxels=0), plain_mask)


def test_vollseg_watershed_reaches_the_membranes_with_mask_growth():
    labels = _touching_boxes()
    interiors = cell_interiors(labels, erosion=1).astype(np.float32)
    stardist = np.zeros_like(labels)
    stardist[2:5, 5:15, 4:12] = 1                            # StarDist found cell 1 only
    probability = interiors * 0.9 + 0.05
    grown = segment_from_predictions(stardist, probability, interiors, unet_threshold=0.5, mask_growth=1,
                                     min_size=1, min_size_mask=1)
    assert grown.seeds.n_stardist == 1 and int(grown.seeds.from_unet.sum()) == 2   # cells 2 and 3 from the U-Net
    assert matching(labels, grown.labels, thresh=0.9).f1 == 1.0
    shrunk = segment_from_predictions(stardist, probability, interiors, unet_threshold=0.5, mask_growth=0,
                                      min_size=1, min_size_mask=1)
    assert (shrunk.labels > 0).sum() < (labels > 0).sum()     # without growth the cells lose their rims


class _FakeStarDist:
    """Stands in for StarDist3D's predict and instance step: grid (1, 2, 2), two rays, no candidate kept."""

    thresholds = type("Thresholds", (), {"prob": 0.9, "nms": 0.3})

    def predict(self, image, **kwargs):
        probability = np.full((image.shape[0], image.shape[1] // 2, image.shape[2] // 2), 0.5, np.float32)
        rays = np.stack([np.full(probability.shape, 1.0), np.full(probability.shape, 5.0)], axis=-1)
        return probability, rays.astype(np.float32)

    def _instances_from_prediction(self, shape, probability, distances, **kwargs):
        return np.zeros(shape, np.int32), {"points": np.zeros((0, 3)), "prob": np.zeros(0)}


def test_distance_map_is_the_mean_ray_length_at_full_resolution():
    from volltrack.segmentation.networks import predict_stardist

    out = predict_stardist(np.zeros((4, 8, 8), np.float32), _FakeStarDist(), nms="exact")
    assert out.distance.shape == (4, 8, 8) and out.probability.shape == (4, 8, 8)
    np.testing.assert_allclose(out.distance, 3.0)          # mean of rays 1 and 5, not their maximum
