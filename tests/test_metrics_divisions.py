"""Division metrics on a tiny CTC case whose scores are known by hand, and the fast identical-spots scorer."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from volltrack.metrics.divisions import score_links
from volltrack.metrics.tracking import CTCData, evaluate_ctc, write_ctc

SHAPE = (5, 2, 24, 48)                 # T, Z, Y, X
P = {name: (y, x) for name, (y, x) in {
    "A": (2, 2), "A1": (2, 10), "A2": (2, 18), "D": (10, 2), "D1": (10, 10), "D2": (10, 18), "Q": (10, 26),
    "G": (18, 2), "R": (18, 26)}.items()}


def _movie(tracks: dict[int, dict[int, str]]) -> np.ndarray:
    labels = np.zeros(SHAPE, np.uint16)
    for label, frames in tracks.items():
        for t, where in frames.items():
            y, x = P[where]
            labels[t, :, y:y + 4, x:x + 4] = label
    return labels


def _lineage(tracks: dict[int, dict[int, str]], parents: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"label": list(tracks), "begin": [min(f) for f in tracks.values()],
                         "end": [max(f) for f in tracks.values()],
                         "parent": [parents.get(label, 0) for label in tracks]})


def _case(tmp_path):
    """Ground truth: A divides after frame 1, D after frame 2, G never.

    Result: A's division is right; D divides one frame early (frame 2 holds D's daughter at D's place and an
    extra object Q); G divides falsely after frame 2 (extra object R).
    By hand: 2 true, 3 predicted divisions. Tolerance 0: TP 1, FP 2, FN 1, precision 1/3, recall 1/2,
    F1 0.4, MBC 1/(2+2). Tolerance 1: D's shifted division counts: TP 2, FP 1, FN 0, precision 2/3,
    recall 1, F1 0.8, MBC 2/(2+1).
    """
    gt = {1: {0: "A", 1: "A"}, 2: {2: "A1", 3: "A1", 4: "A1"}, 3: {2: "A2", 3: "A2", 4: "A2"},
          4: {0: "D", 1: "D", 2: "D"}, 5: {3: "D1", 4: "D1"}, 6: {3: "D2", 4: "D2"},
          7: {t: "G" for t in range(5)}}
    res = {1: {0: "A", 1: "A"}, 2: {2: "A1", 3: "A1", 4: "A1"}, 3: {2: "A2", 3: "A2", 4: "A2"},
           4: {0: "D", 1: "D"}, 5: {2: "D", 3: "D1", 4: "D1"}, 6: {2: "Q", 3: "D2", 4: "D2"},
           7: {0: "G", 1: "G", 2: "G"}, 8: {3: "G", 4: "G"}, 9: {3: "R", 4: "R"}}
    write_ctc(CTCData(_movie(gt), _lineage(gt, {2: 1, 3: 1, 5: 4, 6: 4})), tmp_path / "gt", kind="gt")
    write_ctc(CTCData(_movie(res), _lineage(res, {2: 1, 3: 1, 5: 4, 6: 4, 8: 7, 9: 7})), tmp_path / "res",
              kind="res")


def test_division_scores_of_a_hand_made_ctc_case(tmp_path):
    _case(tmp_path)
    scores = evaluate_ctc(tmp_path / "gt", tmp_path / "res")
    assert (scores["divisions_true"], scores["divisions_pred"]) == (2, 3)
    assert (scores["division_tp"], scores["division_fp"], scores["division_fn"]) == (1, 2, 1)
    assert scores["division_precision"] == pytest.approx(1 / 3)
    assert scores["division_recall"] == pytest.approx(1 / 2)
    assert scores["division_f1"] == pytest.approx(0.4)
    assert scores["mbc"] == pytest.approx(0.25)
    assert (scores["division_tp_tol1"], scores["division_fp_tol1"], scores["division_fn_tol1"]) == (2, 1, 0)
    assert scores["division_precision_tol1"] == pytest.approx(2 / 3)
    assert scores["division_recall_tol1"] == pytest.approx(1.0)
    assert scores["division_f1_tol1"] == pytest.approx(0.8)
    assert scores["mbc_tol1"] == pytest.approx(2 / 3)
    assert "TRA" in scores and all(isinstance(scores[k], (int, float)) for k in scores if k.startswith("div"))


def test_evaluate_command_prints_division_scores(tmp_path, capsys):
    from volltrack.cli import main

    _case(tmp_path)
    assert main(["evaluate", "--gt", str(tmp_path / "gt"), "--res", str(tmp_path / "res")]) == 0
    out = capsys.readouterr().out
    assert "division F1 0.400 (±1 frame 0.800)" in out
    assert "true 2, predicted 3" in out


def _random_lineage(rng: random.Random, n_frames: int = 8):
    """A random forest of tracks with divisions over spots 0..N-1 (frame of each spot, edges)."""
    frame_of, edges, next_id = {}, [], 0
    alive = []
    for _ in range(4):
        frame_of[next_id] = 0
        alive.append(next_id)
        next_id += 1
    for t in range(1, n_frames):
        new_alive = []
        for node in alive:
            for _ in range(2 if rng.random() < 0.2 else 1):
                frame_of[next_id] = t
                edges.append((node, next_id))
                new_alive.append(next_id)
                next_id += 1
        alive = new_alive
    return frame_of, edges


def _perturb(rng: random.Random, frame_of: dict, edges: list) -> list:
    """Move some links to another spot of the same frame, drop some, add some (random errors)."""
    by_frame = {}
    for node, t in frame_of.items():
        by_frame.setdefault(t, []).append(node)
    out = []
    for s, t in edges:
        r = rng.random()
        if r < 0.1:
            continue
        if r < 0.2:
            t = rng.choice(by_frame[frame_of[t]])
        out.append((s, t))
    for _ in range(3):
        t = rng.randrange(1, max(frame_of.values()) + 1)
        out.append((rng.choice(by_frame[t - 1]), rng.choice(by_frame[t])))
    return sorted(set(out))


@pytest.mark.parametrize("seed", range(6))
def test_fast_scorer_agrees_with_traccuracy_on_identical_spots(seed):
    import networkx as nx
    from traccuracy import TrackingGraph
    from traccuracy.matchers import Matched

    from volltrack.metrics.divisions import DIVISION_KEYS, division_metrics

    rng = random.Random(seed)
    frame_of, truth = _random_lineage(rng)
    pred = _perturb(rng, frame_of, truth)

    def graph(edges):
        g = nx.DiGraph()
        for node, t in frame_of.items():
            g.add_node(node, t=t, x=0.0, y=0.0)
        g.add_edges_from(edges)
        return TrackingGraph(g, location_keys=("x", "y"))

    matched = Matched(graph(truth), graph(pred), [(n, n) for n in frame_of], {"name": "identity"})
    expected = division_metrics(matched)
    got = score_links(truth, pred, frame_of)
    for key in (k for k in DIVISION_KEYS if not k.endswith("_tol1")):   # tolerance rules differ in detail
        assert got[key] == pytest.approx(expected[key]) if expected[key] is not None else got[key] is None, key


def test_fast_scorer_finds_a_division_one_frame_early():
    # truth: 1 -> 2 -> {3, 4}; prediction: 1 -> {2, 5} -> 3 / 4 (the division one frame early)
    frame_of = {1: 0, 2: 1, 5: 1, 3: 2, 4: 2}
    truth = [(1, 2), (2, 3), (2, 4)]
    scores = score_links(truth, [(1, 2), (1, 5), (2, 3), (5, 4)], frame_of)
    assert (scores["division_tp"], scores["division_fp"], scores["division_fn"]) == (0, 1, 1)
    assert (scores["division_tp_tol1"], scores["division_fp_tol1"], scores["division_fn_tol1"]) == (1, 0, 0)
    assert scores["division_f1_tol1"] == 1.0 and scores["division_f1"] == 0.0


def test_fast_scorer_links_and_tra():
    frame_of = {1: 0, 2: 1, 3: 2, 4: 2, 5: 1}
    truth = [(1, 2), (2, 3), (2, 4)]
    scores = score_links(truth, [(1, 2), (2, 3), (1, 5)], frame_of)
    assert scores["link_precision"] == pytest.approx(2 / 3) and scores["link_recall"] == pytest.approx(2 / 3)
    # AOGM: 1 FN edge 2->4 (1.5) + 1 FP edge 1->5 (1) + 2 shared edges whose division status differs, 1->2 (1
    # divides in the prediction only) and 2->3 (2 divides in the truth only): 2 -> 4.5;
    # AOGM0 = 10 * 4 nodes + 1.5 * 3 edges = 44.5
    assert scores["tra"] == pytest.approx(1 - 4.5 / 44.5)
    assert (scores["divisions_true"], scores["divisions_pred"], scores["division_tp"]) == (1, 1, 0)
