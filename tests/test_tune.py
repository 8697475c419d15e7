"""``volltrack tune`` on both truth kinds (a curated TrackMate XML, a CTC ground-truth folder), tiny inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from volltrack.cli import main
from volltrack.tracking.settings import TrackerSettings
from volltrack.tuning.truth import load_truth, parse_frames

XML = Path(__file__).parent / "data" / "trackmate" / "Celegans-5pc-17timepoints.xml"


def _ctc_ground_truth(folder: Path) -> Path:
    """Cell 1 (frames 0-2) divides into 2 and 3 (frames 3-5); cell 4 lives frames 0-5; 5 appears at frame 2."""
    from volltrack.metrics.tracking import CTCData, write_ctc

    labels = np.zeros((6, 2, 40, 60), np.uint16)
    for t in range(6):
        labels[t, :, 16:22, 4 + t:10 + t] = 4
        if t < 3:
            labels[t, :, 4:10, 28:34] = 1
        else:
            labels[t, :, 4:10, 20 - t:26 - t] = 2
            labels[t, :, 4:10, 34 + t:40 + t] = 3
        if t >= 2:
            labels[t, :, 28:34, 40:46] = 5
    lineage = pd.DataFrame({"label": [1, 2, 3, 4, 5], "begin": [0, 3, 3, 0, 2], "end": [2, 5, 5, 5, 5],
                            "parent": [0, 1, 1, 0, 0]})
    write_ctc(CTCData(labels, lineage), folder, kind="gt")
    return folder


def test_truth_from_trackmate_xml_and_frames():
    truth = load_truth(XML)
    assert len(truth.spots) == 87 and truth.n_divisions == 4
    part = load_truth(XML, frames=parse_frames("0:8"))
    assert part.spots["FRAME"].max() == 7 and len(part.edges) < len(truth.edges)
    assert all(part.frame_of[s] < part.frame_of[t] for s, t in part.edges)


def test_truth_from_ctc_folder(tmp_path):
    truth = load_truth(_ctc_ground_truth(tmp_path / "01_GT"))
    assert len(truth.spots) == 3 * 1 + 3 * 2 + 6 + 4
    # links: 2 (cell 1) + 2 + 2 (daughters) + 5 (cell 4) + 3 (cell 5) + 2 parent links
    assert len(truth.edges) == 16 and truth.n_divisions == 1


@pytest.mark.parametrize("bad, message", [("5", "A:B"), ("4:2", "A < B"), ("a:b", "integer")])
def test_bad_frames_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        parse_frames(bad)


def _check_outputs(out: Path, trials: int, tmp_path: Path, spots: pd.DataFrame) -> dict:
    from volltrack.pipeline.config import RunConfig
    from volltrack.spots import write_spots_csv

    settings = json.loads((out / "settings.json").read_text())
    assert RunConfig.from_yaml(out / "run.yaml").tracking == TrackerSettings.from_mapping(settings)
    table = pd.read_csv(out / "trials.csv")
    # the division cost fitted after the search and the shorter linking distances tried then, if any
    searched = table[~table["trial"].isin(["division fit", "shorter linking"])]
    assert len(searched) == trials + 1 and table["trial"].iloc[0] == "baseline"
    best = table["objective"].max()
    assert "tuned" in (out / "report.md").read_text() and (out / "objective.png").stat().st_size > 10_000
    csv = tmp_path / "spots.csv"
    write_spots_csv(spots, csv)
    assert main(["track", str(csv), "--settings", str(out / "settings.json"), "--out", str(tmp_path / "t.xml"),
                 "--no-progress"]) == 0
    return {"settings": settings, "best": best, "table": table}


def test_tune_on_a_curated_trackmate_xml(tmp_path, capsys):
    out = tmp_path / "tuned"
    assert main(["tune", str(XML), "--out", str(out), "--trials", "8", "--metric", "division_f1",
                 "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "TrackMate defaults: link F1" in printed and "division F1" in printed
    result = _check_outputs(out, 8, tmp_path, load_truth(XML).spots)
    baseline = result["table"]["objective"].iloc[0]
    assert result["best"] >= baseline
    assert set(result["table"]["TRACKING_MODE"].iloc[1:]) <= {"EXACT_LAP", "DIVISION_AWARE"}


def test_tune_on_a_ctc_ground_truth_folder(tmp_path):
    gt = _ctc_ground_truth(tmp_path / "01_GT")
    out = tmp_path / "tuned"
    assert main(["tune", str(gt), "--out", str(out), "--trials", "6", "--metric", "combined",
                 "--no-progress"]) == 0
    result = _check_outputs(out, 6, tmp_path, load_truth(gt).spots)
    from volltrack.tuning.search import score_settings

    scores = score_settings(load_truth(gt), result["settings"])
    assert scores["link_f1"] + 2 / 16 * scores["division_f1_tol1"] == pytest.approx(result["best"])


def test_tune_refuses_bad_truth(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    assert main(["tune", str(bad), "--out", str(tmp_path / "o")]) == 1
    assert "TrackMate .xml file or a Cell Tracking Challenge" in capsys.readouterr().err
    assert main(["tune", str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    assert "not a Cell Tracking Challenge ground-truth folder" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
