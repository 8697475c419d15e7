"""``volltrack segment``: VollSeg on one file, a folder of files, or a TZYX movie (resumable)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

HELP = "segment membrane-labelled cells with VollSeg (StarDist3D + U-Net seed pooling + masked watershed)"

_LOG = logging.getLogger(__name__)


def _ints(minimum):
    """An argparse type: three comma-separated integers Z,Y,X, each >= ``minimum``."""
    def parse(text):
        try:
            values = tuple(int(v) for v in text.split(","))
        except ValueError:
            values = ()
        if len(values) != 3 or min(values, default=minimum) < minimum:
            raise argparse.ArgumentTypeError(f"expected three comma-separated integers Z,Y,X, each >= {minimum}; "
                                             f"got {text!r}")
        return values
    return parse


def _fraction(text):
    """An argparse type: a threshold strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1 (exclusive); got {text!r}")
    return value


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack segment``."""
    parser.add_argument("input", help="a ZYX or TZYX image file (.tif, .npy) or a folder of them")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--models", help="models folder with stardist/, unet/, n2v/ (default: bundled demo models)")
    parser.add_argument("--axes", help="axis order of the input when its metadata lacks it or is wrong: Z, Y, X "
                        "and optionally T, C, e.g. ZYX, TZYX, YXZ (default: from the file)")
    parser.add_argument("--n-tiles", type=_ints(1), help="network tiles Z,Y,X for large volumes (default none)")
    parser.add_argument("--block-shape", type=_ints(1), help="segment in blocks of this core size Z,Y,X")
    parser.add_argument("--halo", type=_ints(0), default=(4, 64, 64), help="block context Z,Y,X (default 4,64,64)")
    parser.add_argument("--use-distance", action="store_true", help="flood the StarDist distance map instead "
                        "of the probability map")
    parser.add_argument("--watershed-map", choices=("stardist", "unet", "membrane"),
                        help="what the seeds flood: the StarDist probability (as published), the U-Net probability "
                        "(for a U-Net trained with --erosion: cells meet on the membranes) or the membrane image "
                        "itself (default: as `volltrack train thresholds` chose for the models, else stardist)")
    parser.add_argument("--scale", help="resample each volume before the networks: auto (default: the factors that "
                        "bring its cells, measured from the image, to the size the models learnt; none when within "
                        "20%%), models (the models' input_scale.json only) or factors Z,Y,X in (0, 4] (e.g. 0.5,1,1); "
                        "labels come back on the volume's grid; segment.json records the estimated cell size and the "
                        "factors (input_scale)")
    parser.add_argument("--stardist-margin", help="how far (Z,Y,X voxels on the networks' grid) a StarDist-seeded "
                        "cell may grow past its polyhedron (default 0,1,1), x1.3 or x1,1.3,1.3: within its polyhedron "
                        "scaled about its centre by these factors (Z,Y,X), or none: flood the whole U-Net mask "
                        "(as published)")
    parser.add_argument("--unet-threshold", type=_fraction, help="U-Net mask threshold (default Otsu; 0.5 in blocks)")
    parser.add_argument("--prob-thresh", type=_fraction, help="StarDist probability threshold (default the model's)")
    parser.add_argument("--nms-thresh", type=_fraction, help="StarDist NMS threshold (default the model's)")
    parser.add_argument("--nms", choices=("fast", "exact"), default="fast",
                        help="suppression of overlapping StarDist candidates: fast (default; overlaps estimated by "
                        "quadrature) or exact (StarDist's polyhedron intersection, many times slower)")
    parser.add_argument("--no-stardist-labels", action="store_true",
                        help="do not paint the StarDist polyhedra (no StarDist/ output; seeds from the kept "
                        "candidates' centres; faster)")
    parser.add_argument("--min-size", type=int, default=10, help="smallest cell kept, voxels (default 10)")
    parser.add_argument("--max-size", type=int, help="largest cell kept, voxels (default unbounded)")
    parser.add_argument("--min-size-mask", type=int, default=10, help="smallest U-Net component, voxels (default 10)")
    parser.add_argument("--denoise", action="store_true", help="denoise with the models folder's N2V model first "
                        "(default off: measure on your data whether it helps)")
    parser.add_argument("--no-denoise", action="store_true", help=argparse.SUPPRESS)  # the old default; accepted
    parser.add_argument("--mask-growth", type=int, help="voxels to grow the U-Net components and mask by (default: "
                        "the erosion the U-Net was trained with, in its volltrack.json)")
    parser.add_argument("--no-unite-stardist", action="store_true",
                        help="do not add StarDist cells that lie outside the U-Net mask")
    parser.add_argument("--force", action="store_true", help="segment every input again, discarding finished "
                        "outputs and the frames of an interrupted run (even when made with other parameters)")
    parser.add_argument("--format", choices=("tif", "zarr"), help="outputs as TIFF stacks, or as OME-Zarr written "
                        "frame by frame (labels as label images of the raw); default zarr for OME-Zarr inputs")
    from volltrack.cluster.options import add_cluster_arguments

    add_cluster_arguments(parser)


def _margin(text):
    """``--stardist-margin``: "none", three whole numbers Z,Y,X >= 0 or a relative form x1.3 / x1,1.3,1.3."""
    from volltrack.segmentation.pipeline import parse_margin

    if text.strip().lower() == "none":
        return None
    parse_margin(text, where="--stardist-margin")
    return text.strip() if text.strip().lower().startswith("x") else parse_margin(text, where="--stardist-margin")


def _check_sizes(args):
    """Size filters in voxels: whole numbers >= 0, and a --max-size that leaves room for cells."""
    for option, value in (("--min-size", args.min_size), ("--max-size", args.max_size),
                          ("--min-size-mask", args.min_size_mask)):
        if value is not None and value < 0:
            raise ValueError(f"{option} must be a number of voxels >= 0; got {value}")
    if args.max_size is not None and args.max_size < args.min_size:
        raise ValueError(f"--max-size {args.max_size} is smaller than --min-size {args.min_size}: every cell would "
                         "be removed")


def _options(args):
    options = dict(n_tiles=args.n_tiles, denoise_first=args.denoise and not args.no_denoise, prob_thresh=args.prob_thresh,
                   nms_thresh=args.nms_thresh, use_probability=not args.use_distance, min_size=args.min_size,
                   max_size=args.max_size, min_size_mask=args.min_size_mask,
                   unite_stardist=not args.no_unite_stardist, nms=args.nms)
    if args.no_stardist_labels:
        if args.block_shape:
            raise ValueError("--no-stardist-labels cannot be combined with --block-shape (blocks are stitched from "
                             "the StarDist labels)")
        options["stardist_labels"] = False
    if getattr(args, "watershed_map", None) is not None:
        options["watershed_map"] = args.watershed_map
    if getattr(args, "scale", None) is not None:
        from volltrack.segmentation.input_scale import parse_scale

        options["scale"] = parse_scale(args.scale, where="--scale")
    if getattr(args, "stardist_margin", None) is not None:
        options["stardist_margin"] = _margin(args.stardist_margin)
    if args.mask_growth is not None:
        if args.mask_growth < 0:
            raise ValueError(f"--mask-growth must be >= 0 voxels, got {args.mask_growth}")
        options["mask_growth"] = args.mask_growth
    if args.block_shape:
        options.update(block_shape=args.block_shape, halo=args.halo,
                       unet_threshold=0.5 if args.unet_threshold is None else args.unet_threshold)
    else:
        options["unet_threshold"] = args.unet_threshold
    return options


def _check_earlier_parameters(out, options, finished):
    """Refuse to add outputs made with other parameters to a folder whose ``finished`` inputs used others."""
    import json

    record_path = out / "segment.json"
    if not finished or not record_path.is_file():
        return
    try:
        earlier = json.loads(record_path.read_text()).get("parameters")
    except (ValueError, AttributeError):
        return                       # an unreadable record is rewritten by this run
    current = json.loads(json.dumps(options, default=str))
    changed = sorted(k for k in set(current) | set(earlier or {}) if (earlier or {}).get(k) != current.get(k))
    if changed:
        raise ValueError(f"{out} holds {len(finished)} input(s) segmented with other parameters ({', '.join(changed)} "
                         f"differ, see {record_path}); give another --out, or add --force to segment again")


def _output_format(args, path):
    """--format, else zarr for an OME-Zarr input and tif otherwise."""
    from volltrack.io.sources import default_output_format

    if args is not None and getattr(args, "format", None):
        return args.format
    return default_output_format(path)


def _segment_all(todo, out, models, *, inputs, axes, total, options, force=False, args=None):
    """Segment ``todo`` into ``out``; ``segment.json`` says "running" until every output is written."""
    from tqdm import tqdm

    from volltrack.cluster.options import cluster_from_args
    from volltrack.cluster.segment import distributing_on
    from volltrack.segmentation import batch

    with tqdm(total=total, desc="VollSeg", unit="volume") as bar:
        batch.segment_paths(todo, out, models, segment_options=options, inputs=inputs, axes=axes, progress=bar,
                            fresh=force, output_format=lambda path: _output_format(args, path),
                            distributor=distributing_on(cluster_from_args(args)))


def run(args: argparse.Namespace) -> int:
    """Segment every input; skip the finished ones; return 0.

    Every input is opened and checked whole (axes, NaN/inf voxels) and the models are loaded before the
    output folder is created, so bad input leaves nothing behind.
    """
    from volltrack.errors import UserError
    from volltrack.io.output_lock import output_lock
    from volltrack.segmentation.batch import list_inputs
    from volltrack.segmentation.validation import validate_axes

    axes = validate_axes(args.axes) if args.axes else None
    try:
        _check_sizes(args)
        options = _options(args)
        inputs = list_inputs(args.input)
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise ValueError(f"--out {out}: exists and is a file; expected a folder (or a path that does not exist)")
        with output_lock(out, "volltrack segment"):
            return _run_locked(args, inputs, out, axes, options)
    except (FileNotFoundError, ValueError) as error:
        raise UserError(str(error)) from error


def _check_disk_space(out, todo, axes, force, args=None, denoised=False):
    """Refuse at once when the outputs of the frames still to segment (as TIFF or OME-Zarr) cannot fit on the disk
    of ``out``."""
    import numpy as np

    from volltrack.io.disk_space import check_free_space, frames_still_to_segment, segmentation_bytes
    from volltrack.segmentation.batch import open_input, output_name

    needed, frames = 0, 0
    for path in todo:
        image, _, movie = open_input(path, axes)
        n_frames = int(image.shape[0]) if movie else 1
        left = n_frames if force else frames_still_to_segment(out, output_name(path), n_frames)
        needed += segmentation_bytes(left * int(np.prod(image.shape[-3:])), _output_format(args, path),
                                     raw_itemsize=np.dtype(image.dtype).itemsize, denoised=denoised)
        frames += left
    check_free_space(out, needed, f"the segmentation of {frames} volume(s)")


def _run_locked(args, inputs, out, axes, options):
    """The part of :func:`run` that reads and writes ``out``, under its lock."""
    from volltrack.segmentation.batch import check_input, is_finished, output_name
    from volltrack.segmentation.models import check_models_folder, load_models

    force = bool(getattr(args, "force", False))
    todo = [p for p in inputs if force or not is_finished(out, output_name(p))]
    if not force:
        _check_earlier_parameters(out, options, [p for p in inputs if p not in todo])
    if not todo:
        print(f"all {len(inputs)} inputs already segmented in {out}")
        return 0
    present = set(check_models_folder(args.models))
    if options.get("denoise_first") and "n2v" not in present:
        raise ValueError(f"--denoise needs an N2V model: models folder {args.models or 'bundled demo models'} "
                         "has no n2v/ (config.json + weights)")
    if not {"stardist", "unet"} & present:
        raise ValueError(f"models folder {args.models or 'bundled demo models'} holds no stardist/ or unet/ model "
                         "(an N2V model alone only denoises); VollSeg needs at least one of them")
    total = sum(check_input(path, axes) for path in todo)
    _check_disk_space(out, todo, axes, force, args, denoised=bool(options.get("denoise_first")))
    models = load_models(args.models, n2v=bool(options.get("denoise_first")))
    out.mkdir(parents=True, exist_ok=True)
    _segment_all(todo, out, models, inputs=inputs, axes=axes, total=total, options=options, force=force,
                 args=args)
    print(f"segmented {len(todo)} of {len(inputs)} inputs into {out}")
    return 0
