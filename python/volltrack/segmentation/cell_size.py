"""How large the cells of a membrane volume are, per axis, from the image alone (for ``vollseg(scale="auto")``).

Networks learn cells of one size in voxels; a volume whose cells are 3 slices deep, or 11 voxels across, is out
of their reach. Like Cellpose's diameter estimation, VollSeg can measure the cells of the volume it is given
and resample the volume so that they match the size the models were trained on (their ``input_scale.json``
records it as ``cell_size``, measured by the same estimator on their training volumes, so that its biases
cancel).

The estimator counts membrane crossings along the lines of each axis: the volume is normalised and smoothed
slightly, and along every line parallel to an axis a membrane is a peak of the profile whose prominence (the
drop to the lower of the two minima around it) exceeds a fixed share of the normalised range plus three times
the noise (or, along an axis where that finds too few, a share of the volume's contrast, its 99th minus its 50th
percentile, so that a few bright outliers do not hide dim membranes). The distances between successive peaks on a line are chords through cells; the mean of their middle
half (between the quartiles), per axis, is the cell size along that axis. Membranes closer than about 3 voxels (cells 2-3 slices deep, after the point
spread function) merge into one peak: such an axis reads about 4-6 voxels (measured: the package simulator's
5-slice cells resampled to 2.5 slices read 4.0; the independent simulator's ovules, 2-3 slices, read 5-6). It needs no network and no cell size to start from; the peaks of all lines
are found by one compiled loop (0.14 CPU s for a 22×256×256 volume, against 2.4 s with a scipy call per line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

import numpy as np

#: Shortest chord counted (voxels): two peaks closer than this are one membrane.
MIN_CHORD = 2
#: A peak must rise above the minima around it by this share of the normalised (1st-99.8th percentile) range ...
MIN_PROMINENCE = 0.08
#: ... or, along an axis where that finds too few chords (dim membranes under a few bright outliers), by this share
#: of the volume's contrast (99th minus 50th percentile of the smoothed, normalised volume; at least 0.02) ...
CONTRAST_SHARE = 0.15
#: ... plus this many times the noise of the smoothed volume.
NOISE_FACTOR = 3.0
#: Chords longer than this share of the axis's length are not counted (lines through the background).
MAX_CHORD_SHARE = 0.75
#: Voxels sampled per axis at most (lines taken with a stride so that about this many profiles are read).
MAX_LINES = 6000
#: Fewest chords along an axis for a size to be given (else None for that axis).
MIN_CHORDS = 30


@dataclass(frozen=True)
class CellSize:
    """Cell size estimated per axis (Z, Y, X) in voxels (None where too few chords were found)."""

    size: tuple[Optional[float], Optional[float], Optional[float]]
    chords: tuple[int, int, int]

    def as_dict(self) -> dict[str, Any]:
        return {"cell_size": [None if s is None else round(float(s), 2) for s in self.size],
                "chords": list(self.chords)}


def _normalised(volume: np.ndarray) -> np.ndarray:
    volume = np.asarray(volume, np.float32)
    lo, hi = np.percentile(volume, (1.0, 99.8))
    scaled: np.ndarray = np.clip((volume - lo) / max(float(hi - lo), 1e-12), -0.5, 1.5).astype(np.float32)
    return scaled


def _noise(smoothed: np.ndarray) -> float:
    """Noise of the smoothed volume: robust spread of its difference to the next voxel along X, over sqrt 2."""
    diff = np.diff(smoothed[:, ::2, :], axis=-1).ravel()
    if diff.size == 0:
        return 0.0
    return float(1.4826 * np.median(np.abs(diff - np.median(diff))) / np.sqrt(2.0))


def _line_chords(profiles: np.ndarray, prominence: float, max_chord: float) -> np.ndarray:
    """Distances between successive prominent peaks along the last axis of ``profiles`` (lines, length).

    The peaks of ``scipy.signal.find_peaks(line, prominence=prominence, distance=MIN_CHORD)`` on every line (the
    same local maxima, flat tops at their middle, and prominences, in float64), found by one compiled loop over
    all lines instead of a call per line (:func:`_reference_line_chords` is that call, kept for the tests).
    ``MIN_CHORD`` 2 removes no peak: two local maxima are at least 2 samples apart.
    """
    assert MIN_CHORD <= 2, "the compiled peak search applies no distance rule"
    lines = np.ascontiguousarray(profiles, np.float64)
    if lines.ndim != 2 or lines.shape[0] == 0 or lines.shape[1] < 3:
        return np.empty(0)
    chords, count = _compiled_chords()(lines, float(prominence), float(max_chord))
    return chords[:count] if count else np.empty(0)


def _reference_line_chords(profiles: np.ndarray, prominence: float, max_chord: float) -> np.ndarray:
    """:func:`_line_chords` with ``scipy.signal.find_peaks`` called on each line."""
    from scipy.signal import find_peaks

    chords = []
    for line in profiles:
        peaks, _ = find_peaks(line, prominence=prominence, distance=MIN_CHORD)
        if len(peaks) > 1:
            gaps = np.diff(peaks)
            chords.append(gaps[gaps <= max_chord])
    return np.concatenate(chords) if chords else np.empty(0)


def _chords_kernel(lines: np.ndarray, prominence: float,
                   max_chord: float) -> tuple[np.ndarray, int]:  # pragma: no cover - compiled by numba
    """Chords of every line (scipy's ``_local_maxima_1d`` and ``_peak_prominences`` with no window)."""
    n_lines, length = lines.shape
    out = np.empty(n_lines * (length // 2 + 1), np.int64)
    count = 0
    for row in range(n_lines):
        x = lines[row]
        previous = -1
        i, i_max = 1, length - 1
        while i < i_max:
            if x[i - 1] < x[i]:
                ahead = i + 1
                while ahead < i_max and x[ahead] == x[i]:
                    ahead += 1
                if x[ahead] < x[i]:
                    peak = (i + ahead - 1) // 2
                    left_min = x[peak]
                    k = peak
                    while k >= 0 and x[k] <= x[peak]:
                        if x[k] < left_min:
                            left_min = x[k]
                        k -= 1
                    right_min = x[peak]
                    k = peak
                    while k <= length - 1 and x[k] <= x[peak]:
                        if x[k] < right_min:
                            right_min = x[k]
                        k += 1
                    if prominence <= x[peak] - max(left_min, right_min):
                        if previous >= 0 and peak - previous <= max_chord:
                            out[count] = peak - previous
                            count += 1
                        previous = peak
                    i = ahead
            i += 1
    return out, count


_COMPILED: list[Callable[[np.ndarray, float, float], tuple[np.ndarray, int]]] = []


def _compiled_chords() -> Callable[[np.ndarray, float, float], tuple[np.ndarray, int]]:
    """:func:`_chords_kernel` compiled with numba (cached on disk), or the Python function without numba."""
    if not _COMPILED:
        try:
            import numba

            _COMPILED.append(numba.njit(cache=True, nogil=True)(_chords_kernel))
        except ImportError:  # pragma: no cover - numba comes with stardist
            _COMPILED.append(_chords_kernel)
    return _COMPILED[0]


def _middle_mean(chords: np.ndarray) -> float:
    """Mean of the middle half of the chords (a median that does not jump between whole voxels)."""
    lo, hi = np.percentile(chords, (25.0, 75.0))
    middle = chords[(chords >= lo) & (chords <= hi)]
    return float(middle.mean()) if middle.size else float(np.median(chords))


def estimate_cell_size(volume: np.ndarray, *, sigma: float = 0.7) -> CellSize:
    """Typical chord between membrane crossings along Z, Y and X, in voxels (mean of the middle half).

    Parameters
    ----------
    volume : ndarray, shape (Z, Y, X)
        A membrane-stained volume (bright membranes).
    sigma : float, optional
        Gaussian smoothing (voxels, every axis) before the peaks are found. Default 0.7.

    Returns
    -------
    CellSize
        ``size[k]`` is None when fewer than :data:`MIN_CHORDS` chords were found along axis k (an axis of 3
        voxels, a blank volume).
    """
    from scipy import ndimage as ndi

    volume = np.asarray(volume)
    if volume.ndim != 3:
        raise ValueError(f"estimate_cell_size needs a ZYX volume; got {volume.ndim} dimensions")
    smoothed = ndi.gaussian_filter(_normalised(volume), sigma)
    noise = NOISE_FACTOR * _noise(smoothed)
    prominence = MIN_PROMINENCE + noise
    low, high = np.percentile(smoothed, (50.0, 99.0))
    fallback = max(CONTRAST_SHARE * float(high - low), 0.02) + noise
    sizes: list[Optional[float]] = []
    counts = []
    for axis in range(3):
        moved = np.moveaxis(smoothed, axis, -1)
        profiles = moved.reshape(-1, moved.shape[-1])
        stride = max(1, int(np.ceil(len(profiles) / MAX_LINES)))
        chords = _line_chords(profiles[::stride], prominence, MAX_CHORD_SHARE * moved.shape[-1])
        if chords.size < MIN_CHORDS and fallback < prominence:
            chords = _line_chords(profiles[::stride], fallback, MAX_CHORD_SHARE * moved.shape[-1])
        counts.append(int(chords.size))
        sizes.append(_middle_mean(chords) if chords.size >= MIN_CHORDS else None)
    return CellSize(size=(sizes[0], sizes[1], sizes[2]), chords=(counts[0], counts[1], counts[2]))


#: Estimated sizes within this factor of the models' are taken as a match (the volume is not resampled).
TOLERANCE = 1.2
#: The automatic factors are kept within these bounds.
FACTOR_RANGE = (0.2, 4.0)


def auto_factors(estimated: CellSize, reference: Sequence[float], *, fallback: Sequence[float] = (1.0, 1.0, 1.0),
                 tolerance: float = TOLERANCE) -> tuple[float, float, float]:
    """Factors (Z, Y, X) that bring the estimated cell size to ``reference`` (the models' training cell size).

    An axis whose size could not be estimated takes its factor from the mean of the others' when they agree
    (isotropic rescaling), else ``fallback``; every factor is kept in :data:`FACTOR_RANGE`, and when all three
    are within ``tolerance`` of 1 they become 1 (a volume that already matches is not resampled).
    """
    factors: list[Optional[float]] = []
    for size, ref in zip(estimated.size, reference):
        factors.append(None if size is None or size <= 0 else float(ref) / float(size))
    known = [f for f in factors if f is not None]
    out = []
    for k, factor in enumerate(factors):
        if factor is None:
            factor = float(np.exp(np.mean(np.log(known)))) if known else float(fallback[k])
        out.append(round(min(max(factor, FACTOR_RANGE[0]), FACTOR_RANGE[1]), 3))
    if all(1 / tolerance <= f <= tolerance for f in out):
        return 1.0, 1.0, 1.0
    return out[0], out[1], out[2]
