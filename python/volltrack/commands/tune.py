"""``volltrack tune``: fit the tracker settings to annotated tracks (a curated TrackMate XML or a CTC GT folder)."""

from __future__ import annotations

import argparse

HELP = "fit the tracker settings to your annotations (curated TrackMate XML or CTC *_GT folder)"


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack tune``."""
    from volltrack.tuning.search import METRICS, MODES

    parser.add_argument("truth", help="curated TrackMate .xml file (its visible spots and edges are the truth) or "
                                      "a Cell Tracking Challenge *_GT folder (TRA/man_track.txt + masks)")
    parser.add_argument("--out", required=True, help="output folder: settings.json, run.yaml, trials.csv, "
                                                     "objective.png, report.md")
    parser.add_argument("--frames", metavar="A:B", help="tune on frames A..B-1 only (e.g. 0:100)")
    parser.add_argument("--metric", choices=METRICS, default="combined",
                        help="objective: combined (default: link F1 + division F1 weighted so that a division "
                             "counts as its two daughter links), division_f1 (±1 frame), link_f1, tra")
    parser.add_argument("--trials", type=int, default=100, help="number of trials (default 100)")
    parser.add_argument("--timeout", type=float, help="time budget for the whole tuning (search and division fit), in seconds")
    parser.add_argument("--modes", default=",".join(MODES),
                        help=f"tracking modes to explore, comma-separated (default {','.join(MODES)})")
    parser.add_argument("--calibration", metavar="Z,Y,X",
                        help="voxel size of CTC masks (default 1,1,1); ignored for TrackMate XML")
    parser.add_argument("--segmentation-terms", action="store_true",
                        help="also search and fit the division-aware mode's merge and fragment terms (the truth's "
                             "spots come from a segmentation, with merged and cut cells)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampler (default 0)")
    parser.add_argument("--no-progress", action="store_true", help="do not show a progress bar")


def _calibration(text: str | None) -> tuple[float, float, float]:
    if text is None:
        return (1.0, 1.0, 1.0)
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(v > 0 for v in values):
        raise ValueError(f"--calibration {text!r}: expected three voxel sizes Z,Y,X > 0, e.g. 2,0.5,0.5")
    return values


def run(args: argparse.Namespace) -> int:
    """Load the truth, search, write the outputs and print the best scores."""
    import shlex
    import sys
    from pathlib import Path

    from volltrack.tuning.outputs import write_outputs
    from volltrack.tuning.search import tune_settings
    from volltrack.tuning.truth import load_truth, parse_frames

    frames = parse_frames(args.frames)
    modes = tuple(m.strip().upper() for m in args.modes.split(",") if m.strip())
    if args.trials < 1:
        raise ValueError(f"--trials {args.trials}: expected at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise ValueError(f"--timeout {args.timeout}: expected a number of seconds > 0")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder")
    truth = load_truth(args.truth, frames=frames, calibration=_calibration(args.calibration))
    print(f"truth: {len(truth.spots)} spots, {len(truth.edges)} links, {truth.n_divisions} divisions "
          f"({truth.source})")
    result = tune_settings(truth, metric=args.metric, trials=args.trials, timeout=args.timeout, modes=modes,
                           segmentation_terms=args.segmentation_terms, seed=args.seed,
                           progress=not args.no_progress)
    command = "volltrack " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:2] == ["tune"] else \
        f"volltrack tune {args.truth} --out {args.out}"
    paths = write_outputs(result, out, truth_text=truth.source, args_text=command)
    best, base = result.best_scores, result.baseline_scores

    def show(scores) -> str:
        def f(key):
            value = scores.get(key)
            return "n/a" if value is None else f"{value:.3f}"
        return (f"link F1 {f('link_f1')}, division F1 {f('division_f1')} (±1 frame {f('division_f1_tol1')}), "
                f"TRA {f('tra')}")

    print(f"TrackMate defaults: {show(base)}")
    print(f"tuned ({result.best_settings.get('TRACKING_MODE', 'EXACT_LAP')}): {show(best)}")
    print(f"{result.metric} {result.baseline_value:.4f} -> {result.best_value:.4f}; wrote {paths['settings']}, "
          f"{paths['run_yaml'].name}, {paths['trials'].name}, {paths['plot'].name}, {paths['report'].name}")
    return 0
