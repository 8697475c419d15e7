"""Compare TrackMate XML files written by two engine builds (the before/after check of an engine change).

Usage::

    python bench/tracker/compare_xml.py BEFORE_DIR AFTER_DIR [NAME ...]

Each named file (default: every ``*.xml`` in BEFORE_DIR) must match line by line. The run log's timings
(``(0.12 s).``) are ignored. A differing line must have the same element, attribute names and order, and may
differ only in the values of the track features that sum over a track's edges, by at most 1e-12 relative:
engines before 2026-11-25 summed them in identity-hash order, so their own output varied in these last digits
from run to run. Exit code 0 when every file passes.
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

SUMMED_TRACK_FEATURES = {"TRACK_MEAN_SPEED", "TRACK_STD_SPEED", "TOTAL_DISTANCE_TRAVELED",
                         "MEAN_DIRECTIONAL_CHANGE_RATE", "LINEARITY_OF_FORWARD_PROGRESSION", "CONFINEMENT_RATIO"}
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
TIMING = re.compile(r"\(\d+\.\d+ s\)\.")


def compare(before: Path, after: Path) -> tuple[bool, str]:
    """Compare two files; return (passed, one-line verdict)."""
    lines_a = TIMING.sub("(T s).", before.read_text(encoding="utf-8")).split("\n")
    lines_b = TIMING.sub("(T s).", after.read_text(encoding="utf-8")).split("\n")
    if len(lines_a) != len(lines_b):
        return False, f"{len(lines_a)} vs {len(lines_b)} lines"
    counts: collections.Counter = collections.Counter()
    worst = 0.0
    for line_a, line_b in zip(lines_a, lines_b):
        if line_a == line_b:
            continue
        attrs_a, attrs_b = ATTRIBUTE.findall(line_a), ATTRIBUTE.findall(line_b)
        if ATTRIBUTE.sub("", line_a) != ATTRIBUTE.sub("", line_b) or [k for k, _ in attrs_a] != [
                k for k, _ in attrs_b]:
            return False, f"structure differs: {line_a[:120]!r} vs {line_b[:120]!r}"
        for (key, va), (_, vb) in zip(attrs_a, attrs_b):
            if va == vb:
                continue
            if key not in SUMMED_TRACK_FEATURES:
                return False, f"{key}: {va} vs {vb}"
            relative = abs(float(va) - float(vb)) / max(abs(float(va)), 1e-300)
            if relative > 1e-12:
                return False, f"{key}: {va} vs {vb} (relative {relative:.1e})"
            counts[key] += 1
            worst = max(worst, relative)
    if not counts:
        return True, "identical"
    return True, f"identical except summation order in {sum(counts.values())} values (max relative {worst:.1e})"


def main(argv: list[str]) -> int:
    """Compare the files and print one verdict per file."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    before, after = Path(argv[0]), Path(argv[1])
    names = argv[2:] or sorted(p.name for p in before.glob("*.xml"))
    passed = True
    for name in names:
        ok, verdict = compare(before / name, after / name)
        print(f"{name}: {verdict}")
        passed &= ok
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
