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


def _spots_on_cluster(client, args, labels, raw, mask, meta, on_frame=None):
    """The spot table as one Dask task per frame (the shapes were checked here, on the lazily opened files); with
    ``on_frame``, each frame's table goes there as its task finishes and the table returned has no rows."""
    from volltrack.cluster.spots import compute_spots_on_cluster
    from volltrack.spots.table import _validate_inputs

    movie, _, _ = _validate_inputs(labels, raw, mask)       # same shape checks as the single-process path
    shape = tuple(int(n) for n in movie.shape)
    return compute_spots_on_cluster(client, args.labels, n_frames=shape[0], raw_path=args.raw, mask_path=args.mask,
                                    axes=args.axes, labels_axes=args.axes, calibration=meta["calibration"],
                                    frame_interval=meta["frame_interval"], movie_shape=shape,
                                    space_units=meta["space_units"], time_units=meta["time_units"],
                                    progress=not args.no_progress, on_frame=on_frame, keep_tables=on_frame is None)


def _cluster_spots_to_csv(client, args, labels, raw, mask, meta, out, parameters) -> int:
    """``--cluster``: each frame's table appended to the CSV (in frame order) as its task finishes; the frames are
    never put together here (:class:`~volltrack.spots.spot_csv.SpotCsvWriter`)."""
    from volltrack.spots.spot_csv import SpotCsvWriter, describe_movie

    n_frames = int(labels.shape[0]) if labels.ndim == 4 else 1
    with SpotCsvWriter(out, n_frames) as writer:
        described = _spots_on_cluster(client, args, labels, raw, mask, meta, on_frame=writer.add)
        describe_movie(described, args.raw or args.labels, tuple(labels.shape))
        writer.attrs, writer.parameters = dict(described.attrs), parameters
    if mask is not None:
        from volltrack.spots.tissue import inverted_mask_warning_from_counts

        warning = inverted_mask_warning_from_counts(writer.n_spots, writer.n_inside, mask, args.mask,
                                                    has_time_axis=labels.ndim == 4)
        if warning:
            logger.warning(warning)
    print(f"{writer.n_spots} spots in {described.attrs['n_frames']} frames -> {out}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Compute the spot table and write it to ``args.out``."""
    from pathlib import Path

    from volltrack.io import read_image, validate_calibration
    from volltrack.spots import compute_spots, write_spots_csv
    from volltrack.spots.spot_csv import describe_movie
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
    from volltrack.cluster.options import cluster_from_args

    parameters = {"labels": str(args.labels), "raw": args.raw, "mask": args.mask, "axes": meta["axes"],
                  "calibration_source": meta["calibration_source"]}
    try:
        with cluster_from_args(args) as client:
            if client is not None:
                return _cluster_spots_to_csv(client, args, labels, raw, mask, meta, out, parameters)
            spots = compute_spots(labels, raw=raw, mask=mask, calibration=meta["calibration"],
                                  frame_interval=meta["frame_interval"], space_units=meta["space_units"],
                                  time_units=meta["time_units"], progress=not args.no_progress)
    except NonFiniteRawError as exc:
        raise ValueError(f"--raw {args.raw}: {exc}") from None
    if mask is not None:
        from volltrack.spots.tissue import inverted_mask_warning

        warning = inverted_mask_warning(spots, mask, args.mask, has_time_axis=labels.ndim == 4)
        if warning:
            logger.warning(warning)
    describe_movie(spots, args.raw or args.labels, tuple(labels.shape))
    write_spots_csv(spots, out, parameters=parameters)
    print(f"{len(spots)} spots in {spots.attrs['n_frames']} frames -> {out}")
    return 0
