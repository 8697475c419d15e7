"""The spot CSV contract: what a spot table file must look like, enforced the same way here and in the engine jar.

The rules (``docs/csv-contract.md``; shared test vectors in ``tests/data/csv_contract/``, read by the pytest and the
JUnit suites alike):

1. UTF-8 (an initial byte-order mark is ignored), comma-separated, RFC 4180 quotes allowed; blank lines ignored.
2. The first line names the columns; names are trimmed of surrounding spaces and are case-sensitive TrackMate
   keys. A name given twice is refused (which of the two columns is meant cannot be known).
3. ``FRAME``, ``POSITION_X`` and ``POSITION_Y`` are required.
4. Up to three rows right after the header whose FRAME / POSITION_X / POSITION_Y cells hold text and no number
   are further header rows (TrackMate's own spot export has name, short-name and unit rows) and are skipped.
5. Every row has exactly as many fields as the header: a short or long row is refused, never shifted.
6. A number is a decimal (``12``, ``-3.5``, ``.5``, ``1e-3``) or ``nan`` / ``inf`` / ``infinity`` with an optional
   sign, in any case; nothing else (no ``1_000``, ``0x10``, ``1d``, ``True``).
7. Core columns, when present, need a number in every row: ``FRAME`` (an integer >= 0, ``3.0`` accepted, at most
   1,000,000), ``POSITION_X/Y/Z`` (finite), ``POSITION_T`` (finite), ``RADIUS`` (finite, > 0), ``QUALITY`` (not
   NaN), ``ID`` (an integer 0 .. 2^31 - 1, unique). An empty or non-numeric core cell is refused.
8. Any other column is a spot feature when every non-empty cell is a number (an empty cell leaves the feature
   unset, NaN here); a column holding text (TrackMate's ``LABEL`` "ID12", ``True``/``False``) is not used, with a
   warning. ``VISIBILITY`` is not a feature.
9. Refusals are one line: the file, the line number (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["NUMBER_PATTERN", "CORE_COLUMNS", "REQUIRED", "MAX_EXTRA_HEADER_ROWS", "read_contract_csv", "is_number"]

logger = logging.getLogger(__name__)

#: Rule 6, as a regular expression (the jar's ``CsvContract.NUMBER`` is the same).
NUMBER_PATTERN = r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:nan|inf|infinity))"
_NUMBER = re.compile(NUMBER_PATTERN)
#: Rule 3.
REQUIRED = ("FRAME", "POSITION_X", "POSITION_Y")
#: Rule 7: columns that need a number in every row when present.
CORE_COLUMNS = ("ID", "FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "RADIUS", "QUALITY")
#: Rule 4.
MAX_EXTRA_HEADER_ROWS = 3
MAX_SPOT_ID = 2**31 - 1
MAX_FRAME = 1_000_000


def is_number(text: str) -> bool:
    """True when ``text`` (already trimmed) is a number under rule 6."""
    return _NUMBER.fullmatch(text) is not None


def _read_cells(path: Path) -> tuple[list[str], pd.DataFrame]:
    """The trimmed header names and the data cells as trimmed text (index: file line); rules 1, 2 and 5."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            header = None
            lines, records = [], []
            for record in reader:
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue                                  # a blank line
                if header is None:
                    header = [name.strip() for name in record]
                    continue
                if len(record) != len(header):
                    raise ValueError(f"{path}: line {reader.line_num} has {len(record)} fields, expected "
                                     f"{len(header)} (one per header column)")
                lines.append(reader.line_num)
                records.append(record)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise ValueError(f"{path}: not a readable CSV spot table ({exc})") from None
    if header is None:
        raise ValueError(f"{path}: the file is empty; expected a header naming FRAME, POSITION_X, POSITION_Y "
                         "and one row per spot")
    cells = pd.DataFrame(records, index=lines, columns=range(len(header)), dtype=str)
    return header, cells.apply(lambda column: column.str.strip())


def _check_header(path: Path, names: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise ValueError(f"{path}: duplicated column {name} in the header (line 1); each column name must "
                             "appear once")
        seen.add(name)
    missing = [key for key in REQUIRED if key not in names]
    if missing:
        hint = [n for n in names if n.upper() in missing]
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(names)}"
                         + (f" (names are case-sensitive: {', '.join(hint)})" if hint else ""))
    return names


