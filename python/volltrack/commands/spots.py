"""``volltrack spots``: label movie (+ raw, + tissue mask) to a TrackMate-keyed spot table CSV."""

from __future__ import annotations

import argparse
import logging

HELP = "compute the spot table (one row per cell per frame, TrackMate keys) of a label movie"

logger = logging.getLogger(__name__)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack spots``."""
    parser.add_argument("labels", help="label movie (TIFF, .npy or .zarr; axes TZYX or ZYX, 0 = background)")
    parser.add_argument("--raw", help="intensity movie of the same shape, for MEAN/TOTAL_INTENSITY_CH1")
    parser.add_argument("--mask", help="tissue mask (TZYX, or TYX applied to every Z), for INSIDE_TISSUE, "
                                       "TISSUE_FRACTION and DISTANCE_TO_BOUNDARY")
    parser.add_argument("--axes", help="axes of the label movie when its file does not say (e.g. TZYX)")
    parser.add_argument("--calibration", help="voxel size dz,dy,dx in µm (default: from the label file, else 1,1,1)")
    parser.add_argument("--dt", type=positive_seconds, help="frame interval in seconds (default: from the label file, else 1)")
    parser.add_argument("--out", required=True, help="output CSV (parameters go to OUT.json)")
    parser.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    from volltrack.cluster.options import add_cluster_arguments

    add_cluster_arguments(parser)


def positive_seconds(text: str) -> float:
    """Parse ``--dt``: a finite number of seconds > 0."""
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"--dt must be a positive number of seconds, got {text!r}")
    return value


def _read_raw(path: str, axes: str | None):
    """Read the raw movie lazily (with ``--axes`` when given)."""
    from volltrack.io import read_image

    return read_image(path, axes=axes, lazy=True, require_z=True)[0]


def _read_mask(path: str, labels_shape: tuple[int, ...]):
    """Read the tissue mask lazily in the labels' shape (TZYX, or ZYX for labels of one time point)."""
    from volltrack.io.masks import read_tissue_mask

    one_time_point = len(labels_shape) == 3
    mask = read_tissue_mask(path, (1, *labels_shape) if one_time_point else tuple(labels_shape))
    return mask[0] if one_time_point else mask


def run(args: argparse.Namespace) -> int:
    """Compute the spot table and write it to ``args.out``."""
    from pathlib import Path

    from volltrack.cluster.options import cluster_from_args
    from volltrack.cluster.spot_stage import write_spots
    from volltrack.io import read_image, validate_calibration
    from volltrack.spots.table import NonFiniteRawError

    out = Path(args.out)
    if not out.parent.is_dir():
        raise FileNotFoundError(f"--out: folder {out.parent} does not exist")
    calibration = validate_calibration(args.calibration, name="--calibration") if args.calibration else None
    labels, meta = read_image(args.labels, axes=args.axes, calibration=calibration, frame_interval=args.dt,
                              lazy=True, require_z=True)
    raw = _read_raw(args.raw, args.axes) if args.raw else None
    mask = _read_mask(args.mask, tuple(labels.shape)) if args.mask else None
    logger.info("labels %s (axes %s), calibration %s µm, frame interval %s", tuple(labels.shape), meta["axes"],
                meta["calibration"], meta["frame_interval"])
    parameters = {"labels": str(args.labels), "raw": args.raw, "mask": args.mask, "axes": meta["axes"],
                  "calibration_source": meta["calibration_source"]}
    try:
        with cluster_from_args(args) as client:
            written = write_spots(labels, out, labels_path=args.labels, image=args.raw or args.labels, raw=raw,
                                  raw_path=args.raw, mask=mask, mask_path=args.mask, axes=args.axes,
                                  labels_axes=args.axes, calibration=meta["calibration"],
                                  frame_interval=meta["frame_interval"], space_units=meta["space_units"],
                                  time_units=meta["time_units"], parameters=parameters, client=client,
                                  progress=not args.no_progress)
    except NonFiniteRawError as exc:
        raise ValueError(f"--raw {args.raw}: {exc}") from None
    print(f"{written.n_spots} spots in {written.n_frames} frames -> {out}")
    return 0
