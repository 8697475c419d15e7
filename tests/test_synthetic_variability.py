"""The simulator's variability knobs: the defaults reproduce the plain simulator, each knob changes what it should."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from scipy import ndimage as ndi

from volltrack.synthetic import simulate_tissue
from volltrack.synthetic.appearance import Appearance
from volltrack.synthetic.imaging import membrane_voxels, photons_for_snr, render

SMALL = dict(n_frames=1, shape=(12, 64, 64), n_cells=15, seed=2)
OFFSET = 100.0


def _sha(array) -> str:
    return hashlib.sha256(array.tobytes()).hexdigest()[:16]


def test_defaults_reproduce_the_simulator_before_the_knobs():
    """Hashes of the output of the simulator at commit 9f9711c (before the knobs), for this call."""
    movie = simulate_tissue(n_frames=2, shape=(10, 48, 48), n_cells=12, seed=5)
    assert (_sha(movie.raw), _sha(movie.labels)) == ("e80e1254ec06f4d8", "3d18a6b87e60f524")
    same = simulate_tissue(n_frames=2, shape=(10, 48, 48), n_cells=12, seed=5, appearance=Appearance(),
                           tissue_fraction=1.0)
    assert np.array_equal(same.raw, movie.raw)


def _membrane_and_interior(labels):
    membrane = membrane_voxels(labels)
    return membrane, (labels > 0) & ~membrane


def _cell_count(labels) -> int:
    return len(np.unique(labels)) - 1


def test_cell_size_sets_how_many_cells_fill_the_tissue():
    small = simulate_tissue(**{**SMALL, "cell_size_um": 4.0}).labels[0]
    large = simulate_tissue(**{**SMALL, "cell_size_um": 8.0}).labels[0]
    # 2x the diameter: about 8x fewer cells (tissue edges blur the ratio)
    assert _cell_count(small) > 4 * _cell_count(large)


def test_tissue_fraction_sets_how_much_of_the_field_the_tissue_fills():
    full = (simulate_tissue(**SMALL).labels[0] > 0).mean()
    half = (simulate_tissue(**{**SMALL, "tissue_fraction": 0.5}).labels[0] > 0).mean()
    assert half < 0.3 * full


@pytest.mark.parametrize("anisotropy", [1.0, 5.0])
def test_anisotropy_sets_the_z_voxel_size_and_the_cells_depth_in_voxels(anisotropy):
    movie = simulate_tissue(n_frames=1, shape=(24, 64, 64), cell_size_um=6.0, anisotropy=anisotropy, seed=1)
    assert movie.calibration == (0.5 * anisotropy, 0.5, 0.5)
    labels = movie.labels[0]
    boxes = [s for s in ndi.find_objects(labels) if s is not None]
    depth = np.median([b[0].stop - b[0].start for b in boxes])
    width = np.median([b[2].stop - b[2].start for b in boxes])
    # cells are round in µm, so in voxels their depth / width is about 1 / anisotropy (clipping at the
    # volume's Z faces makes them shallower at anisotropy 1)
    assert 0.4 / anisotropy < depth / width < 1.6 / anisotropy


def _contrast(movie) -> float:
    raw, labels = movie.raw[0], movie.labels[0]
    membrane, interior = _membrane_and_interior(labels)
    return (raw[membrane].mean() - raw[interior].mean()) / (raw[membrane].mean() - OFFSET)


def test_psf_blur_lowers_membrane_contrast():
    sharp = _contrast(simulate_tissue(**SMALL, snr=20.0, blur_um=(0.5, 0.15, 0.15)))
    blurred = _contrast(simulate_tissue(**SMALL, snr=20.0, blur_um=(3.0, 1.2, 1.2)))
    assert blurred < 0.6 * sharp


def test_intensity_inside_cells_follows_cytoplasm():
    dark = _contrast(simulate_tissue(**SMALL, snr=20.0, cytoplasm=0.05))
    bright = _contrast(simulate_tissue(**SMALL, snr=20.0, cytoplasm=0.6))
    assert bright < 0.6 * dark


def test_thicker_membranes_brighten_the_voxels_next_to_them():
    plain = _contrast(simulate_tissue(**SMALL, snr=20.0))
    thick = _contrast(simulate_tissue(**SMALL, snr=20.0, appearance=dict(membrane_thickness_um=3.0)))
    assert thick < 0.8 * plain


def _per_cell_membrane_means(movie):
    raw, labels = movie.raw[0], movie.labels[0]
    membrane = membrane_voxels(labels)
    ids = np.unique(labels[membrane])
    return np.asarray(ndi.mean(raw - OFFSET, np.where(membrane, labels, 0), ids))


def test_brightness_spread_varies_cells():
    def spread(movie):
        means = _per_cell_membrane_means(movie)
        return means.std() / means.mean()

    assert spread(simulate_tissue(**SMALL, snr=20.0, appearance=dict(brightness_spread=0.8))) > \
        1.5 * spread(simulate_tissue(**SMALL, snr=20.0))


def _measured_snr(snr: float) -> float:
    """Render one tissue twice with different noise: signal = mean membrane - offset, noise = std of the
    difference / sqrt(2) on membrane voxels (the simulator's definition)."""
    labels = simulate_tissue(**SMALL).labels[0].astype(np.int32)
    owner = np.unique(labels, return_inverse=True)[1].reshape(labels.shape)
    kwargs = dict(calibration=(2.0, 0.5, 0.5), blur_um=(1.0, 0.35, 0.35), snr=snr, read_noise=3.0, offset=OFFSET,
                  cytoplasm=0.15, texture=np.zeros(labels.shape, np.float32), attenuation_um=1e9)
    brightness = np.ones(owner.max())
    a = render(owner, brightness, rng=np.random.default_rng(0), **kwargs)
    b = render(owner, brightness, rng=np.random.default_rng(1), **kwargs)
    membrane = membrane_voxels(owner)
    return float((a[membrane].mean() - OFFSET) / ((a - b)[membrane].std() / np.sqrt(2)))


@pytest.mark.parametrize("snr", [2.0, 10.0])
def test_snr_is_measured_as_requested(snr):
    assert _measured_snr(snr) == pytest.approx(snr, rel=0.15)


def test_background_adds_uniform_photons_outside_the_tissue():
    kwargs = {**SMALL, "tissue_fraction": 0.5, "snr": 5.0}
    plain, lit = simulate_tissue(**kwargs), simulate_tissue(**kwargs, appearance=dict(background=0.4))
    outside = ndi.binary_erosion(plain.labels[0] == 0, iterations=4)
    added = lit.raw[0][outside].mean() - plain.raw[0][outside].mean()
    assert added == pytest.approx(0.4 * photons_for_snr(5.0, 3.0), rel=0.1)


def test_uneven_illumination_makes_one_side_brighter():
    def right_over_left(movie):
        raw, labels = movie.raw[0] - OFFSET, movie.labels[0]
        membrane = membrane_voxels(labels)
        third = labels.shape[2] // 3
        return raw[..., -third:][membrane[..., -third:]].mean() / raw[..., :third][membrane[..., :third]].mean()

    plain = right_over_left(simulate_tissue(**SMALL, snr=20.0))
    lit = right_over_left(simulate_tissue(**SMALL, snr=20.0, appearance=dict(illumination_gradient=0.8)))
    # illumination 0.6x..1.4x across X: the thirds' membranes differ by about (1 + 0.27) / (1 - 0.27)
    assert 1.4 < lit / plain < 2.0


def _stained_fraction(movie) -> float:
    raw, labels = movie.raw[0] - OFFSET, movie.labels[0]
    membrane, interior = _membrane_and_interior(labels)
    threshold = (np.median(raw[membrane]) + np.median(raw[interior])) / 2
    return float((raw[membrane] > threshold).mean())


def test_partial_membrane_labelling_leaves_membrane_unstained():
    plain = _stained_fraction(simulate_tissue(**SMALL, snr=30.0, cytoplasm=0.05))
    partial = _stained_fraction(simulate_tissue(**SMALL, snr=30.0, cytoplasm=0.05,
                                                appearance=dict(membrane_coverage=0.4)))
    assert partial < 0.7 * plain


def test_dim_regions_darken_part_of_the_tissue():
    def dim_cells(movie):
        means = _per_cell_membrane_means(movie)
        return float((means < 0.45 * np.median(means)).mean())

    assert dim_cells(simulate_tissue(**SMALL, snr=20.0)) < 0.1
    assert dim_cells(simulate_tissue(**SMALL, snr=20.0, appearance=dict(dim_fraction=0.35, dim_factor=0.15))) > 0.15


@pytest.mark.parametrize("kwargs, message", [
    (dict(appearance=dict(membrane_coverage=0.0)), "membrane_coverage"),
    (dict(appearance=dict(dim_fraction=1.0)), "dim_fraction"),
    (dict(appearance=dict(background=-1.0)), "background"),
    (dict(anisotropy=0.0), "anisotropy"),
    (dict(cell_size_um=-2.0), "cell_size_um"),
    (dict(tissue_fraction=0.0), "tissue_fraction"),
])
def test_bad_knobs_are_rejected_with_their_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_tissue(**SMALL, **kwargs)


@pytest.mark.parametrize("kwargs", [
    dict(snr=2.0), dict(blur_um=(2.5, 0.6, 0.6)), dict(cytoplasm=0.4),
    dict(appearance=dict(membrane_thickness_um=2.0)), dict(appearance=dict(brightness_spread=0.5)),
    dict(appearance=dict(membrane_coverage=0.6)), dict(appearance=dict(illumination_gradient=0.8)),
    dict(appearance=dict(dim_fraction=0.3)), dict(appearance=dict(background=0.5)),
])
def test_imaging_knobs_change_the_image_and_leave_the_cells_alone(kwargs):
    """The ground truth of a movie does not depend on how it is imaged: only the raw volume changes."""
    plain = simulate_tissue(**SMALL)
    knob = simulate_tissue(**SMALL, **kwargs)
    assert np.array_equal(plain.labels, knob.labels)
    assert not np.allclose(plain.raw, knob.raw)


def test_dim_factor_sets_how_dark_the_dim_regions_are():
    def darkest_tenth(factor):
        means = _per_cell_membrane_means(simulate_tissue(**SMALL, snr=20.0, appearance=dict(dim_fraction=0.3,
                                                                                         dim_factor=factor)))
        return float(np.quantile(means, 0.1) / np.median(means))

    assert darkest_tenth(0.1) < 0.7 * darkest_tenth(0.6)


def test_irregularity_makes_cell_faces_curved():
    """Polyhedral cells (irregularity 0) fill their convex hull; warped ones less so."""
    from skimage.measure import regionprops

    def solidity(irregularity):
        labels = simulate_tissue(n_frames=1, shape=(24, 64, 64), cell_size_um=7.0, anisotropy=1.0, seed=3,
                                 irregularity=irregularity).labels[0]
        return np.median([p.solidity for p in regionprops(labels) if p.area > 200])

    assert solidity(0.3) < solidity(0.0) - 0.03
