"""Column names of the spot table: TrackMate spot feature keys, in the order volltrack writes them."""

from __future__ import annotations

__all__ = ["SPOT_COLUMNS", "INTEGER_COLUMNS", "REQUIRED_COLUMNS", "POSITION_COLUMNS"]

#: Every column of a spot table made by :func:`volltrack.spots.compute_spots`, in order.
SPOT_COLUMNS = (
    "FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "RADIUS", "QUALITY", "LABEL", "VOLUME",
    "MEAN_INTENSITY_CH1", "TOTAL_INTENSITY_CH1", "INSIDE_TISSUE", "TISSUE_FRACTION", "DISTANCE_TO_BOUNDARY",
)
#: Columns holding integers.
INTEGER_COLUMNS = ("FRAME", "LABEL", "INSIDE_TISSUE")
#: Columns a spot table read from CSV must have; the others get documented defaults.
REQUIRED_COLUMNS = ("FRAME", "POSITION_X", "POSITION_Y")
#: Physical positions, which must be finite.
POSITION_COLUMNS = ("POSITION_X", "POSITION_Y", "POSITION_Z")
