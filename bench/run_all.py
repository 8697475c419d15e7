"""Run the benchmarks of ``bench/`` one after the other (what ``make bench`` calls).

Each benchmark is its own script, started as a child process with the arguments below (its documented defaults;
the figures recorded in ``bench/README.md`` came from these scripts). A failing benchmark is reported and the
next one runs; the exit code is 1 when any failed. Benchmarks that need data or a folder the user must name are
listed with what they need and skipped unless it is given.

Usage::

    python bench/run_all.py [--list] [--only tracker,xml] [--dry-run] [--work bench/work]
                            [--finetune-data STACK.h5]

The full set takes hours on a small machine (the tracker benchmark alone times laptrack on 1M spots); run one
with ``--only``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


@dataclass(frozen=True)
class Benchmark:
    """One benchmark script and how ``run_all`` starts it."""

    name: str
    script: str  # path below bench/
    args: tuple[str, ...] = ()
    needs: str = ""  # a run_all option that must be given, else the benchmark is skipped

    def command(self, options: argparse.Namespace) -> list[str]:
        """The command line that runs this benchmark with ``options`` filled in."""
        values = {"work": str(Path(options.work).resolve()), "finetune_data": str(options.finetune_data or "")}
        return [sys.executable, str(BENCH / self.script), *(arg.format(**values) for arg in self.args)]


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("tracker", "tracker/run.py", ("--cli",)),
    Benchmark("xml", "xml/run.py"),
    Benchmark("segmentation", "segmentation/run.py"),
    Benchmark("segmentation-speed", "segmentation/speed.py"),
    Benchmark("segmentation-generalise", "segmentation/generalise.py"),  # bundled models on an independent simulator
    Benchmark("analysis", "analysis/run.py"),
    Benchmark("divisions", "divisions/run.py", ("--out", "{work}/divisions")),
    Benchmark("scale", "scale/run.py"),
    Benchmark("scale-held-out", "scale/held_out.py"),   # --cluster local:2 against one process, unseen movie
    Benchmark("gpu", "gpu_check.py"),
    Benchmark("n2v", "n2v/compare.py"),  # n2v against a Gaussian floor; CAREamics with --careamics-python by hand
    Benchmark("wheels", "wheels/dry_run.py"),  # needs the package index (pip dry runs, nothing installed)
    Benchmark("finetune", "finetune/run.py", ("--data", "{finetune_data}", "--work", "{work}/finetune"),
              needs="finetune_data"),
)

# Helpers imported by the benchmarks above, not benchmarks themselves.
HELPER_SCRIPTS = {"tracker/compare_xml.py", "tracker/laptrack_driver.py", "tracker/process_memory.py",
                  "tracker/synthetic_spots.py", "segmentation/paper_reference.py", "n2v/careamics_n2v.py",
                  "segmentation/independent_sim.py",  # the independent simulator generalise.py draws its volumes from
                  "divisions/vollseg.py",  # scores tracker settings on a finished demo run's folder (by hand)
                  "divisions/acetree.py",  # converts an AceTree nuclei folder (WormGUIDES) for run.py --wormguides
                  "run_all.py"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options of ``run_all``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands without running them")
    parser.add_argument("--work", default=str(BENCH / "work"), help="folder for outputs (default bench/work)")
    parser.add_argument("--finetune-data", type=Path, help="annotated .h5 stack for the finetune benchmark")
    return parser.parse_args(argv)


def select(only: str | None) -> list[Benchmark]:
    """The benchmarks named in ``only`` (comma-separated), or all; an unknown name is a usage error."""
    if not only:
        return list(BENCHMARKS)
    names = [name.strip() for name in only.split(",") if name.strip()]
    known = {benchmark.name: benchmark for benchmark in BENCHMARKS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"run_all: unknown benchmark {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in names]


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks; 0 when every one that ran succeeded."""
    options = parse_args(argv)
    chosen = select(options.only)
    if options.list:
        for benchmark in chosen:
            needs = f"  (needs --{benchmark.needs.replace('_', '-')})" if benchmark.needs else ""
            print(f"{benchmark.name:20s} bench/{benchmark.script}{needs}")
        return 0
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "python"), environment.get("PYTHONPATH")]))
    results: list[tuple[str, str]] = []
    for benchmark in chosen:
        if benchmark.needs and not getattr(options, benchmark.needs):
            results.append((benchmark.name, f"skipped: needs --{benchmark.needs.replace('_', '-')}"))
            continue
        command = benchmark.command(options)
        print(f"== {benchmark.name}: {' '.join(command)}", flush=True)
        if options.dry_run:
            results.append((benchmark.name, "not run (--dry-run)"))
            continue
        Path(options.work).mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        code = subprocess.call(command, cwd=ROOT, env=environment)
        elapsed = time.perf_counter() - start
        results.append((benchmark.name, f"{'ok' if code == 0 else f'FAILED (exit {code})'} in {elapsed:.0f} s"))
    print("\nsummary:")
    for name, outcome in results:
        print(f"  {name:20s} {outcome}")
    return 1 if any("FAILED" in outcome for _, outcome in results) else 0


if __name__ == "__main__":
    sys.exit(main())
