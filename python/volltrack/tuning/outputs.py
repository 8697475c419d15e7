"""Files written by ``volltrack tune``: settings, run configuration, trials table, plot and report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from volltrack.io.atomic import atomic_path, atomic_write_text
from volltrack.tuning.search import TuneResult

__all__ = ["write_outputs", "plot_trials"]

#: Parameters plotted against the objective (those present in the trials).
PLOTTED = ("LINKING_MAX_DISTANCE", "GAP_CLOSING_MAX_DISTANCE", "SPLITTING_MAX_DISTANCE",
           "ALTERNATIVE_LINKING_COST_FACTOR", "DIVISION_MAX_COST")
#: Scores shown in the report.
REPORTED = ("link_f1", "link_precision", "link_recall", "division_f1", "division_f1_tol1", "division_precision",
            "division_recall", "mbc", "divisions_true", "divisions_pred", "tra", "seconds")


def plot_trials(trials: pd.DataFrame, path: Path, *, metric: str) -> Path:
    """Scatter the objective of every trial against the main parameters, coloured by tracking mode."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from matplotlib.ticker import NullFormatter

    searched = trials[trials["trial"] != "baseline"]
    params = [p for p in PLOTTED if p in searched.columns and searched[p].notna().any()]
    n = len(params) + 1
    cols = 3
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
    colours = {"EXACT_LAP": "tab:blue", "DIVISION_AWARE": "tab:orange"}
    baseline = trials.loc[trials["trial"] == "baseline", "objective"]
    for ax, param in zip(axes.flat, params):
        active = searched[_active(searched, param)]
        for mode, group in active.groupby(active.get("TRACKING_MODE", pd.Series("EXACT_LAP", active.index))):
            ax.scatter(group[param], group["objective"], s=14, alpha=0.75, color=colours.get(mode, "grey"),
                       label=mode)
        if len(baseline):
            ax.axhline(float(baseline.iloc[0]), color="grey", ls="--", lw=1, label="TrackMate defaults")
        ax.set_xlabel(param.lower().replace("_", " "))
        ax.set_ylabel(metric)
        if param != "ALTERNATIVE_LINKING_COST_FACTOR":
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
    ax = axes.flat[len(params)]
    ax.plot(range(len(searched)), searched["objective"], ".", color="tab:grey", label="trial")
    ax.plot(range(len(searched)), searched["objective"].cummax(), "-", color="tab:red", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel(metric)
    ax.legend(fontsize=7, loc="lower right")
    axes.flat[0].legend(fontsize=7, loc="lower right")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(f"volltrack tune: {metric} of each trial")
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as temp:
        fig.savefig(temp, dpi=110)
    plt.close(fig)
    return path


def _active(trials: pd.DataFrame, param: str) -> pd.Series:
    """Rows where ``param`` was searched (not a default filled in for a switched-off step)."""
    def flag(column: str) -> pd.Series:
        return trials[column].astype(str).str.lower() == "true" if column in trials else pd.Series(True, trials.index)

    aware = trials.get("TRACKING_MODE", pd.Series("", trials.index)) == "DIVISION_AWARE"
    if param == "GAP_CLOSING_MAX_DISTANCE":
        return flag("ALLOW_GAP_CLOSING")
    if param == "SPLITTING_MAX_DISTANCE":
        return flag("ALLOW_TRACK_SPLITTING") | aware
    if param == "DIVISION_MAX_COST":
        return aware
    return pd.Series(True, trials.index)


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _report(result: TuneResult, truth_text: str, args_text: str) -> str:
    lines = ["# volltrack tune", "", f"Truth: {truth_text}", "", f"Command: `{args_text}`", "",
             f"Objective `{result.metric}`: best {result.best_value:.4f} (TrackMate defaults "
             f"{result.baseline_value:.4f}) after {sum(1 for r in result.trials if isinstance(r['trial'], int))} "
             f"trials in {result.seconds:.0f} s.", "",
             "| score | TrackMate defaults | tuned |", "|---|---|---|"]
    for key in REPORTED:
        lines.append(f"| {key} | {_fmt(result.baseline_scores.get(key))} | {_fmt(result.best_scores.get(key))} |")
    lines += ["", "Division F1 is traccuracy's rule on the truth's own spots (±1 frame: `division_f1_tol1`); TRA "
              "is the CTC's with every detection right.", "", "Tuned settings (`settings.json`):", "", "```json",
              json.dumps(result.best_settings, indent=2), "```", ""]
    return "\n".join(lines)


def write_outputs(result: TuneResult, out: Path, *, truth_text: str, args_text: str) -> dict[str, Path]:
    """Write ``settings.json``, ``run.yaml``, ``trials.csv``, ``objective.png``, ``report.md`` into ``out``.

    ``settings.json`` is accepted unchanged by ``volltrack track --settings``; ``run.yaml`` holds the same
    settings as the ``tracking`` section of a ``volltrack run --config`` file.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"settings": out / "settings.json", "run_yaml": out / "run.yaml", "trials": out / "trials.csv",
             "plot": out / "objective.png", "report": out / "report.md"}
    trials = pd.DataFrame(result.trials)
    with atomic_path(paths["trials"], suffix=".csv") as temp:
        trials.to_csv(temp, index=False)
    plot_trials(trials, paths["plot"], metric=result.metric)
    atomic_write_text(paths["settings"], json.dumps(result.best_settings, indent=2) + "\n")
    header = (f"# volltrack tune: tracker settings fitted to {truth_text} (objective {result.metric} "
              f"{result.best_value:.4f}); use with volltrack run --config run.yaml\n")
    atomic_write_text(paths["run_yaml"], header + yaml.safe_dump({"tracking": result.best_settings},
                                                                 sort_keys=False))
    atomic_write_text(paths["report"], _report(result, truth_text, args_text))
    return paths
