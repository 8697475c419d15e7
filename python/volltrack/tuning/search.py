"""Search tracker settings that reproduce annotated tracks best (optuna's TPE sampler, tracking in-process).

Each trial builds :class:`~volltrack.tracking.settings.TrackerSettings`, tracks the truth's own spots with the
engine in the embedded JVM (:func:`volltrack.tracking.track`, no files) and scores the links against the true
links with :func:`volltrack.metrics.divisions.score_links`. The search space (see :func:`suggest_settings`):

* LINKING / GAP_CLOSING / SPLITTING / MERGING max distances, log-uniform between half the median and three
  times the 99th percentile of the true links' lengths (links to daughters for splitting); the first trial
  uses 1.5 times the 99th percentile (linking, gap closing) and 1.5 times the 90th (splitting), without
  penalties, in the first mode given;
* ALLOW_GAP_CLOSING, MAX_FRAME_GAP (1..4), ALLOW_TRACK_SPLITTING, ALLOW_TRACK_MERGING;
* ALTERNATIVE_LINKING_COST_FACTOR (1..2), CUTOFF_PERCENTILE (0.5..1);
* feature penalties (weights 0, 0.25, ... 4) over up to six numeric spot features (finite, positive, not
  constant), one weight per feature for linking and gap closing, one for splitting and merging;
* TRACKING_MODE (EXACT_LAP or DIVISION_AWARE) and, for the latter, DIVISION_MAX_COST, DIVISION_SIZE_WEIGHT,
  DIVISION_VOLUME_WEIGHT, DIVISION_DISTANCE_WEIGHT, DIVISION_SEPARATION_WEIGHT and DIVISION_BORDER_WEIGHT
  (the last two from the penalty weights, 0 included), and DIVISION_INTENSITY_WEIGHT (the same weights) when
  every spot has a positive MEAN_INTENSITY_CH1, and DIVISION_BOUNDARY_WEIGHT (the same weights) when some spots
  have a finite DISTANCE_TO_BOUNDARY (a tissue mask); with ``segmentation_terms`` (``volltrack tune
  --segmentation-terms``: the truth's spots are a segmentation's, with merged and cut cells)
  DIVISION_MERGE_WEIGHT and DIVISION_FRAGMENT_WEIGHT (the same weights) with DIVISION_FRAGMENT_RATIO (one of
  :data:`FRAGMENT_RATIOS`), also fitted after the search. A curated truth has no such errors; searched on the
  simulator's ground truth they only overfitted (bench/README.md, "divisions").

After the search, the division cost's weights are also fitted to the truth's divisions
(:mod:`volltrack.tuning.division_fit`) on the LAP settings of each of the :data:`FIT_CANDIDATES` best trials with
distinct LAP settings (the best first); the fitted result with the highest objective is kept when it beats the
search's best. Trials whose objectives tie can link the truth's daughters differently, and the exact LAP's first
linking step decides which daughters the division pass sees as free. Then the kept settings' LINKING_MAX_DISTANCE
is shortened by the factors of :data:`LINKING_SHRINK` (of the kept value, the other settings unchanged) as long as
the objective does not drop (ties go to the shorter distance): the training part often cannot tell a distance
from a 2x shorter one, and a denser, later part of the movie can (a daughter linked to a neighbour).

Objectives (``metric``): ``division_f1`` (division F1 at ±1 frame, plus 0.001 x link F1 to break ties),
``link_f1`` (plus 0.001 x division F1), ``tra`` (TRA with perfect detections) or ``combined`` = link F1 + w × division F1 (±1 frame) with w = 2 × true divisions / true links:
a division is worth its two daughter links, so links are never traded for divisions.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from volltrack.tracking.settings import TrackerSettings
from volltrack.tuning.scoring import METRICS, objective_value, predicted_edges, score_settings, scored_links
from volltrack.tuning.truth import Truth

logger = logging.getLogger(__name__)

__all__ = ["METRICS", "MODES", "SearchSpace", "TuneResult", "objective_value", "predicted_edges", "score_settings",
           "scored_links", "suggest_settings", "tune_settings"]

MODES = ("EXACT_LAP", "DIVISION_AWARE")
#: Tracker evaluations of one division fit: its LAP run, the cut-offs of ``division_fit.COST_SCALES``, the rescoring.
FIT_EVALUATIONS = 9
#: Number of best trials (distinct LAP settings) whose LAP settings the division cost is fitted on.
FIT_CANDIDATES = 1
#: Factors of the kept LINKING_MAX_DISTANCE tried after the division fit, in order, until the objective drops.
LINKING_SHRINK = (0.8, 0.65, 0.5, 0.4)
PENALTY_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)
#: DIVISION_FRAGMENT_RATIO values searched (daughters' volumes over the mother's below which the fragment term counts).
FRAGMENT_RATIOS = (1.0, 1.15, 1.3, 1.5)


@dataclass
class SearchSpace:
    """Ranges of the searched settings, scaled to the truth's link lengths."""

    linking: tuple[float, float]
    gap: tuple[float, float]
    splitting: tuple[float, float]
    features: list[str]
    modes: tuple[str, ...] = MODES
    allow_merging: bool = True
    start: dict = field(default_factory=dict)
    #: Every spot has a finite MEAN_INTENSITY_CH1 > 0, so the division pass's intensity term applies.
    intensity: bool = False
    #: Some spots have a finite DISTANCE_TO_BOUNDARY, so the division pass's boundary term applies.
    boundary: bool = False
    #: Search the merge and fragment terms (spots from a segmentation).
    segmentation_terms: bool = False

    @classmethod
    def for_truth(cls, truth: Truth, *, modes: Sequence[str] = MODES, allow_merging: bool = True,
                  segmentation_terms: bool = False) -> "SearchSpace":
        """Derive the ranges from the lengths of the true links (see the module docstring)."""
        lengths = truth.link_lengths()
        step = lengths["step"] if len(lengths["step"]) else np.array([1.0])
        low = max(0.5 * float(np.median(step)), 1e-3)
        high = max(3.0 * float(np.percentile(step, 99)), 2.0 * low)
        gap_len = np.concatenate([step, lengths["gap"]])
        gap_high = max(3.0 * float(np.percentile(gap_len, 99)), 2.0 * low)
        split = lengths["split"] if len(lengths["split"]) else step
        split_low = max(0.5 * float(np.median(split)), 1e-3)
        split_high = max(3.0 * float(np.percentile(split, 99)), 2.0 * split_low)
        bad = [m for m in modes if m not in MODES]
        if bad or not modes:
            raise ValueError(f"--modes: got {','.join(modes)}; expected a comma-separated subset of {','.join(MODES)}")
        features = truth.features()

        def inside(value: float, bounds: tuple[float, float]) -> float:
            return min(max(value, bounds[0]), bounds[1])

        link = inside(1.5 * float(np.percentile(step, 99)), (low, high))
        start = {"LINKING_MAX_DISTANCE": link, "ALLOW_GAP_CLOSING": True,
                 "GAP_CLOSING_MAX_DISTANCE": inside(link, (low, gap_high)), "MAX_FRAME_GAP": 2,
                 "ALLOW_TRACK_SPLITTING": truth.n_divisions > 0,
                 "SPLITTING_MAX_DISTANCE": inside(1.5 * float(np.percentile(split, 90)), (split_low, split_high)),
                 "ALLOW_TRACK_MERGING": False, "ALTERNATIVE_LINKING_COST_FACTOR": 1.05, "CUTOFF_PERCENTILE": 0.9,
                 "TRACKING_MODE": modes[0], "DIVISION_MAX_COST": 0.5, "DIVISION_SIZE_WEIGHT": 1.0,
                 "DIVISION_VOLUME_WEIGHT": 0.5, "DIVISION_DISTANCE_WEIGHT": 1.0,
                 "DIVISION_SEPARATION_WEIGHT": 0.0, "DIVISION_BORDER_WEIGHT": 0.0}
        if segmentation_terms:
            start.update(DIVISION_MERGE_WEIGHT=0.0, DIVISION_FRAGMENT_WEIGHT=0.0, DIVISION_FRAGMENT_RATIO=1.0)
        intensity = "MEAN_INTENSITY_CH1" in truth.spots.columns and bool(
            (truth.spots["MEAN_INTENSITY_CH1"].to_numpy(dtype=float) > 0).all())
        if intensity:
            start["DIVISION_INTENSITY_WEIGHT"] = 0.0
        boundary = "DISTANCE_TO_BOUNDARY" in truth.spots.columns and bool(
            np.isfinite(truth.spots["DISTANCE_TO_BOUNDARY"].to_numpy(dtype=float)).any())
        if boundary:
            start["DIVISION_BOUNDARY_WEIGHT"] = 0.0
        start.update({f"{kind}_penalty:{f}": 0.0 for f in features for kind in ("link", "split")})
        return cls((low, high), (low, gap_high), (split_low, split_high), features, tuple(modes),
                   allow_merging, start, intensity, boundary, segmentation_terms)


