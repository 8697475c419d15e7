"""Collect XML attribute dictionaries into typed columns, a chunk at a time.

The streaming reader hands every ``Spot`` (or ``Edge``, ``Track``) attribute dictionary to an
:class:`AttributeTable`, which keeps the dictionaries of one chunk and then converts them column by column to
float64 arrays (``operator.itemgetter`` + ``float`` + ``np.fromiter``: C-level loops, exact decimal parsing that
accepts Java's ``NaN``/``Infinity``). Memory therefore holds numbers, not the file's text. At the end the blocks
are joined into one :class:`pandas.DataFrame`; columns missing from some rows are NaN there.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np
import pandas as pd

__all__ = ["AttributeTable", "NonNumericAttribute", "cast_integer_columns"]


class NonNumericAttribute(ValueError):
    """An attribute that must be a number is not."""


class AttributeTable:
    """Accumulate attribute dictionaries into columns.

    Parameters
    ----------
    string_columns : tuple of str, optional
        Attributes kept as text (object columns), e.g. ``("name",)``. Default ().
    lenient : bool, optional
        Keep non-numeric values of other attributes as text instead of raising. Default False.
    chunk_size : int, optional
        Rows buffered before conversion. Default 8192.
    """

    def __init__(self, *, string_columns: tuple[str, ...] = (), lenient: bool = False, chunk_size: int = 8192):
        self._string_columns = frozenset(string_columns)
        self._lenient = lenient
        self.chunk_size = chunk_size
        self.rows: list[dict] = []
        self._blocks: list[tuple[int, dict[str, np.ndarray]]] = []
        self._flushed = 0

    @property
    def n_rows(self) -> int:
        """Rows added so far."""
        return self._flushed + len(self.rows)

    def add(self, attributes: dict) -> None:
        """Add one row (the dictionary is kept until the chunk is converted; do not modify it)."""
        self.rows.append(attributes)
        if len(self.rows) >= self.chunk_size:
            self.flush()

    def _convert(self, key: str, rows: list[dict], complete: bool) -> np.ndarray:
        if key in self._string_columns:
            return np.array([row.get(key) for row in rows], dtype=object)
        values = map(itemgetter(key), rows) if complete else (row.get(key, "nan") for row in rows)
        try:
            return np.fromiter(map(float, values), dtype=np.float64, count=len(rows))
        except ValueError:
            texts = [row.get(key) for row in rows]
            if self._lenient:
                return np.array(texts, dtype=object)
            bad = next(value for value in texts if value is not None and not _is_float(value))
            raise NonNumericAttribute(f"attribute {key}={bad!r} is not a number") from None

    def flush(self) -> None:
        """Convert the buffered rows to arrays."""
        rows = self.rows
        if not rows:
            return
        keys = list(rows[0])
        width = len(keys)
        complete = all(len(row) == width for row in rows)
        try:  # same size and every key of the first row present => same key set
            block = {key: self._convert(key, rows, True) for key in keys} if complete else None
        except KeyError:
            block = None
        if block is None:
            keys = list(dict.fromkeys(key for row in rows for key in row))
            block = {key: self._convert(key, rows, False) for key in keys}
        self._blocks.append((len(rows), block))
        self._flushed += len(rows)
        rows.clear()  # the same list object: the reader keeps a reference to it

    def to_frame(self) -> pd.DataFrame:
        """Join every block into a DataFrame (columns in order of first appearance); empties the table.

        Each column's chunks are released as soon as it is joined, so the peak memory is about one copy of
        the numbers plus one column.
        """
        self.flush()
        order: dict[str, None] = {}
        for _, block in self._blocks:
            order.update(dict.fromkeys(block))
        data = {}
        for key in order:
            is_text = key in self._string_columns
            parts = [block.pop(key) if key in block else
                     np.full(size, None if is_text else np.nan, dtype=object if is_text else np.float64)
                     for size, block in self._blocks]
            data[key] = _concatenate(parts)
        self._blocks = []
        return pd.DataFrame(data, copy=False)


def _concatenate(parts: list[np.ndarray]) -> np.ndarray:
    if len(parts) == 1:
        return parts[0]
    if any(part.dtype == object for part in parts):
        return np.concatenate([part.astype(object) for part in parts])
    return np.concatenate(parts)


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def cast_integer_columns(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Cast the given float columns to int64 in place where every value is a finite integer."""
    for column in columns:
        if column in frame.columns and frame[column].dtype == np.float64:
            values = frame[column].to_numpy()
            if np.isfinite(values).all() and (values == np.round(values)).all():
                frame[column] = values.astype(np.int64)
    return frame
