"""Benchmark: read a 1M-spot TrackMate XML file with volltrack vs. napatrackmater's and pytrackmate's readers.

Each reader runs in its own subprocess; the script reports the wall and CPU time of the read call (imports
excluded) and the peak resident memory of the process (``ru_maxrss``, imports included), then the ratios against
each peer. CPU time is the fairer speed measure on a shared machine, where wall time depends on the load.
The peers are installed by this script into a separate virtual environment (``bench/work/peers``, not part of
the project's dependencies): ``pytrackmate`` from PyPI; ``napatrackmater`` from PyPI without its dependencies
(PyTorch, Lightning, napari, vollseg, ...), whose XML reader (the ``TrackMate`` class in
``napatrackmater/Trackmate.py``) is loaded with stand-ins for the two names it imports but does not use for
reading (``lightning.Trainer`` and ``napatrackmater.clustering.Clustering``); its two analysis steps that run
after reading (``_compute_phenotypes``, which fails under numpy 2 with "truth value of an empty array", and
``_temporal_plots_trackmate``) are switched off, so that what is timed is its reading of spots and tracks.

Usage::

    .venv/bin/python bench/xml/run.py [--spots 1000000] [--frames 200] [--timeout 1800]
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / "work"
PEERS_VENV = WORK / "peers"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "python"))

logger = logging.getLogger("bench.xml")

_VOLLTRACK = """
import json, resource, sys, time
sys.path.insert(0, {python!r})
from volltrack.trackmate import read_xml
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
start, cpu_start = time.perf_counter(), cpu()
data = read_xml({path!r})
seconds, cpu_seconds = time.perf_counter() - start, cpu() - cpu_start
print(json.dumps({{"seconds": seconds, "cpu_seconds": cpu_seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "spots": len(data.spots), "edges": len(data.edges)}}))
"""

_PYTRACKMATE = """
import json, resource, time
from pytrackmate import trackmate_peak_import
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
start, cpu_start = time.perf_counter(), cpu()
spots = trackmate_peak_import({path!r}, get_tracks=True)
seconds, cpu_seconds = time.perf_counter() - start, cpu() - cpu_start
print(json.dumps({{"seconds": seconds, "cpu_seconds": cpu_seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "spots": len(spots), "edges": None}}))
"""

_NAPATRACKMATER = """
import importlib.util, json, resource, sys, time, types, pathlib
site = pathlib.Path(importlib.util.find_spec("lxml").origin).parents[1]
package = types.ModuleType("napatrackmater"); package.__path__ = [str(site / "napatrackmater")]
clustering = types.ModuleType("napatrackmater.clustering"); clustering.Clustering = object
lightning = types.ModuleType("lightning"); lightning.Trainer = object
sys.modules.update({{"napatrackmater": package, "napatrackmater.clustering": clustering, "lightning": lightning}})
spec = importlib.util.spec_from_file_location("napatrackmater.Trackmate", site / "napatrackmater" / "Trackmate.py")
module = importlib.util.module_from_spec(spec); sys.modules[spec.name] = module; spec.loader.exec_module(module)
module.TrackMate._compute_phenotypes = lambda self: None        # analysis after reading (fails under numpy 2)
module.TrackMate._temporal_plots_trackmate = lambda self: None  # analysis after reading
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
start, cpu_start = time.perf_counter(), cpu()
reader = module.TrackMate({path!r}, None, None, None, enhanced_computation=False, fourier=False)
seconds, cpu_seconds = time.perf_counter() - start, cpu() - cpu_start
print(json.dumps({{"seconds": seconds, "cpu_seconds": cpu_seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "spots": len(getattr(reader, "unique_spot_properties", {{}})), "edges": None}}))
"""


def generate(path: Path, *, n_spots: int, n_frames: int, seed: int = 0) -> None:
    """Write a TrackMate file of ``n_spots`` spots in ``n_frames`` frames, each cell one track over all frames."""
    from volltrack.trackmate import write_xml

    rng = np.random.default_rng(seed)
    n_cells = n_spots // n_frames
    frame = np.repeat(np.arange(n_frames), n_cells)
    start = rng.uniform(0, 500, size=(n_cells, 3))
    walk = np.cumsum(rng.normal(0, 1.0, size=(n_frames, n_cells, 3)), axis=0).reshape(-1, 3)
    position = np.tile(start, (n_frames, 1)) + walk
    volume = rng.uniform(50, 500, size=frame.size)
    spots = pd.DataFrame({
        "ID": np.arange(frame.size), "FRAME": frame, "POSITION_X": position[:, 0], "POSITION_Y": position[:, 1],
        "POSITION_Z": position[:, 2], "POSITION_T": frame * 10.0, "RADIUS": np.cbrt(3 * volume / (4 * np.pi)),
        "QUALITY": np.round(volume / 0.5), "LABEL": np.tile(np.arange(1, n_cells + 1), n_frames), "VOLUME": volume,
        "MEAN_INTENSITY_CH1": rng.uniform(100, 200, frame.size), "TOTAL_INTENSITY_CH1": rng.uniform(1e4, 1e5, frame.size),
        "INSIDE_TISSUE": rng.integers(0, 2, frame.size), "TISSUE_FRACTION": rng.uniform(0, 1, frame.size),
        "DISTANCE_TO_BOUNDARY": rng.normal(0, 20, frame.size), "VISIBILITY": 1})
    source = np.arange((n_frames - 1) * n_cells)
    step = np.linalg.norm(position[source + n_cells] - position[source], axis=1)
    edges = pd.DataFrame({"SPOT_SOURCE_ID": source, "SPOT_TARGET_ID": source + n_cells,
                          "LINK_COST": step ** 2, "TRACK_ID": source % n_cells, "SPEED": step / 10.0,
                          "DISPLACEMENT": step, "EDGE_TIME": (frame[source] + 0.5) * 10.0})
    tracks = _track_features(position.reshape(n_frames, n_cells, 3), step.reshape(n_frames - 1, n_cells), 10.0)
    settings = {"basic": {"xstart": 0, "xend": 511, "ystart": 0, "yend": 511, "zstart": 0, "zend": 63,
                          "tstart": 0, "tend": n_frames - 1},
                "tracker": {"LINKING_MAX_DISTANCE": 15.0, "ALLOW_GAP_CLOSING": False, "GAP_CLOSING_MAX_DISTANCE": 15.0,
                            "MAX_FRAME_GAP": 2, "ALLOW_TRACK_SPLITTING": False, "SPLITTING_MAX_DISTANCE": 15.0,
                            "ALLOW_TRACK_MERGING": False, "MERGING_MAX_DISTANCE": 15.0, "CUTOFF_PERCENTILE": 0.9,
                            "ALTERNATIVE_LINKING_COST_FACTOR": 1.05, "BLOCKING_VALUE": float("inf")}}
    spots.attrs.update(calibration=(1.0, 1.0, 1.0), frame_interval=10.0)
    write_xml(path, spots, edges, tracks, space_units="micron", time_units="sec", settings=settings,
              log="synthetic benchmark file written by bench/xml/run.py")


def _track_features(position: np.ndarray, step: np.ndarray, dt: float) -> pd.DataFrame:
    """TrackMate's duration, displacement and distance features of straight chains (frames x cells)."""
    n_frames, n_cells, _ = position.shape
    from_start = np.linalg.norm(position - position[:1], axis=2)
    return pd.DataFrame({
        "TRACK_ID": np.arange(n_cells), "TRACK_INDEX": np.arange(n_cells), "NUMBER_SPOTS": n_frames,
        "NUMBER_GAPS": 0, "LONGEST_GAP": 0, "NUMBER_SPLITS": 0, "NUMBER_MERGES": 0, "NUMBER_COMPLEX": 0,
        "TRACK_DURATION": (n_frames - 1) * dt, "TRACK_START": 0.0, "TRACK_STOP": (n_frames - 1) * dt,
        "TRACK_DISPLACEMENT": from_start[-1], "TOTAL_DISTANCE_TRAVELED": step.sum(axis=0),
        "MAX_DISTANCE_TRAVELED": from_start.max(axis=0), "TRACK_MEAN_SPEED": step.mean(axis=0) / dt})


