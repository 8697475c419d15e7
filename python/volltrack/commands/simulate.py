"""``volltrack simulate``: write a simulated membrane-labelled tissue movie with its ground truth."""

from __future__ import annotations

import argparse
import logging

HELP = "simulate a membrane-labelled tissue movie (raw.tif, labels.tif, mask.tif, man_track.txt)"

_LOG = logging.getLogger(__name__)


def _triple(kind, cast):
    def parse(text):
        parts = text.split(",")
        try:
            values = tuple(cast(p) for p in parts)
        except ValueError:
            values = ()
        if len(values) != 3:
            raise argparse.ArgumentTypeError(f"expected three comma-separated {kind} values Z,Y,X; got {text!r}")
        return values
    return parse


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack simulate``."""
    parser.add_argument("--out", required=True, help="output folder (created if needed)")
    parser.add_argument("--frames", type=int, default=5, help="number of time points (default 5)")
    parser.add_argument("--shape", type=_triple("integer", int), default=(22, 128, 128),
                        help="volume shape Z,Y,X (default 22,128,128)")
    parser.add_argument("--cells", type=int, default=60, help="approximate number of cells (default 60)")
    parser.add_argument("--calibration", type=_triple("number", float), default=(2.0, 0.5, 0.5),
                        help="voxel size dz,dy,dx in micron (default 2,0.5,0.5)")
    parser.add_argument("--snr", type=float, default=5.0, help="membrane signal-to-noise ratio (default 5)")
    parser.add_argument("--division-rate", type=float, default=0.02,
                        help="division probability per cell and frame (default 0.02)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def run(args: argparse.Namespace) -> int:
    """Simulate and write the movie; return 0."""
    from volltrack.synthetic import simulate_tissue, write_movie_folder

    movie = simulate_tissue(n_frames=args.frames, shape=args.shape, n_cells=args.cells,
                            calibration=args.calibration, snr=args.snr, division_rate=args.division_rate,
                            seed=args.seed)
    folder = write_movie_folder(movie, args.out)
    n_divisions = int((movie.lineage["parent"] > 0).sum() // 2)
    print(f"wrote {folder}: {movie.raw.shape[0]} frames of {movie.raw.shape[1:]} voxels, "
          f"{len(movie.lineage)} tracks, {n_divisions} divisions")
    return 0