def suggest_settings(trial, space: SearchSpace) -> dict[str, Any]:
    """Ask an optuna trial for one point of ``space``; return the flat TrackMate settings dict."""
    s: dict[str, Any] = {
        "LINKING_MAX_DISTANCE": trial.suggest_float("LINKING_MAX_DISTANCE", *space.linking, log=True),
        "ALLOW_GAP_CLOSING": trial.suggest_categorical("ALLOW_GAP_CLOSING", [True, False]),
        "ALLOW_TRACK_SPLITTING": trial.suggest_categorical("ALLOW_TRACK_SPLITTING", [True, False]),
        "ALTERNATIVE_LINKING_COST_FACTOR": trial.suggest_float("ALTERNATIVE_LINKING_COST_FACTOR", 1.0, 2.0),
        "CUTOFF_PERCENTILE": trial.suggest_float("CUTOFF_PERCENTILE", 0.5, 1.0),
    }
    if s["ALLOW_GAP_CLOSING"]:
        s["GAP_CLOSING_MAX_DISTANCE"] = trial.suggest_float("GAP_CLOSING_MAX_DISTANCE", *space.gap, log=True)
        s["MAX_FRAME_GAP"] = trial.suggest_int("MAX_FRAME_GAP", 1, 4)
    if s["ALLOW_TRACK_SPLITTING"]:
        s["SPLITTING_MAX_DISTANCE"] = trial.suggest_float("SPLITTING_MAX_DISTANCE", *space.splitting, log=True)
    s["ALLOW_TRACK_MERGING"] = (trial.suggest_categorical("ALLOW_TRACK_MERGING", [False, True])
                                if space.allow_merging else False)
    if s["ALLOW_TRACK_MERGING"]:
        s["MERGING_MAX_DISTANCE"] = trial.suggest_float("MERGING_MAX_DISTANCE", *space.linking, log=True)
    link_pen, split_pen = {}, {}
    for feature in space.features:
        weight = trial.suggest_categorical(f"link_penalty:{feature}", PENALTY_WEIGHTS)
        if weight:
            link_pen[feature] = weight
        weight = trial.suggest_categorical(f"split_penalty:{feature}", PENALTY_WEIGHTS)
        if weight:
            split_pen[feature] = weight
    s.update(LINKING_FEATURE_PENALTIES=link_pen, GAP_CLOSING_FEATURE_PENALTIES=dict(link_pen),
             SPLITTING_FEATURE_PENALTIES=split_pen, MERGING_FEATURE_PENALTIES=dict(split_pen))
    mode = trial.suggest_categorical("TRACKING_MODE", list(space.modes))
    s["TRACKING_MODE"] = mode
    if mode == "DIVISION_AWARE":
        s["DIVISION_MAX_COST"] = trial.suggest_float("DIVISION_MAX_COST", 0.02, 10.0, log=True)
        s["DIVISION_SIZE_WEIGHT"] = trial.suggest_float("DIVISION_SIZE_WEIGHT", 0.0, 3.0)
        s["DIVISION_VOLUME_WEIGHT"] = trial.suggest_float("DIVISION_VOLUME_WEIGHT", 0.0, 3.0)
        s["DIVISION_DISTANCE_WEIGHT"] = trial.suggest_float("DIVISION_DISTANCE_WEIGHT", 0.0, 3.0)
        # categorical, 0 included: the border term misfires where every cell is at an edge (a few-cell embryo)
        s["DIVISION_SEPARATION_WEIGHT"] = trial.suggest_categorical("DIVISION_SEPARATION_WEIGHT", PENALTY_WEIGHTS)
        s["DIVISION_BORDER_WEIGHT"] = trial.suggest_categorical("DIVISION_BORDER_WEIGHT", PENALTY_WEIGHTS)
        if space.intensity:
            s["DIVISION_INTENSITY_WEIGHT"] = trial.suggest_categorical("DIVISION_INTENSITY_WEIGHT",
                                                                       PENALTY_WEIGHTS)
        if space.boundary:
            s["DIVISION_BOUNDARY_WEIGHT"] = trial.suggest_categorical("DIVISION_BOUNDARY_WEIGHT", PENALTY_WEIGHTS)
        if space.segmentation_terms:
            s["DIVISION_MERGE_WEIGHT"] = trial.suggest_categorical("DIVISION_MERGE_WEIGHT", PENALTY_WEIGHTS)
            s["DIVISION_FRAGMENT_WEIGHT"] = trial.suggest_categorical("DIVISION_FRAGMENT_WEIGHT", PENALTY_WEIGHTS)
            s["DIVISION_FRAGMENT_RATIO"] = trial.suggest_categorical("DIVISION_FRAGMENT_RATIO", FRAGMENT_RATIOS)
        if "SPLITTING_MAX_DISTANCE" not in s:   # the pass looks for daughters within the splitting distance
            s["SPLITTING_MAX_DISTANCE"] = trial.suggest_float("SPLITTING_MAX_DISTANCE", *space.splitting, log=True)
    return s


