"""The broad family of training volumes (make_training_data --broad): knobs drawn per seed, in range."""

from __future__ import annotations

import numpy as np

from volltrack.models.demo.make_training_data import broad_settings
from volltrack.synthetic.appearance import Appearance


def test_broad_settings_are_reproducible_and_differ_between_seeds():
    assert broad_settings(7) == broad_settings(7)
    assert broad_settings(7) != broad_settings(8)


def test_broad_settings_cover_the_family_in_range():
    draws = [broad_settings(seed) for seed in range(200)]
    anisotropy = np.array([d["anisotropy"] for d in draws])
    snr = np.array([d["snr"] for d in draws])
    assert 1.0 <= anisotropy.min() < 1.5 and 4.5 < anisotropy.max() <= 5.0
    assert 2.0 <= snr.min() < 2.5 and 9.0 < snr.max() <= 10.0
    for d in draws:
        assert d["calibration"][0] == d["anisotropy"] * 0.5 and d["calibration"][1:] == (0.5, 0.5)
        assert 16 <= d["shape"][0] <= 48 and 5.0 <= d["cell_size_um"] <= 12.0
        Appearance(**d["appearance"])   # valid knobs
    # every appearance knob is on in some volumes and off in others
    for knob, off in [("membrane_thickness_um", None), ("brightness_spread", 0.0), ("membrane_coverage", 1.0),
                      ("illumination_gradient", 0.0), ("dim_fraction", 0.0), ("background", 0.0)]:
        on = np.mean([d["appearance"][knob] != off for d in draws])
        assert 0.3 < on < 0.7, knob
