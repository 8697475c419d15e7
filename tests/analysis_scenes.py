"""A small hand-made scene for the figure, movie and report tests: three tracks with known lengths and
divisions, a raw movie and a label movie in which every spot is a ball.

- track ``A`` (root spot 100): frames 0-9, divides at frame 2 and both daughters again at frame 5
  (7 tracklets); it moves 30 µm along X, so a movie must follow it.
- track ``B`` (root spot 200): frames 0-11 without division: longer than ``A`` but not dividing.
- track ``C`` (root spot 300): frames 0-4, one division at frame 2: dividing but shorter than ``A``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CALIBRATION = (2.0, 0.5, 0.5)
SHAPE = (12, 6, 140, 200)  # T, Z, Y, X
FRAME_INTERVAL = 1.5
RADIUS = 2.5


def scene_tables():
    """Return ``(spots, edges, roots)``: TrackMate-like tables (µm, minutes) and the root spot of each track."""
    rows, edges = [], []

    def add(spot_id, frame, x, y, z=6.0):
        rows.append({"ID": spot_id, "FRAME": frame, "POSITION_X": x, "POSITION_Y": y, "POSITION_Z": z,
                     "RADIUS": RADIUS, "QUALITY": 1.0, "LABEL": len(rows) + 1})

    def chain(first_id, frames, x0, y0, dx, dy, parent=None, z=6.0):
        ids = []
        for step, frame in enumerate(frames):
            spot = first_id + step
            add(spot, frame, x0 + dx * step, y0 + dy * step, z)
            if ids or parent is not None:
                edges.append((ids[-1] if ids else parent, spot))
            ids.append(spot)
        return ids

    # track A: root 100..102 (frames 0-2), daughters 110.. / 120.. (3-5), granddaughters 130.. 140.. 150.. 160..
    root = chain(100, [0, 1, 2], 30.0, 35.0, 3.0, 0.0)
    left = chain(110, [3, 4, 5], 39.0, 30.0, 3.0, -1.0, parent=root[-1])
    right = chain(120, [3, 4, 5], 39.0, 40.0, 3.0, 1.0, parent=root[-1])
    chain(130, [6, 7, 8, 9], 48.0, 25.0, 3.0, -0.5, parent=left[-1])
    chain(140, [6, 7, 8, 9], 48.0, 30.0, 3.0, 0.5, parent=left[-1], z=8.0)
    chain(150, [6, 7, 8, 9], 48.0, 40.0, 3.0, -0.5, parent=right[-1])
    chain(160, [6, 7, 8, 9], 48.0, 45.0, 3.0, 0.5, parent=right[-1], z=4.0)
    # track B: 12 frames, no division
    chain(200, list(range(12)), 85.0, 10.0, 0.3, 0.2)
    # track C: divides once, 5 frames
    mother = chain(300, [0, 1, 2], 12.0, 60.0, 0.5, 0.0)
    chain(310, [3, 4], 13.0, 57.0, 0.5, -0.5, parent=mother[-1])
    chain(320, [3, 4], 13.0, 63.0, 0.5, 0.5, parent=mother[-1])
    spots = pd.DataFrame(rows)
    spots["POSITION_T"] = spots["FRAME"] * FRAME_INTERVAL
    spots.attrs.update(calibration=CALIBRATION, frame_interval=FRAME_INTERVAL, space_units="micron",
                       time_units="min")
    return spots, pd.DataFrame(edges, columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID"]), {"A": 100, "B": 200, "C": 300}


def scene_movies(spots):
    """Return ``(raw, labels, mask)`` of shape :data:`SHAPE`: every spot a ball of radius :data:`RADIUS` µm
    (label = the spot's ``LABEL``), bright (by label) on a dark background; the tissue is the box 5..65 µm in Y, 5..95 µm in X."""
    rng = np.random.default_rng(4)
    labels = np.zeros(SHAPE, np.uint16)
    grid = np.stack(np.meshgrid(*(np.arange(n) * c for n, c in zip(SHAPE[1:], CALIBRATION)), indexing="ij"))
    for _, spot in spots.iterrows():
        centre = np.array([spot["POSITION_Z"], spot["POSITION_Y"], spot["POSITION_X"]])[:, None, None, None]
        inside = ((grid - centre) ** 2).sum(axis=0) <= RADIUS ** 2
        labels[int(spot["FRAME"])][inside] = int(spot["LABEL"])
    raw = (np.where(labels > 0, 300.0 + 7.0 * (labels % 13), 100.0) + rng.normal(0, 10, SHAPE)).astype(np.float32)
    mask = np.zeros(SHAPE, np.uint8)
    mask[:, :, 10:130, 10:190] = 1
    return raw, labels, mask


def scene_analysis(with_movies: bool = True):
    """Return ``(analysis, roots, track_ids, raw, labels)`` of the scene (``track_ids``: name -> TRACK_ID)."""
    from volltrack.analysis import analyze_tracks

    spots, edges, roots = scene_tables()
    raw, labels, mask = scene_movies(spots) if with_movies else (None, None, None)
    analysis = analyze_tracks(spots, edges, image=raw, labels=labels, mask=mask)
    track_ids = {name: int(analysis.spots.at[root, "TRACK_ID"]) for name, root in roots.items()}
    return analysis, roots, track_ids, raw, labels
