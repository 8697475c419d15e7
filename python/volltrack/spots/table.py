"""Label movie (+ raw, + tissue mask) to the spot table, one frame at a time.

Only one frame of each input is held in memory at a time, so memory-mapped TIFFs and zarr arrays larger than
memory work. The generator :func:`iter_frame_spots` yields one frame's table at a time (for progress reporting
and cancellation); :func:`compute_spots` collects them into the spot table of the data contract.
"""

from __future__ import annotations

import logging
import numbers
from typing import Any, Iterator

import numpy as np
import pandas as pd

from volltrack.io.calibration import validate_calibration
from volltrack.spots.columns import SPOT_COLUMNS
from volltrack.spots.features import frame_spot_features

__all__ = ["compute_spots", "iter_frame_spots", "empty_spot_table", "NonFiniteRawError"]

logger = logging.getLogger(__name__)


def _as_movie(array, name: str):
    """Return ``array`` with a T axis (a ZYX array becomes a 1-frame movie view)."""
    if array.ndim == 3:
        return np.asarray(array)[np.newaxis]
    if array.ndim != 4:
        raise ValueError(f"{name} must have axes TZYX or ZYX, got {array.ndim} dimensions (shape {tuple(array.shape)})")
    return array


def _integer_labels(labels):
    """Labels as integers: integer dtypes as they are, floats holding whole numbers (as Fiji writes label images
    in float32) converted; a bool mask or fractional, NaN or negative values refused."""
    dtype = np.dtype(labels.dtype)
    if dtype.kind == "b":
        raise ValueError("labels are a bool mask (True/False), not a label image: one integer per cell is needed "
                         "(0 = background); label the mask's connected components first")
    if np.issubdtype(dtype, np.integer):
        return labels
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"labels must hold integers (0 = background), got dtype {dtype}")
    values = np.asarray(labels)
    finite = np.isfinite(values)
    if not finite.all():
        raise ValueError(f"labels (dtype {dtype}) hold {int((~finite).sum())} NaN or infinite value(s); expected "
                         "whole numbers (0 = background)")
    if (values != np.round(values)).any() or (values < 0).any() or (values > np.iinfo(np.int32).max).any():
        raise ValueError(f"labels (dtype {dtype}) hold values that are not whole numbers from 0 to 2^31-1; "
                         "expected a label image (0 = background, one integer per cell), not intensities")
    return values.astype(np.int32)


def _validate_inputs(labels: Any, raw: Any, mask: Any) -> tuple[Any, Any, Any]:
    """Check shapes and dtypes of the inputs once; return them as movies (with a T axis)."""
    labels = _integer_labels(labels)
    movie = _as_movie(labels, "labels")
    if movie.shape[0] == 0 or 0 in movie.shape:
        raise ValueError(f"labels have shape {tuple(labels.shape)}: no voxel or no time point; expected TZYX or ZYX "
                         "with at least one of each")
    if raw is not None:
        if tuple(raw.shape) != tuple(labels.shape):
            raise ValueError(f"raw has shape {tuple(raw.shape)} but labels have shape {tuple(labels.shape)}; "
                             "they must match")
        raw = _as_movie(raw, "raw")
    if mask is not None:
        mask = _validate_mask(mask, movie.shape, single_frame=labels.ndim == 3)
    return movie, raw, mask


def _validate_mask(mask, movie_shape, *, single_frame: bool):
    n_frames, _, height, width = movie_shape
    accepted = {(n_frames, *movie_shape[1:]): "TZYX", (n_frames, height, width): "TYX"}
    if single_frame:
        accepted = {tuple(movie_shape[1:]): "ZYX", (height, width): "YX"}
    if tuple(mask.shape) not in accepted:
        expected = " or ".join(f"{axes} {shape}" for shape, axes in accepted.items())
        raise ValueError(f"tissue mask has shape {tuple(mask.shape)}; expected {expected} to match the labels")
    return mask[np.newaxis] if single_frame else mask


class NonFiniteRawError(ValueError):
    """The raw intensity movie holds NaN or infinite values (they would make intensities NaN)."""


def _finite_raw(frame_raw: np.ndarray, frame: int) -> np.ndarray:
    """Return ``frame_raw``, or raise :class:`NonFiniteRawError` naming the frame and the first bad voxel."""
    if np.issubdtype(frame_raw.dtype, np.floating):
        finite = np.isfinite(frame_raw)
        if not finite.all():
            first = tuple(int(i) for i in np.argwhere(~finite)[0])
            raise NonFiniteRawError(f"raw intensity movie holds {int((~finite).sum())} NaN or infinite value(s) "
                                    f"in frame {frame} (first at z, y, x = {first}); expected finite intensities")
    return frame_raw


def empty_spot_table() -> pd.DataFrame:
    """A spot table with every column and no row."""
    table = pd.DataFrame({column: pd.Series(dtype=np.float64) for column in SPOT_COLUMNS})
    return table.astype({"FRAME": np.int64, "LABEL": np.int64, "INSIDE_TISSUE": np.int64})


