"""Division benchmark on VollSeg detections: track the spots of a ``volltrack run --demo`` folder with several
tracker settings and score each result with traccuracy on the ground-truth masks (CTC TRA, division F1).

Usage::

    python bench/divisions/vollseg.py RUN_FOLDER LABEL=SETTINGS.json [LABEL=SETTINGS.json ...] [--out RESULTS]

``RUN_FOLDER`` is the output of ``volltrack run --demo`` (``spots.csv``, ``segmentation/VollSeg/raw.tif``,
``demo-data/GT``). ``SETTINGS`` is a settings file (JSON; ``volltrack tune``'s ``settings.json``, or one written
by ``bench/divisions/run.py``), or ``runyaml`` for run.yaml's defaults, ``trackmate`` for TrackMate's defaults
with splitting, ``demo`` for ``volltrack run --demo``'s own settings. Prints one Markdown row per setting.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path


def settings_for(spec: str) -> dict:
    from volltrack.pipeline.config import RunConfig
    from volltrack.pipeline.demo import DEMO_TRACKING
    from volltrack.tracking.settings import TrackerSettings

    if spec == "runyaml":
        return RunConfig().tracking.to_dict()
    if spec == "trackmate":
        return dict(TrackerSettings().to_dict(), ALLOW_TRACK_SPLITTING=True)
    if spec == "demo":
        return dict(DEMO_TRACKING)
    return json.loads(Path(spec).read_text())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_folder", type=Path)
    parser.add_argument("settings", nargs="+", help="LABEL=SETTINGS (a JSON file, runyaml, trackmate or demo)")
    parser.add_argument("--out", type=Path, help="write results.json here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    import tifffile

    from volltrack.metrics.tracking import evaluate_ctc, export_ctc
    from volltrack.spots import read_spots_csv
    from volltrack.tracking import track

    labels = tifffile.imread(args.run_folder / "segmentation" / "VollSeg" / "raw.tif")
    spots = read_spots_csv(args.run_folder / "spots.csv")
    gt = args.run_folder / "demo-data" / "GT"
    rows = []
    print("| settings | CTC TRA | DET | div F1 | div F1 ±1 | div P | div R | MBC | track s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for item in args.settings:
        label, _, spec = item.partition("=")
        settings = settings_for(spec or label)
        start = time.perf_counter()
        result = track(spots, settings, progress=False)
        seconds = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as scratch:
            export_ctc(labels, Path(scratch), spots=result.spots, edges=result.edges, visible_only=True)
            scores = evaluate_ctc(gt, Path(scratch))
        row = {"settings": label, "seconds": seconds, **scores}
        rows.append(row)

        def f(key, digits=3):
            value = scores.get(key)
            return "n/a" if value is None else f"{value:.{digits}f}"

        print(f"| {label} | {f('TRA', 4)} | {f('DET', 4)} | {f('division_f1')} | {f('division_f1_tol1')} | "
              f"{f('division_precision')} | {f('division_recall')} | {f('mbc')} | {seconds:.1f} |", flush=True)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "vollseg.json").write_text(json.dumps(rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
