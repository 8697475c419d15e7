"""Label-safe tiling: blocks with halos give the untiled result up to relabelling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from volltrack.segmentation import segment_from_predictions
from volltrack.segmentation.tiling import block_slices, segment_in_blocks
from volltrack.synthetic import simulate_tissue
from volltrack.synthetic.imaging import membrane_voxels


def _same_up_to_relabelling(a, b):
    if not np.array_equal(a > 0, b > 0):
        return False
    pairs = np.unique(np.stack([a[a > 0], b[b > 0]]), axis=1)
    return pairs.shape[1] == len(np.unique(a[a > 0])) == len(np.unique(b[b > 0]))


@pytest.fixture(scope="module")
def predictions():
    """StarDist-like and U-Net-like maps made from simulated ground truth (a quarter of cells missed)."""
    movie = simulate_tissue(n_frames=1, shape=(12, 160, 160), n_cells=110, seed=11)
    truth = movie.labels[0].astype(np.int32)
    rng = np.random.default_rng(0)
    interior = (truth > 0) & ~membrane_voxels(truth)
    depth = ndi.distance_transform_edt(interior, sampling=movie.calibration)
    probability = (ndi.gaussian_filter(depth, 1.0) / depth.max() + rng.uniform(0, 1e-4, truth.shape))
    star = np.where(ndi.binary_erosion(interior), truth, 0)
    missed = rng.choice(np.unique(truth)[1:], 20, replace=False)
    star[np.isin(star, missed)] = 0
    unet = ndi.gaussian_filter(interior.astype(np.float32), 0.6)
    return {"star": star, "probability": probability.astype(np.float32), "unet": unet}


def _segment(crops):
    result = segment_from_predictions(crops["star"], crops["probability"], crops["unet"], unet_threshold=0.5)
    return {"labels": result.labels, "probability": crops["probability"]}


def test_blocks_partition_the_volume():
    shape = (7, 50, 33)
    count = np.zeros(shape, int)
    for outer, core in block_slices(shape, (4, 20, 20), (1, 5, 5)):
        count[core] += 1
        assert all(o.start <= c.start and o.stop >= c.stop for o, c in zip(outer, core))
    assert (count == 1).all()


def test_tiled_equals_untiled_up_to_relabelling(predictions):
    untiled = _segment(predictions)["labels"]
    tiled = segment_in_blocks(predictions, _segment, block_shape=(12, 80, 80), halo=(0, 40, 40))
    assert untiled.max() > 50
    assert _same_up_to_relabelling(untiled, tiled["labels"])
    np.testing.assert_array_equal(tiled["probability"], predictions["probability"])


def test_a_too_small_halo_is_reported(predictions, caplog):
    tiled = segment_in_blocks(predictions, _segment, block_shape=(12, 80, 80), halo=(0, 2, 2))
    assert "enlarge the halo" in caplog.text
    assert tiled["labels"].max() > 0


@pytest.mark.parametrize("block_shape, halo", [((0, 10, 10), (0, 1, 1)), ((4, 10), (0, 1, 1)),
                                               ((4, 10, 10), (0, -1, 1))])
def test_bad_block_parameters_are_rejected(block_shape, halo):
    with pytest.raises(ValueError, match="block_shape|halo"):
        block_slices((8, 20, 20), block_shape, halo)
