"""Fit the division-aware mode's cost weights to annotated divisions (a logistic fit over its candidates).

The division pass (``DivisionPass`` in the engine, ``docs/divisions.md``) scores each candidate division (mother
``m``, daughters ``a``, ``b``) with a cost that is a weighted sum of dimensionless terms, the first with weight 1,
and accepts candidates cheaper than ``DIVISION_MAX_COST``. An optuna search over those weights wanders in a
space of seven keys; here the candidates of the training truth are listed as the engine lists them (the exact
LAP's links without splitting, daughters among the spots the LAP gives no predecessor), each labelled true when
the truth's daughters of ``m`` are exactly ``{a, b}``, and a logistic model ``P(true) = σ(c − Σ bᵢ·termᵢ)`` with
``bᵢ ≥ 0`` is fitted. Its coefficients divided by the first term's are the weights; ``c`` divided by it gives a
first ``DIVISION_MAX_COST``, then scaled by the factor in :data:`COST_SCALES` whose tracking of the training truth
scores best (the engine itself tracks and the links are scored, so the chosen cut-off accounts for the greedy
acceptance).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.spatial import cKDTree

from volltrack.tuning.truth import Truth

logger = logging.getLogger(__name__)

__all__ = ["COST_SCALES", "FITTED_TERMS", "TERMS", "candidate_terms", "fit_division_weights"]

#: Cost terms in the engine's order and the settings key of each weight (None: the first term, weight 1).
TERMS: dict[str, str | None] = {
    "opposite": None, "distance": "DIVISION_DISTANCE_WEIGHT", "size": "DIVISION_SIZE_WEIGHT",
    "volume": "DIVISION_VOLUME_WEIGHT", "separation": "DIVISION_SEPARATION_WEIGHT",
    "border": "DIVISION_BORDER_WEIGHT", "intensity": "DIVISION_INTENSITY_WEIGHT",
    "boundary": "DIVISION_BOUNDARY_WEIGHT", "merge": "DIVISION_MERGE_WEIGHT", "fragment": "DIVISION_FRAGMENT_WEIGHT",
}
#: Terms fitted by default. The merge and fragment terms (segmentation errors) are left out: fitted on the
#: simulator's ground truth or the demo's VollSeg detections they raised the training score and lowered the
#: held-out one (bench/README.md, "divisions"); pass ``terms=TERMS`` to fit them too.
FITTED_TERMS: tuple[str, ...] = tuple(name for name in TERMS if name not in ("merge", "fragment"))
#: Factors of the fitted cut-off tried on the training truth.
COST_SCALES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2)
_BORDER_NEIGHBOURS = 8
_BORDER_REACH = 2.5   # the engine's DivisionPass.BORDER_REACH
_BACKGROUND_FRACTION = 0.9


def _sizes(spots: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray | None]:
    def column(name: str) -> np.ndarray | None:
        if name not in spots.columns:
            return None
        values = spots[name].to_numpy(dtype=float)
        return values if np.isfinite(values).all() else None

    volume, radius = column("VOLUME"), column("RADIUS")
    if volume is None and radius is None:
        return None, None
    if volume is None:
        assert radius is not None
        return radius**3, radius
    return volume, radius if radius is not None else np.cbrt(3 * volume / (4 * np.pi))


def _levels(spots: pd.DataFrame) -> np.ndarray | None:
    if "MEAN_INTENSITY_CH1" not in spots.columns:
        return None
    values = spots["MEAN_INTENSITY_CH1"].to_numpy(dtype=float)
    if not (np.isfinite(values).all() and (values > 0).all()):
        return None
    low = pd.Series(values).groupby(spots["FRAME"].to_numpy()).transform("min").to_numpy()
    levels: np.ndarray = values - _BACKGROUND_FRACTION * low
    return levels


def _boundary(spots: pd.DataFrame, radius: np.ndarray | None) -> np.ndarray | None:
    """Per spot, the engine's boundary term before the mother's radius: DISTANCE_TO_BOUNDARY clipped at 0 (NaN
    without a finite value); None without that column, a finite value anywhere, or radii."""
    if radius is None or "DISTANCE_TO_BOUNDARY" not in spots.columns:
        return None
    values = spots["DISTANCE_TO_BOUNDARY"].to_numpy(dtype=float)
    if not np.isfinite(values).any():
        return None
    clipped: np.ndarray = np.where(np.isfinite(values), np.maximum(values, 0.0), np.nan)
    return clipped


def _border(points: np.ndarray, tree: cKDTree, index: int, radius: float) -> float:
    dist, near = tree.query(points[index], k=_BORDER_NEIGHBOURS + 1, distance_upper_bound=radius)
    keep = np.isfinite(dist) & (dist > 0)
    if not keep.any():
        return 1.0
    vectors = (points[near[keep]] - points[index]) / dist[keep, None]
    return float(np.linalg.norm(vectors.mean(axis=0)))


def candidate_terms(truth: Truth, links: list[tuple[int, int]], splitting_distance: float, *,
                    fragment_ratio: float = 1.0) -> pd.DataFrame:
    """The division pass's candidates on ``links`` (the LAP's, no splits), with their terms and true label.

    Returns one row per candidate: ``mother``, ``a``, ``b`` (spot IDs), one column per entry of :data:`TERMS`
    (``size``/``volume``/``separation``/``merge``/``fragment`` 0 without sizes, ``intensity`` 0 without a positive
    ``MEAN_INTENSITY_CH1``, ``boundary`` 0 for daughters without a finite ``DISTANCE_TO_BOUNDARY``; ``merge`` is
    exp(-e / R_m), e the distance from the mother to the nearest spot of the frame before without successor in
    ``links`` within ``splitting_distance``; ``fragment`` is max(0, ln(fragment_ratio · V_m / (V_a + V_b)))²)
    and ``label`` (1 when the truth's daughters of the mother are exactly a and b).
    """
    spots = truth.spots.reset_index(drop=True)
    ids = spots["ID"].to_numpy(dtype=np.int64)
    row_of = {int(i): k for k, i in enumerate(ids)}
    frames = spots["FRAME"].to_numpy(dtype=np.int64)
    points = spots[["POSITION_X", "POSITION_Y", "POSITION_Z"]].to_numpy(dtype=float)
    volume, radius = _sizes(spots)
    levels = _levels(spots)
    distance = _boundary(spots, radius)
    successor = np.full(len(ids), -1)
    has_predecessor = np.zeros(len(ids), bool)
    for source, target in links:
        successor[row_of[source]] = row_of[target]
        has_predecessor[row_of[target]] = True
    children: dict[int, set[int]] = {}
    for source, target in truth.edges.tolist():
        children.setdefault(row_of[int(source)], set()).add(row_of[int(target)])
    rows: list[tuple[int, int, int, float]] = []
    by_frame = {int(t): np.flatnonzero(frames == t) for t in np.unique(frames)}
    for t, mothers in by_frame.items():
        following = by_frame.get(t + 1)
        if following is None:
            continue
        free = following[~has_predecessor[following]]
        if len(free) == 0:
            continue
        free_tree = cKDTree(points[free])
        all_tree = cKDTree(points[following])
        border = {int(following[k]): _border(points[following], all_tree, int(k), _BORDER_REACH * splitting_distance)
                  for k in np.flatnonzero(~has_predecessor[following])}
        for mother in mothers:
            c = int(successor[mother])
            if c >= 0 and frames[c] != t + 1:
                continue
            near = [int(free[k]) for k in free_tree.query_ball_point(points[mother], splitting_distance)]
            pairs = ([(c, s) for s in near] if c >= 0 else
                     [(near[i], near[j]) for i in range(len(near)) for j in range(i + 1, len(near))])
            for a, b in pairs:
                rows.append((int(mother), a, b, max(border.get(a, 0.0), border.get(b, 0.0))))
    if not rows:
        return pd.DataFrame(columns=["mother", "a", "b", *TERMS, "label"])
    cols = np.array(rows, dtype=float)
    half2 = ((points[cols[:, 1].astype(int)] - points[cols[:, 2].astype(int)]) ** 2).sum(axis=1) / 4
    cols, half2 = cols[half2 > 0], half2[half2 > 0]
    m, a, b = (cols[:, k].astype(np.int64) for k in range(3))
    edge = cols[:, 3]
    mid = (points[a] + points[b]) / 2 - points[m]
    da = np.maximum(((points[a] - points[m]) ** 2).sum(axis=1), np.finfo(float).tiny)
    db = np.maximum(((points[b] - points[m]) ** 2).sum(axis=1), np.finfo(float).tiny)
    zeros = np.zeros(len(m))
    out = pd.DataFrame({"mother": ids[m], "a": ids[a], "b": ids[b]})
    out["opposite"] = (mid**2).sum(axis=1) / half2
    out["distance"] = (0.5 * np.log(da / db)) ** 2
    if volume is not None and radius is not None and (volume > 0).all():
        out["size"] = np.log(volume[a] / volume[b]) ** 2
        out["volume"] = np.log((volume[a] + volume[b]) / volume[m]) ** 2
        out["separation"] = half2 / np.maximum(radius[m], np.finfo(float).tiny) ** 2
    else:
        out["size"] = out["volume"] = out["separation"] = zeros
    out["border"] = edge
    out["intensity"] = (zeros if levels is None else
                        np.log(levels[a] / levels[m]) ** 2 + np.log(levels[b] / levels[m]) ** 2)
    out["boundary"] = zeros
    if distance is not None and radius is not None:
        rm = np.maximum(radius[m], np.finfo(float).tiny)
        term = np.zeros(len(m))
        for d in (a, b):
            value = np.exp(-distance[d] / rm)
            term = np.maximum(term, np.where(has_predecessor[d] | np.isnan(value), 0.0, value))
        out["boundary"] = term
    out["merge"] = zeros if radius is None else _merge_terms(points, frames, successor, radius, m, splitting_distance)
    out["fragment"] = (zeros if volume is None or not (volume > 0).all() else
                       np.maximum(0.0, np.log(fragment_ratio * volume[m] / (volume[a] + volume[b]))) ** 2)
    out["label"] = [int(children.get(int(i), set()) == {int(j), int(k)}) for i, j, k in zip(m, a, b)]
    return out


def _merge_terms(points: np.ndarray, frames: np.ndarray, successor: np.ndarray, radius: np.ndarray,
                 mothers: np.ndarray, reach: float) -> np.ndarray:
    """exp(-e / R_m) per mother: e its distance to the nearest spot of the frame before without successor."""
    out = np.zeros(len(mothers))
    for t in np.unique(frames[mothers]):
        ends = np.flatnonzero((frames == t - 1) & (successor < 0))
        rows = np.flatnonzero(frames[mothers] == t)
        if len(ends) == 0:
            continue
        distance, _ = cKDTree(points[ends]).query(points[mothers[rows]], distance_upper_bound=reach)
        rm = radius[mothers[rows]]
        ok = np.isfinite(distance) & (rm > 0)
        out[rows[ok]] = np.exp(-distance[ok] / rm[ok])
    return out


def _logistic_fit(x: np.ndarray, y: np.ndarray, *, positive_weight: float, l2: float) -> np.ndarray:
    """Minimise the weighted logistic loss of ``c - x @ b`` with ``b >= 0``; return ``(c, b...)``."""
    scale = x.std(axis=0)
    scale[~(scale > 1e-9 * np.abs(x).max(axis=0, initial=0.0))] = 1.0   # constant up to rounding: not rescaled
    z = x / scale
    w = np.where(y == 1, positive_weight, 1.0)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        logit = theta[0] - z @ theta[1:]
        sign = np.where(y == 1, 1.0, -1.0)
        margin = sign * logit
        value = float((w * np.logaddexp(0.0, -margin)).sum() + 0.5 * l2 * (theta[1:] ** 2).sum())
        d_logit = -w * sign / (1.0 + np.exp(np.clip(margin, -500, 500)))
        grad = np.concatenate([[d_logit.sum()], -(z.T @ d_logit) + l2 * theta[1:]])
        return value, grad

    start = np.concatenate([[0.0], np.ones(x.shape[1])])
    bounds = [(None, None)] + [(0.0, None)] * x.shape[1]
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return np.concatenate([[result.x[0]], result.x[1:] / scale])


def fit_division_weights(truth: Truth, settings: dict[str, Any], *,
                         score: Callable[[dict[str, Any]], float] | None = None,
                         terms: Sequence[str] = FITTED_TERMS,
                         deadline: float | None = None) -> dict[str, Any] | None:
    """Division-aware settings with the cost weights and cut-off fitted to ``truth``'s divisions.

    Parameters
    ----------
    truth : Truth
        Spots and true links (with divisions).
    settings : dict
        Tracker settings whose LAP keys are kept (linking, gap closing, penalties); ``SPLITTING_MAX_DISTANCE``
        bounds the candidates. The result has ``TRACKING_MODE`` DIVISION_AWARE and ``ALLOW_TRACK_SPLITTING``
        false (the pass finds the divisions).
    score : callable, optional
        Objective of a settings dict on the training truth (higher is better), used to pick the cut-off among
        :data:`COST_SCALES`; default division F1 (±1 frame) plus 0.001 × link F1.
    terms : sequence of str, optional
        Names of :data:`TERMS` to fit (``opposite`` first); the weights of the others are set to 0. Default
        :data:`FITTED_TERMS`.
    deadline : float, optional
        A ``time.perf_counter()`` value: once it has passed, no further cut-off of :data:`COST_SCALES` is tried
        (the first one always is; the scales are tried from 1.0 outwards so the fitted cut-off itself comes
        first).

    Returns
    -------
    dict or None
        The settings, or None when the truth has no division among the candidates or the fit gives the first
        term no weight.
    """
    from volltrack.tracking.settings import TrackerSettings
    from volltrack.tuning.scoring import objective_value, predicted_edges, score_settings

    base = dict(settings, TRACKING_MODE="EXACT_LAP", ALLOW_TRACK_SPLITTING=False)
    links = predicted_edges(truth, TrackerSettings.from_mapping(base))
    distance = float(settings.get("SPLITTING_MAX_DISTANCE", 15.0))
    table = candidate_terms(truth, links, distance,
                            fragment_ratio=float(settings.get("DIVISION_FRAGMENT_RATIO", 1.0)))
    y = table["label"].to_numpy(dtype=int) if len(table) else np.zeros(0, int)
    if y.sum() == 0:
        return None
    names = ["opposite", *[name for name in terms if name != "opposite"]]
    x = table[names].to_numpy(dtype=float)
    positive = min(20.0, max(1.0, (len(y) - y.sum()) / y.sum()))
    theta = _logistic_fit(x, y, positive_weight=positive, l2=1.0)
    first = theta[1]
    if not first > 1e-9 or not theta[0] > 0:
        return None
    fitted = dict(settings, TRACKING_MODE="DIVISION_AWARE", ALLOW_TRACK_SPLITTING=False,
                  SPLITTING_MAX_DISTANCE=distance)
    fitted.update({key: 0.0 for name, key in TERMS.items() if key is not None and name not in names})
    for name, weight in zip(names[1:], theta[2:]):
        key = TERMS[name]
        assert key is not None
        fitted[key] = float(weight / first)
    cutoff = float(theta[0] / first)
    if score is None:
        def score(s: dict[str, Any]) -> float:
            return objective_value(score_settings(truth, s), "division_f1")
    best: tuple[float, float] | None = None
    for factor in sorted(COST_SCALES, key=lambda f: (abs(f - 1.0), f)):
        if best is not None and deadline is not None and time.perf_counter() > deadline:
            logger.info("division fit: time budget spent; cut-off chosen among the scales tried")
            break
        value = score(dict(fitted, DIVISION_MAX_COST=factor * cutoff))
        logger.info("division fit: DIVISION_MAX_COST %.3f -> %.4f", factor * cutoff, value)
        if best is None or value > best[0] or (value == best[0] and factor < best[1] / cutoff):
            best = (value, factor * cutoff)
    assert best is not None
    fitted["DIVISION_MAX_COST"] = best[1]
    return fitted
