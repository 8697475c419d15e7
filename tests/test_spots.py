"""Tests of volltrack.spots: hand-computed features under anisotropic calibration, tissue features, CSV I/O."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from volltrack.spots import (SPOT_COLUMNS, compute_spots, read_legacy_csv, read_spots_csv,
                             signed_distance_to_boundary, write_spots_csv)

CALIBRATION = (2.0, 0.5, 0.25)  # dz, dy, dx


def _two_cell_movie():
    """Frame 0: a box (label 3) and an L-shaped cell (label 9); frame 1: empty; frame 2: the box moved."""
    labels = np.zeros((3, 4, 8, 10), np.uint16)
    labels[0, 1:3, 2:5, 3:6] = 3            # 2 x 3 x 3 = 18 voxels, centroid (z, y, x) = (1.5, 3, 4)
    labels[0, 0, 6, 0:3] = 9                # L shape: (0,6,0) (0,6,1) (0,6,2) (0,7,0)
    labels[0, 0, 7, 0] = 9
    labels[2, 2:4, 0:2, 7:10] = 3           # 2 x 2 x 3 = 12 voxels, centroid (2.5, 0.5, 8)
    return labels


def test_positions_and_volumes_equal_hand_computed_values_under_anisotropic_calibration():
    spots = compute_spots(_two_cell_movie(), calibration=CALIBRATION, frame_interval=5.0)
    assert list(spots.columns) == list(SPOT_COLUMNS)
    assert spots["FRAME"].tolist() == [0, 0, 2] and spots["LABEL"].tolist() == [3, 9, 3]
    voxel = 2.0 * 0.5 * 0.25
    box, ell, moved = spots.iloc[0], spots.iloc[1], spots.iloc[2]
    assert (box.POSITION_Z, box.POSITION_Y, box.POSITION_X) == pytest.approx((1.5 * 2.0, 3 * 0.5, 4 * 0.25))
    assert box.VOLUME == pytest.approx(18 * voxel) and box.QUALITY == 18
    assert box.RADIUS == pytest.approx((3 * 18 * voxel / (4 * np.pi)) ** (1 / 3))
    # L shape: z = 0; y = (6+6+6+7)/4 = 6.25; x = (0+1+2+0)/4 = 0.75
    assert (ell.POSITION_Z, ell.POSITION_Y, ell.POSITION_X) == pytest.approx((0.0, 6.25 * 0.5, 0.75 * 0.25))
    assert ell.VOLUME == pytest.approx(4 * voxel)
    assert (moved.POSITION_Z, moved.POSITION_Y, moved.POSITION_X) == pytest.approx((5.0, 0.25, 2.0))
    assert moved.POSITION_T == pytest.approx(10.0)
    assert spots.attrs["calibration"] == CALIBRATION and spots.attrs["n_frames"] == 3


def test_intensities_are_sums_and_means_over_each_cell(rng):
    labels = _two_cell_movie()
    raw = rng.random(labels.shape).astype(np.float32)
    spots = compute_spots(labels, raw=raw, calibration=CALIBRATION)
    expected_total = [raw[0][labels[0] == 3].sum(), raw[0][labels[0] == 9].sum(), raw[2][labels[2] == 3].sum()]
    np.testing.assert_allclose(spots["TOTAL_INTENSITY_CH1"], expected_total, rtol=1e-6)
    np.testing.assert_allclose(spots["MEAN_INTENSITY_CH1"], np.array(expected_total) / [18, 4, 12], rtol=1e-6)


def test_vectorised_features_match_scikit_image_regionprops(rng):
    from skimage.measure import label as connected, regionprops_table

    labels = connected(rng.random((6, 30, 30)) > 0.6).astype(np.int32) * 7  # sparse, large label values
    spots = compute_spots(labels, calibration=CALIBRATION)
    props = pd.DataFrame(regionprops_table(labels, properties=("label", "area", "centroid"), spacing=CALIBRATION))
    props = props.sort_values("label").reset_index(drop=True)
    np.testing.assert_array_equal(spots["LABEL"], props["label"])
    np.testing.assert_allclose(spots["VOLUME"], props["area"])
    np.testing.assert_allclose(spots[["POSITION_Z", "POSITION_Y", "POSITION_X"]],
                               props[["centroid-0", "centroid-1", "centroid-2"]])


def test_tissue_fraction_inside_flag_and_signed_distance():
    labels = _two_cell_movie()[:1]
    mask = np.zeros(labels.shape, bool)
    mask[0, :, :, :5] = True                   # x < 5 inside: the box has x = 3, 4 inside, x = 5 outside
    spots = compute_spots(labels, mask=mask, calibration=CALIBRATION)
    box, ell = spots.iloc[0], spots.iloc[1]
    assert box.TISSUE_FRACTION == pytest.approx(2 / 3) and ell.TISSUE_FRACTION == 1.0
    assert box.INSIDE_TISSUE == 1
    # box centroid voxel (z=2 after rounding 1.5 -> 2, y=3, x=4): nearest outside voxel centre x = 5 -> 0.25 µm
    assert box.DISTANCE_TO_BOUNDARY == pytest.approx(0.25)
    assert ell.DISTANCE_TO_BOUNDARY == pytest.approx((5 - 1) * 0.25)   # centroid x = 0.75 -> voxel 1
    outside = compute_spots(labels, mask=~mask, calibration=CALIBRATION)
    assert outside.iloc[0].INSIDE_TISSUE == 0 and outside.iloc[0].DISTANCE_TO_BOUNDARY == pytest.approx(-0.25)


def test_signed_distance_is_the_exact_anisotropic_euclidean_distance(rng):
    mask = np.zeros((5, 9, 9), bool)
    mask[1:4, 2:7, 3:8] = True
    mask[2, 4, 5] = False                       # a hole inside
    distance = signed_distance_to_boundary(mask, sampling=CALIBRATION)
    points = np.array(list(itertools.product(*map(range, mask.shape)))) * CALIBRATION
    inside = mask.ravel()
    for index in rng.choice(mask.size, size=40, replace=False):
        others = points[~inside] if inside[index] else points[inside]
        expected = np.min(np.linalg.norm(others - points[index], axis=1)) * (1 if inside[index] else -1)
        assert distance.ravel()[index] == pytest.approx(expected)


def test_tyx_mask_applies_to_every_z_slice():
    labels = _two_cell_movie()
    mask_2d = np.zeros((3, 8, 10), bool)
    mask_2d[:, 1:7, 2:9] = True
    from_2d = compute_spots(labels, mask=mask_2d, calibration=CALIBRATION)
    from_3d = compute_spots(labels, mask=np.broadcast_to(mask_2d[:, None], labels.shape), calibration=CALIBRATION)
    pd.testing.assert_frame_equal(from_2d, from_3d)


def test_single_time_point_and_zarr_input_give_the_same_table(tmp_path):
    import zarr

    labels = _two_cell_movie()
    store = zarr.open(str(tmp_path / "l.zarr"), mode="w", shape=labels.shape, chunks=(1, 4, 8, 10), dtype="u2")
    store[...] = labels
    pd.testing.assert_frame_equal(compute_spots(store, calibration=CALIBRATION),
                                  compute_spots(labels, calibration=CALIBRATION))
    single = compute_spots(labels[0], calibration=CALIBRATION)
    assert single["FRAME"].tolist() == [0, 0] and single.attrs["n_frames"] == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"labels": np.full((2, 3, 4, 5), 0.5, np.float32)}, "whole numbers"),
    ({"labels": np.zeros((2, 3, 4, 5), bool)}, "bool mask"),
    ({"labels": np.zeros((3, 4, 5), np.int8) - 1}, "negative"),
    ({"labels": np.zeros((4, 5), np.uint8)}, "TZYX or ZYX"),
    ({"labels": np.zeros((2, 3, 4, 5), np.uint8), "raw": np.zeros((2, 3, 4, 4))}, "raw has shape"),
    ({"labels": np.zeros((2, 3, 4, 5), np.uint8), "mask": np.zeros((2, 4, 4), bool)}, "expected TZYX"),
    ({"labels": np.zeros((2, 3, 4, 5), np.uint8), "calibration": (1, 1)}, "dz,dy,dx"),
])
def test_bad_inputs_are_refused_clearly(kwargs, message):
    labels = kwargs.pop("labels")
    with pytest.raises(ValueError, match=message):
        compute_spots(labels, **kwargs)


def test_empty_movie_gives_an_empty_table_with_every_column():
    spots = compute_spots(np.zeros((2, 3, 4, 5), np.uint8))
    assert spots.empty and list(spots.columns) == list(SPOT_COLUMNS) and spots.attrs["n_frames"] == 2


def test_csv_round_trip_keeps_values_dtypes_and_attrs(tmp_path, rng):
    labels = _two_cell_movie()
    spots = compute_spots(labels, raw=rng.random(labels.shape), mask=labels > 0, calibration=CALIBRATION,
                          frame_interval=5.0)
    path = tmp_path / "spots.csv"
    write_spots_csv(spots, path, parameters={"labels": "l.tif"})
    back = read_spots_csv(path)
    pd.testing.assert_frame_equal(back, spots, check_exact=False, rtol=1e-9)
    assert back.attrs["calibration"] == CALIBRATION and back.attrs["frame_interval"] == 5.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spots.csv", "spots.csv.json"]


@pytest.mark.parametrize("text, message", [
    ("POSITION_X,POSITION_Y\n1,2\n", "missing column\\(s\\) FRAME"),
    ("FRAME,POSITION_X,POSITION_Y\n0,1,2\n1,,2\n", "line 3: column POSITION_X is empty"),
    ("FRAME,POSITION_X,POSITION_Y\n-1,1,2\n", "line 2: FRAME must be an integer >= 0"),
    ("FRAME,POSITION_X,POSITION_Y\n0.5,1,2\n", "FRAME must be an integer >= 0"),
    ("FRAME,POSITION_X,POSITION_Y\n0,abc,2\n", "column POSITION_X: 'abc' is not a number"),
])
def test_bad_csv_names_file_column_and_line(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        read_spots_csv(path)
    assert "bad.csv" in str(info.value)


def test_minimal_csv_gets_documented_defaults(tmp_path):
    path = tmp_path / "min.csv"
    path.write_text("FRAME,POSITION_X,POSITION_Y,VOLUME\n0,1.5,2.5,4.18879\n2,1.0,2.0,4.18879\n")
    spots = read_spots_csv(path, frame_interval=3.0)
    assert spots["POSITION_Z"].tolist() == [0.0, 0.0] and spots["POSITION_T"].tolist() == [0.0, 6.0]
    np.testing.assert_allclose(spots["RADIUS"], 1.0, rtol=1e-5)
    assert spots["FRAME"].dtype == np.int64


def test_legacy_btrackmate_csv_is_calibrated(tmp_path):
    path = tmp_path / "FijibTMcheckpoint.csv"
    path.write_text("T,X,Y,Z,Label,Perimeter,Volume,Intensity,ExtentX,ExtentY,ExtentZ\n"
                    "0,10,20,3,5,12.5,100,100,4,5,2\n"
                    "1,11,21,3,5,12.5,100,100,4,5,2\n")
    spots = read_legacy_csv(path, calibration=(2.0, 0.5, 0.25), frame_interval=10.0)
    first = spots.iloc[0]
    assert (first.POSITION_X, first.POSITION_Y, first.POSITION_Z) == pytest.approx((2.5, 10.0, 6.0))
    assert first.VOLUME == pytest.approx(4 * 0.25 * 5 * 0.5 * 2 * 2.0) and first.QUALITY == 40
    assert spots["FRAME"].tolist() == [0, 1] and spots["POSITION_T"].tolist() == [0.0, 10.0]
    assert spots["LABEL"].tolist() == [5, 5]
    path.write_text("T,X,Y\n0,1,2\n")
    with pytest.raises(ValueError, match="needs 11 columns"):
        read_legacy_csv(path, calibration=(1, 1, 1))


def test_spots_command_writes_the_table_with_progress(tmp_path, capsys):
    from volltrack.cli import main
    from volltrack.io import write_image

    labels = _two_cell_movie()
    write_image(tmp_path / "labels.tif", labels, axes="TZYX", calibration=CALIBRATION, frame_interval=5.0)
    mask_tyx = np.zeros((3, 8, 10), np.uint8)
    mask_tyx[:, :, :5] = 1
    write_image(tmp_path / "mask.tif", mask_tyx, axes="TYX")
    write_image(tmp_path / "raw.tif", labels.astype(np.float32) * 2, axes="TZYX")
    out = tmp_path / "spots.csv"
    code = main(["spots", str(tmp_path / "labels.tif"), "--raw", str(tmp_path / "raw.tif"),
                 "--mask", str(tmp_path / "mask.tif"), "--out", str(out)])
    assert code == 0
    spots = read_spots_csv(out)
    expected = compute_spots(labels, raw=labels * 2.0, mask=mask_tyx.astype(bool), calibration=CALIBRATION,
                             frame_interval=5.0)
    pd.testing.assert_frame_equal(spots, expected, check_exact=False)
    assert "3 spots in 3 frames" in capsys.readouterr().out


def test_spots_command_calibration_override_and_clear_errors(tmp_path, capsys):
    from volltrack.cli import main

    np.save(tmp_path / "labels.npy", _two_cell_movie())
    out = tmp_path / "s.csv"
    assert main(["spots", str(tmp_path / "labels.npy"), "--calibration", "2,0.5,0.25", "--dt", "5",
                 "--out", str(out), "--no-progress"]) == 0
    assert read_spots_csv(out)["POSITION_Z"].iloc[0] == pytest.approx(3.0)
    assert main(["spots", str(tmp_path / "labels.npy"), "--axes", "TZY", "--out", str(out)]) == 1
    assert "has 3 letters" in capsys.readouterr().err
    assert main(["spots", str(tmp_path / "labels.npy"), "--calibration", "1,2", "--out", str(out)]) == 1
    assert "--calibration" in capsys.readouterr().err
    assert main(["spots", str(tmp_path / "missing.tif"), "--out", str(out)]) == 1


def test_single_slice_labels_are_2d_with_area_and_disc_radius():
    labels = np.zeros((1, 1, 6, 6), np.uint8)
    labels[0, 0, 1:3, 1:4] = 2                  # 6 pixels
    spots = compute_spots(labels, calibration=(5.0, 0.5, 0.5))
    assert spots["VOLUME"].iloc[0] == pytest.approx(6 * 0.25)
    assert spots["RADIUS"].iloc[0] == pytest.approx(np.sqrt(6 * 0.25 / np.pi))
    assert spots["POSITION_Z"].iloc[0] == 0.0


def test_centroid_voxel_rounds_half_up_like_the_engine():
    labels = np.zeros((1, 4, 4, 6), np.uint8)
    labels[0, 1, 1, 2:4] = 1                    # centroid x = 2.5 -> voxel 3
    mask = np.zeros(labels.shape, bool)
    mask[..., 3:] = True
    spots = compute_spots(labels, mask=mask)
    assert spots["INSIDE_TISSUE"].iloc[0] == 1 and spots["TISSUE_FRACTION"].iloc[0] == 0.5


def test_distance_matches_the_full_signed_field_for_cells_inside_and_outside(rng):
    from skimage.measure import label as connected

    labels = connected(rng.random((1, 6, 24, 24)) > 0.7).astype(np.int32)
    mask = np.zeros(labels.shape, bool)
    mask[0, :, 4:18, 3:20] = True
    spots = compute_spots(labels, mask=mask, calibration=CALIBRATION)
    field = signed_distance_to_boundary(mask[0], sampling=CALIBRATION)
    voxels = np.floor(spots[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy() / CALIBRATION + 0.5).astype(int)
    expected = field[tuple(voxels.T)]
    assert 0 < spots["INSIDE_TISSUE"].sum() < len(spots)
    np.testing.assert_allclose(spots["DISTANCE_TO_BOUNDARY"], expected)
    assert ((spots["DISTANCE_TO_BOUNDARY"] > 0) == (spots["INSIDE_TISSUE"] == 1)).all()


@pytest.mark.parametrize("sampling", [(2.0, 0.5, 0.25), (1.3, 0.7, 0.3)])
def test_distance_at_the_spots_equals_the_distance_transforms_of_the_frame(rng, sampling):
    # the spot table reads DISTANCE_TO_BOUNDARY from KD-trees over the boundary shells, not from whole-frame
    # transforms: same values, 3D and 2D (YX) masks, points inside and outside, ragged masks with holes
    from scipy import ndimage

    from volltrack.spots.tissue import _distance_at

    for trial in range(6):
        shape = tuple(int(n) for n in rng.integers(4, 24, 3))
        mask = ndimage.binary_opening(rng.random(shape) < 0.6) if trial % 2 else rng.random(shape) < 0.5
        points = tuple(rng.integers(0, n, 40) for n in shape)
        for frame, where, scale in ((mask, points, sampling), (mask[0], points[1:], sampling[1:])):
            if frame.all() or not frame.any():
                continue
            expected = signed_distance_to_boundary(frame, sampling=scale)[where]
            found = _distance_at(frame, where, frame[where], scale)
            np.testing.assert_allclose(found, expected, rtol=0, atol=1e-12)


def test_spots_command_gives_the_same_table_for_every_stored_form_of_a_mask(tmp_path):
    """io.read_tissue_mask is the one reader: TYX, TZYX with one Z and the full TZYX mask give the same spots."""
    import tifffile

    from volltrack.cli import main

    labels = _two_cell_movie()
    tissue = np.zeros(labels.shape[:1] + labels.shape[2:], np.uint8)
    tissue[:, 1:7, 2:6] = 1
    tifffile.imwrite(tmp_path / "labels.tif", labels, imagej=True, metadata={"axes": "TZYX"})
    forms = {"tyx": (tissue, "TYX"), "tzyx1": (tissue[:, None], "TZYX"),
             "tzyx": (np.repeat(tissue[:, None], labels.shape[1], axis=1), "TZYX")}
    tables = {}
    for name, (array, axes) in forms.items():
        tifffile.imwrite(tmp_path / f"{name}.tif", array, imagej=True, metadata={"axes": axes})
        out = tmp_path / f"{name}.csv"
        assert main(["spots", str(tmp_path / "labels.tif"), "--mask", str(tmp_path / f"{name}.tif"),
                     "--out", str(out), "--no-progress"]) == 0
        tables[name] = out.read_bytes()
    assert tables["tyx"] == tables["tzyx1"] and 0 < pd.read_csv(tmp_path / "tyx.csv")["INSIDE_TISSUE"].sum()
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "tyx.csv"), pd.read_csv(tmp_path / "tzyx.csv"))


def test_a_legacy_csv_without_header_keeps_its_first_spot(tmp_path):
    """Issue 14: the first line is the header only when it does not start with a number (the jar reads it alike)."""
    path = tmp_path / "no_header.csv"
    path.write_text("0,10,20,3,5,12.5,100,100,4,5,2\n1,11,21,3,5,12.5,100,100,4,5,2\n")
    spots = read_legacy_csv(path, calibration=(1.0, 1.0, 1.0))
    assert spots["FRAME"].tolist() == [0, 1] and spots["POSITION_X"].tolist() == [10.0, 11.0]
