"""Resumable pipeline stages: a stage is skipped when its outputs exist and its fingerprint is unchanged.

A stage's fingerprint is a SHA-256 over its parameters (as canonical JSON) and the fingerprints of its input
files (size and modification time, which change whenever an earlier stage rewrites a file). After a stage
finishes, a stamp ``<out>/.stages/<name>.json`` records the fingerprint, the outputs and the time taken; it is
written last and atomically, so a stage interrupted half-way (Ctrl-C) has no stamp and runs again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from volltrack.io.atomic import atomic_write_text

logger = logging.getLogger(__name__)

STAMP_DIR = ".stages"


def file_fingerprint(path: Path) -> dict[str, Any]:
    """Return a cheap fingerprint of a file or folder: its size and modification time in nanoseconds."""
    path = Path(path)
    if path.is_dir():
        entries = sorted(p for p in path.rglob("*") if p.is_file())
        return {"path": str(path), "files": [file_fingerprint(p) for p in entries]}
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def stage_fingerprint(params: Mapping[str, Any], inputs: Sequence[Path]) -> str:
    """Return the SHA-256 hex digest of a stage's parameters and input files."""
    payload = {"params": params, "inputs": [file_fingerprint(p) for p in inputs]}
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class StageRecord:
    """What one stage did in this run: skipped or run, its time and its summary counts."""

    name: str
    skipped: bool
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)


class StageRunner:
    """Run named stages in an output folder, skipping those whose stamp matches.

    Parameters
    ----------
    out_dir : path
        The run's output folder; stamps go to ``out_dir/.stages``.
    force : bool, default False
        Run every stage even when its stamp matches.
    """

    def __init__(self, out_dir: Path, *, force: bool = False) -> None:
        self.out_dir = Path(out_dir)
        self.force = force
        self.records: list[StageRecord] = []
        (self.out_dir / STAMP_DIR).mkdir(parents=True, exist_ok=True)

    def _stamp_path(self, name: str) -> Path:
        return self.out_dir / STAMP_DIR / f"{name}.json"

    def is_current(self, name: str, fingerprint: str, outputs: Sequence[Path]) -> dict[str, Any] | None:
        """Return the stored stamp if the stage is up to date, else None."""
        stamp_path = self._stamp_path(name)
        if self.force or not stamp_path.is_file():
            return None
        try:
            stamp = json.loads(stamp_path.read_text())
        except (OSError, json.JSONDecodeError):
            return None
        if stamp.get("fingerprint") != fingerprint or not all(Path(p).exists() for p in outputs):
            return None
        return stamp

    def run(self, name: str, func: Callable[[], dict[str, Any] | None], *, params: Mapping[str, Any],
            inputs: Sequence[Path], outputs: Sequence[Path]) -> StageRecord:
        """Run ``func`` unless the stage ``name`` is up to date; return what happened.

        ``func`` writes ``outputs`` (atomically) and returns a dict of summary counts for the report.
        """
        fingerprint = stage_fingerprint(params, inputs)
        stamp = self.is_current(name, fingerprint, outputs)
        if stamp is not None:
            logger.info("stage %s: up to date, skipped", name)
            record = StageRecord(name, True, float(stamp.get("seconds", 0.0)), stamp.get("summary", {}))
        else:
            logger.info("stage %s: running", name)
            start = time.perf_counter()
            summary = func() or {}
            seconds = time.perf_counter() - start
            stamp = {"name": name, "fingerprint": fingerprint, "seconds": seconds, "summary": summary,
                     "outputs": [str(p) for p in outputs], "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
            atomic_write_text(self._stamp_path(name), json.dumps(stamp, indent=2, default=str))
            record = StageRecord(name, False, seconds, summary)
        self.records.append(record)
        return record
