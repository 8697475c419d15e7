"""Write simulator volumes as a training folder (``Raw/`` + ``RealMask/``) for the bundled demo models.

Usage::

    python -m volltrack.models.demo.make_training_data OUT --seeds 101,102,103,104 --frames 3

Each seed is one movie of ``simulate_tissue`` (22x256x256 at (2.0, 0.5, 0.5) µm, the demo's geometry) with
a cell count and SNR varied with the seed, so the models see several densities and noise levels; every frame
is written as one training volume.

``--broad`` draws the simulator's knobs per volume instead (one frame per seed; see :func:`broad_settings`):
anisotropy 1-5, cell size, packing, SNR 2-10, PSF blur, intensity inside cells and every
:class:`~volltrack.synthetic.appearance.Appearance` knob, for models that must work beyond the demo's look.
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


def broad_settings(seed: int) -> dict:
    """Simulator arguments for one volume of the broad family, drawn from ``seed`` (reproducible).

    Y/X voxels stay 0.5 µm (the demo's); anisotropy 1-5 (log-uniform) sets the Z voxel, and the Z size is chosen
    so that the volume is 20-40 µm deep (16-48 slices). Cell diameter 5-12 µm, tissue 0.6-1.3 of the field,
    irregularity 0.04-0.16, SNR 2-10 (log-uniform), PSF sigma 0.5-2.5 µm in Z and 0.2-0.6 µm in Y/X, cytoplasm
    0.02-0.4 of the membrane signal, and each appearance knob on in about half of the volumes.
    """
    rng = np.random.default_rng([int(seed), 4242])
    anisotropy = float(np.exp(rng.uniform(np.log(1.0), np.log(5.0))))
    dz = 0.5 * anisotropy
    depth_um = rng.uniform(20.0, 40.0)
    nz = int(np.clip(round(depth_um / dz), 16, 48))
    xy_sigma = float(rng.uniform(0.2, 0.6))
    on = rng.uniform(size=6) < 0.5
    appearance = dict(
        membrane_thickness_um=float(rng.uniform(0.8, 2.0)) if on[0] else None,
        brightness_spread=float(rng.uniform(0.1, 0.6)) if on[1] else 0.0,
        membrane_coverage=float(rng.uniform(0.6, 0.95)) if on[2] else 1.0,
        illumination_gradient=float(rng.uniform(0.2, 0.9)) if on[3] else 0.0,
        dim_fraction=float(rng.uniform(0.1, 0.35)) if on[4] else 0.0,
        dim_factor=float(rng.uniform(0.25, 0.7)),
        background=float(rng.uniform(0.05, 0.6)) if on[5] else 0.0,
    )
    return dict(shape=(nz, 192, 192), anisotropy=anisotropy, calibration=(dz, 0.5, 0.5),
                cell_size_um=float(rng.uniform(5.0, 12.0)), tissue_fraction=float(rng.uniform(0.6, 1.3)),
                irregularity=float(rng.uniform(0.04, 0.16)),
                snr=float(np.exp(rng.uniform(np.log(2.0), np.log(10.0)))),
                blur_um=(float(rng.uniform(0.5, 2.5)), xy_sigma, xy_sigma),
                cytoplasm=float(rng.uniform(0.02, 0.4)), appearance=appearance)


def write_broad_folder(out: Path, *, seeds: list[int]) -> Path:
    """One volume per seed with :func:`broad_settings`, written to ``out/Raw`` and ``out/RealMask``; the
    settings of every volume go to ``out/settings.json``."""
    import json

    import tifffile

    from volltrack.synthetic import simulate_tissue

    for sub in ("Raw", "RealMask"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    record = {}
    for seed in seeds:
        settings = broad_settings(seed)
        movie = simulate_tissue(n_frames=1, seed=seed, division_rate=0.0, **settings)
        name = f"broad{seed}.tif"
        tifffile.imwrite(out / "Raw" / name, movie.raw[0].astype(np.float32))
        tifffile.imwrite(out / "RealMask" / name, movie.labels[0].astype(np.uint16))
        record[name] = settings
        logger.info("seed %d: %s, %d cells", seed, settings["shape"], len(np.unique(movie.labels[0])) - 1)
    (out / "settings.json").write_text(json.dumps(record, indent=1))
    return out


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
    parser.add_argument("--broad", action="store_true",
                        help="one volume per seed with the simulator's knobs drawn per seed (broad_settings)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    if args.broad:
        write_broad_folder(args.out, seeds=[int(s) for s in args.seeds.split(",")])
        return
    write_training_folder(args.out, seeds=[int(s) for s in args.seeds.split(",")], n_frames=args.frames)


if __name__ == "__main__":
    main()
