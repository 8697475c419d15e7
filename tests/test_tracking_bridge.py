"""volltrack.tracking.track: input validation, and the engine through the array bridge."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracking_jvm import jvm  # noqa: F401 -- session fixture
from volltrack.tracking import TrackerSettings, track


def moving_cells(rng: np.random.Generator, *, n_cells: int = 6, n_frames: int = 5) -> pd.DataFrame:
    """Cells on a coarse grid that drift a little each frame (links are unambiguous)."""
    rows = []
    start = np.stack(np.meshgrid(np.arange(n_cells) * 20.0, [0.0], indexing="ij"), -1).reshape(-1, 2)
    for t in range(n_frames):
        for cell, (x, y) in enumerate(start):
            dx, dy, dz = rng.normal(0, 0.5, 3)
            rows.append({"ID": len(rows), "FRAME": t, "POSITION_X": x + t * 2.0 + dx,
                         "POSITION_Y": y + 5.0 + dy, "POSITION_Z": 3.0 + dz, "RADIUS": 2.0,
                         "QUALITY": 100.0 + cell, "LABEL": cell + 1, "MEAN_INTENSITY_CH1": 10.0 * (cell + 1)})
    table = pd.DataFrame(rows)
    table.attrs.update(frame_interval=2.5, space_units="micron", time_units="sec")
    return table


def test_nan_position_is_a_clear_error(rng):
    spots = moving_cells(rng)
    spots.loc[3, "POSITION_Y"] = np.nan
    with pytest.raises(ValueError, match=r"POSITION_Y.*NaN.*rows \[3\]"):
        track(spots, progress=False)


def test_missing_column_and_bad_frame_are_clear_errors(rng):
    with pytest.raises(ValueError, match="missing column 'POSITION_X'"):
        track(moving_cells(rng).drop(columns="POSITION_X"), progress=False)
    spots = moving_cells(rng).astype({"FRAME": float})
    spots.loc[0, "FRAME"] = 1.5
    with pytest.raises(ValueError, match="FRAME"):
        track(spots, progress=False)
    spots = moving_cells(rng)
    spots.loc[1, "ID"] = spots.loc[0, "ID"]
    with pytest.raises(ValueError, match="duplicate spot IDs"):
        track(spots, progress=False)


def test_bad_settings_are_clear_errors(rng):
    with pytest.raises(ValueError, match="LINKING_MAX_DSTANCE"):
        track(moving_cells(rng), {"LINKING_MAX_DSTANCE": 5.0}, progress=False)
    with pytest.raises(ValueError, match="LINKING_MAX_DISTANCE"):
        track(moving_cells(rng), {"LINKING_MAX_DISTANCE": "abc"}, progress=False)
    with pytest.raises(ValueError, match="backend"):
        track(moving_cells(rng), backend="matlab", progress=False)


def test_track_command_rejects_bad_set_syntax(tmp_path, capsys):
    from volltrack.cli import main

    csv = tmp_path / "spots.csv"
    csv.write_text("FRAME,POSITION_X,POSITION_Y\n0,1,1\n")
    assert main(["track", str(csv), "--set", "LINKING_MAX_DISTANCE", "--out", str(tmp_path / "t.xml")]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err
    assert main(["track", str(csv), "--set", "NOPE=1", "--out", str(tmp_path / "t.xml")]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert not (tmp_path / "t.xml").exists()