def _extra_header_rows(rows: pd.DataFrame) -> int:
    """Rule 4: how many leading rows are further header rows."""
    skip = 0
    for _, row in rows.head(MAX_EXTRA_HEADER_ROWS).iterrows():
        values = [row[key] if isinstance(row[key], str) else "" for key in REQUIRED]
        if any(v and is_number(v) for v in values) or not any(values):
            break
        skip += 1
    return skip


def read_contract_csv(path) -> pd.DataFrame:
    """Read a spot CSV under the contract; return its used columns as float64 (integer columns as int64).

    Parameters
    ----------
    path : str or PathLike
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        One row per spot, in file order.

    Raises
    ------
    ValueError
        One line naming the file, line and column (rules 2-7).
    """
    path = Path(path)
    names, rows = _read_cells(path)
    _check_header(path, names)
    rows.columns = [n if n else f"_unnamed_{i}" for i, n in enumerate(names)]
    rows = rows.iloc[_extra_header_rows(rows):]
    table = {}
    for name in rows.columns:
        if name.startswith("_unnamed_") or name == "VISIBILITY":
            continue
        column = rows[name]
        numeric = column.str.fullmatch(NUMBER_PATTERN)
        empty = column == ""
        if name in CORE_COLUMNS:
            if empty.any():
                line = int(column.index[np.flatnonzero(empty.to_numpy())[0]])
                raise ValueError(f"{path}: line {line}: column {name} is empty; every row needs a number there")
            if not numeric.all():
                line = int(column.index[np.flatnonzero(~numeric.to_numpy())[0]])
                raise ValueError(f"{path}: line {line}: column {name}: {column[line]!r} is not a number")
        elif not (numeric | empty).all():
            line = int(column.index[np.flatnonzero(~(numeric | empty).to_numpy())[0]])
            logger.warning("%s: column %s holds text (line %d: %r); not used as a spot feature", path, name, line,
                           column[line])
            continue
        table[name] = column.where(~empty, "nan").astype(np.float64)
    frame = pd.DataFrame(table, index=rows.index)
    if frame.empty:
        raise ValueError(f"{path}: no spots: the table is empty (a header but no data row)")
    _check_core_values(path, frame)
    return frame.reset_index(drop=True)


def _first_line(frame: pd.DataFrame, bad) -> int:
    return int(frame.index[np.flatnonzero(np.asarray(bad))[0]])


def _check_core_values(path: Path, frame: pd.DataFrame) -> None:
    frames = frame["FRAME"].to_numpy()
    bad = ~np.isfinite(frames) | (frames < 0) | (frames != np.round(frames))
    if bad.any():
        line = _first_line(frame, bad)
        raise ValueError(f"{path}: line {line}: FRAME must be an integer >= 0, got {frame.at[line, 'FRAME']}")
    if (frames > MAX_FRAME).any():
        line = _first_line(frame, frames > MAX_FRAME)
        raise ValueError(f"{path}: line {line}: FRAME {int(frames[frames > MAX_FRAME][0])} is beyond the largest "
                         f"supported frame {MAX_FRAME}; FRAME is the time-point index 0, 1, 2, ... (not a time)")
    for name in ("POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T"):
        if name in frame:
            bad = ~np.isfinite(frame[name].to_numpy())
            if bad.any():
                line = _first_line(frame, bad)
                raise ValueError(f"{path}: line {line}: {name} must be a finite number, got {frame.at[line, name]}")
    if "RADIUS" in frame:
        radius = frame["RADIUS"].to_numpy()
        bad = ~(np.isfinite(radius) & (radius > 0))
        if bad.any():
            line = _first_line(frame, bad)
            raise ValueError(f"{path}: line {line}: RADIUS must be a finite number > 0, got {frame.at[line, 'RADIUS']}")
    if "QUALITY" in frame and frame["QUALITY"].isna().any():
        line = _first_line(frame, frame["QUALITY"].isna().to_numpy())
        raise ValueError(f"{path}: line {line}: QUALITY is NaN; expected a number")
    if "ID" in frame:
        ids = frame["ID"].to_numpy()
        bad = ~np.isfinite(ids) | (ids != np.round(ids)) | (ids < 0) | (ids > MAX_SPOT_ID)
        if bad.any():
            line = _first_line(frame, bad)
            raise ValueError(f"{path}: line {line}: spot ID must be an integer from 0 to {MAX_SPOT_ID}, got "
                             f"{frame.at[line, 'ID']}")
        duplicated = frame["ID"].duplicated().to_numpy()
        if duplicated.any():
            line = _first_line(frame, duplicated)
            raise ValueError(f"{path}: line {line}: duplicate spot ID {int(frame.at[line, 'ID'])}")
