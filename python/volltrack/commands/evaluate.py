"""``volltrack evaluate``: Cell Tracking Challenge metrics (TRA, DET, LNK, SEG) of a result folder."""

from __future__ import annotations

import argparse

HELP = "score a tracking result against ground truth in Cell Tracking Challenge layout (TRA, DET, LNK, SEG)"


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack evaluate``."""
    parser.add_argument("--gt", required=True, help="ground-truth folder (TRA/man_track.txt + "
                                                    "TRA/man_track###.tif, optional SEG/man_seg###.tif)")
    parser.add_argument("--res", required=True, help="result folder (res_track.txt + mask###.tif)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def run(args: argparse.Namespace) -> int:
    """Compute the metrics and print them."""
    import json
    import logging

    from volltrack.metrics.tracking import evaluate_ctc

    logging.getLogger("traccuracy").setLevel(logging.WARNING)
    scores = evaluate_ctc(args.gt, args.res)
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
    return 0
