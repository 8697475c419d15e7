"""The spot table's contract shared by every reader and writer: the TrackMate columns derived when missing.

A spot table's columns are TrackMate spot feature keys (``docs/csv-contract.md``). ``POSITION_T``, ``RADIUS`` and
``QUALITY`` may be absent from a table; they are then derived the same way everywhere: the frame times the frame
interval, the radius of the sphere of the cell's ``VOLUME`` (1 without a volume) and 1.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

__all__ = ["fill_spot_defaults"]


def fill_spot_defaults(table: pd.DataFrame, frame_interval: float, *, logger: logging.Logger,
                       no_radius_message: str) -> None:
    """Add the missing ``POSITION_T``, ``RADIUS`` and ``QUALITY`` columns of a spot table, in place.

    Parameters
    ----------
    table : pandas.DataFrame
        Spot table with at least ``FRAME``.
    frame_interval : float
        Time between frames: ``POSITION_T = FRAME * frame_interval``.
    logger : logging.Logger
        Where the warning goes when neither ``RADIUS`` nor ``VOLUME`` is given (then ``RADIUS`` is 1).
    no_radius_message : str
        That warning.
    """
    if "POSITION_T" not in table.columns:
        table["POSITION_T"] = table["FRAME"].to_numpy(dtype=np.float64) * frame_interval
    if "RADIUS" not in table.columns:
        if "VOLUME" in table.columns:
            table["RADIUS"] = np.cbrt(3.0 * table["VOLUME"].to_numpy(dtype=np.float64) / (4.0 * np.pi))
        else:
            logger.warning(no_radius_message)
            table["RADIUS"] = 1.0
    if "QUALITY" not in table.columns:
        table["QUALITY"] = 1.0
