"""The division cost fitted to annotated divisions (volltrack.tuning.division_fit) on small scenes whose
divisions are known: a cell dividing into two daughters on opposite sides, and beside it a cell that does not
divide while a new cell enters next to it (what the exact LAP takes for a division)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volltrack.tuning.truth import Truth

from tracking_jvm import jvm  # noqa: F401 -- session fixture


def _scenes(n: int, seed: int = 0) -> Truth:
    """``n`` dividing cells and ``n`` non-dividing cells each joined by an entering cell, 5 frames, spread out."""
    rng = np.random.default_rng(seed)
    rows, edges = [], []

    def add(frame, x, y, z, radius):
        rows.append({"ID": len(rows), "FRAME": frame, "POSITION_X": x, "POSITION_Y": y, "POSITION_Z": z,
                     "RADIUS": radius, "VOLUME": 4 / 3 * np.pi * radius**3})
        return len(rows) - 1

    for k in range(n):
        ox, oy = 100.0 * k, 0.0
        direction = rng.normal(size=3)
        direction /= np.linalg.norm(direction)
        mother = [add(f, ox + 0.5 * f, oy, 0.0, 5.0) for f in range(2)]
        edges.append((mother[0], mother[1]))
        split = 2 + rng.uniform(0, 0.5)
        daughters = [[add(f, ox + 0.5 + sign * (split + 0.3 * f) * direction[0],
                          oy + sign * (split + 0.3 * f) * direction[1], sign * (split + 0.3 * f) * direction[2],
                          5.0 / 2 ** (1 / 3)) for f in range(2, 5)] for sign in (-1, 1)]
        for track in daughters:
            edges.append((mother[1], track[0]))
            edges.extend(zip(track[:-1], track[1:]))
        # a cell that moves on, and a cell of another size entering 4 µm from it in frame 2
        oy = 50.0
        cell = [add(f, ox + 0.4 * f, oy, 0.0, 5.0) for f in range(5)]
        edges.extend(zip(cell[:-1], cell[1:]))
        new = [add(f, ox + 0.8 + 0.4 * f + 4.0, oy + 1.0, 0.0, 3.0) for f in range(2, 5)]
        edges.extend(zip(new[:-1], new[1:]))
    spots = pd.DataFrame(rows)
    return Truth(spots, np.array(edges, dtype=np.int64), "scenes")


def test_candidates_carry_the_division_terms_and_the_truths_label(jvm):
    from volltrack.tracking.settings import TrackerSettings
    from volltrack.tuning.division_fit import candidate_terms
    from volltrack.tuning.search import predicted_edges

    truth = _scenes(1)
    settings = TrackerSettings.from_mapping({"LINKING_MAX_DISTANCE": 3.0, "ALLOW_GAP_CLOSING": False})
    table = candidate_terms(truth, predicted_edges(truth, settings), splitting_distance=8.0)
    true = table[table["label"] == 1]
    assert len(true) == 1 and true["opposite"].iloc[0] < 0.05
    assert true["volume"].iloc[0] == pytest.approx(0.0, abs=1e-9)   # two halves of the mother's volume
    false = table[table["label"] == 0]
    assert len(false) >= 1 and (false["opposite"] > 0.5).all()   # the mother itself and its new neighbour
    assert (table["intensity"] == 0).all()   # no MEAN_INTENSITY_CH1


def test_fitted_cost_keeps_the_true_divisions_and_rejects_the_entering_cells(jvm):
    from volltrack.tuning.division_fit import fit_division_weights
    from volltrack.tuning.search import score_settings

    train, test = _scenes(6, seed=1), _scenes(6, seed=2)
    lap = {"LINKING_MAX_DISTANCE": 3.0, "ALLOW_GAP_CLOSING": False, "ALLOW_TRACK_SPLITTING": True,
           "SPLITTING_MAX_DISTANCE": 8.0}
    exact = score_settings(test, lap)
    assert exact["division_precision_tol1"] < 1.0   # the exact LAP takes entering cells for daughters
    fitted = fit_division_weights(train, lap)
    assert fitted is not None and fitted["TRACKING_MODE"] == "DIVISION_AWARE"
    assert fitted["ALLOW_TRACK_SPLITTING"] is False and fitted["DIVISION_MAX_COST"] > 0
    scores = score_settings(test, fitted)
    assert scores["division_f1_tol1"] == 1.0 and scores["divisions_pred"] == 6
    assert scores["link_f1"] >= exact["link_f1"]


def test_no_fit_without_divisions(jvm):
    from volltrack.tuning.division_fit import fit_division_weights

    truth = _scenes(2)
    dividing = {int(s) for s, c in zip(*np.unique(truth.edges[:, 0], return_counts=True)) if c > 1}
    plain = Truth(truth.spots, np.array([e for e in truth.edges.tolist() if e[0] not in dividing]), "plain")
    assert fit_division_weights(plain, {"LINKING_MAX_DISTANCE": 3.0, "SPLITTING_MAX_DISTANCE": 8.0}) is None


def test_the_boundary_term_marks_a_daughter_at_the_tissue_boundary(jvm):
    from volltrack.tracking.settings import TrackerSettings
    from volltrack.tuning.division_fit import candidate_terms
    from volltrack.tuning.search import SearchSpace, predicted_edges

    truth = _scenes(1)
    assert not SearchSpace.for_truth(truth).boundary   # no DISTANCE_TO_BOUNDARY: the term is not searched
    # the entering cells (radius 3) sit 0.5 µm inside the tissue's boundary, every other cell 30 µm deep
    truth.spots["DISTANCE_TO_BOUNDARY"] = np.where(truth.spots["RADIUS"] == 3.0, 0.5, 30.0)
    assert SearchSpace.for_truth(truth).boundary
    settings = TrackerSettings.from_mapping({"LINKING_MAX_DISTANCE": 3.0, "ALLOW_GAP_CLOSING": False})
    table = candidate_terms(truth, predicted_edges(truth, settings), splitting_distance=8.0)
    true = table[table["label"] == 1]
    assert true["boundary"].iloc[0] == pytest.approx(np.exp(-30.0 / 5.0))   # exp(-d / R_mother)
    entering = table[(table["label"] == 0) & (table["boundary"] > 0.5)]
    assert len(entering) >= 1 and entering["boundary"].max() == pytest.approx(np.exp(-0.5 / 5.0))
    truth.spots["DISTANCE_TO_BOUNDARY"] = np.nan   # a mask without boundary: no term
    assert (candidate_terms(truth, predicted_edges(truth, settings), splitting_distance=8.0)["boundary"] == 0).all()


def _segmentation_errors() -> Truth:
    """Three cells 100 µm apart, 5 frames: D divides (frame 1 -> 2) into daughters 3 µm either side whose volumes
    sum to 1.3 times the mother's; F is cut by the segmentation into two pieces (frames 2-4) summing to its
    volume; A and B (radius 4) are merged into one label in frame 1 (B's track ends in frame 0) and separated
    again, a little grown, from frame 2. The truth: D's division only."""
    rows, edges = [], []

    def track(points, radius):
        ids = []
        for frame, x, y in points:
            rows.append({"ID": len(rows), "FRAME": frame, "POSITION_X": x, "POSITION_Y": y, "POSITION_Z": 0.0,
                         "RADIUS": radius, "VOLUME": 4 / 3 * np.pi * radius**3})
            ids.append(len(rows) - 1)
        edges.extend(zip(ids[:-1], ids[1:]))
        return ids

    mother = track([(0, 0.0, 0.0), (1, 0.0, 0.0)], 5.0)
    for sign in (-1, 1):
        daughter = track([(f, sign * 3.0, 0.0) for f in range(2, 5)], 5.0 * 0.65 ** (1 / 3))
        edges.append((mother[-1], daughter[0]))
    cell = track([(0, 100.0, 0.0), (1, 100.0, 0.0)], 5.0)
    for sign in (-1, 1):
        piece = track([(f, 100.0 + sign * 3.0, 0.0) for f in range(2, 5)], 5.0 * 0.5 ** (1 / 3))
        if sign < 0:
            edges.append((cell[-1], piece[0]))
    a = track([(0, 200.0, -3.0)], 4.0)
    track([(0, 200.0, 3.0)], 4.0)
    merged = track([(1, 200.0, 0.0)], 5.0)
    edges.append((a[0], merged[0]))
    for sign in (-1, 1):
        later = track([(f, 200.0, sign * 3.0) for f in range(2, 5)], 4.5)
        if sign < 0:
            edges.append((merged[0], later[0]))
    return Truth(pd.DataFrame(rows), np.array(edges, dtype=np.int64), "segmentation errors")


def test_fragment_and_merge_terms_reject_segmentation_splits_and_keep_the_true_division(jvm):
    from volltrack.tracking import track
    from volltrack.tracking.settings import TrackerSettings
    from volltrack.tuning.division_fit import candidate_terms
    from volltrack.tuning.search import predicted_edges

    truth = _segmentation_errors()
    spots = truth.spots
    base = {"LINKING_MAX_DISTANCE": 4.0, "ALLOW_GAP_CLOSING": False, "SPLITTING_MAX_DISTANCE": 8.0,
            "TRACKING_MODE": "DIVISION_AWARE", "DIVISION_VOLUME_WEIGHT": 0.0}

    def mothers(settings):
        edges = track(spots, settings, progress=False).edges
        source = edges["SPOT_SOURCE_ID"].astype(int)
        counts = source.value_counts()
        return {float(spots.loc[i, "POSITION_X"]) for i in counts[counts > 1].index}

    assert mothers(base) == {0.0, 100.0, 200.0}, "the geometry alone takes all three splits for divisions"
    assert mothers(dict(base, DIVISION_FRAGMENT_WEIGHT=10.0, DIVISION_FRAGMENT_RATIO=1.3)) == {0.0, 200.0}
    assert mothers(dict(base, DIVISION_FRAGMENT_WEIGHT=10.0, DIVISION_FRAGMENT_RATIO=1.3,
                        DIVISION_MERGE_WEIGHT=1.0)) == {0.0}
    assert mothers(dict(base, DIVISION_MERGE_WEIGHT=1.0)) == {0.0, 100.0}
    assert mothers(dict(base, TRACKING_MODE="EXACT_LAP")) == set(), "exact LAP without splitting: no division"

    # the fit's candidate table carries the same terms
    links = predicted_edges(truth, TrackerSettings.from_mapping(dict(base, TRACKING_MODE="EXACT_LAP")))
    table = candidate_terms(truth, links, splitting_distance=8.0, fragment_ratio=1.3)
    x = spots.set_index("ID").loc[table["mother"], "POSITION_X"].to_numpy()
    by_x = {float(v): row for v, (_, row) in zip(x, table.iterrows())}
    assert by_x[0.0]["label"] == 1 and by_x[0.0]["fragment"] == pytest.approx(0.0)
    assert by_x[0.0]["merge"] == pytest.approx(0.0)
    assert by_x[100.0]["label"] == 0 and by_x[100.0]["fragment"] == pytest.approx(np.log(1.3) ** 2)
    assert by_x[200.0]["label"] == 0 and by_x[200.0]["merge"] == pytest.approx(np.exp(-3.0 / 5.0))
    assert by_x[200.0]["fragment"] == pytest.approx(0.0)


def test_tune_searches_the_segmentation_terms_only_when_asked(jvm):
    from volltrack.tuning.search import SearchSpace, tune_settings

    truth = _segmentation_errors()
    assert "DIVISION_MERGE_WEIGHT" not in SearchSpace.for_truth(truth).start
    assert SearchSpace.for_truth(truth, segmentation_terms=True).start["DIVISION_FRAGMENT_RATIO"] == 1.0

    def searched(**kwargs):
        result = tune_settings(truth, metric="division_f1", trials=8, modes=("DIVISION_AWARE",), progress=False,
                               **kwargs)
        return {row.get("DIVISION_MERGE_WEIGHT") for row in result.trials if row["trial"] != "baseline"}

    assert searched() == {0.0}
    assert len(searched(segmentation_terms=True)) > 1


def test_the_fit_stops_trying_cut_offs_once_its_deadline_has_passed(jvm):
    import time

    from volltrack.tuning.division_fit import COST_SCALES, fit_division_weights
    from volltrack.tuning.search import FIT_EVALUATIONS

    assert FIT_EVALUATIONS == len(COST_SCALES) + 2   # the budget the search leaves to the fit
    train = _scenes(6, seed=1)
    lap = {"LINKING_MAX_DISTANCE": 3.0, "ALLOW_GAP_CLOSING": False, "ALLOW_TRACK_SPLITTING": True,
           "SPLITTING_MAX_DISTANCE": 8.0}
    tried: list[float] = []

    def score(settings):
        tried.append(settings["DIVISION_MAX_COST"])
        return 1.0

    unbounded = fit_division_weights(train, lap, score=score)
    assert unbounded is not None and len(tried) == len(COST_SCALES)
    cutoff = unbounded["DIVISION_MAX_COST"] / min(COST_SCALES)   # all tie: the smallest scale wins, as before
    assert sorted(tried) == pytest.approx(sorted(s * cutoff for s in COST_SCALES))
    tried.clear()
    late = fit_division_weights(train, lap, score=score, deadline=time.perf_counter() - 1.0)
    assert late is not None and tried == [pytest.approx(cutoff)]   # only the fitted cut-off itself
    assert late["DIVISION_MAX_COST"] == pytest.approx(cutoff)


def test_the_search_leaves_the_division_fit_its_share_of_the_timeout():
    from volltrack.tuning.search import FIT_EVALUATIONS, _search_budget

    assert _search_budget(None, 5.0, 1.0, 1) is None
    assert _search_budget(100.0, 4.0, 1.0, 0) == pytest.approx(96.0)
    assert _search_budget(100.0, 4.0, 1.0, 1) == pytest.approx(96.0 - FIT_EVALUATIONS * 1.5)
    assert _search_budget(100.0, 4.0, 1.0, 3) == pytest.approx(96.0 - 3 * FIT_EVALUATIONS * 1.5)   # one per fit
    assert _search_budget(100.0, 4.0, 30.0, 1) == pytest.approx(46.0)   # at most half the budget kept back
    assert _search_budget(10.0, 12.0, 1.0, 1) == 0.0
    assert _search_budget(100.0, 4.0, 1.0, 1, 4) == pytest.approx(96.0 - (FIT_EVALUATIONS + 4) * 1.5)


def test_a_shorter_linking_distance_is_kept_while_the_objective_does_not_drop(jvm):
    from volltrack.tuning.search import LINKING_SHRINK, _shorter_linking
    from volltrack.tuning.scoring import objective_value, score_settings

    train = _scenes(6, seed=1)   # steps of 0.4-0.5, a daughter 2-2.8 from its mother
    settings = {"LINKING_MAX_DISTANCE": 10.0, "ALLOW_GAP_CLOSING": False, "ALLOW_TRACK_SPLITTING": True,
                "SPLITTING_MAX_DISTANCE": 8.0}
    scores = score_settings(train, settings)
    value = objective_value(scores, "combined")
    rows: list[dict] = []
    kept, kept_scores, kept_value = _shorter_linking(train, settings, scores, value, "combined", rows, None)
    assert kept_value >= value and kept_scores["link_f1"] >= scores["link_f1"]
    assert kept["LINKING_MAX_DISTANCE"] == pytest.approx(10.0 * LINKING_SHRINK[-1])   # 4 µm still links every step
    assert [r["trial"] for r in rows] == ["shorter linking"] * len(LINKING_SHRINK)
    # 0.55 is about the longest step: 0.44 loses links' steps: the objective drops at the first factor and nothing changes
    short = dict(settings, LINKING_MAX_DISTANCE=0.55)
    scores = score_settings(train, short)
    value = objective_value(scores, "combined")
    rows.clear()
    kept, _, kept_value = _shorter_linking(train, short, scores, value, "combined", rows, None)
    assert kept["LINKING_MAX_DISTANCE"] == 0.55 and kept_value == value and len(rows) == 1
    assert _shorter_linking(train, short, scores, value, "combined", rows, 0.0)[0] is short   # deadline passed


def test_the_fit_bases_are_the_best_trials_with_distinct_lap_settings():
    from volltrack.tuning.search import _fit_bases

    best = {"LINKING_MAX_DISTANCE": 5.0, "TRACKING_MODE": "DIVISION_AWARE", "DIVISION_MAX_COST": 1.0}
    same_lap = {"LINKING_MAX_DISTANCE": 5.0, "TRACKING_MODE": "EXACT_LAP", "ALLOW_TRACK_SPLITTING": True}
    trials = [(0.5, {"LINKING_MAX_DISTANCE": 9.0}), (1.0, best), (0.99, same_lap),
              (0.9, {"LINKING_MAX_DISTANCE": 6.0}), (0.9, {"LINKING_MAX_DISTANCE": 7.0})]
    bases = _fit_bases(best, trials, 3)
    # the best first, a trial differing only in mode, splitting flag or division weights skipped, ties in order
    assert [b["LINKING_MAX_DISTANCE"] for b in bases] == [5.0, 6.0, 7.0]
    assert _fit_bases(best, trials, 1) == [best] and _fit_bases(best, [], 3) == [best]


def test_tune_fits_the_division_cost_on_several_trials_and_keeps_the_best_fit(jvm):
    from volltrack.tuning.search import tune_settings

    truth = _scenes(6, seed=1)
    rows = {}
    for count in (1, 3):
        result = tune_settings(truth, metric="combined", trials=10, progress=False, seed=0, fit_candidates=count)
        fits = [row for row in result.trials if row["trial"] == "division fit"]
        rows[count] = fits
        assert result.best_value >= max(row["objective"] for row in result.trials)
    # here the best trial's LAP links leave the pass no true division to fit (no row); the next trials' do
    assert len(rows[1]) <= 1 and len(rows[1]) < len(rows[3]) <= 3
    assert len({row["LINKING_MAX_DISTANCE"] for row in rows[3]}) == len(rows[3])


def test_the_logistic_fit_ignores_a_term_constant_up_to_rounding():
    from volltrack.tuning.division_fit import _logistic_fit

    # a border term of 1 for every candidate, one of them rounded (std ~1e-17): scaling by its std diverged
    x = np.column_stack([[0.1, 0.2, 0.3, 0.4, 2.0, 3.0], [1.0, 1.0 - 2**-53, 1.0, 1.0, 1.0, 1.0]])
    y = np.array([1, 1, 1, 1, 0, 0])
    theta = _logistic_fit(x, y, positive_weight=1.0, l2=1.0)
    assert np.isfinite(theta).all() and theta[1] > 0
