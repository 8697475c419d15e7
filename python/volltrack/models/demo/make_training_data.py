"""Write simulator volumes as a training folder (``Raw/`` + ``RealMask/``) for the bundled demo models.

Usage::

    python -m volltrack.models.demo.make_training_data OUT --seeds 101,102,103,104 --frames 3

Each seed is one movie of ``simulate_tissue`` (22x256x256 at (2.0, 0.5, 0.5) µm, the demo's geometry) with
a cell count and SNR varied with the seed, so the models see several densities and noise levels; every frame
is written as one training volume.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

SHAPE = (22, 256, 256)
CALIBRATION = (2.0, 0.5, 0.5)


def movie_settings(seed: int) -> dict:
    """Cell count and SNR used for one seed (varied so the training set covers several conditions)."""
    return dict(n_cells=150 + 50 * (seed % 4), snr=(3.0, 5.0, 8.0)[seed % 3])


def write_training_folder(out: Path, *, seeds: list[int], n_frames: int) -> Path:
    """Simulate one movie per seed and write every frame to ``out/Raw`` and ``out/RealMask``."""
    import tifffile

    from volltrack.synthetic import simulate_tissue

    for sub in ("Raw", "RealMask"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        movie = simulate_tissue(n_frames=n_frames, shape=SHAPE, calibration=CALIBRATION, seed=seed,
                                **movie_settings(seed))
        for t in range(n_frames):
            name = f"sim{seed}_t{t}.tif"
            tifffile.imwrite(out / "Raw" / name, movie.raw[t].astype(np.float32))
            tifffile.imwrite(out / "RealMask" / name, movie.labels[t].astype(np.uint16))
        logger.info("seed %d: %d frames written", seed, n_frames)
    return out


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="training folder to create")
    parser.add_argument("--seeds", default="101,102,103,104", help="simulator seeds, one movie each")
    parser.add_argument("--frames", type=int, default=3, help="frames per movie")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    write_training_folder(args.out, seeds=[int(s) for s in args.seeds.split(",")], n_frames=args.frames)


if __name__ == "__main__":
    main()
