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
    parser.add_argument("--image", type=Path, help="raw image (TZYX TIFF/npy/zarr) to measure intensities in")
    parser.add_argument("--labels", type=Path, help="label movie (TZYX): intensity and volume over label voxels")
    parser.add_argument("--mask", type=Path, help="tissue mask (TZYX or ZYX): distance to the tissue boundary")
    parser.add_argument("--calibration", help="voxel size dz,dy,dx (default: the XML's ImageData)")
    parser.add_argument("--frame-interval", type=float, help="time between frames (default: the XML's)")
    parser.add_argument("--tracks", default="filtered",
                        help="tracks to analyse: filtered (default: TrackMate's filtered tracks), all, dividing, "
                             "non-dividing, or comma-separated TRACK_IDs")
    parser.add_argument("--smoothing", type=int, default=3, help="moving-average window in frames (default 3)")
    parser.add_argument("--fft-feature", default="TOTAL_INTENSITY",
                        help="spot column whose spectrum is computed per tracklet (default TOTAL_INTENSITY)")
    parser.add_argument("--max-plots", type=int, default=20, help="plot at most this many tracks (default 20)")
    parser.add_argument("--movie-track", type=int, help="write an MP4 movie of this TRACK_ID")


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


def _read_movie(path: Path | None, name: str):
    if path is None:
        return None
    from volltrack.io import read_image

    data, meta = read_image(path, lazy=True, require_z=True)
    if name != "mask" and data.ndim != 4:
        raise ValueError(f"--{name} {path} has shape {tuple(data.shape)} (axes {meta['axes']}); expected a TZYX "
                         "movie with the XML's frames, e.g. (T, Z, Y, X) like its ImageData")
    logger.info("%s: %s, shape %s", name, path, data.shape)
    return data


def _selected_tracks(option: str, analysis_kinds):
    """Return the TRACK_IDs named by ``--tracks`` (None = all) and the kind filter to apply afterwards."""
    if option == "filtered":
        return None, "all"
    if option in analysis_kinds:
        return None, option
    try:
        return [int(v) for v in option.split(",")], "all"
    except ValueError:
        raise ValueError(f"--tracks must be filtered, all, dividing, non-dividing or TRACK_IDs, got {option!r}")


def run(args: argparse.Namespace) -> int:
    """Run the analysis and write its outputs into ``--out``."""
    from tqdm.auto import tqdm

    from volltrack.analysis import TRACK_KINDS
    from volltrack.analysis.export import write_tables
    from volltrack.analysis.movie import write_track_movie
    from volltrack.analysis.plots import save_track_plot
    from volltrack.analysis.xml_input import analyze_xml

    if not args.xml.is_file():
        raise FileNotFoundError(f"TrackMate XML not found: {args.xml}")
    track_ids, kind = _selected_tracks(args.tracks, TRACK_KINDS)
    from volltrack.analysis_inputs import check_analysis_inputs

    image, labels, mask = (_read_movie(p, n) for p, n in ((args.image, "image"), (args.labels, "labels"),
                                                          (args.mask, "mask")))
    check_analysis_inputs(args.xml, image=(args.image, image), labels=(args.labels, labels),
                          frame_interval=args.frame_interval, calibration=parse_calibration(args.calibration))
    try:
        analysis = analyze_xml(args.xml, image=image, labels=labels, mask=mask, track_ids=track_ids,
                               only_filtered=args.tracks == "filtered",
                               calibration=parse_calibration(args.calibration), frame_interval=args.frame_interval,
                               smoothing_window=args.smoothing, fft_feature=args.fft_feature, progress=True)
    except ValueError as error:             # name the file the message is about
        raise ValueError(str(error) if str(args.xml) in str(error) else f"{args.xml}: {error}") from None
    if args.movie_track is not None:
        analysis.track_set.spots_of(args.movie_track)  # an unknown ID fails here, before anything is written
    selected = analysis.track_set.select(kind)
    files = write_tables(analysis, args.out, track_ids=selected, extra_parameters={
        "xml": str(args.xml), "image": _name(args.image), "labels": _name(args.labels), "mask": _name(args.mask),
        "tracks": args.tracks, "selected_track_ids": selected})
    for track_id in tqdm(selected[:max(args.max_plots, 0)], desc="plots", unit="track"):
        files.append(save_track_plot(analysis, track_id, args.out / "plots" / f"track_{track_id}.png"))
    if args.movie_track is not None:
        files.append(write_track_movie(analysis, args.movie_track, args.out / f"track_{args.movie_track}.mp4",
                                       image=image, progress=True))
    print(f"analysed {len(selected)} track(s), {len(analysis.tracklets)} tracklet(s); wrote {len(files)} files "
          f"to {args.out}")
    return 0


def _name(path: Path | None):
    return None if path is None else str(path)
