"""Text of feature values as TrackMate writes and reads them: ints as ints, doubles that ``Double.valueOf``
parses (``NaN``, ``Infinity``), attribute text escaped, XML-invalid characters removed."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import numpy as np

__all__ = ["format_ints", "format_floats", "escape_attribute", "escape_text", "clean_text", "is_integral"]

_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def is_integral(values: np.ndarray) -> bool:
    """True when every value is a finite integer (integer dtypes always are)."""
    if np.issubdtype(values.dtype, np.integer) or values.dtype == bool:
        return True
    return bool(np.isfinite(values).all() and (values == np.round(values)).all())


def format_ints(values: np.ndarray) -> list[str]:
    """``["3", "-1", ...]`` for integral values."""
    return np.asarray(values).astype(np.int64).astype(str).tolist()


def format_floats(values: np.ndarray) -> list[str]:
    """Shortest round-trip text of each double; ``NaN``, ``Infinity``, ``-Infinity`` for non-finite ones.

    Examples
    --------
    >>> format_floats(np.array([1.5, np.nan, -np.inf, 1e-5]))
    ['1.5', 'NaN', '-Infinity', '1e-05']
    """
    values = np.asarray(values, dtype=np.float64)
    text = list(map(repr, values.tolist()))
    finite = np.isfinite(values)
    if not finite.all():
        for index in np.flatnonzero(~finite):
            value = values[index]
            text[index] = "NaN" if np.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return text


def clean_text(text: str) -> str:
    """Remove characters XML 1.0 cannot hold."""
    return _INVALID_XML.sub("", text)


def escape_attribute(text: str) -> str:
    """Escape text for use inside a double-quoted attribute."""
    return escape(clean_text(str(text)), _ATTRIBUTE_ENTITIES)


def escape_text(text: str) -> str:
    """Escape text for element content (``&``, ``<``, ``>``)."""
    return escape(clean_text(str(text)))
