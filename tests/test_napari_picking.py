"""Which spot a viewer click means (volltrack.napari.picking): labels first, nearest spot otherwise."""

from __future__ import annotations

import pandas as pd
import pytest

from volltrack.napari.picking import lineage_pick, pick_spot


@pytest.fixture
def spots():
    """Three cells of frame 2 (labels 5, 7, 1) and one of frame 1; radius 2 (physical z, y, x)."""
    return pd.DataFrame({"FRAME": [2, 2, 2, 1], "LABEL": [5, 7, 1, 9], "RADIUS": [2.0] * 4,
                         "POSITION_Z": [0.0, 0.0, 0.0, 0.0], "POSITION_Y": [0.0, 0.0, 50.0, 20.0],
                         "POSITION_X": [0.0, 3.0, 50.0, 20.0]}, index=[10, 11, 12, 13])


def test_the_label_under_the_click_beats_a_nearer_centre(spots):
    click = (0.0, 0.0, 2.0)  # inside cell 5 near its border: cell 7's centre is nearer
    assert pick_spot(spots, 2, click) == 11
    assert pick_spot(spots, 2, click, labels=[5]) == 10
    # a mask's label 1 names a cell far from the click: ignored, the cell labels still win
    assert pick_spot(spots, 2, click, labels=[1, 5]) == 10
    assert pick_spot(spots, 2, click, labels=[1]) == 11


def test_nearest_spot_in_the_frame_then_the_track_tails(spots):
    assert pick_spot(spots, 2, (0.0, 25.0, 25.0)) is None  # between cells: nothing
    assert pick_spot(spots, 2, (0.0, 20.5, 20.0)) == 13  # an earlier frame's point (drawn tail)
    assert pick_spot(spots, 1, (0.0, 0.0, 0.0)) is None  # frame 1 has only the cell at (20, 20); no earlier frame
    assert pick_spot(spots, 1, (0.0, 19.0, 21.0)) == 13
    assert pick_spot(spots.iloc[:0], 2, (0.0, 0.0, 0.0)) is None


def test_3d_clicks_use_the_distance_to_the_viewing_ray(spots):
    far_along_z = (-100.0, 50.0, 50.5)
    assert pick_spot(spots, 2, far_along_z) is None  # as a point it is far from everything
    assert pick_spot(spots, 2, far_along_z, direction=(1.0, 0.0, 0.0)) == 12
    assert pick_spot(spots, 2, far_along_z, direction=(0.0, 1.0, 0.0)) is None


def test_lineage_click_names_the_branch_and_its_nearest_frame():
    from types import SimpleNamespace

    # tracklet 1 (frames 0-2) divides into 2 and 3 (frames 3-5); times = frames x 2 s
    rows = []
    for tracklet, frames in ((1, range(3)), (2, range(3, 6)), (3, range(3, 6))):
        rows += [{"TRACKLET_ID": tracklet, "FRAME": f, "TIME": 2.0 * f} for f in frames]
    table = pd.DataFrame(rows)
    tracklets = pd.DataFrame({"PARENT_IDS": [(), (1,), (1,)]}, index=[1, 2, 3])
    analysis = SimpleNamespace(track_spots=lambda track: table, tracklets=tracklets)
    layout = {2: 0.0, 3: 1.0, 1: 0.5}
    assert lineage_pick(analysis, 0, 7.9, 0.9, layout) == (3, 4)
    assert lineage_pick(analysis, 0, 7.9, 0.1, layout) == (2, 4)
    assert lineage_pick(analysis, 0, 1.0, 0.1, layout) == (1, 0)  # before the division: the mother
    assert lineage_pick(analysis, 0, 4.6, 0.0, layout) == (2, 3)  # the fork at the division belongs to both
