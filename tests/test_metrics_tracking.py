"""CTC export/import and TRA/DET/LNK/SEG on a hand-made ground truth/result pair with a known AOGM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volltrack.metrics.tracking import (CTCData, check_ctc, evaluate_ctc, export_ctc, read_ctc, seg_score,
                                        tracks_to_ctc, write_ctc)

SHAPE = (4, 3, 16, 24)                 # T, Z, Y, X
CELL1, CELL2, CELL3, CELL4, EXTRA = (2, 2), (10, 2), (10, 8), (10, 14), (2, 16)


def _box(movie: np.ndarray, t: int, label: int, corner: tuple[int, int]) -> None:
    y, x = corner
    movie[t, 0:2, y:y + 4, x:x + 4] = label


def _ground_truth() -> CTCData:
    """Cell 1 lives frames 0-3; cell 2 (frames 0-1) divides into 3 and 4 (frames 2-3)."""
    labels = np.zeros(SHAPE, np.uint16)
    for t in range(4):
        _box(labels, t, 1, CELL1)
    for t in (0, 1):
        _box(labels, t, 2, CELL2)
    for t in (2, 3):
        _box(labels, t, 3, CELL3)
        _box(labels, t, 4, CELL4)
    lineage = pd.DataFrame({"label": [1, 2, 3, 4], "begin": [0, 0, 2, 2], "end": [3, 1, 3, 3],
                            "parent": [0, 0, 2, 2]})
    return CTCData(labels, lineage)


def _result_tracks():
    """A segmentation with per-frame labels and a track graph with known errors.

    Errors against the ground truth: cell 1 is missed in frame 2 (1 FN node, 2 FN edges) and bridged by
    a gap link (1 FP edge); the division of cell 2 is missed (the link to cell 3 is a WS edge, the
    one to cell 4 a FN edge); one extra object in frame 0 (1 FP node).
    AOGM = 10*1 + 1.5*3 + 1*1 + 1*1 + 1*1 = 17.5.
    """
    labels = np.zeros(SHAPE, np.uint16)
    rows = []   # (ID, FRAME, LABEL, corner)
    layout = {0: [(5, CELL1), (7, CELL2), (9, EXTRA)], 1: [(1, CELL1), (2, CELL2)],
              2: [(3, CELL3), (4, CELL4)], 3: [(1, CELL1), (2, CELL3), (6, CELL4)]}
    for t, objects in layout.items():
        for label, corner in objects:
            _box(labels, t, label, corner)
            rows.append((100 + len(rows), t, label, corner))
    spots = pd.DataFrame([r[:3] for r in rows], columns=["ID", "FRAME", "LABEL"])
    spot_id = {(t, corner): sid for sid, t, _, corner in rows}
    links = [((0, CELL1), (1, CELL1)), ((1, CELL1), (3, CELL1)), ((0, CELL2), (1, CELL2)),
             ((1, CELL2), (2, CELL3)), ((2, CELL3), (3, CELL3)), ((2, CELL4), (3, CELL4))]
    edges = pd.DataFrame({"SPOT_SOURCE_ID": [spot_id[a] for a, _ in links],
                          "SPOT_TARGET_ID": [spot_id[b] for _, b in links],
                          "LINK_COST": np.arange(len(links), dtype=float) + 1})
    return labels, spots, edges


def test_tracks_to_ctc_splits_gaps_and_keeps_continuity():
    labels, spots, edges = _result_tracks()
    data = tracks_to_ctc(labels, spots=spots, edges=edges)
    check_ctc(data.labels, data.lineage)
    lineage = data.lineage.set_index("label")
    assert len(lineage) == 5
    cell1_early = data.labels[0, 0, CELL1[0], CELL1[1]]
    cell1_late = data.labels[3, 0, CELL1[0], CELL1[1]]
    assert cell1_early != cell1_late
    assert lineage.loc[cell1_late, "parent"] == cell1_early
    assert tuple(lineage.loc[cell1_early, ["begin", "end"]]) == (0, 1)
    cell2 = data.labels[0, 0, CELL2[0], CELL2[1]]
    assert data.labels[3, 0, CELL3[0], CELL3[1]] == cell2          # no division: one tracklet 0..3
    assert tuple(lineage.loc[cell2, ["begin", "end", "parent"]]) == (0, 3, 0)


def test_division_starts_two_daughters_with_parent():
    gt = _ground_truth()
    spots = pd.DataFrame({"ID": [0, 1, 2, 3, 4, 5], "FRAME": [0, 1, 2, 2, 3, 3], "LABEL": [2, 2, 3, 4, 3, 4]})
    edges = pd.DataFrame({"SPOT_SOURCE_ID": [0, 1, 1, 2, 3], "SPOT_TARGET_ID": [1, 2, 3, 4, 5]})
    labels = gt.labels.copy()
    labels[labels == 1] = 0
    data = tracks_to_ctc(labels, spots=spots, edges=edges)
    lineage = data.lineage.sort_values("label").reset_index(drop=True)
    assert lineage.to_dict("list") == {"label": [1, 2, 3], "begin": [0, 2, 2], "end": [1, 3, 3],
                                       "parent": [0, 1, 1]}


def test_visible_only_drops_invisible_spots_and_their_links():
    labels, spots, edges = _result_tracks()
    spots["VISIBILITY"] = 1
    spots.loc[spots["LABEL"] == 9, "VISIBILITY"] = 0           # the extra object of frame 0
    spots.loc[(spots["FRAME"] == 3) & (spots["LABEL"] == 6), "VISIBILITY"] = 0
    data = tracks_to_ctc(labels, spots=spots, edges=edges, visible_only=True)
    check_ctc(data.labels, data.lineage)
    assert data.labels[0, 0, EXTRA[0], EXTRA[1]] == 0 and data.labels[3, 0, CELL4[0], CELL4[1]] == 0
    assert len(data.lineage) == 4


def test_merge_keeps_the_cheapest_parent_only():
    labels = np.zeros((2, 1, 8, 8), np.uint16)
    labels[0, 0, 0:2, 0:2], labels[0, 0, 4:6, 0:2], labels[1, 0, 2:4, 0:2] = 1, 2, 1
    spots = pd.DataFrame({"ID": [10, 11, 12], "FRAME": [0, 0, 1], "LABEL": [1, 2, 1]})
    edges = pd.DataFrame({"SPOT_SOURCE_ID": [10, 11], "SPOT_TARGET_ID": [12, 12], "LINK_COST": [5.0, 1.0]})
    data = tracks_to_ctc(labels, spots=spots, edges=edges)
    check_ctc(data.labels, data.lineage)
    assert data.labels[1, 0, 2, 0] == data.labels[0, 0, 4, 0]       # continues the cheaper link
    other = data.lineage.set_index("label").loc[data.labels[0, 0, 0, 0]]
    assert (other["begin"], other["end"]) == (0, 0)


def test_export_then_read_round_trips(tmp_path):
    labels, spots, edges = _result_tracks()
    export_ctc(labels, tmp_path / "res", spots=spots, edges=edges)
    assert (tmp_path / "res" / "res_track.txt").is_file() and (tmp_path / "res" / "mask003.tif").is_file()
    back = read_ctc(tmp_path / "res")
    expected = tracks_to_ctc(labels, spots=spots, edges=edges)
    np.testing.assert_array_equal(back.labels, expected.labels)
    pd.testing.assert_frame_equal(back.lineage, expected.lineage, check_dtype=False)


def test_known_aogm_gives_tra_det_lnk_and_seg(tmp_path):
    write_ctc(_ground_truth(), tmp_path / "gt", kind="gt")
    labels, spots, edges = _result_tracks()
    export_ctc(labels, tmp_path / "res", spots=spots, edges=edges)
    scores = evaluate_ctc(tmp_path / "gt", tmp_path / "res")
    assert (scores["fn_nodes"], scores["fp_nodes"], scores["ns_nodes"]) == (1, 1, 0)
    assert (scores["fn_edges"], scores["fp_edges"], scores["ws_edges"]) == (3, 1, 1)
    assert scores["AOGM"] == pytest.approx(17.5)
    assert scores["TRA"] == pytest.approx(1 - 17.5 / (10 * 10 + 8 * 1.5))
    assert scores["DET"] == pytest.approx(1 - 11 / 100)
    assert scores["LNK"] == pytest.approx(1 - 6.5 / 12)
    assert scores["SEG"] == pytest.approx(9 / 10)


def test_perfect_result_scores_one(tmp_path):
    gt = _ground_truth()
    write_ctc(gt, tmp_path / "gt", kind="gt")
    write_ctc(gt, tmp_path / "res", kind="res")
    scores = evaluate_ctc(tmp_path / "gt", tmp_path / "res")
    assert scores["TRA"] == scores["DET"] == scores["LNK"] == scores["SEG"] == 1.0


def test_seg_score_jaccard_and_half_coverage_rule():
    gt = np.zeros((8, 8), np.uint16)
    gt[0:4, 0:4], gt[4:8, 4:8] = 1, 2
    result = np.zeros_like(gt)
    result[0:4, 0:3] = 7              # covers 12/16 of object 1 -> Jaccard 0.75
    result[4:6, 4:5] = 8              # covers 2/16 of object 2 -> not matched, 0
    total, count = seg_score(gt, result)
    assert count == 2 and total == pytest.approx(0.75)


def test_bad_inputs_give_clear_errors_and_write_nothing(tmp_path):
    labels, spots, edges = _result_tracks()
    wrong = spots.copy()
    wrong.loc[0, "LABEL"] = 42
    with pytest.raises(ValueError, match="LABEL is not in the label movie"):
        export_ctc(labels, tmp_path / "res", spots=wrong, edges=edges)
    assert not (tmp_path / "res").exists()
    with pytest.raises(ValueError, match="not in the spots table"):
        tracks_to_ctc(labels, spots=spots.iloc[1:], edges=edges)
    broken = _ground_truth()
    broken.lineage.loc[2, "end"] = 2
    with pytest.raises(ValueError, match="label continuity"):
        write_ctc(broken, tmp_path / "gt", kind="gt")
    with pytest.raises(FileNotFoundError, match="res_track.txt"):
        read_ctc(tmp_path)


def test_evaluate_command_prints_one_json_object(tmp_path, capsys):
    import json

    from volltrack.cli import main

    write_ctc(_ground_truth(), tmp_path / "gt", kind="gt")
    labels, spots, edges = _result_tracks()
    export_ctc(labels, tmp_path / "res", spots=spots, edges=edges)
    assert main(["evaluate", "--gt", str(tmp_path / "gt"), "--res", str(tmp_path / "res"), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["TRA"] == pytest.approx(1 - 17.5 / 112) and scores["SEG"] == pytest.approx(0.9)
    assert {"DET", "LNK"} <= set(scores)
    assert main(["evaluate", "--gt", str(tmp_path / "nope"), "--res", str(tmp_path / "res")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_bad_ctc_folders_are_one_line_errors_not_tracebacks(tmp_path, capsys):
    """qa findings 6 and 7: a text field in res_track.txt, a missing mask file or a file as --gt."""
    from volltrack.cli import main

    write_ctc(_ground_truth(), tmp_path / "gt", kind="gt")
    labels, spots, edges = _result_tracks()
    res = export_ctc(labels, tmp_path / "res", spots=spots, edges=edges)
    track_file = res / "res_track.txt"
    good = track_file.read_text()
    evaluate = ["evaluate", "--gt", str(tmp_path / "gt"), "--res", str(res)]

    lines = good.splitlines()
    lines[1] = "1 0 x 0"
    track_file.write_text("\n".join(lines) + "\n")
    assert main(evaluate) == 1
    assert f"{track_file} line 2: expected four integers L B E P, got '1 0 x 0'" in capsys.readouterr().err

    track_file.write_text(good)
    (res / "mask002.tif").unlink()
    assert main(evaluate) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{res}: track " in err and "mask002.tif is missing" in err, err

    assert main(["evaluate", "--gt", str(track_file), "--res", str(res)]) == 1
    assert f"CTC folder {track_file} is a file, not a folder" in capsys.readouterr().err


def test_evaluate_xml_with_a_label_movie_of_too_few_frames_names_both_files(tmp_path, capsys):
    """qa finding 8: 'spots: FRAME outside 0..0 of the label movie' named neither file nor shape."""
    from volltrack.cli import main
    from volltrack.io import write_image
    from volltrack.trackmate import write_xml

    write_ctc(_ground_truth(), tmp_path / "gt", kind="gt")
    labels, spots, edges = _result_tracks()
    spots = spots.assign(POSITION_X=1.0, POSITION_Y=1.0, POSITION_Z=1.0, RADIUS=1.0, QUALITY=1.0,
                         POSITION_T=spots["FRAME"].astype(float))
    xml = tmp_path / "tracks.xml"
    write_xml(xml, spots, edges, space_units="micron", time_units="sec")
    short = tmp_path / "short.tif"
    write_image(short, labels[:2], axes="TZYX")
    assert main(["evaluate", "--gt", str(tmp_path / "gt"), "--res", str(xml), "--labels", str(short)]) == 1
    err = capsys.readouterr().err
    assert f"--labels {short} has 2 frame(s) (shape (2, " in err and f"{xml} has spots in frames 0..3" in err, err
    flat = tmp_path / "flat.tif"
    write_image(flat, labels[0, 0], axes="YX")
    assert main(["evaluate", "--gt", str(tmp_path / "gt"), "--res", str(xml), "--labels", str(flat)]) == 1
    assert "flat.tif has axes YX" in capsys.readouterr().err
