"""Division benchmark: exact LAP (defaults / tuned), the division-aware mode (tuned) and laptrack (tuned).

Every method tracks the same detections (the truth's own spots), is tuned with the same optuna budget and
objective on one movie (or the first part of a movie) and scored on another (or the rest):

* ``sim``: the simulator (``volltrack simulate`` model, the demo's size: 20 frames of 22x256x256, 250 cells);
  tuned on seed 1, scored on seed 0 (the demo movie) with ground-truth detections. Besides the fast scorer,
  TRA and traccuracy's division metrics are computed on the test movie's masks (CTC export of each result).
* ``mamut``: the real curated neuroblast lineage (MaMuT / TrackMate XML, 330 frames, 6 divisions); tuned on
  frames 0:165, scored on 165:330.
* ``celegans``: TrackMate 7.14's C. elegans file (17 frames, 4 divisions); tuned on 0:9, scored on 9:17.
* ``wormguides``: the curated C. elegans embryo lineage of WormGUIDES (zhirongbaolab/WormGUIDES, GPL-3;
  360 frames, 106,275 nuclei, 663 divisions), converted by ``bench/divisions/acetree.py`` to the XML given
  with ``--wormguides``; tuned on frames 0:180 (``--wormguides-split``), scored on the rest.

Usage::

    python bench/divisions/run.py --out RESULTS [--cases sim,mamut,celegans] [--trials 100] [--metric division_f1]
        [--sim-train SIM1_FOLDER --sim-test SIM0_FOLDER]   # folders written by volltrack simulate / the demo
        [--sim-intensity]                                  # GT spots get MEAN_INTENSITY_CH1 from raw.tif
        [--sim-tissue]                                     # GT spots get DISTANCE_TO_BOUNDARY from mask.tif
        [--skip exact_lap,laptrack]                        # methods not to tune in this run
        [--wormguides XML --wormguides-split 180]          # the converted WormGUIDES lineage

Prints one table per case with ratios against exact LAP with TrackMate's defaults (the floor measured in the
same run) and writes ``RESULTS/results.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from pathlib import Path

import numpy as np

REAL = Path("/work/shared/data/real")
if not REAL.is_dir():
    REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


def laptrack_edges(truth, params: dict) -> list[tuple[int, int]]:
    """Track the truth's spots with laptrack; return (earlier, later) spot-ID links."""
    from laptrack import LapTrack

    spots = truth.spots.sort_values(["FRAME", "ID"])
    frames = sorted(spots["FRAME"].unique())
    first = int(frames[0])
    coords, ids = [], []
    for t in range(first, int(frames[-1]) + 1):
        block = spots[spots["FRAME"] == t]
        coords.append(block[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(float).reshape(-1, 3))
        ids.append(block["ID"].to_numpy(int))
    tracker = LapTrack(**params)
    graph = tracker.predict(coords)
    return [(int(ids[a[0]][a[1]]), int(ids[b[0]][b[1]])) for a, b in graph.edges()]


def suggest_laptrack(trial, space) -> dict:
    """laptrack's counterpart of the engine's search space (same distance ranges, squared costs)."""
    link = trial.suggest_float("LINKING_MAX_DISTANCE", *space.linking, log=True)
    params = {"cutoff": link ** 2,
              "alternative_cost_factor": trial.suggest_float("ALTERNATIVE_LINKING_COST_FACTOR", 1.0, 2.0),
              "alternative_cost_percentile": trial.suggest_float("CUTOFF_PERCENTILE", 0.5, 1.0),
              "gap_closing_cutoff": False, "splitting_cutoff": False, "merging_cutoff": False}
    if trial.suggest_categorical("ALLOW_GAP_CLOSING", [True, False]):
        params["gap_closing_cutoff"] = trial.suggest_float("GAP_CLOSING_MAX_DISTANCE", *space.gap, log=True) ** 2
        params["gap_closing_max_frame_count"] = trial.suggest_int("MAX_FRAME_GAP", 1, 4)
    if trial.suggest_categorical("ALLOW_TRACK_SPLITTING", [True, False]):
        params["splitting_cutoff"] = trial.suggest_float("SPLITTING_MAX_DISTANCE", *space.splitting, log=True) ** 2
    if trial.suggest_categorical("ALLOW_TRACK_MERGING", [False, True]):
        params["merging_cutoff"] = trial.suggest_float("MERGING_MAX_DISTANCE", *space.linking, log=True) ** 2
    return params


def score_laptrack(truth, params: dict) -> dict:
    from volltrack.tuning.search import scored_links

    return scored_links(truth, lambda: laptrack_edges(truth, params))


def tune_laptrack(truth, *, metric: str, trials: int, seed: int, timeout: float | None) -> tuple[dict, dict, float]:
    import optuna

    from volltrack.tuning.search import SearchSpace, objective_value

    space = SearchSpace.for_truth(truth)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))

    def objective(trial):
        params = suggest_laptrack(trial, space)
        try:
            scores = score_laptrack(truth, params)
        except Exception as exc:  # noqa: BLE001 -- laptrack rejects some combinations; the trial scores 0
            logging.getLogger("bench").debug("laptrack failed: %s", exc)
            return 0.0
        trial.set_user_attr("params", params)
        return objective_value(scores, metric)

    start = time.perf_counter()
    study.optimize(objective, n_trials=trials, timeout=timeout)
    return study.best_trial.user_attrs["params"], {}, time.perf_counter() - start


