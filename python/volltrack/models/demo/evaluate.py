"""Measure VollSeg with a models folder on simulator volumes not used for training (F1 at IoU 0.5).

Usage::

    python -m volltrack.models.demo.evaluate [--models DIR] [--seeds 0,201] [--frames 1]

Seed 0 with 250 cells is the movie of ``volltrack run --demo``; training used seeds 101-104 and threshold
optimisation seed 105. Prints one line per volume and the mean (stardist.matching, IoU 0.5).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from volltrack.models.demo.make_training_data import CALIBRATION, SHAPE

logger = logging.getLogger(__name__)


def evaluate(models_folder: Path | None, *, seeds: list[int], n_frames: int, n_cells: int = 250,
             snr: float = 5.0, iou_thresh: float = 0.5) -> list[dict]:
    """Segment simulated volumes with VollSeg and match them to the ground truth.

    Returns
    -------
    list of dict
        One record per volume: seed, frame, f1, precision, recall, n_true, n_pred.
    """
    from stardist.matching import matching

    from volltrack.segmentation import load_models, vollseg
    from volltrack.synthetic import simulate_tissue

    models = load_models(models_folder)
    records = []
    for seed in seeds:
        movie = simulate_tissue(n_frames=n_frames, shape=SHAPE, calibration=CALIBRATION, seed=seed,
                                n_cells=n_cells, snr=snr)
        for t in range(n_frames):
            labels = vollseg(movie.raw[t], models).labels
            stats = matching(movie.labels[t], labels, thresh=iou_thresh)
            records.append(dict(seed=seed, frame=t, f1=stats.f1, precision=stats.precision, recall=stats.recall,
                                n_true=stats.n_true, n_pred=stats.n_pred))
            print(f"seed {seed} frame {t}: F1 {stats.f1:.3f} (precision {stats.precision:.3f}, recall "
                  f"{stats.recall:.3f}, {stats.n_true} true / {stats.n_pred} predicted cells)")
    print(f"mean F1 at IoU {iou_thresh}: {np.mean([r['f1'] for r in records]):.3f} over {len(records)} volumes")
    return records


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=None, help="models folder (default: the bundled demo)")
    parser.add_argument("--seeds", default="0,201", help="simulator seeds (not used in training)")
    parser.add_argument("--frames", type=int, default=1, help="frames per seed")
    parser.add_argument("--cells", type=int, default=250, help="cells per movie (the demo's 250)")
    parser.add_argument("--snr", type=float, default=5.0, help="membrane SNR (the demo's 5)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    evaluate(args.models, seeds=[int(s) for s in args.seeds.split(",")], n_frames=args.frames,
             n_cells=args.cells, snr=args.snr)


if __name__ == "__main__":
    main()
