"""``volltrack evaluate``: Cell Tracking Challenge metrics (TRA, DET, LNK, SEG) of a result folder.

The result is a CTC folder, or a TrackMate XML file together with the label movie its spots were measured
on (``--labels``): the tracks are then exported to a CTC folder first (``--export``, or a temporary one).
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = ("score a tracking result against ground truth in Cell Tracking Challenge layout (TRA, DET, LNK, SEG, "
        "division precision/recall/F1)")


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack evaluate``."""
    parser.add_argument("--gt", required=True, help="ground-truth folder (TRA/man_track.txt + "
                                                    "TRA/man_track###.tif, optional SEG/man_seg###.tif)")
    parser.add_argument("--res", required=True, help="result folder (res_track.txt + mask###.tif), or a "
                                                     "TrackMate XML file (then give --labels)")
    parser.add_argument("--labels", help="label movie (TZYX) the XML's spots were measured on (spot feature "
                                         "LABEL); needed when --res is a TrackMate XML")
    parser.add_argument("--export", help="with an XML --res: keep the exported CTC result folder here")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def _exported_result(xml: Path, labels_path: str | None, export: str | None, scratch: str) -> Path:
    """Export a TrackMate XML + label movie to a CTC result folder and return it."""
    import numpy as np

    from volltrack.io import read_image
    from volltrack.metrics.tracking import export_ctc
    from volltrack.trackmate import read_xml

    if not labels_path:
        raise ValueError(f"--res {xml} is a TrackMate XML file: give the label movie with --labels")
    data = read_xml(xml)
    if "LABEL" not in data.spots.columns:
        raise ValueError(f"{xml}: spots have no LABEL feature, so they cannot be matched to --labels")
    labels, meta = read_image(labels_path, require_z=True)
    if not meta["axes"].startswith("T"):
        labels = labels[np.newaxis]
    frames = data.spots["FRAME"]
    if len(frames) and (frames.min() < 0 or frames.max() >= labels.shape[0]):
        raise ValueError(f"--labels {labels_path} has {labels.shape[0]} frame(s) (shape {tuple(labels.shape)}) but "
                         f"{xml} has spots in frames {int(frames.min())}..{int(frames.max())}")
    folder = Path(export) if export else Path(scratch) / "RES"
    return export_ctc(np.asarray(labels), folder, spots=data.spots, edges=data.edges)


def run(args: argparse.Namespace) -> int:
    """Compute the metrics and print them."""
    import json
    import logging
    import tempfile

    from volltrack.metrics.tracking import evaluate_ctc

    logging.getLogger("traccuracy").setLevel(logging.WARNING)
    res = Path(args.res)
    with tempfile.TemporaryDirectory(prefix="volltrack-ctc-") as scratch:
        if res.is_file() and res.suffix.lower() == ".xml":
            res = _exported_result(res, args.labels, args.export, scratch)
        scores = evaluate_ctc(args.gt, res)
    if args.json:
        print(json.dumps(scores, sort_keys=True))
        return 0
    for key in ("TRA", "DET", "LNK", "SEG"):
        if key in scores:
            value = scores[key]
            print(f"{key:<4} {'n/a' if value is None else f'{value:.4f}'}")
    counts = ", ".join(f"{key} {scores[key]:g}" for key in ("AOGM", "fn_nodes", "fp_nodes", "ns_nodes",
                                                             "fn_edges", "fp_edges", "ws_edges"))
    print(f"errors: {counts}")
    from volltrack.metrics.divisions import division_line

    line = division_line(scores)
    if line:
        print(line)
    return 0
