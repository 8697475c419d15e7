"""Fit tracker settings to annotated tracks (``volltrack tune``).

* :func:`load_truth` -- spots and true links from a curated TrackMate XML or a CTC ground-truth folder;
* :func:`tune_settings` -- the optuna search, tracking in-process with the engine;
* :func:`score_settings` -- track the truth's spots with given settings and score them;
* :func:`write_outputs` -- ``settings.json``, ``run.yaml``, ``trials.csv``, ``objective.png``, ``report.md``.
"""

from __future__ import annotations

from volltrack.lazy import lazy_exports

_EXPORTS = {
    "Truth": "volltrack.tuning.truth",
    "load_truth": "volltrack.tuning.truth",
    "parse_frames": "volltrack.tuning.truth",
    "tune_settings": "volltrack.tuning.search",
    "score_settings": "volltrack.tuning.search",
    "objective_value": "volltrack.tuning.search",
    "TuneResult": "volltrack.tuning.search",
    "write_outputs": "volltrack.tuning.outputs",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