@dataclass
class TuneResult:
    """Outcome of a search: best settings and scores, the baseline's, and one row per trial."""

    metric: str
    best_settings: dict[str, Any]
    best_scores: dict[str, Any]
    best_value: float
    baseline_settings: dict[str, Any]
    baseline_scores: dict[str, Any]
    baseline_value: float
    trials: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    space: SearchSpace | None = None


def baseline_settings(truth: Truth) -> dict[str, Any]:
    """TrackMate's defaults, splitting allowed when the truth has divisions (the "exact LAP defaults")."""
    settings = TrackerSettings().to_dict()
    settings["ALLOW_TRACK_SPLITTING"] = truth.n_divisions > 0
    return settings


def tune_settings(truth: Truth, *, metric: str = "combined", trials: int = 100, timeout: float | None = None,
                  modes: Sequence[str] = MODES, seed: int = 0, progress: bool = True,
                  callback: Callable[[dict], None] | None = None, fit_division: bool = True,
                  segmentation_terms: bool = False, fit_candidates: int = FIT_CANDIDATES,
                  shrink_linking: bool = True) -> TuneResult:
    """Search the settings that maximise ``metric`` on ``truth``.

    Parameters
    ----------
    truth : Truth
        Spots and true links (:func:`volltrack.tuning.load_truth`).
    metric : {"combined", "division_f1", "link_f1", "tra"}
        The objective (module docstring).
    trials : int
        Number of trials (at most); the baseline (TrackMate defaults) is scored first and is not counted.
    timeout : float, optional
        Time budget in seconds for the whole tuning: the search stops starting new trials early enough to leave
        the division fit its share (about :data:`FIT_EVALUATIONS` evaluations per fitted trial, timed on the
        baseline), and the fit stops trying cut-offs, and starts no further trial's fit, once the budget is spent
        (the first fit scores at least one cut-off). A run can exceed it by about one evaluation.
    modes : sequence of str
        Tracking modes to explore.
    seed : int
        Seed of the TPE sampler (same seed and inputs give the same trials).
    progress : bool
        Show a progress bar with the best objective so far.
    fit_division : bool
        When DIVISION_AWARE is among ``modes`` and the truth has divisions, also fit the division cost's weights
        to the truth's divisions on the LAP settings of the ``fit_candidates`` best trials
        (:func:`volltrack.tuning.division_fit.fit_division_weights`; one row ``division fit`` per fit in the
        trials) and keep the best fitted result when its objective is higher. Default True.
    segmentation_terms : bool
        Also search and fit the merge and fragment terms (the truth's spots come from a segmentation, with its
        merged and cut cells). Default False.
    fit_candidates : int
        Number of best trials with distinct LAP settings (the best first, the baseline when no trial beats it)
        whose LAP settings the division cost is fitted on. Default :data:`FIT_CANDIDATES`.
    shrink_linking : bool
        With the division fit, then shorten the kept settings' LINKING_MAX_DISTANCE by the factors of
        :data:`LINKING_SHRINK` while the objective does not drop (a row ``shorter linking`` per try). Default True.

    Returns
    -------
    TuneResult
    """
    import optuna
    from tqdm.auto import tqdm

    if metric not in METRICS:
        raise ValueError(f"--metric {metric!r}: expected one of {', '.join(METRICS)}")
    if trials < 1:
        raise ValueError(f"--trials {trials}: expected at least 1")
    if len(truth.edges) == 0:
        raise ValueError(f"{truth.source}: the truth has no links between its spots; nothing to fit")
    space = SearchSpace.for_truth(truth, modes=modes, segmentation_terms=segmentation_terms)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.getLogger("volltrack.tracking.bridge").setLevel(logging.WARNING)   # one line per trial otherwise
    start = time.perf_counter()
    base = baseline_settings(truth)
    evaluation_start = time.perf_counter()
    base_scores = score_settings(truth, base)
    evaluation_seconds = time.perf_counter() - evaluation_start
    will_fit = fit_division and "DIVISION_AWARE" in space.modes and truth.n_divisions > 0
    search_timeout = _search_budget(timeout, time.perf_counter() - start, evaluation_seconds,
                                                    max(1, fit_candidates) if will_fit else 0,
                                    len(LINKING_SHRINK) if will_fit and shrink_linking else 0)
    base_value = objective_value(base_scores, metric)
    rows: list[dict[str, Any]] = [{"trial": "baseline", "objective": base_value, **_flat_settings(base),
                                   **base_scores}]
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.enqueue_trial(space.start, skip_if_exists=True)   # a first trial scaled to the truth's link lengths
    bar = tqdm(total=trials, desc=f"tuning ({metric})", unit="trial", disable=not progress)

    def objective(trial) -> float:
        settings = TrackerSettings.from_mapping(suggest_settings(trial, space)).to_dict()
        scores = score_settings(truth, settings)
        value = objective_value(scores, metric)
        trial.set_user_attr("settings", _json_safe(settings))
        trial.set_user_attr("scores", scores)
        row = {"trial": trial.number, "objective": value, **_flat_settings(settings), **scores}
        rows.append(row)
        if callback is not None:
            callback(row)
        return value

    def on_trial(study_, trial) -> None:
        bar.update(1)
        try:
            bar.set_postfix(best=f"{study_.best_value:.4f}", baseline=f"{base_value:.4f}")
        except ValueError:
            pass

    try:
        study.optimize(objective, n_trials=trials, timeout=search_timeout, callbacks=[on_trial], catch=(ValueError,))
    except KeyboardInterrupt:
        logger.warning("tuning interrupted after %d trials; writing what was found", len(rows) - 1)
    finally:
        bar.close()
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if done and study.best_value > base_value:
        best = study.best_trial
        best_settings, best_scores, best_value = best.user_attrs["settings"], best.user_attrs["scores"], best.value
    else:
        best_settings, best_scores, best_value = _json_safe(base), base_scores, base_value
    if will_fit:
        deadline = None if timeout is None else start + timeout
        bases = _fit_bases(best_settings, [(t.value, t.user_attrs["settings"]) for t in done], fit_candidates)
        fits: list[tuple[dict[str, Any], dict[str, Any], float]] = []
        for k, base_settings in enumerate(bases):
            if k and deadline is not None and time.perf_counter() > deadline:
                logger.info("division fit: time budget spent after %d of %d trials' settings", k, len(bases))
                break
            fitted = _division_fit(truth, base_settings, metric, segmentation_terms=segmentation_terms,
                                   deadline=deadline)
            if fitted is not None:
                settings, scores, value = fitted
                rows.append({"trial": "division fit", "objective": value, **_flat_settings(settings), **scores})
                fits.append(fitted)
        if fits:   # the first of equal objectives: the fit on the better trial
            settings, scores, value = max(fits, key=lambda f: f[2])
            if value > best_value:
                best_settings, best_scores, best_value = settings, scores, value
        if shrink_linking:
            best_settings, best_scores, best_value = _shorter_linking(
                truth, best_settings, best_scores, best_value, metric, rows, deadline)
    return TuneResult(metric, best_settings, best_scores, best_value, _json_safe(base), base_scores, base_value,
                      rows, time.perf_counter() - start, space)


