"""A spot table written to CSV frame by frame, in any order: the file of the whole table, never held whole."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from volltrack.spots import compute_spots, read_spots_csv, write_spots_csv
from volltrack.spots.spot_csv import SpotCsvWriter
from volltrack.spots.table import frame_spot_table
from volltrack.spots.tissue import inverted_mask_warning, inverted_mask_warning_from_counts


def _movie(n_frames=5):
    labels = np.zeros((n_frames, 3, 20, 20), np.uint16)
    for t in range(n_frames):
        if t == 2:
            continue                                   # a frame without cells
        for label in range(1, 4):
            labels[t, 1, 5 * label:5 * label + 3, 2 + t:5 + t] = label
    return labels


def test_frames_in_any_order_give_the_whole_table_file(tmp_path):
    labels = _movie()
    whole = compute_spots(labels, calibration=(2.0, 0.5, 0.5), frame_interval=3.0)
    whole.attrs.update(image="movie.tif", shape=[5, 3, 20, 20])
    write_spots_csv(whole, tmp_path / "whole.csv", parameters={"labels": "l.tif"})
    with SpotCsvWriter(tmp_path / "streamed.csv", len(labels)) as writer:
        for t in (3, 0, 4, 1, 2):
            writer.add(t, frame_spot_table(labels[t], t, calibration=(2.0, 0.5, 0.5), frame_interval=3.0))
            assert not (tmp_path / "streamed.csv").exists()        # appears only when complete
        writer.attrs, writer.parameters = dict(whole.attrs), {"labels": "l.tif"}
    assert (writer.n_spots, writer.frames_with_spots, writer.n_inside) == (len(whole), 4, len(whole))
    assert (tmp_path / "streamed.csv").read_text() == (tmp_path / "whole.csv").read_text()
    streamed_sidecar = json.loads((tmp_path / "streamed.csv.json").read_text())
    assert streamed_sidecar == json.loads((tmp_path / "whole.csv.json").read_text())
    pd.testing.assert_frame_equal(read_spots_csv(tmp_path / "streamed.csv"), read_spots_csv(tmp_path / "whole.csv"))


def test_a_missing_or_repeated_frame_writes_nothing(tmp_path):
    labels = _movie()
    table = frame_spot_table(labels[0], 0)
    with pytest.raises(ValueError, match=r"frames \[2, 4\] were never given; nothing written"):
        with SpotCsvWriter(tmp_path / "s.csv", 5) as writer:
            for t in (0, 1, 3):
                writer.add(t, frame_spot_table(labels[t], t))
    with pytest.raises(ValueError, match="frame 0 given twice"):
        with SpotCsvWriter(tmp_path / "s.csv", 5) as writer:
            writer.add(0, table)
            writer.add(0, table)
    assert sorted(p.name for p in tmp_path.iterdir()) == []          # no file, no temporary left


def test_the_inverted_mask_warning_from_counts_is_the_table_s():
    mask = np.ones((2, 3, 20, 20), bool)                               # covers the whole border: suspicious
    spots = pd.DataFrame({"INSIDE_TISSUE": [0] * 19 + [1]})
    expected = inverted_mask_warning(spots, mask, "mask.tif")
    assert expected is not None and "5% of 20 spots" in expected
    assert inverted_mask_warning_from_counts(20, 1, mask, "mask.tif") == expected
    assert inverted_mask_warning_from_counts(20, 19, mask, "mask.tif") is None


@pytest.mark.slow
def test_spots_command_on_a_cluster_writes_the_one_process_file(tmp_path, caplog):
    """``volltrack spots --cluster local:2`` (frames appended as their tasks finish) writes the same CSV and sidecar
    as one process, and warns about an inverted tissue mask the same way."""
    import tifffile

    from volltrack.cli import main

    labels = _movie(6)
    tifffile.imwrite(tmp_path / "labels.tif", labels, imagej=True, metadata={"axes": "TZYX"})
    inverted = np.ones(labels.shape, np.uint8)
    inverted[labels > 0] = 0                                            # tissue = 0 where the cells are
    tifffile.imwrite(tmp_path / "mask.tif", inverted, imagej=True, metadata={"axes": "TZYX"})
    common = ["--mask", str(tmp_path / "mask.tif"), "--no-progress"]
    assert main(["spots", str(tmp_path / "labels.tif"), "--out", str(tmp_path / "one.csv"), *common]) == 0
    one_warnings = [r.getMessage() for r in caplog.records if "inverted" in r.getMessage()]
    caplog.clear()
    assert main(["spots", str(tmp_path / "labels.tif"), "--out", str(tmp_path / "two.csv"), *common,
                 "--cluster", "local:2"]) == 0
    two_warnings = [r.getMessage() for r in caplog.records if "inverted" in r.getMessage()]
    assert len(one_warnings) == 1 and two_warnings == one_warnings
    assert (tmp_path / "two.csv").read_text() == (tmp_path / "one.csv").read_text()
    assert json.loads((tmp_path / "two.csv.json").read_text()) == json.loads((tmp_path / "one.csv.json").read_text())
    assert len(read_spots_csv(tmp_path / "two.csv")) == 15