def ensure_peers() -> Path:
    """Create the peers' virtual environment once; return its python."""
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    if subprocess.run([str(python), "-c", "import pytrackmate"], capture_output=True).returncode:
        subprocess.run(pip + ["pytrackmate"], check=True)
    if subprocess.run([str(python), "-c", "import lxml, tifffile, skimage, scipy, tqdm"], capture_output=True).returncode:
        subprocess.run(pip + ["lxml", "tifffile", "scikit-image", "scipy", "tqdm"], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    if not (Path(site) / "napatrackmater" / "Trackmate.py").exists():
        subprocess.run(pip + ["--no-deps", "napatrackmater"], check=True)
    return python


def measure(name: str, python: str, code: str, timeout: float) -> dict:
    """Run one reader in a subprocess; return its JSON report, or the reason it failed."""
    logger.info("reading with %s ...", name)
    started = time.perf_counter()
    try:
        proc = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"reader": name, "error": f"did not finish within {timeout:.0f} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"reader": name, "error": f"failed: {last}"}
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    report.update(reader=name, wall_seconds=time.perf_counter() - started)
    logger.info("  %s: read in %.1f s (%.1f s CPU), peak %.0f MB", name, report["seconds"], report["cpu_seconds"],
                report["peak_mb"])
    return report


def versions(python: str) -> dict:
    code = ("import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
            "('pytrackmate', 'napatrackmater', 'lxml', 'pandas', 'numpy')}))")
    return json.loads(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spots", type=int, default=1_000_000, help="number of spots (default 1000000)")
    parser.add_argument("--frames", type=int, default=200, help="number of frames (default 200)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per reader (default 1800)")
    parser.add_argument("--skip", nargs="*", default=[], help="readers to skip (napatrackmater, pytrackmate)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = WORK / f"bench_{args.spots}.xml"
    if not path.exists():
        started = time.perf_counter()
        generate(path, n_spots=args.spots, n_frames=args.frames)
        logger.info("generated %s (%.0f MB) in %.1f s", path, path.stat().st_size / 2**20, time.perf_counter() - started)
    peers = str(ensure_peers())
    reports = [measure("volltrack", sys.executable, _VOLLTRACK.format(python=str(ROOT / "python"), path=str(path)),
                       args.timeout)]
    for name, code in (("pytrackmate", _PYTRACKMATE), ("napatrackmater", _NAPATRACKMATER)):
        if name not in args.skip:
            reports.append(measure(name, peers, code.format(path=str(path)), args.timeout))
    summary = {"file": str(path), "file_mb": path.stat().st_size / 2**20, "spots": args.spots,
               "peer_versions": versions(peers), "reports": reports}
    print_summary(summary)
    (RESULTS / "xml.json").write_text(json.dumps(summary, indent=2))
    return 0


def print_summary(summary: dict) -> None:
    """Print one line per reader and the ratios against the peers (wall time, CPU time, peak memory)."""
    reports = summary["reports"]
    print(f"\nfile: {summary['file_mb']:.0f} MB, {summary['spots']} spots; peers: {summary['peer_versions']}")
    print(f"{'reader':<16}{'read s':>9}{'CPU s':>9}{'peak MB':>9}  note")
    for r in reports:
        if "error" in r:
            print(f"{r['reader']:<16}{'-':>9}{'-':>9}{'-':>9}  {r['error']}")
        else:
            print(f"{r['reader']:<16}{r['seconds']:>9.1f}{r['cpu_seconds']:>9.1f}{r['peak_mb']:>9.0f}  "
                  f"spots read: {r['spots']}")
    ours = reports[0]
    peers = [r for r in reports[1:] if "error" not in r]
    if "error" in ours or not peers:
        return
    fastest = min(peers, key=lambda r: r["cpu_seconds"])
    print(f"\nfaster peer (by CPU time): {fastest['reader']}")
    for r in peers:
        print(f"vs {r['reader']}: {r['seconds'] / ours['seconds']:.1f}x faster (wall), "
              f"{r['cpu_seconds'] / ours['cpu_seconds']:.1f}x less CPU time, "
              f"{ours['peak_mb'] / r['peak_mb']:.2f}x its peak memory")


if __name__ == "__main__":
    sys.exit(main())
