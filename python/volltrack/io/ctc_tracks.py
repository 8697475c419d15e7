"""The Cell Tracking Challenge's track file, read and written in one place.

``man_track.txt`` (ground truth) and ``res_track.txt`` (a result) hold one line ``L B E P`` per tracklet: its
label, first and last frame, and the label of its parent tracklet (0 = none). The simulator
(:mod:`volltrack.synthetic`) and the tracking metrics (:mod:`volltrack.metrics.ctc_format`) both go through
:func:`write_track_file` and :func:`read_track_file`.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "man_track.txt"
>>> _ = write_track_file(pd.DataFrame({"label": [1, 2], "begin": [0, 3], "end": [2, 4], "parent": [0, 1]}), path)
>>> path.read_text()
'1 0 2 0\\n2 3 4 1\\n'
>>> read_track_file(path)["parent"].tolist()
[0, 1]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from volltrack.io.atomic import atomic_write_text

__all__ = ["LINEAGE_COLUMNS", "read_track_file", "write_track_file"]

#: Columns of a lineage table, in the order of the file's fields.
LINEAGE_COLUMNS = ("label", "begin", "end", "parent")


def write_track_file(lineage: pd.DataFrame, path: str | Path) -> Path:
    """Write a lineage table (columns :data:`LINEAGE_COLUMNS`) as a CTC track file, atomically; return the path.

    Raises
    ------
    ValueError
        When a column is missing.
    """
    missing = [c for c in LINEAGE_COLUMNS if c not in lineage.columns]
    if missing:
        raise ValueError(f"lineage table lacks columns {missing}; expected {list(LINEAGE_COLUMNS)}")
    rows = lineage[list(LINEAGE_COLUMNS)].to_numpy()
    atomic_write_text(Path(path), "".join(" ".join(str(int(v)) for v in row) + "\n" for row in rows),
                      encoding="ascii")
    return Path(path)


def read_track_file(path: str | Path) -> pd.DataFrame:
    """Read a CTC track file into a lineage table (int64 columns :data:`LINEAGE_COLUMNS`).

    Raises
    ------
    ValueError
        Naming the file and the first line that is not four integers (blank lines are skipped).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a text file; expected 4 integers 'L B E P' per line") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        try:
            if len(fields) != 4:
                raise ValueError
            rows.append([int(field) for field in fields])
        except ValueError:
            raise ValueError(f"{path} line {number}: expected four integers L B E P, got {line.strip()[:60]!r}") \
                from None
    return pd.DataFrame(np.array(rows, np.int64).reshape(-1, 4), columns=list(LINEAGE_COLUMNS))
