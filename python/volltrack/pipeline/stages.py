"""Resumable pipeline stages: a stage is skipped when its outputs exist and its fingerprint is unchanged.

A stage's fingerprint is a SHA-256 over its parameters (as canonical JSON) and the *contents* of its input files
(a SHA-256 of each file; a folder by its files' relative names and contents), so the same inputs spelled with
another path (relative, absolute, a symbolic link, run from another directory) are recognised, and a file
rewritten with other content is not. Each file is hashed once: the digest is cached in
``<out>/.stages/content-hashes.json`` under its device and inode, and reused while its size and modification time
are unchanged. After a stage
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
from volltrack.io.timing import timed

logger = logging.getLogger(__name__)

STAMP_DIR = ".stages"


HASH_CACHE = "content-hashes.json"
_CHUNK = 4 << 20


class ContentHashes:
    """SHA-256 digests of files, cached by (device, inode) and reused while size and mtime are unchanged.

    Parameters
    ----------
    cache_path : path or None
        JSON file keeping the digests between runs; None keeps them in memory only.
    """

    def __init__(self, cache_path: Path | None = None) -> None:
        self.cache_path = Path(cache_path) if cache_path is not None else None
        self.entries: dict[str, dict[str, Any]] = {}
        self._changed = False
        if self.cache_path is not None and self.cache_path.is_file():
            try:
                loaded = json.loads(self.cache_path.read_text())
                self.entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.entries = {}

    def digest(self, path: Path) -> str:
        """The SHA-256 hex digest of the file ``path``."""
        stat = Path(path).stat()
        key = f"{stat.st_dev}:{stat.st_ino}"
        entry = self.entries.get(key)
        if (isinstance(entry, dict) and entry.get("size") == stat.st_size
                and entry.get("mtime_ns") == stat.st_mtime_ns and isinstance(entry.get("sha256"), str)):
            return entry["sha256"]
        hasher = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(_CHUNK), b""):
                hasher.update(block)
        self.entries[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": hasher.hexdigest()}
        self._changed = True
        return hasher.hexdigest()

    def save(self) -> None:
        """Write the cache (atomically) when it changed."""
        if self.cache_path is not None and self._changed and self.cache_path.parent.is_dir():
            atomic_write_text(self.cache_path, json.dumps(self.entries))
            self._changed = False


def file_fingerprint(path: Path, hashes: ContentHashes | None = None) -> dict[str, Any]:
    """Return the fingerprint of a file (its content digest) or folder (its files' relative names and digests).

    The path itself is not part of it: the same file named another way has the same fingerprint.
    """
    path = Path(path)
    hashes = hashes or ContentHashes()
    if path.is_dir():
        entries = sorted(p for p in path.rglob("*") if p.is_file())
        return {"files": [[p.relative_to(path).as_posix(), hashes.digest(p)] for p in entries]}
    return {"size": path.stat().st_size, "sha256": hashes.digest(path)}


def stage_fingerprint(params: Mapping[str, Any], inputs: Sequence[Path], hashes: ContentHashes | None = None) -> str:
    """Return the SHA-256 hex digest of a stage's parameters and the contents of its input files."""
    payload = {"params": params, "inputs": [file_fingerprint(p, hashes) for p in inputs]}
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class StageRecord:
    """What one stage did in this run: skipped or run, its time and its summary counts."""

    name: str
    skipped: bool
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)
    cpu_seconds: float = 0.0


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
        self.hashes = ContentHashes(self.out_dir / STAMP_DIR / HASH_CACHE)

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

    def needs_run(self, name: str, *, params: Mapping[str, Any], inputs: Sequence[Path],
                  outputs: Sequence[Path]) -> bool:
        """Whether :meth:`run` with these arguments would run the stage (its stamp is missing or out of date)."""
        fingerprint = stage_fingerprint(params, inputs, self.hashes)
        self.hashes.save()
        return self.is_current(name, fingerprint, outputs) is None

    def run(self, name: str, func: Callable[[], dict[str, Any] | None], *, params: Mapping[str, Any],
            inputs: Sequence[Path], outputs: Sequence[Path], cpu: str = "process") -> StageRecord:
        """Run ``func`` unless the stage ``name`` is up to date; return what happened.

        ``func`` writes ``outputs`` (atomically) and returns a dict of summary counts for the report. ``cpu``:
        whose CPU seconds are recorded, the process's (default) or the calling thread's only ("thread", for a
        single-threaded stage while other threads work, as :func:`~volltrack.io.timing.timed`).
        """
        fingerprint = stage_fingerprint(params, inputs, self.hashes)
        self.hashes.save()
        stamp = self.is_current(name, fingerprint, outputs)
        if stamp is not None:
            logger.info("stage %s: up to date, skipped", name)
            record = StageRecord(name, True, float(stamp.get("seconds", 0.0)), stamp.get("summary", {}),
                                 float(stamp.get("cpu_seconds", 0.0)))
        else:
            logger.info("stage %s: running", name)
            clock = time.thread_time if cpu == "thread" else time.process_time
            start, started = time.perf_counter(), clock()
            with timed(name, cpu=cpu):
                summary = func() or {}
            seconds, cpu_seconds = time.perf_counter() - start, clock() - started
            stamp = {"name": name, "fingerprint": fingerprint, "seconds": seconds, "cpu_seconds": cpu_seconds,
                     "summary": summary, "outputs": [str(p) for p in outputs],
                     "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
            atomic_write_text(self._stamp_path(name), json.dumps(stamp, indent=2, default=str))
            record = StageRecord(name, False, seconds, summary, cpu_seconds)
        self.records.append(record)
        return record
