"""The spot table packed into the arrays the tracking backends take (the engine bridge and the Fiji backend).

One validation of the table for every backend: positions present and finite, frames and IDs whole numbers,
extra numeric columns passed as spot features.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["spot_arrays", "spot_calibration", "spot_movie"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]

#: Columns handed to Java as dedicated arrays (everything else numeric goes as an extra feature).
_CORE = ("ID", "FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z", "RADIUS", "QUALITY")
#: Columns the engine computes itself, never passed as features.
_DERIVED = ("POSITION_T", "VISIBILITY", "TRACK_ID", "name")


def _column(spots: pd.DataFrame, name: str, default: float | None) -> FloatArray:
    """Return column ``name`` as float64, ``default`` everywhere when absent; reject NaN/inf."""
    if name not in spots.columns:
        if default is None:
            raise ValueError(f"spots: missing column {name!r}; the spot table needs FRAME, POSITION_X, "
                             "POSITION_Y (and optionally POSITION_Z, RADIUS, QUALITY, ID)")
        return np.full(len(spots), default, dtype=np.float64)
    try:
        values: FloatArray = pd.to_numeric(spots[name], errors="raise").to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"spots: column {name!r} must be numeric, got dtype {spots[name].dtype}") from None
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise ValueError(f"spots: column {name!r} has {len(bad)} NaN/infinite value(s), first at rows "
                         f"{bad[:5].tolist()}; drop or fix those spots before tracking")
    return values


def _whole_numbers(values: FloatArray, name: str, *, minimum: int) -> IntArray:
    if (values != np.round(values)).any() or (values < minimum).any() or (values > 2 ** 31 - 1).any():
        raise ValueError(f"spots: column {name!r} must hold integers >= {minimum}")
    return values.astype(np.int32)


def spot_arrays(spots: pd.DataFrame) -> dict[str, Any]:
    """Validate the spot table and return the arrays every tracking backend takes.

    Returns
    -------
    dict
        ``frames`` (int32), ``x``, ``y``, ``z``, ``radius``, ``quality`` (float64), ``ids`` (int32, or None for
        the row numbers), ``feature_names`` and ``feature_values`` (the other numeric columns, float64): the
        arguments of ``ArrayBridge.track``.

    Raises
    ------
    TypeError, ValueError
        For a table that is not a DataFrame, has a MultiIndex or duplicate columns, is empty, lacks a position
        column, holds NaN/infinite or non-numeric values in one, or duplicate or negative IDs.
    """
    if not isinstance(spots, pd.DataFrame):
        raise TypeError(f"spots: got {type(spots).__name__}; expected a pandas DataFrame (volltrack.spots)")
    if isinstance(spots.columns, pd.MultiIndex):
        raise ValueError(f"spots: the columns have {spots.columns.nlevels} levels (a MultiIndex); expected one level "
                         "of TrackMate keys (FRAME, POSITION_X, ...): flatten the columns first")
    if spots.columns.duplicated().any():
        raise ValueError("spots: duplicate column names")
    if len(spots) == 0:
        raise ValueError("spots: the spot table is empty; there is nothing to track")
    arrays: dict[str, Any] = {"frames": _whole_numbers(_column(spots, "FRAME", None), "FRAME", minimum=0),
              "x": _column(spots, "POSITION_X", None), "y": _column(spots, "POSITION_Y", None),
              "z": _column(spots, "POSITION_Z", 0.0), "radius": _column(spots, "RADIUS", 1.0),
              "quality": _column(spots, "QUALITY", 1.0), "ids": None}
    if "ID" in spots.columns:
        ids = _whole_numbers(_column(spots, "ID", None), "ID", minimum=0)
        arrays["ids"] = ids
        if len(np.unique(ids)) != len(spots):
            raise ValueError("spots: column 'ID' has duplicate spot IDs")
    names: list[str] = []
    values: list[FloatArray] = []
    for name in spots.columns:
        if name in _CORE or name in _DERIVED:
            continue
        series = spots[name]
        if series.dtype == bool or pd.api.types.is_numeric_dtype(series):
            names.append(str(name))
            values.append(np.ascontiguousarray(series.to_numpy(dtype=np.float64)))
        else:
            logger.debug("spots: column %r is not numeric and is not passed to the tracker", name)
    arrays["feature_names"], arrays["feature_values"] = names, values
    return arrays


def spot_calibration(spots: pd.DataFrame) -> tuple[str, str, float]:
    """``(space_units, time_units, frame_interval)`` from ``spots.attrs`` (defaults "micron", "sec", 1)."""
    attrs = getattr(spots, "attrs", {}) or {}
    interval = float(attrs.get("frame_interval", 1.0) if attrs.get("frame_interval") is not None else 1.0)
    if not np.isfinite(interval) or interval <= 0:
        raise ValueError(f"spots.attrs['frame_interval']: got {interval}; expected a number > 0")
    return str(attrs.get("space_units", "micron")), str(attrs.get("time_units", "sec")), interval


def spot_movie(spots: pd.DataFrame) -> dict[str, Any]:
    """The movie the spots come from, from ``spots.attrs`` (see :func:`volltrack.spots.spot_csv.describe_movie`).

    Returns the arguments of ``TrackingResult.writeXml``: ``image`` (path or None), ``shape`` (T, Z, Y, X),
    ``calibration`` (dz, dy, dx) or None, ``frame_interval`` (NaN = from the spots) and ``title`` (the name an
    unknown movie gets, as TrackMate names an image that was never saved).
    """
    attrs = getattr(spots, "attrs", {}) or {}
    calibration = attrs.get("calibration")
    if calibration is not None:
        calibration = [float(v) for v in calibration]
        if len(calibration) != 3 or not all(np.isfinite(v) and v > 0 for v in calibration):
            raise ValueError(f"spots.attrs['calibration']: got {attrs.get('calibration')!r}; expected (dz, dy, dx) > 0")
    interval = attrs.get("frame_interval")
    image, shape = attrs.get("image"), attrs.get("shape")
    if image is not None and (shape is None or len(shape) != 4):
        logger.warning("spots.attrs names the movie %s but not its shape (T, Z, Y, X): it is not named in the XML",
                       image)
        image = None
    if image is not None and not Path(str(image)).is_file():
        logger.warning("the spot table's movie %s does not exist (moved or deleted?): the XML names it, but TrackMate "
                       "and napari will not find it", image)
    title = Path(str(attrs.get("spot_table") or "spots")).stem
    return {"image": None if image is None or shape is None else str(image),
            "shape": None if image is None or shape is None else [int(v) for v in shape],
            "calibration": calibration, "frame_interval": float("nan") if interval is None else float(interval),
            "title": title}