def _search_budget(timeout: float | None, elapsed: float, evaluation_seconds: float, fits: int,
                   extra: int = 0) -> float | None:
    """Seconds left to the search within ``timeout`` (None: no limit), keeping the share of ``fits`` division fits
    and ``extra`` further evaluations.

    Each fit needs about :data:`FIT_EVALUATIONS` evaluations of the tracker, each assumed to cost 1.5 x the
    baseline's ``evaluation_seconds``; that share is at most half of the budget so that the search always runs.
    """
    if timeout is None:
        return None
    reserve = min(0.5 * timeout, (fits * FIT_EVALUATIONS + extra) * 1.5 * evaluation_seconds)
    return max(0.0, timeout - elapsed - reserve)


def _shorter_linking(truth: Truth, settings: dict[str, Any], scores: dict[str, Any], value: float, metric: str,
                     rows: list[dict[str, Any]], deadline: float | None
                     ) -> tuple[dict[str, Any], dict[str, Any], float]:
    """``settings`` with LINKING_MAX_DISTANCE times the first factors of :data:`LINKING_SHRINK` whose objective is
    not below ``value`` (the next factor is tried only then, and before ``deadline``), their scores and objective;
    appends a row ``shorter linking`` to ``rows`` per try."""
    linking = settings.get("LINKING_MAX_DISTANCE")
    if linking is None:
        return settings, scores, value
    for factor in LINKING_SHRINK:
        if deadline is not None and time.perf_counter() > deadline:
            logger.info("shorter linking: time budget spent")
            break
        try:
            shorter = _json_safe(dict(settings, LINKING_MAX_DISTANCE=float(linking) * factor))
            shorter_scores = score_settings(truth, shorter)
        except ValueError as exc:   # settings the engine refuses
            logger.warning("shorter linking skipped: %s", exc)
            break
        shorter_value = objective_value(shorter_scores, metric)
        rows.append({"trial": "shorter linking", "objective": shorter_value, **_flat_settings(shorter),
                     **shorter_scores})
        if shorter_value < value:
            break
        settings, scores, value = shorter, shorter_scores, shorter_value
    return settings, scores, value


