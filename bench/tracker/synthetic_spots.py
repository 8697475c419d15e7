"""Seeded synthetic 3D spots for the tracker benchmark: dense moving, dividing cells with missed detections.

Cells random-walk with a slow drift inside a box (reflecting walls) whose size keeps the mean spacing near
``spacing``; each frame a cell divides with probability ``division_rate`` (the daughters start
``division_offset`` apart) and leaves with probability ``death_rate``, so the population stays near
``n_total / n_frames``; each detection is missed with probability ``miss_rate``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_spots(
    n_total: int,
    *,
    n_frames: int = 100,
    spacing: float = 10.0,
    step_sigma: float = 1.5,
    drift: tuple[float, float, float] = (0.5, 0.2, 0.0),
    division_rate: float = 0.01,
    death_rate: float = 0.01,
    division_offset: float = 2.5,
    miss_rate: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Simulate detections.

    Parameters
    ----------
    n_total : int
        Approximate number of detections over all frames (before misses).
    n_frames : int, optional
        Number of frames, by default 100.
    spacing : float, optional
        Mean distance between neighbouring cells, by default 10.0.
    step_sigma : float, optional
        Standard deviation of the per-axis random step per frame, by default 1.5.
    drift : tuple of float, optional
        Constant drift per frame, by default (0.5, 0.2, 0.0).
    division_rate, death_rate : float, optional
        Per-cell, per-frame probabilities, by default 0.01 each.
    division_offset : float, optional
        Distance between the two daughters at birth, by default 2.5.
    miss_rate : float, optional
        Probability that a detection is missing, by default 0.05.
    seed : int, optional
        Random seed, by default 0.

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (0..n-1 in row order), ``frame``, ``x``, ``y``, ``z``, sorted by frame then id.
    """
    rng = np.random.default_rng(seed)
    per_frame = max(1, n_total // n_frames)
    side = spacing * per_frame ** (1.0 / 3.0)
    pos = rng.uniform(0.0, side, size=(per_frame, 3))
    drift_vec = np.asarray(drift, dtype=float)
    frames, coords = [], []
    for frame in range(n_frames):
        seen = rng.random(len(pos)) >= miss_rate
        frames.append(np.full(int(seen.sum()), frame, dtype=np.int64))
        coords.append(pos[seen].copy())
        pos = _step(pos, rng, side, step_sigma, drift_vec)
        pos = _divide_and_die(pos, rng, division_rate, death_rate, division_offset)
    frame_col = np.concatenate(frames)
    xyz = np.concatenate(coords)
    return pd.DataFrame(
        {
            "id": np.arange(len(frame_col), dtype=np.int64),
            "frame": frame_col,
            "x": xyz[:, 0],
            "y": xyz[:, 1],
            "z": xyz[:, 2],
        }
    )


def _step(pos: np.ndarray, rng: np.random.Generator, side: float, sigma: float, drift: np.ndarray) -> np.ndarray:
    """Random step plus drift, reflected into [0, side]."""
    moved = pos + drift + rng.normal(0.0, sigma, size=pos.shape)
    moved = np.abs(moved)
    return side - np.abs(side - moved)


def _divide_and_die(
    pos: np.ndarray, rng: np.random.Generator, division_rate: float, death_rate: float, offset: float
) -> np.ndarray:
    """Split dividing cells into two daughters, drop leaving cells."""
    divides = rng.random(len(pos)) < division_rate
    direction = rng.normal(size=(int(divides.sum()), 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    half = 0.5 * offset * direction
    parents = pos[divides]
    survivors = pos[~divides & (rng.random(len(pos)) >= death_rate)]
    return np.concatenate([survivors, parents + half, parents - half])