def iter_frame_spots(labels, *, raw=None, mask=None, calibration=(1.0, 1.0, 1.0),
                     frame_interval: float = 1.0) -> Iterator[pd.DataFrame]:
    """Yield the spot table of each frame in turn (see :func:`compute_spots` for the parameters)."""
    calibration = validate_calibration(calibration)
    if not (isinstance(frame_interval, numbers.Real) and np.isfinite(frame_interval) and frame_interval > 0):
        raise ValueError(f"frame_interval must be a positive number of seconds, got {frame_interval!r}")
    movie, raw, mask = _validate_inputs(labels, raw, mask)
    for frame in range(movie.shape[0]):
        yield frame_spot_table(np.asarray(movie[frame]), frame, raw=None if raw is None else np.asarray(raw[frame]),
                               mask=None if mask is None else np.asarray(mask[frame], dtype=bool),
                               calibration=calibration, frame_interval=frame_interval)


def frame_spot_table(frame_labels, frame: int, *, raw=None, mask=None, calibration=(1.0, 1.0, 1.0),
                     frame_interval: float = 1.0) -> pd.DataFrame:
    """The spot table of one frame (``ZYX`` labels, raw and mask of that frame); see :func:`compute_spots`.

    Used frame by frame by :func:`iter_frame_spots` and by the cluster tasks, so both give the same rows.
    """
    frame_labels = np.asarray(frame_labels)
    if np.issubdtype(frame_labels.dtype, np.signedinteger) and frame_labels.size and frame_labels.min() < 0:
        raise ValueError(f"labels of frame {frame} contain negative values; labels must be >= 0")
    frame_raw = None if raw is None else _finite_raw(np.asarray(raw), frame)
    features = frame_spot_features(frame_labels, calibration=tuple(calibration), raw=frame_raw,
                                   mask=None if mask is None else np.asarray(mask, dtype=bool))
    n_cells = features["LABEL"].shape[0]
    table = pd.DataFrame({"FRAME": np.full(n_cells, frame, np.int64), **features,
                          "POSITION_T": np.full(n_cells, frame * float(frame_interval))})
    return table[list(SPOT_COLUMNS)]


def compute_spots(labels, *, raw=None, mask=None, calibration=(1.0, 1.0, 1.0), frame_interval: float = 1.0,
                  space_units: str = "micron", time_units: str = "sec", progress: bool = False) -> pd.DataFrame:
    """Spot table of a label movie: one row per cell per frame, columns named by TrackMate feature keys.

    Parameters
    ----------
    labels : array-like of int, shape (T, Z, Y, X) or (Z, Y, X)
        Label movie (0 = background; labels independent per frame). numpy, memmap or zarr arrays.
    raw : array-like, same shape as ``labels``, optional
        Intensity movie for ``MEAN_INTENSITY_CH1`` / ``TOTAL_INTENSITY_CH1``. Default None: those are NaN.
    mask : array-like of bool, shape (T, Z, Y, X) or (T, Y, X) (or (Z, Y, X) / (Y, X) for a ZYX movie), optional
        Tissue mask; a TYX mask applies to every Z. Default None: every cell is inside (``INSIDE_TISSUE`` 1,
        ``TISSUE_FRACTION`` 1, ``DISTANCE_TO_BOUNDARY`` NaN). See :mod:`volltrack.spots.tissue` for the sign
        convention of the distance (positive inside).
    calibration : sequence of 3 float, optional
        Voxel size ``(dz, dy, dx)`` in µm. Default (1, 1, 1).
    frame_interval : float, optional
        Time between frames; ``POSITION_T = FRAME * frame_interval``. Default 1.
    space_units, time_units : str, optional
        Units recorded in ``attrs``. Default "micron" and "sec".
    progress : bool, optional
        Show a progress bar over frames. Default False.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`volltrack.spots.SPOT_COLUMNS`. ``attrs`` holds ``calibration``, ``frame_interval``,
        ``space_units``, ``time_units`` and ``n_frames`` (frames without cells have no rows but count).

    Examples
    --------
    >>> movie = np.zeros((2, 3, 8, 8), np.uint16)
    >>> movie[0, 1, 2:4, 2:4] = 5; movie[1, 1, 4:6, 2:4] = 5
    >>> spots = compute_spots(movie, calibration=(2.0, 0.5, 0.5), frame_interval=10.0)
    >>> spots[["FRAME", "POSITION_Y", "POSITION_T", "VOLUME"]].values.tolist()
    [[0.0, 1.25, 0.0, 2.0], [1.0, 2.25, 10.0, 2.0]]
    """
    from tqdm.auto import tqdm

    n_frames = labels.shape[0] if labels.ndim == 4 else 1
    frames = iter_frame_spots(labels, raw=raw, mask=mask, calibration=calibration, frame_interval=frame_interval)
    tables = list(tqdm(frames, total=n_frames, desc="spots", unit="frame", disable=not progress))
    table = pd.concat(tables, ignore_index=True) if tables else empty_spot_table()
    table.attrs.update(calibration=validate_calibration(calibration), frame_interval=float(frame_interval),
                       space_units=space_units, time_units=time_units, n_frames=int(n_frames))
    logger.info("%d spots in %d frames", len(table), n_frames)
    return table
