"""``volltrack analyze``: TrackMate XML (+ raw image, labels, tissue mask) -> CSV tables, PNG plots, MP4 movie."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

HELP = "analyse TrackMate tracks: tracklets, divisions, distance to the tissue boundary, intensity + FFT, fate"

logger = logging.getLogger(__name__)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack analyze``."""
    parser.add_argument("xml", type=Path, help="TrackMate XML file (written by TrackMate or volltrack)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (created when missing)")
    parser.add_argument("--image", type=Path, help="raw image (TZYX TIFF/npy/zarr) to measure intensities in; "
                                                   "must have the shape of the movie the XML's ImageData describes")
    parser.add_argument("--labels", type=Path, help="label movie (TZYX, integer labels): intensity and volume over "
                                                    "label voxels; same shape as the XML's movie")
    parser.add_argument("--mask", type=Path, help="tissue mask (TZYX, TYX or ZYX): distance to the tissue boundary; "
                                                  "same shape as the XML's movie")
    parser.add_argument("--calibration", help="voxel size dz,dy,dx (default, and normally right: the XML's "
                                              "ImageData)")
    parser.add_argument("--frame-interval", type=float, help="time between frames (default: the XML's)")
    parser.add_argument("--tracks", default="filtered",
                        help="tracks to analyse: filtered (default: TrackMate's filtered tracks), all, dividing, "
                             "non-dividing, or comma-separated TRACK_IDs")
    parser.add_argument("--smoothing", type=int, default=3, help="moving-average window in frames (default 3)")
    parser.add_argument("--fft-feature", default="TOTAL_INTENSITY",
                        help="spot column whose spectrum is computed per tracklet (default TOTAL_INTENSITY)")
    parser.add_argument("--max-plots", type=int, default=20, help="plot at most this many tracks (default 20)")
    parser.add_argument("--movie-track", default="auto", metavar="ID|auto|none",
                        help="MP4 movie of this TRACK_ID, followed in a crop with cell outlines (from --labels), "
                             "scale bar and time stamp; auto (default): the longest dividing track, else the "
                             "longest; none: no movie")
    parser.add_argument("--movie-projection", choices=("slice", "max"), default="slice",
                        help="the movie shows the Z slice through the tracked cells (slice, default) or the max "
                             "projection over Z (max)")


def parse_movie_track(text: str):
    """Parse ``--movie-track``: a TRACK_ID (int), ``"auto"`` or ``"none"``."""
    if text in ("auto", "none"):
        return text
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"--movie-track must be a TRACK_ID, auto or none, got {text!r}") from None


def parse_calibration(text: str | None):
    """Parse ``"dz,dy,dx"`` into a tuple of 3 positive floats (None stays None)."""
    if text is None:
        return None
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) <= 0:
        raise ValueError(f"--calibration must be three positive numbers dz,dy,dx, got {text!r}")
    return values


def _read_movie(path: Path | None, name: str, movie=None, xml: Path | None = None):
    """Read ``--image``/``--labels``/``--mask`` lazily; refuse one whose shape is not the XML's movie."""
    if path is None:
        return None
    from volltrack.io import read_image
    from volltrack.trackmate.image_data import check_movie_shape

    data, meta = _read_volumes(read_image, path, mask=name == "mask")
    if movie is not None and movie.folder:  # a saved movie: its shape is known exactly
        check_movie_shape(data, movie, what=name, source=path, xml_path=xml)
    if name != "mask" and data.ndim != 4:
        if movie is not None and movie.shape[0] == 1 and data.ndim == 3:
            data = data[None]
        else:
            raise ValueError(f"--{name} {path} has shape {tuple(data.shape)} (axes {meta['axes']}); expected a "
                             "TZYX movie with the XML's frames, e.g. (T, Z, Y, X) like its ImageData")
    logger.info("%s: %s, shape %s", name, path, data.shape)
    return data


def _read_volumes(read_image, path, *, mask: bool):
    """ZYX or TZYX from ``path``; for a mask also TYX (one plane for every Z), refused otherwise."""
    try:
        return read_image(path, lazy=True, require_z=True)
    except ValueError:
        if not mask:
            raise
        data, meta = read_image(path, lazy=True)
        if meta["source_axes"].upper() != "TYX":
            raise
        return data, meta


def _as_movie_mask(mask, path, image, labels, movie):
    """The mask as TZYX (io.masks.movie_mask) when the movie's shape is known from --image, --labels or the XML."""
    if mask is None:
        return None
    from volltrack.io.masks import movie_mask

    shapes = [tuple(int(n) for n in a.shape) for a in (image, labels) if a is not None and a.ndim == 4]
    shape = shapes[0] if shapes else (tuple(movie.shape) if movie.folder else None)
    return mask if shape is None else movie_mask(mask, shape, path)


def _selected_tracks(option: str, analysis_kinds):
    """Return the TRACK_IDs named by ``--tracks`` (None = all) and the kind filter to apply afterwards."""
    if option == "filtered":
        return None, "all"
    if option in analysis_kinds:
        return None, option
    try:
        return [int(v) for v in option.split(",")], "all"
    except ValueError:
        raise ValueError(f"--tracks must be filtered, all, dividing, non-dividing or TRACK_IDs, got {option!r}") from None


def run(args: argparse.Namespace) -> int:
    """Run the analysis and write its outputs into ``--out``."""
    from volltrack.analysis import TRACK_KINDS
    from volltrack.analysis.stage import write_analysis
    from volltrack.analysis.xml_input import check_label_movie
    from volltrack.trackmate import read_xml
    from volltrack.trackmate.image_data import movie_of

    if not args.xml.is_file():
        raise FileNotFoundError(f"TrackMate XML not found: {args.xml}")
    track_ids, kind = _selected_tracks(args.tracks, TRACK_KINDS)
    args.movie_track = parse_movie_track(str(args.movie_track))
    calibration = parse_calibration(args.calibration)
    data = read_xml(args.xml)
    movie = movie_of(data, args.xml)
    if not movie.folder:
        logger.warning("%s names no saved movie in ImageData: the shapes of --image/--labels/--mask cannot be "
                       "checked against it", args.xml)
    image, labels, mask = (_read_movie(p, n, movie, args.xml) for p, n in
                           ((args.image, "image"), (args.labels, "labels"), (args.mask, "mask")))
    mask = _as_movie_mask(mask, args.mask, image, labels, movie)
    from volltrack.analysis_inputs import check_analysis_inputs

    check_analysis_inputs(args.xml, image=(args.image, image), labels=(args.labels, labels),
                          frame_interval=args.frame_interval, calibration=calibration, data=data)
    if labels is not None:
        check_label_movie(labels, data.spots, calibration=calibration or movie.calibration, source=args.labels,
                          image_source=args.image)
    written = write_analysis(args.xml, args.out, data=data, image=image, labels=labels, mask=mask,
                             track_ids=track_ids, only_filtered=args.tracks == "filtered", kind=kind,
                             calibration=calibration, frame_interval=args.frame_interval,
                             smoothing_window=args.smoothing, fft_feature=args.fft_feature,
                             parameters={"xml": str(args.xml), "image": _name(args.image),
                                         "labels": _name(args.labels), "mask": _name(args.mask),
                                         "tracks": args.tracks},
                             max_plots=args.max_plots, movie_track=args.movie_track,
                             movie_projection=args.movie_projection)
    print(f"analysed {len(written.selected)} track(s), {len(written.analysis.tracklets)} tracklet(s); wrote "
          f"{len(written.files)} files to {args.out}")
    return 0


def _name(path: Path | None):
    return None if path is None else str(path)
