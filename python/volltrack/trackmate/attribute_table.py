"""Collect XML attribute dictionaries into typed columns, a chunk at a time.

The streaming reader hands every ``Spot`` (or ``Edge``, ``Track``) attribute dictionary to an
:class:`AttributeTable`. Rows that share the same attribute names in the same order (as TrackMate writes them)
are buffered as tuples of strings and converted to float64 arrays every ``chunk_size`` rows, so memory holds
numbers, not the file's text. At the end the blocks are joined into one :class:`pandas.DataFrame`, with columns
missing from some rows filled with NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["AttributeTable", "NonNumericAttribute", "cast_integer_columns"]


class NonNumericAttribute(ValueError):
    """An attribute that must be a number is not."""


class AttributeTable:
    """Accumulate attribute rows into columns.

    Parameters
    ----------
    string_columns : tuple of str, optional
        Attributes kept as text (object columns), e.g. ``("name",)``. Default ().
    lenient : bool, optional
        Keep non-numeric values of other attributes as text instead of raising. Default False.
    chunk_size : int, optional
        Rows buffered before conversion. Default 32768.
    """

    def __init__(self, *, string_columns: tuple[str, ...] = (), lenient: bool = False, chunk_size: int = 32768):
        self._string_columns = frozenset(string_columns)
        self._lenient = lenient
        self._chunk_size = chunk_size
        self._keys: list[str] | None = None
        self._rows: list[list[str]] = []
        self._blocks: list[tuple[list[str], list[np.ndarray]]] = []
        self.n_rows = 0

    def add(self, keys: list[str], values: list[str]) -> None:
        """Add one row given as parallel lists of attribute names and values."""
        if keys != self._keys:
            self._flush()
            self._keys = keys
        self._rows.append(values)
        self.n_rows += 1
        if len(self._rows) >= self._chunk_size:
            self._flush()

    def _convert(self, key: str, column: tuple[str, ...]) -> np.ndarray:
        if key in self._string_columns:
            return np.array(column, dtype=object)
        try:
            return np.fromiter(map(float, column), dtype=np.float64, count=len(column))
        except ValueError:
            if self._lenient:
                return np.array(column, dtype=object)
            bad = next(value for value in column if not _is_float(value))
            raise NonNumericAttribute(f"attribute {key}={bad!r} is not a number") from None

    def _flush(self) -> None:
        if not self._rows:
            return
        columns = zip(*self._rows)
        block = {key: self._convert(key, column) for key, column in zip(self._keys, columns)}
        self._blocks.append((len(self._rows), block))
        self._rows = []

    def to_frame(self) -> pd.DataFrame:
        """Join every block into a DataFrame (columns in order of first appearance); empties the table.

        Each column's chunks are released as soon as it is joined, so the peak memory is about one copy of
        the numbers plus one column.
        """
        self._flush()
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
