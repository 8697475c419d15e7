"""``volltrack track``: track a spot table with the BTrackmate engine and write TrackMate XML."""

from __future__ import annotations

import argparse
import logging

HELP = "track a spot table (CSV from 'volltrack spots') with the TrackMate LAP tracker; write TrackMate XML"

logger = logging.getLogger(__name__)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack track``."""
    parser.add_argument("spots", help="spot table CSV with TrackMate keys as columns ('volltrack spots')")
    parser.add_argument("--settings", help="tracker settings file (JSON or YAML mapping of TrackMate keys, "
                                           "e.g. LINKING_MAX_DISTANCE); default: TrackMate's defaults")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override one setting, e.g. --set LINKING_MAX_DISTANCE=10 --set "
                             "ALLOW_TRACK_SPLITTING=true (repeatable; JSON values for penalty maps)")
    parser.add_argument("--backend", choices=("engine", "fiji"), default="engine",
                        help="engine (default, embedded JVM) or fiji (TrackMate in Fiji through PyImageJ)")
    parser.add_argument("--heap", help="maximum Java heap, e.g. 8g (default VOLLTRACK_JVM_HEAP or 4g)")
    parser.add_argument("--out", required=True, help="output TrackMate XML file")
    parser.add_argument("--no-progress", action="store_true", help="do not show a progress bar")


def parse_overrides(pairs: list[str]) -> dict:
    """Turn ``["KEY=VALUE", ...]`` into a dict; values are read as JSON when possible, else as strings."""
    import json

    values = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set {pair!r}: expected KEY=VALUE, e.g. LINKING_MAX_DISTANCE=10")
        try:
            values[key.strip()] = json.loads(text)
        except json.JSONDecodeError:
            values[key.strip()] = text
    return values


def _installation_errors() -> tuple[type[Exception], ...]:
    """Errors that mean "Java or Fiji is missing": reported in one line with their fix."""
    from volltrack.tracking.jvm import JavaNotFound, JvmStartError

    errors: list[type[Exception]] = [JavaNotFound, JvmStartError]
    try:
        from volltrack.tracking.fiji_backend import FijiNotConfigured, FijiStartError
    except ImportError:
        return tuple(errors)
    return (*errors, FijiNotConfigured, FijiStartError)


def run(args: argparse.Namespace) -> int:
    """Read the spots, build the settings, track, and write the XML."""
    from pathlib import Path

    from volltrack.spots import read_spots_csv
    from volltrack.tracking.settings import as_settings

    out = Path(args.out)
    if not out.parent.is_dir():
        raise FileNotFoundError(f"--out: folder {out.parent} does not exist")
    if not Path(args.spots).is_file():
        raise FileNotFoundError(f"spot table {args.spots} does not exist")
    settings = as_settings(args.settings).updated(parse_overrides(args.overrides))
    spots = read_spots_csv(args.spots)
    from volltrack.io.disk_space import check_free_space, xml_bytes

    check_free_space(out, xml_bytes(len(spots), len(spots.columns)),
                     f"the TrackMate XML of {len(spots)} spots", option="--out")
    if args.heap:
        import os

        from volltrack.tracking.jvm import checked_heap_size

        os.environ["VOLLTRACK_JVM_HEAP"] = checked_heap_size(args.heap, source="--heap")
    from volltrack.errors import UserError
    from volltrack.tracking import track

    if args.backend == "fiji":         # Ctrl-C while Fiji starts (a minute, nothing written yet) ends at once
        from volltrack.tracking.fiji_backend import exit_at_once_while_starting

        exit_at_once_while_starting(f"volltrack {args.command}")
    try:
        tracks = track(spots, settings, backend=args.backend, xml_path=out, progress=not args.no_progress)
    except _installation_errors() as exc:
        raise UserError(str(exc)) from None
    print(f"{len(tracks.spots)} spots, {len(tracks.edges)} edges, {len(tracks.tracks)} tracks -> {out}")
    return 0