def ctc_scores(gt_folder: Path, truth, edges, scratch: Path) -> dict:
    """TRA and traccuracy division metrics of a result on the GT masks (spots carry their GT LABEL)."""
    import pandas as pd

    from volltrack.metrics.tracking import evaluate_ctc, export_ctc, read_ctc

    gt = read_ctc(gt_folder)
    spots = truth.spots[["ID", "FRAME", "LABEL"]].copy()
    edge_df = pd.DataFrame(edges, columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID"])
    export_ctc(np.asarray(gt.labels), scratch, spots=spots, edges=edge_df)
    scores = evaluate_ctc(gt_folder, scratch)
    return {f"ctc_{k}": scores.get(k) for k in ("TRA", "DET", "LNK", "division_f1", "division_f1_tol1",
                                                  "division_precision", "division_recall", "mbc")}


def with_raw_intensity(truth, folder: Path):
    """Add ``MEAN_INTENSITY_CH1`` to the truth's spots: the mean of ``folder/raw.tif`` over each GT mask."""
    import tifffile
    from scipy import ndimage

    from volltrack.metrics.ctc_format import read_ctc

    labels = np.asarray(read_ctc(folder / "GT").labels)
    raw = tifffile.imread(folder / "raw.tif")
    spots = truth.spots
    values = np.full(len(spots), np.nan)
    frames = spots["FRAME"].to_numpy()
    for t in np.unique(frames):
        rows = np.flatnonzero(frames == t)
        values[rows] = ndimage.mean(raw[t], labels[t], spots["LABEL"].to_numpy()[rows])
    spots["MEAN_INTENSITY_CH1"] = values
    return truth


def with_tissue_distance(truth, folder: Path, calibration=(2.0, 0.5, 0.5)):
    """Add ``DISTANCE_TO_BOUNDARY`` to the truth's spots: the signed distance to the boundary of the tissue mask
    ``folder/mask.tif`` at each spot's centre voxel (what ``volltrack spots`` writes given a tissue mask)."""
    import tifffile

    from volltrack.spots.tissue import signed_distance_to_boundary

    mask = tifffile.imread(folder / "mask.tif").astype(bool)
    spots = truth.spots
    cal = np.asarray(calibration, dtype=float)
    voxel = np.floor(spots[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(float) / cal + 0.5).astype(int)
    voxel = np.clip(voxel, 0, np.asarray(mask.shape[1:]) - 1)
    values = np.full(len(spots), np.nan)
    frames = spots["FRAME"].to_numpy()
    for t in np.unique(frames):
        rows = np.flatnonzero(frames == t)
        distance = signed_distance_to_boundary(mask[t], sampling=cal)
        values[rows] = distance[tuple(voxel[rows].T)]
    spots["DISTANCE_TO_BOUNDARY"] = values
    return truth


def run_case(name: str, train, test, *, trials: int, metric: str, seed: int, timeout, out: Path,
             gt_test: Path | None, extra: dict | None, skip: frozenset = frozenset()) -> list[dict]:
    from volltrack.tracking.settings import TrackerSettings
    from volltrack.tuning.search import baseline_settings, predicted_edges, score_settings, tune_settings

    rows = []
    methods: list[tuple[str, dict | None, str]] = [("exact LAP, TrackMate defaults", baseline_settings(train), "engine")]
    for label, settings in (extra or {}).items():
        methods.append((label, settings, "engine"))
    timings = {}
    for label, modes in (("exact LAP, tuned", ("EXACT_LAP",)), ("division-aware, tuned", ("DIVISION_AWARE",))):
        if modes[0].lower() in skip:
            continue
        start = time.perf_counter()
        result = tune_settings(train, metric=metric, trials=trials, timeout=timeout, modes=modes, seed=seed,
                               progress=False)
        timings[label] = time.perf_counter() - start
        methods.append((label, result.best_settings, "engine"))
        (out / f"{name}_{modes[0].lower()}_settings.json").write_text(json.dumps(result.best_settings, indent=2))
    if "laptrack" not in skip:
        start = time.perf_counter()
        lap_params, _, _ = tune_laptrack(train, metric=metric, trials=trials, seed=seed, timeout=timeout)
        timings["laptrack, tuned"] = time.perf_counter() - start
        methods.append(("laptrack, tuned", lap_params, "laptrack"))
        (out / f"{name}_laptrack_params.json").write_text(json.dumps(lap_params, indent=2, default=str))
    for label, settings, kind in methods:
        if kind == "engine":
            scores = score_settings(test, settings)
            train_scores = score_settings(train, settings)
            edges = predicted_edges(test, TrackerSettings.from_mapping(settings)) if gt_test else None
        else:
            scores = score_laptrack(test, settings)
            train_scores = score_laptrack(train, settings)
            edges = laptrack_edges(test, settings) if gt_test else None
        row = {"case": name, "method": label, "tune_seconds": timings.get(label),
               "train_division_f1_tol1": train_scores.get("division_f1_tol1"), **scores}
        if gt_test is not None:
            row.update(ctc_scores(gt_test, test, edges, out / f"ctc_{name}_{len(rows)}"))
        rows.append(row)
        print(f"  {label}: division F1 {scores['division_f1']} (±1 {scores['division_f1_tol1']}), "
              f"link F1 {scores['link_f1']:.4f}", flush=True)
    return rows


def fmt(value, digits=3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def table(rows: list[dict]) -> str:
    floor = rows[0]
    has_ctc = "ctc_TRA" in floor
    head = ["method", "div F1", "div F1 ±1", "ratio", "div P", "div R", "true/pred", "link F1", "TRA*"]
    if has_ctc:
        head += ["CTC TRA", "CTC div F1 ±1"]
    head += ["track s", "tune s", "train div F1 ±1"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ratio = (r["division_f1_tol1"] / floor["division_f1_tol1"]) if floor.get("division_f1_tol1") and \
            r.get("division_f1_tol1") is not None else None
        cells = [r["method"], fmt(r["division_f1"]), fmt(r["division_f1_tol1"]), fmt(ratio, 2),
                 fmt(r["division_precision"]), fmt(r["division_recall"]),
                 f"{r['divisions_true']}/{r['divisions_pred']}", fmt(r["link_f1"], 4), fmt(r["tra"], 4)]
        if has_ctc:
            cells += [fmt(r.get("ctc_TRA"), 4), fmt(r.get("ctc_division_f1_tol1"))]
        cells += [fmt(r["seconds"], 2), fmt(r["tune_seconds"], 0), fmt(r["train_division_f1_tol1"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", default="sim,mamut,celegans")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=None, help="per tuning run, seconds")
    parser.add_argument("--metric", default="division_f1")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip", default="", help="methods not to tune: exact_lap,division_aware,laptrack")
    parser.add_argument("--sim-train", type=Path, help="simulated movie folder (with GT/) to tune on")
    parser.add_argument("--sim-test", type=Path, help="simulated movie folder (with GT/) to score on")
    parser.add_argument("--sim-intensity", action="store_true",
                        help="give the simulator's GT spots MEAN_INTENSITY_CH1 measured on raw.tif")
    parser.add_argument("--sim-tissue", action="store_true",
                        help="give the simulator's GT spots DISTANCE_TO_BOUNDARY of its tissue mask (mask.tif)")
    parser.add_argument("--wormguides", type=Path, help="WormGUIDES lineage converted by acetree.py")
    parser.add_argument("--wormguides-split", type=int, default=180, help="first test frame (default 180)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("volltrack.tracking.bridge").setLevel(logging.WARNING)
    from volltrack.pipeline.config import RunConfig
    from volltrack.tuning.truth import load_truth

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    all_rows = {}
    for case in args.cases.split(","):
        print(f"== {case}", flush=True)
        gt_test, extra = None, None
        if case == "sim":
            if not args.sim_train or not args.sim_test:
                print("  skipped: give --sim-train and --sim-test", flush=True)
                continue
            calibration = (2.0, 0.5, 0.5)
            train = load_truth(args.sim_train / "GT", calibration=calibration)
            test = load_truth(args.sim_test / "GT", calibration=calibration)
            if args.sim_intensity:
                train = with_raw_intensity(train, args.sim_train)
                test = with_raw_intensity(test, args.sim_test)
            if args.sim_tissue:
                train = with_tissue_distance(train, args.sim_train, calibration)
                test = with_tissue_distance(test, args.sim_test, calibration)
            gt_test = args.sim_test / "GT"
            run_yaml = {k: v for k, v in RunConfig().tracking.to_dict().items() if k not in ("TISSUE_FILTER",)}
            extra = {"exact LAP, run.yaml defaults": run_yaml}
        elif case == "mamut":
            whole = load_truth(REAL / "lineage_mamut_neuroblast" / "test-mamut.xml")
            train, test = whole.restricted((0, 165)), whole.restricted((165, None))
        elif case == "celegans":
            whole = load_truth(REAL / "trackmate714_celegans" / "Celegans-5pc-17timepoints.xml")
            train, test = whole.restricted((0, 9)), whole.restricted((9, None))
        elif case == "wormguides":
            if not args.wormguides:
                print("  skipped: give --wormguides XML (bench/divisions/acetree.py)", flush=True)
                continue
            whole = load_truth(args.wormguides)
            split = args.wormguides_split
            train, test = whole.restricted((0, split)), whole.restricted((split, None))
        else:
            raise SystemExit(f"unknown case {case}")
        print(f"  train: {len(train.spots)} spots, {train.n_divisions} divisions; test: {len(test.spots)} spots, "
              f"{test.n_divisions} divisions", flush=True)
        rows = run_case(case, train, test, trials=args.trials, metric=args.metric, seed=args.seed,
                        timeout=args.timeout, out=out, gt_test=gt_test, extra=extra,
                        skip=frozenset(filter(None, args.skip.split(","))))
        all_rows[case] = rows
        print(table(rows), flush=True)
        (out / "results.json").write_text(json.dumps(all_rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
