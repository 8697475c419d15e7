"""The PyImageJ backend: which Fiji, settings split, clear errors without a Fiji, and (marked ``fiji``) a real
TrackMate run compared with the engine, where a Fiji is configured (VOLLTRACK_FIJI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from volltrack.tracking.fiji_backend import (ENV_VAR, VOLLTRACK_KEYS, FijiNotConfigured, resolve_fiji,
                                             split_settings, track_with_fiji)
from volltrack.tracking.settings import TrackerSettings


def _spots(rng: np.random.Generator, *, n_cells: int = 5, n_frames: int = 4) -> pd.DataFrame:
    start = rng.uniform(0, 100, size=(n_cells, 2))
    rows = [{"FRAME": t, "POSITION_X": x + 0.8 * t, "POSITION_Y": y, "POSITION_Z": 0.0, "RADIUS": 1.0,
             "QUALITY": 1.0} for t in range(n_frames) for x, y in start]
    return pd.DataFrame(rows)


def test_no_fiji_configured_is_a_clear_error(monkeypatch, rng):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(FijiNotConfigured, match="VOLLTRACK_FIJI"):
        resolve_fiji()
    from volltrack.tracking import track

    with pytest.raises(FijiNotConfigured, match="backend='engine'"):
        track(_spots(rng), backend="fiji", progress=False)


def test_fiji_given_as_folder_or_endpoint(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    fiji_app = tmp_path / "Fiji.app"
    (fiji_app / "jars").mkdir(parents=True)
    assert resolve_fiji(fiji_app) == str(fiji_app.resolve())
    monkeypatch.setenv(ENV_VAR, "sc.fiji:fiji:2.16.0")
    assert resolve_fiji() == "sc.fiji:fiji:2.16.0"
    with pytest.raises(ValueError, match="not a Fiji installation"):
        resolve_fiji(tmp_path)
    with pytest.raises(ValueError, match="expected an existing Fiji.app folder"):
        resolve_fiji(tmp_path / "missing" / "Fiji.app")


def test_settings_split_into_trackmate_and_volltrack_keys():
    settings = TrackerSettings.from_mapping({"LINKING_MAX_DISTANCE": 7.0, "MIN_TRACKLET_LENGTH": 3,
                                             "TISSUE_FILTER": True})
    lap, ours = split_settings(settings)
    assert set(lap) | set(ours) == set(settings.to_dict())
    assert not set(lap) & set(ours)
    assert set(ours) <= set(VOLLTRACK_KEYS)
    assert lap["LINKING_MAX_DISTANCE"] == 7.0 and "ALLOW_GAP_CLOSING" in lap
    assert ours == {"MIN_TRACKLET_LENGTH": 3, "PRUNE_MODE": "BRANCH", "TISSUE_FILTER": True,
                    "TISSUE_MIN_FRACTION": 0.5}


def test_bad_spots_are_rejected_before_any_fiji_starts(monkeypatch, rng):
    monkeypatch.setenv(ENV_VAR, "sc.fiji:fiji:2.16.0")
    spots = _spots(rng)
    spots.loc[2, "POSITION_X"] = np.nan
    with pytest.raises(ValueError, match="POSITION_X"):
        track_with_fiji(spots, None)
    with pytest.raises(ValueError, match="unknown tracker settings key"):
        track_with_fiji(_spots(rng), {"NOT_A_KEY": 1})


_COMPARE = """
import json, sys
import numpy as np, pandas as pd
from volltrack.tracking import track
spots = pd.DataFrame(json.loads(sys.argv[1]))
settings = {"LINKING_MAX_DISTANCE": 5.0, "ALLOW_GAP_CLOSING": False}
tracks = track(spots, settings, backend=sys.argv[2], progress=False)
where = {int(r.ID): [int(r.FRAME), round(float(r.POSITION_X), 6), round(float(r.POSITION_Y), 6)]
         for r in tracks.spots.itertuples()}
print(json.dumps(sorted([where[int(s)], where[int(t)]] for s, t in tracks.edge_set())))
"""


@pytest.mark.fiji
def test_trackmate_in_fiji_links_as_the_engine(rng):
    if not os.environ.get(ENV_VAR):
        pytest.skip(f"no Fiji configured: set {ENV_VAR} to a Fiji.app folder (with TrackMate) to run this test")
    spots = _spots(rng)
    results = {}
    for backend in ("engine", "fiji"):
        proc = subprocess.run([sys.executable, "-c", _COMPARE, spots.to_json(orient="records"), backend],
                              capture_output=True, text=True, timeout=600, env=os.environ.copy())
        assert proc.returncode == 0, proc.stderr[-2000:]
        results[backend] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(results["engine"]) == 15
    assert results["fiji"] == results["engine"], "TrackMate and the engine must make the same links"