def _lap_key(settings: dict[str, Any]) -> str:
    """The settings the division fit keeps from a trial (not the mode, splitting flag or division weights)."""
    import json

    kept = {k: v for k, v in _json_safe(settings).items()
            if not k.startswith("DIVISION_") and k not in ("TRACKING_MODE", "ALLOW_TRACK_SPLITTING")}
    return json.dumps(kept, sort_keys=True, default=str)


def _fit_bases(best: dict[str, Any], trials: Sequence[tuple[float, dict[str, Any]]], count: int) -> list[dict]:
    """``best`` then the settings of the highest-objective ``trials`` (value, settings) with distinct LAP
    settings (:func:`_lap_key`), ``count`` at most (at least ``best``); ties keep the earlier trial."""
    out, seen = [best], {_lap_key(best)}
    for _, settings in sorted(trials, key=lambda t: -t[0]):   # a stable sort: ties keep the trials' order
        if len(out) >= count:
            break
        key = _lap_key(settings)
        if key not in seen:
            seen.add(key)
            out.append(settings)
    return out


def _division_fit(truth: Truth, settings: dict[str, Any], metric: str, *, segmentation_terms: bool = False,
                  deadline: float | None = None) -> tuple[dict[str, Any], dict[str, Any], float] | None:
    """The division-aware settings fitted on ``settings``' LAP keys, their scores and objective (None: no fit).

    ``deadline`` (a ``time.perf_counter()`` value) bounds the fit's search of the cut-off.
    """
    from volltrack.tuning.division_fit import FITTED_TERMS, TERMS, fit_division_weights

    try:
        fitted = fit_division_weights(truth, settings,
                                      score=lambda s: objective_value(score_settings(truth, s), metric),
                                      terms=tuple(TERMS) if segmentation_terms else FITTED_TERMS,
                                      deadline=deadline)
    except ValueError as exc:   # settings the engine refuses: keep the search's result
        logger.warning("division fit skipped: %s", exc)
        return None
    if fitted is None:
        return None
    fitted = _json_safe(fitted)
    scores = score_settings(truth, fitted)
    return fitted, scores, objective_value(scores, metric)


def _json_safe(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings as ``settings.json`` stores them (an infinite BLOCKING_VALUE, the engine default, left out)."""
    import json

    return json.loads(TrackerSettings.from_mapping(settings).to_json())


def _flat_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """One column per setting; penalty maps as 'FEATURE=weight;...' text."""
    out = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            out[key] = ";".join(f"{k}={v:g}" for k, v in sorted(value.items()))
        elif key != "BLOCKING_VALUE":
            out[key] = value
    return out
