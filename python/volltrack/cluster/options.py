"""The ``--cluster`` / ``--worker-memory`` command-line options shared by segment, spots and run."""

from __future__ import annotations

import argparse
import contextlib

__all__ = ["add_cluster_arguments", "cluster_from_args"]


def add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--cluster`` and ``--worker-memory`` to a subcommand's parser."""
    parser.add_argument("--cluster", metavar="SPEC", help="run the per-frame work as Dask tasks: local[:N] (N worker "
                        "processes here), a scheduler address tcp://HOST:PORT, or jobqueue:CONFIG.yaml "
                        "(SLURM/PBS/LSF, see docs/large-data.md); default: in this process")
    parser.add_argument("--worker-memory", metavar="SIZE", help="memory limit per local Dask worker, e.g. 2GB "
                        "(default: the machine's memory shared among the workers)")


def cluster_from_args(args):
    """A context manager yielding a Dask client for ``args.cluster``, or None without ``--cluster``."""
    if not getattr(args, "cluster", None):
        if getattr(args, "worker_memory", None):
            raise ValueError("--worker-memory applies to --cluster local[:N] only; give --cluster too")
        return contextlib.nullcontext(None)
    from volltrack.cluster.connect import open_cluster, parse_cluster_spec

    if args.worker_memory and parse_cluster_spec(args.cluster)[0] != "local":
        raise ValueError("--worker-memory applies to --cluster local[:N]; set the memory of remote workers in "
                         "their own configuration")
    return open_cluster(args.cluster, memory_limit=args.worker_memory)
