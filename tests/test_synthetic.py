"""The simulator: reproducible, CTC-consistent ground truth, connected cells, motion, divisions, enter/leave."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from volltrack.synthetic import read_man_track, simulate_tissue, write_movie_folder
from volltrack.synthetic.imaging import membrane_voxels


@pytest.fixture(scope="module")
def movie():
    return simulate_tissue(n_frames=8, shape=(16, 96, 96), n_cells=40, division_rate=0.08, seed=3)


def test_same_seed_gives_same_movie_and_other_seed_differs():
    kwargs = dict(n_frames=2, shape=(8, 48, 48), n_cells=12)
    a, b = simulate_tissue(seed=5, **kwargs), simulate_tissue(seed=5, **kwargs)
    c = simulate_tissue(seed=6, **kwargs)
    np.testing.assert_array_equal(a.raw, b.raw)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.labels, c.labels)


def test_arrays_follow_the_contract(movie):
    assert movie.raw.dtype == np.float32 and movie.raw.shape == (8, 16, 96, 96)
    assert movie.labels.dtype == np.uint16 and movie.labels.shape == movie.raw.shape
    np.testing.assert_array_equal(movie.tissue_mask, movie.labels > 0)
    assert movie.calibration == (2.0, 0.5, 0.5)
    assert 20 <= len(np.unique(movie.labels[0])) - 1 <= 80


def test_every_cell_is_one_connected_region(movie):
    for frame in movie.labels:
        for label, box in enumerate(ndi.find_objects(frame), start=1):
            if box is not None:
                assert ndi.label(frame[box] == label)[1] == 1, f"label {label} is fragmented"


def test_lineage_matches_the_label_movie(movie):
    table = movie.lineage.set_index("label")
    present = {t: set(np.unique(f)[1:].tolist()) for t, f in enumerate(movie.labels)}
    for label, row in table.iterrows():
        frames = [t for t, labels in present.items() if label in labels]
        assert frames == list(range(row.begin, row.end + 1)), f"label {label} not continuous in begin..end"
        if row.parent:
            assert table.loc[row.parent, "end"] == row.begin - 1
    assert set().union(*present.values()) == set(table.index)


def test_divisions_give_two_daughters_each(movie):
    daughters = movie.lineage[movie.lineage.parent > 0].groupby("parent").size()
    assert len(daughters) >= 3
    assert (daughters == 2).all()


def test_cells_enter_and_leave_the_tissue(movie):
    table = movie.lineage
    mothers = set(table.parent)
    entering = table[(table.begin > 0) & (table.parent == 0)]
    leaving = table[(table.end < len(movie.labels) - 1) & ~table.label.isin(mothers)]
    assert len(entering) > 0 and len(leaving) > 0


def test_cells_move_across_z():
    movie = simulate_tissue(n_frames=6, shape=(16, 64, 64), n_cells=20, division_rate=0.0, seed=1,
                            flow_um=(1.0, 0.0, 0.0), tissue_drift_um=(1.0, 0.0, 0.0))
    survivors = movie.lineage[(movie.lineage.begin == 0) & (movie.lineage.end == 5)].label.to_numpy()
    assert len(survivors) >= 5
    z_first = np.array(ndi.center_of_mass(movie.labels[0] > 0, movie.labels[0], survivors))[:, 0]
    z_last = np.array(ndi.center_of_mass(movie.labels[5] > 0, movie.labels[5], survivors))[:, 0]
    # 5 frames of 1 µm flow along Z with dz = 2 µm: about 2.5 slices.
    assert 1.5 < np.median(z_last - z_first) < 3.5


def test_membranes_are_brighter_than_cytoplasm_at_the_requested_snr():
    movie = simulate_tissue(n_frames=1, shape=(12, 64, 64), n_cells=15, snr=8.0, seed=2)
    labels, raw = movie.labels[0], movie.raw[0]
    membrane = membrane_voxels(labels)
    background = raw[labels == 0]
    contrast = (raw[membrane].mean() - background.mean()) / background.std()
    assert raw[membrane].mean() > raw[(labels > 0) & ~membrane].mean() + 3 * background.std() / 2
    assert contrast > 3


@pytest.mark.parametrize("kwargs, message", [
    (dict(shape=(64, 64)), "shape"),
    (dict(calibration=(2.0, 0.0, 0.5)), "calibration"),
    (dict(snr=0.0), "snr"),
    (dict(division_rate=1.5), "division_rate"),
    (dict(n_cells=0), "n_cells"),
])
def test_bad_parameters_are_rejected_with_the_parameter_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_tissue(**kwargs)


def test_write_movie_folder_round_trips(tmp_path):
    import tifffile

    movie = simulate_tissue(n_frames=2, shape=(8, 40, 40), n_cells=10, seed=4)
    write_movie_folder(movie, tmp_path)
    np.testing.assert_array_equal(tifffile.imread(tmp_path / "labels.tif"), movie.labels)
    np.testing.assert_array_equal(tifffile.imread(tmp_path / "raw.tif"), movie.raw)
    np.testing.assert_array_equal(tifffile.imread(tmp_path / "mask.tif") > 0, movie.tissue_mask)
    assert read_man_track(tmp_path / "man_track.txt").equals(movie.lineage)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_simulate_command_writes_the_files(tmp_path):
    from volltrack.cli import main

    assert main(["simulate", "--out", str(tmp_path), "--frames", "2", "--shape", "8,32,32", "--cells", "6"]) == 0
    assert {p.name for p in tmp_path.iterdir()} >= {"raw.tif", "labels.tif", "mask.tif", "man_track.txt"}
