"""Tracker benchmark: the BTrackmate engine (whole ``java`` process) against laptrack on the same spots.

For each size (default 10k, 100k and 1M spots over 100 frames) the same seeded synthetic 3D spots (dense
moving, dividing cells, missed detections; see ``synthetic_spots.py``) are written to one CSV. Each tracker
then runs as its own process that reads that CSV, tracks with gap closing and splitting on, and writes its
edges: wall time (JVM or Python start included) and peak resident memory are measured identically (the larger
of the child's ``ru_maxrss`` and the peak of the process tree's summed resident memory sampled every 50 ms, see
``process_memory.py``). The engine runs as ``model`` (engine Spot objects + SparseLapTracker + jgrapht graph, edges to CSV),
``arrays`` (primitive arrays straight into LapTracking, as an array bridge) and, with ``--cli``, as the real
command line ``java -jar btrackmate-all.jar track --spots … --out …`` (tracking, edge and track features and a
TrackMate XML file), by default without JVM options, as a user runs it; all must give the same edges. Edge agreement is |engine ∩ laptrack| / |engine ∪ laptrack| over unordered spot-ID pairs (laptrack
is not an exact TrackMate clone, so it is below 1).

Usage::

    .venv/bin/python bench/tracker/run.py [--sizes 10000 100000 1000000] [--laptrack-timeout 3600]

Not part of CI. The engine jar must be built first (``mvn -B -q -DskipTests package``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "python"))

from process_memory import tree_rss_mib  # noqa: E402
from synthetic_spots import simulate_spots  # noqa: E402

LOG = logging.getLogger("bench.tracker")
SETTINGS = {
    "LINKING_MAX_DISTANCE": 6.0,
    "ALLOW_GAP_CLOSING": True,
    "GAP_CLOSING_MAX_DISTANCE": 6.0,
    "MAX_FRAME_GAP": 2,
    "ALLOW_TRACK_SPLITTING": True,
    "SPLITTING_MAX_DISTANCE": 6.0,
    "ALLOW_TRACK_MERGING": False,
    "MERGING_MAX_DISTANCE": 6.0,
}


@dataclass
class RunResult:
    """Outcome of one tracker process."""

    seconds: float
    peak_mib: float
    edges: set | None
    detail: str


def run_process(cmd: list[str], *, timeout: float) -> tuple[float, float, int | None, str]:
    """Run a command; return (wall seconds, peak RSS MiB, exit code or None on timeout, stdout+stderr)."""
    import subprocess

    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        tree_peak = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                out.seek(0)
                return time.perf_counter() - start, usage.ru_maxrss / 1024, None, out.read().decode()
            tree_peak = max(tree_peak, tree_rss_mib(proc.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        out.seek(0)
        peak = max(usage.ru_maxrss / 1024, tree_peak)
        return seconds, peak, os.waitstatus_to_exitcode(status), out.read().decode()


def read_edges(path: Path) -> set:
    """Edge set as unordered (min id, max id) pairs."""
    frame = pd.read_csv(path)
    lo = frame[["source", "target"]].min(axis=1).to_numpy()
    hi = frame[["source", "target"]].max(axis=1).to_numpy()
    return set(zip(lo.tolist(), hi.tolist()))


def run_engine(jar: Path, spots: Path, work: Path, java_opts: list[str], timeout: float, mode: str) -> RunResult:
    """Track with the engine jar in a fresh JVM; ``mode`` is "model" (Spot objects) or "arrays"."""
    out = work / f"engine_{mode}_edges.csv"
    cmd = ["java", *java_opts, "-cp", str(jar), "org.volltrack.btrackmate.tracker.TrackerBenchmarkMain", mode,
           str(spots), str(out), json.dumps(SETTINGS)]
    seconds, peak, code, text = run_process(cmd, timeout=timeout)
    if code != 0:
        raise RuntimeError(f"engine failed (exit {code}):\n{text}")
    return RunResult(seconds, peak, read_edges(out), text.strip())


def read_xml_edges(path: Path) -> set:
    """Edge set of a TrackMate XML file, streamed (unordered spot-ID pairs)."""
    from lxml import etree

    edges = set()
    for _, element in etree.iterparse(str(path), tag="Edge"):
        a = int(element.get("SPOT_SOURCE_ID"))
        b = int(element.get("SPOT_TARGET_ID"))
        edges.add((min(a, b), max(a, b)))
        element.clear()
    return edges


def run_engine_cli(jar: Path, spots: pd.DataFrame, work: Path, java_opts: list[str], timeout: float) -> RunResult:
    """The real command line, ``java -jar … track``: spots CSV in, TrackMate XML with all features out."""
    table = work / "spots_trackmate.csv"
    spots.rename(columns={"id": "ID", "frame": "FRAME", "x": "POSITION_X", "y": "POSITION_Y",
                          "z": "POSITION_Z"}).to_csv(table, index=False)
    settings = work / "settings.json"
    settings.write_text(json.dumps(SETTINGS))
    out = work / "engine_cli.xml"
    cmd = ["java", *java_opts, "-jar", str(jar), "track", "--spots", str(table), "--settings", str(settings),
           "--out", str(out)]
    seconds, peak, code, text = run_process(cmd, timeout=timeout)
    if code != 0:
        raise RuntimeError(f"engine CLI failed (exit {code}):\n{text}")
    return RunResult(seconds, peak, read_xml_edges(out), " ".join(text.split())[:200])


def run_laptrack(spots: Path, work: Path, timeout: float) -> RunResult:
    """Track with laptrack in a fresh Python process (this interpreter)."""
    out = work / "laptrack_edges.csv"
    cmd = [sys.executable, str(HERE / "laptrack_driver.py"), str(spots), str(out), json.dumps(SETTINGS)]
    seconds, peak, code, text = run_process(cmd, timeout=timeout)
    if code is None:
        return RunResult(seconds, peak, None, f"killed after {timeout:.0f} s (did not finish)")
    if code != 0:
        raise RuntimeError(f"laptrack failed (exit {code}):\n{text}")
    return RunResult(seconds, peak, read_edges(out), text.strip())


def agreement(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b| (1.0 when both are empty)."""
    union = len(a | b)
    return 1.0 if union == 0 else len(a & b) / union


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per size plus the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--laptrack-timeout", type=float, default=3600.0, help="seconds (default 3600)")
    parser.add_argument("--skip-laptrack-above", type=int, default=None,
                        help="do not run laptrack for sizes above this many spots")
    parser.add_argument("--cli", action="store_true",
                        help="also time the real command line: java -jar … track (writes TrackMate XML)")
    parser.add_argument("--java-opts", default="-XX:+UseParallelGC",
                        help="JVM options of the model/arrays rows, space-separated (default: -XX:+UseParallelGC)")
    parser.add_argument("--cli-java-opts", default="",
                        help="JVM options of the cli row (default: none, as a user runs java -jar)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from volltrack.tracking.engine_jar import find_engine_jar

    jar = find_engine_jar()
    print(f"engine jar: {jar}\nsettings: {json.dumps(SETTINGS)}")
    print(f"{'spots':>9} {'engine':>6} {'engine s':>9} {'laptrack s':>10} {'speed-up':>8} {'engine MiB':>10} "
          f"{'laptrack MiB':>12} {'mem ratio':>9} {'agreement':>9}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench_tracker_") as tmp:
            work = Path(tmp)
            spots = simulate_spots(size, seed=args.seed)
            spots_csv = work / "spots.csv"
            spots.to_csv(spots_csv, index=False)
            engines = {}
            for mode in ("model", "arrays"):
                engines[mode] = run_engine(jar, spots_csv, work, args.java_opts.split(), 4 * 3600, mode)
                LOG.info("  engine %-6s (%d spots): %s", mode, len(spots), engines[mode].detail)
            if args.cli:
                engines["cli"] = run_engine_cli(jar, spots, work, args.cli_java_opts.split(), 4 * 3600)
                LOG.info("  engine cli    (%d spots): %s", len(spots), engines["cli"].detail)
            if any(engine.edges != engines["model"].edges for engine in engines.values()):
                raise RuntimeError("engine paths disagree")
            if args.skip_laptrack_above is not None and len(spots) > args.skip_laptrack_above:
                lap = RunResult(float("nan"), float("nan"), None, "not run (--skip-laptrack-above)")
            else:
                lap = run_laptrack(spots_csv, work, args.laptrack_timeout)
            LOG.info("  laptrack (%d spots): %s; peak %.0f MiB", len(spots), lap.detail, lap.peak_mib)
            for mode, engine in engines.items():
                agree = "n/a" if lap.edges is None else f"{agreement(engine.edges, lap.edges):.4f}"
                lap_s = f"{lap.seconds:.1f}" + ("" if lap.edges is not None else "+")
                print(f"{len(spots):>9} {mode:>6} {engine.seconds:>9.1f} {lap_s:>10} "
                      f"{lap.seconds / engine.seconds:>7.1f}x {engine.peak_mib:>10.0f} {lap.peak_mib:>12.0f} "
                      f"{engine.peak_mib / lap.peak_mib:>9.2f} {agree:>9}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
