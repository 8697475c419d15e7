"""What VollSeg's seeds flood (``watershed_map``): StarDist's map, the U-Net's interiors, or the membrane image."""

from __future__ import annotations

import json

import numpy as np
import pytest
from stardist.matching import matching

from volltrack.segmentation import segment_from_predictions
from volltrack.segmentation.models import Models, read_watershed_map
from volltrack.segmentation.parameters import vollseg_options
from volltrack.segmentation.pipeline import default_watershed_map, watershed_landscape
from volltrack.training.unet_targets import cell_interiors


def _two_cells():
    """Two cells touching along X (the wall at x = 14|15), a bright membrane on their wall and outline."""
    truth = np.zeros((6, 16, 30), np.int32)
    truth[:, :, :15] = 1
    truth[:, :, 15:] = 2
    image = np.full(truth.shape, 0.1, np.float32)
    image[:, :, 14:16] = 1.0                       # the shared membrane
    stardist = np.zeros_like(truth)                # StarDist found both cells, small, off-centre
    stardist[2:4, 6:10, 3:7] = 1
    stardist[2:4, 6:10, 25:29] = 2
    # a StarDist probability that falls along X: flooded from high to low, cell 1 runs over the wall
    probability = np.broadcast_to(np.linspace(0.9, 0.2, truth.shape[2], dtype=np.float32), truth.shape).copy()
    return truth, image, stardist, probability


def test_membrane_map_puts_the_boundary_on_the_membrane():
    truth, image, stardist, probability = _two_cells()
    tissue = np.full(truth.shape, 0.9, np.float32)                         # a U-Net mask: all tissue
    options = dict(unet_threshold=0.5, min_size=1, min_size_mask=1)
    published = segment_from_predictions(stardist, probability, tissue, **options)
    assert matching(truth, published.labels, thresh=0.8).f1 < 1.0          # the wall is missed
    flooded = segment_from_predictions(stardist, probability, tissue, watershed_map="membrane", image=image,
                                       **options)
    assert matching(truth, flooded.labels, thresh=0.8).f1 == 1.0
    # the cells meet inside the membrane: each keeps its side of it
    assert set(np.unique(flooded.labels[:, :, :14])) == {int(flooded.labels[3, 8, 5])}
    assert set(np.unique(flooded.labels[:, :, 16:])) == {int(flooded.labels[3, 8, 27])}


def test_unet_map_floods_the_interiors_and_meets_on_the_rims():
    truth, _, stardist, probability = _two_cells()
    interiors = cell_interiors(truth, erosion=2).astype(np.float32) * 0.8 + 0.1   # an interior U-Net
    options = dict(unet_threshold=0.5, min_size=1, min_size_mask=1, mask_growth=2)
    flooded = segment_from_predictions(stardist, probability, interiors, watershed_map="unet", **options)
    assert flooded.seeds.n_stardist == 2 and not flooded.seeds.from_unet.any()
    assert matching(truth, flooded.labels, thresh=0.8).f1 == 1.0
    published = segment_from_predictions(stardist, probability, interiors, **options)
    assert matching(truth, published.labels, thresh=0.8).f1 < 1.0


def test_watershed_landscape_choices_and_errors():
    probability, distance = np.ones((2, 3, 3), np.float32), np.zeros((2, 3, 3), np.float32)
    assert watershed_landscape("stardist", probability=probability, distance=distance) is probability
    assert watershed_landscape("stardist", probability=probability, distance=distance,
                               use_probability=False) is distance
    image = np.zeros((2, 3, 3), np.float32)
    image[1, 1, 1] = 1
    membrane = watershed_landscape("membrane", probability=probability, image=image)
    assert membrane.shape == image.shape and membrane[1, 1, 1] == membrane.min()   # bright membrane = low ground
    with pytest.raises(ValueError, match="needs a U-Net"):
        watershed_landscape("unet", probability=probability, unet_probability=None)
    with pytest.raises(ValueError, match="needs the normalised image"):
        watershed_landscape("membrane", probability=probability)
    with pytest.raises(ValueError, match="stardist, unet, membrane"):
        watershed_landscape("gradient", probability=probability)
    assert vollseg_options({"watershed_map": "unet"}) == {"watershed_map": "unet"}
    with pytest.raises(ValueError, match="watershed_map"):
        vollseg_options({"watershed_map": "gradient"})


def test_recorded_watershed_map_is_the_default(tmp_path):
    assert read_watershed_map(tmp_path) is None                        # no thresholds.json
    (tmp_path / "thresholds.json").write_text(json.dumps({"prob": 0.5, "nms": 0.3}))
    assert read_watershed_map(tmp_path) is None                        # thresholds without a map: published
    (tmp_path / "thresholds.json").write_text(json.dumps({"prob": 0.5, "nms": 0.3, "watershed_map": "unet"}))
    assert read_watershed_map(tmp_path) == "unet"
    assert default_watershed_map(Models(unet=object(), watershed_map="unet")) == "unet"
    assert default_watershed_map(Models(unet=None, watershed_map="unet")) == "stardist"   # no U-Net to flood
    assert default_watershed_map(Models(watershed_map="membrane")) == "membrane"
    assert default_watershed_map(Models()) == "stardist"
    (tmp_path / "thresholds.json").write_text(json.dumps({"prob": 0.5, "watershed_map": "edges"}))
    with pytest.raises(ValueError, match="thresholds.json.*watershed_map"):
        read_watershed_map(tmp_path)


@pytest.mark.slow
def test_segment_command_records_the_watershed_map(tmp_path):
    from segmentation_models import tiny_models_folder
    from volltrack.cli import main
    from volltrack.io import write_image
    from volltrack.synthetic import simulate_tissue

    movie = simulate_tissue(n_frames=1, shape=(8, 40, 40), n_cells=8, seed=7)
    write_image(tmp_path / "volume.tif", movie.raw[0], axes="ZYX", calibration=movie.calibration)
    models = tiny_models_folder()
    for option, expected in (([], "stardist"), (["--watershed-map", "membrane"], "membrane")):
        out = tmp_path / f"out-{expected}"
        assert main(["segment", str(tmp_path / "volume.tif"), "--out", str(out), "--models", str(models),
                     "--prob-thresh", "0.3", *option]) == 0
        record = json.loads((out / "segment.json").read_text())
        assert record["status"] == "complete" and record["watershed_map"] == expected
        assert record["parameters"].get("watershed_map") == (option[1] if option else None)
