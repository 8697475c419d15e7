"""Time series along tracklets: speed, smoothing, and the Fourier spectrum of a feature."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Fewer points than this give no spectrum (NaN dominant frequency).
MIN_FFT_POINTS = 4


def spot_speed(spots: pd.DataFrame, edges: pd.DataFrame) -> pd.Series:
    """Return each spot's speed from its predecessor: distance / time between the two spots.

    Spots without a predecessor (track roots) and spots after a merge (several predecessors) get NaN. Over a
    closed gap the distance is divided by the whole time of the gap.

    Parameters
    ----------
    spots : DataFrame
        Indexed by spot ID, with ``POSITION_X/Y/Z`` and ``TIME`` (physical time).
    edges : DataFrame
        Edges oriented forward in time (``SPOT_SOURCE_ID`` earlier than ``SPOT_TARGET_ID``).

    Returns
    -------
    Series of float, indexed like ``spots``
    """
    single = edges[~edges["SPOT_TARGET_ID"].duplicated(keep=False)]
    source = spots.loc[single["SPOT_SOURCE_ID"]]
    target = spots.loc[single["SPOT_TARGET_ID"]]
    columns = ["POSITION_X", "POSITION_Y", "POSITION_Z"]
    step = np.linalg.norm(target[columns].to_numpy() - source[columns].to_numpy(), axis=1)
    elapsed = target["TIME"].to_numpy() - source["TIME"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.where(elapsed > 0, step / elapsed, np.nan)
    return pd.Series(speed, index=target.index).reindex(spots.index)


def smooth_along_tracklets(spots: pd.DataFrame, column: str, *, window: int = 3) -> pd.Series:
    """Return a centred moving average of ``column`` within each tracklet (no point dropped).

    Parameters
    ----------
    spots : DataFrame
        With ``TRACKLET_ID``, ``FRAME`` and ``column``.
    column : str
        Column to smooth.
    window : int, optional
        Window length in spots; default 3. 1 returns the values unchanged. Edges use the points available.
    """
    if int(window) < 1:
        raise ValueError(f"smoothing window must be >= 1, got {window}")
    ordered = spots.sort_values(["TRACKLET_ID", "FRAME"])
    smoothed = ordered.groupby("TRACKLET_ID", sort=False)[column].rolling(
        int(window), center=True, min_periods=1).mean()
    return smoothed.droplevel(0).reindex(spots.index)


def power_spectrum(frames, values, *, frame_interval: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return the one-sided power spectrum of a tracklet's series.

    The series is first put on every frame from its first to its last (linear interpolation over gaps and
    NaN values), and its mean removed.

    Parameters
    ----------
    frames : array-like of int, shape (N,)
    values : array-like of float, shape (N,)
    frame_interval : float, optional
        Time between frames; frequencies are in 1 / its unit. Default 1.

    Returns
    -------
    frequency, power : ndarray of float
        ``numpy.fft.rfftfreq`` frequencies and ``|rfft|² / n``; empty when fewer than
        :data:`MIN_FFT_POINTS` finite values.

    Examples
    --------
    >>> t = np.arange(16)
    >>> f, p = power_spectrum(t, np.sin(2 * np.pi * t / 4), frame_interval=0.5)
    >>> float(f[np.argmax(p)])
    0.5
    """
    frames = np.asarray(frames, dtype=float)
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values) & np.isfinite(frames)
    if finite.sum() < MIN_FFT_POINTS:
        return np.empty(0), np.empty(0)
    order = np.argsort(frames[finite])
    known_frames, known_values = frames[finite][order], values[finite][order]
    grid = np.arange(known_frames[0], known_frames[-1] + 1)
    regular = np.interp(grid, known_frames, known_values)
    regular = regular - regular.mean()
    power = np.abs(np.fft.rfft(regular)) ** 2 / len(regular)
    return np.fft.rfftfreq(len(regular), d=float(frame_interval)), power


def dominant_frequency(frequency: np.ndarray, power: np.ndarray) -> float:
    """Return the frequency of the strongest non-zero component, or NaN when there is none."""
    if len(power) < 2 or not np.any(power[1:] > 0):
        return float("nan")
    return float(frequency[1:][np.argmax(power[1:])])
