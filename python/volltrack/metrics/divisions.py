"""Division and link accuracy: traccuracy's division metrics, and a fast scorer for identical detections.

Two entry points:

* :func:`division_metrics` turns a traccuracy ``Matched`` pair of graphs (ground truth and result, nodes
  matched one to one) into flat, JSON-friendly scores through traccuracy's ``DivisionMetrics`` at frame
  tolerance 0 and 1 (used by ``volltrack evaluate`` and ``volltrack run --gt``).
* :func:`score_links` scores a predicted edge list against a truth edge list over the *same* spots (node
  IDs shared, as when ``volltrack tune`` tracks the truth's own spots): link precision/recall/F1, the same
  division scores as traccuracy's (frame tolerance 0 and 1) and TRA from the CTC's AOGM with perfect
  detections. It needs no masks and takes milliseconds, so it can score every trial of a search.

Division rules (traccuracy's): a division is a node with two or more successors. A true division is found
(TP) when its parent divides in the prediction with links to both true daughters; a predicted division whose
parent is no true division is a false positive (FP), a true division whose parent does not divide in the
prediction a false negative (FN); a division at the right parent with a wrong daughter is neither (traccuracy's
"wrong children"), but it lowers precision and recall, which are TP / predicted and TP / true.
With a frame tolerance of one, an FN and an FP whose parents are one frame apart become a TP when the late
division's parent, followed back to the early parent's frame, is the early parent, and the early daughters,
followed forward to the late daughters' frame, are the late daughters (:func:`score_links`; traccuracy's own
rule, used by :func:`division_metrics`, follows the daughters' paths slightly differently).
Mitotic branching correctness (MBC) is TP / (true divisions + FP). F1 is 2 TP / (true + predicted divisions),
the harmonic mean of precision and recall, and 0 (not undefined) when one side has divisions and the other none.

Flat keys (every value a number or None):

``divisions_true``, ``divisions_pred``, ``division_tp``, ``division_fp``, ``division_fn``,
``division_precision``, ``division_recall``, ``division_f1``, ``mbc``, and the same with the suffix
``_tol1`` (one frame of tolerance).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping

__all__ = ["DIVISION_KEYS", "division_metrics", "score_links"]

#: The flat keys of the division scores, tolerance 0 then 1.
DIVISION_KEYS = ("divisions_true", "divisions_pred", "division_tp", "division_fp", "division_fn",
                 "division_precision", "division_recall", "division_f1", "mbc",
                 "division_tp_tol1", "division_fp_tol1", "division_fn_tol1", "division_precision_tol1",
                 "division_recall_tol1", "division_f1_tol1", "mbc_tol1")


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _flat(n_true: int, n_pred: int, tp: int, fp: int, fn: int, shifted: int) -> dict[str, float | None]:
    """Return the flat division scores from traccuracy-style counts.

    ``fp`` counts predicted divisions whose parent is no true division, ``fn`` true divisions whose parent does
    not divide in the prediction (a division at the right parent with a wrong daughter is neither, as in
    traccuracy); ``shifted`` is the number of (fn, fp) pairs that one frame of tolerance turns into a TP.
    """
    out: dict[str, float | None] = {"divisions_true": n_true, "divisions_pred": n_pred}
    for suffix, hits, false_pos, false_neg in (("", tp, fp, fn), ("_tol1", tp + shifted, fp - shifted,
                                                                   fn - shifted)):
        precision, recall = _ratio(hits, n_pred), _ratio(hits, n_true)
        out.update({f"division_tp{suffix}": hits, f"division_fp{suffix}": false_pos,
                    f"division_fn{suffix}": false_neg, f"division_precision{suffix}": precision,
                    f"division_recall{suffix}": recall, f"division_f1{suffix}": _ratio(2 * hits, n_true + n_pred),
                    f"mbc{suffix}": _ratio(hits, n_true + false_pos)})
    return out


def division_metrics(matched) -> dict[str, float | None]:
    """Return the flat division scores of a one-to-one traccuracy ``Matched`` (frame tolerance 0 and 1).

    Parameters
    ----------
    matched : traccuracy.matchers.Matched
        Ground-truth and predicted graphs with a one-to-one node mapping.

    Returns
    -------
    dict
        :data:`DIVISION_KEYS` -> value; ratios whose denominator is 0 are None.
    """
    import logging

    from traccuracy.metrics import DivisionMetrics

    logging.getLogger("traccuracy").setLevel(logging.ERROR)
    results = DivisionMetrics(max_frame_buffer=1).compute(matched).results
    zero, one = results["Frame Buffer 0"], results["Frame Buffer 1"]
    tp = int(zero["True Positive Divisions"])
    return _flat(int(zero["Total GT Divisions"]), int(zero["Total Predicted Divisions"]), tp,
                 int(zero["False Positive Divisions"]), int(zero["False Negative Divisions"]),
                 int(one["True Positive Divisions"]) - tp)


@dataclass
class _Graph:
    """Successors and predecessors of a directed track graph over shared node IDs."""

    succ: dict
    pred: dict

    @classmethod
    def of(cls, edges: Iterable[tuple[Hashable, Hashable]]) -> "_Graph":
        succ, pred = defaultdict(list), defaultdict(list)
        for source, target in edges:
            succ[source].append(target)
            pred[target].append(source)
        return cls(succ, pred)

    def divisions(self) -> dict:
        return {node: frozenset(children) for node, children in self.succ.items() if len(children) >= 2}

    def back(self, node, frame: int, frame_of: Mapping) -> Hashable | None:
        """Follow single predecessors from ``node`` back to ``frame``; None when the path ends or branches."""
        while node is not None and frame_of[node] > frame:
            parents = self.pred.get(node, [])
            node = parents[0] if len(parents) == 1 else None
        return node if node is not None and frame_of[node] == frame else None

    def forward(self, node, frame: int, frame_of: Mapping) -> Hashable | None:
        """Follow single successors from ``node`` forward to ``frame``; None when the path ends or branches."""
        while node is not None and frame_of[node] < frame:
            children = self.succ.get(node, [])
            node = children[0] if len(children) == 1 else None
        return node if node is not None and frame_of[node] == frame else None


def _shift_matches(early: tuple, late: tuple, early_graph: _Graph, late_graph: _Graph, frame_of) -> bool:
    """True when the early division (parent, daughters) and the late one are the same, one frame apart."""
    early_parent, early_children = early
    late_parent, late_children = late
    if late_graph.back(late_parent, frame_of[early_parent], frame_of) != early_parent:
        return False
    frames = {frame_of[c] for c in late_children}
    if len(frames) != 1:
        return False
    advanced = {early_graph.forward(c, next(iter(frames)), frame_of) for c in early_children}
    return None not in advanced and advanced == set(late_children)


def score_links(truth_edges: Iterable[tuple[Hashable, Hashable]], pred_edges: Iterable[tuple[Hashable, Hashable]],
                frame_of: Mapping[Hashable, int], *, truth_nodes: int | None = None) -> dict[str, float | None]:
    """Score predicted links against true links between the same spots.

    Parameters
    ----------
    truth_edges, pred_edges : iterable of (source ID, target ID)
        Links, source earlier than target; spot IDs shared by both.
    frame_of : mapping
        Spot ID -> frame, for every spot of either edge list.
    truth_nodes : int, optional
        Number of spots of the truth (for TRA's normalisation); default the spots of ``truth_edges``.

    Returns
    -------
    dict
        ``link_precision``, ``link_recall``, ``link_f1``, ``links_true``, ``links_pred``, ``tra`` (CTC TRA
        with every detection right: AOGM = 1.5 FN edges + 1 FP edge + 1 edge whose division status differs,
        normalised by 10 nodes + 1.5 edges of the truth), and the division scores of :data:`DIVISION_KEYS`.
    """
    truth = {(s, t) for s, t in truth_edges}
    pred = {(s, t) for s, t in pred_edges}
    common = truth & pred
    precision, recall = _ratio(len(common), len(pred)), _ratio(len(common), len(truth))
    out: dict[str, float | None] = {"links_true": len(truth), "links_pred": len(pred),
                                    "link_precision": precision, "link_recall": recall,
                                    "link_f1": _f1(precision, recall)}
    gt, res = _Graph.of(truth), _Graph.of(pred)
    gt_div, res_div = gt.divisions(), res.divisions()
    exact = {p for p, children in gt_div.items() if p in res_div and children <= res_div[p]}
    missed = [(p, gt_div[p]) for p in sorted(set(gt_div) - set(res_div), key=lambda n: frame_of[n])]
    false = [(p, res_div[p]) for p in sorted(set(res_div) - set(gt_div), key=lambda n: frame_of[n])]
    shifted, used = 0, set()
    for gt_item in missed:
        for k, res_item in enumerate(false):
            if k in used or abs(frame_of[gt_item[0]] - frame_of[res_item[0]]) > 1:
                continue
            if frame_of[gt_item[0]] <= frame_of[res_item[0]]:
                ok = _shift_matches(gt_item, res_item, gt, res, frame_of)
            else:
                ok = _shift_matches(res_item, gt_item, res, gt, frame_of)
            if ok:
                used.add(k)
                shifted += 1
                break
    out.update(_flat(len(gt_div), len(res_div), len(exact), len(false), len(missed), shifted))
    n_truth_nodes = truth_nodes if truth_nodes is not None else len({n for edge in truth for n in edge})
    semantic = sum(1 for s, t in common if (len(gt.succ[s]) > 1) != (len(res.succ[s]) > 1))
    aogm = 1.5 * len(truth - pred) + 1.0 * len(pred - truth) + 1.0 * semantic
    aogm0 = 10.0 * n_truth_nodes + 1.5 * len(truth)
    out["tra"] = None if aogm0 == 0 else 1.0 - min(aogm, aogm0) / aogm0
    return out


def is_number(value) -> bool:
    """True for a finite int/float (not bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def division_line(scores: Mapping[str, float | None]) -> str | None:
    """Return a one-line summary of the division scores in ``scores``, or None when they are absent.

    Examples
    --------
    >>> division_line(_flat(2, 3, 1, 2, 1, 1))
    'divisions: true 2, predicted 3, precision 0.333, recall 0.500, division F1 0.400 (±1 frame 0.800), MBC 0.250'
    """
    if scores.get("divisions_true") is None:
        return None

    def text(key: str) -> str:
        value = scores.get(key)
        return "n/a" if value is None else f"{value:.3f}"

    return (f"divisions: true {int(scores['divisions_true'])}, predicted {int(scores['divisions_pred'])}, "
            f"precision {text('division_precision')}, recall {text('division_recall')}, "
            f"division F1 {text('division_f1')} (±1 frame {text('division_f1_tol1')}), MBC {text('mbc')}")
