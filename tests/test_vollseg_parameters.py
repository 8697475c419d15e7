"""VollSegParameters: VollSeg's keyword parameters typed once; unknown keys refused (issue 20, item 2)."""

from __future__ import annotations

import inspect

import pytest

from volltrack.segmentation.parameters import VollSegParameters, vollseg_options


def test_the_options_keep_exactly_the_keys_that_were_set():
    given = {"n_tiles": [1, 2, 2], "denoise_first": False, "prob_thresh": 0.5, "nms": "exact", "min_size": 10,
             "block_shape": (8, 64, 64), "halo": (4, 64, 64), "unet_threshold": 0.5}
    options = vollseg_options(given)
    assert set(options) == set(given) and options["n_tiles"] == (1, 2, 2) and options["prob_thresh"] == 0.5
    assert vollseg_options(None) == {} and vollseg_options({}) == {}


@pytest.mark.parametrize("options, fragment", [
    ({"prob_tresh": 0.5}, "prob_tresh: Extra inputs are not permitted (known: n_tiles, "),
    ({"nms": "slow"}, "nms: Input should be 'fast' or 'exact'"),
    ({"n_tiles": (1, 2)}, "n_tiles"),
])
def test_unknown_keys_and_bad_values_are_refused_in_one_line(options, fragment):
    with pytest.raises(ValueError, match="^VollSeg parameters: ") as info:
        vollseg_options(options)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_segment_file_refuses_an_unknown_key_before_reading_anything(tmp_path):
    from volltrack.segmentation.batch import segment_file

    with pytest.raises(ValueError, match="min_sise"):
        segment_file(tmp_path / "absent.tif", tmp_path / "out", models=None, segment_options={"min_sise": 3})
    assert not (tmp_path / "out").exists()


def test_every_field_is_a_keyword_of_vollseg_or_its_post_processing():
    from volltrack.segmentation import pipeline

    accepted = set()
    for function in (pipeline.vollseg, pipeline.vollseg_in_blocks, pipeline.vollseg_from_predictions,
                     pipeline.segment_from_predictions):
        accepted |= set(inspect.signature(function).parameters)
    assert set(VollSegParameters.model_fields) <= accepted
