"""Spots: label movie (+ raw image, + tissue mask) to the spot table, and spot tables as CSV.

The spot table is a pandas DataFrame with one row per cell per frame whose columns are TrackMate spot feature
keys (``FRAME``, ``POSITION_X/Y/Z/T``, ``RADIUS``, ``QUALITY``, ``LABEL``, ``VOLUME``, ``MEAN_INTENSITY_CH1``,
``TOTAL_INTENSITY_CH1``, ``INSIDE_TISSUE``, ``TISSUE_FRACTION``, ``DISTANCE_TO_BOUNDARY``); ``attrs`` carries
the calibration, frame interval and units.
"""

from volltrack.spots.columns import SPOT_COLUMNS
from volltrack.spots.spot_csv import read_legacy_csv, read_spots_csv, validate_spot_table, write_spots_csv
from volltrack.spots.table import compute_spots, empty_spot_table, iter_frame_spots
from volltrack.spots.tissue import signed_distance_to_boundary

__all__ = ["compute_spots", "iter_frame_spots", "empty_spot_table", "SPOT_COLUMNS", "write_spots_csv",
           "read_spots_csv", "read_legacy_csv", "validate_spot_table", "signed_distance_to_boundary"]
