"""Record the viewer as a movie that follows a track: napari-animation key frames along the track, MP4 or GIF.

One key frame per frame of the track: the time slider on that frame and the camera centred on the track's cells
(the mean position of its points in that frame), at the zoom and angles of the current view. In the 2D
(hyperstack) view the Z slider follows the cells too. napari-animation interpolates between key frames.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

#: File types the recorder writes.
MOVIE_SUFFIXES = (".mp4", ".gif")


def track_path(analysis, track_id: int) -> list[tuple[int, np.ndarray]]:
    """Return ``[(frame, centre (z, y, x) in physical units), ...]`` of one track, frame by frame."""
    spots = analysis.spots[analysis.spots["TRACK_ID"] == int(track_id)]
    if spots.empty:
        raise ValueError(f"track {track_id!r} is not in the analysis")
    centres = spots.groupby("FRAME")[["POSITION_Z", "POSITION_Y", "POSITION_X"]].mean()
    return [(int(frame), row.to_numpy(dtype=float)) for frame, row in centres.iterrows()]


def record_track(viewer, analysis, track_id: int, path, *, steps_per_frame: int = 4, fps: int = 8,
                 translate=(0.0, 0.0, 0.0), canvas_only: bool = True) -> Path:
    """Save the view as a movie that follows ``track_id`` through its frames.

    Parameters
    ----------
    viewer : napari.Viewer
        Its current zoom, angles and 2D/3D mode are kept.
    analysis : TrackAnalysis
        Holds the track's spots (physical positions).
    track_id : int
    path : str or Path
        ``.mp4`` or ``.gif``.
    steps_per_frame : int
        Interpolated movie frames between two key frames (default 4).
    fps : int
        Movie frames per second (default 8).
    translate : 3 floats
        Translation (z, y, x) of the tracks layer in the world.
    canvas_only : bool
        Record only the canvas (default) or the whole window.

    Returns
    -------
    Path
    """
    from napari_animation import Animation

    path = Path(path)
    if path.suffix.lower() not in MOVIE_SUFFIXES:
        raise ValueError(f"{path}: expected a movie file ending in {' or '.join(MOVIE_SUFFIXES)}")
    if steps_per_frame < 1 or fps < 1:
        raise ValueError(f"steps_per_frame={steps_per_frame}, fps={fps}: expected whole numbers >= 1")
    waypoints = track_path(analysis, track_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    animation = Animation(viewer)
    offset = np.asarray(translate, dtype=float)
    for frame, centre in waypoints:
        centre = centre + offset
        viewer.dims.set_current_step(0, frame)
        if viewer.dims.ndisplay == 2:
            viewer.dims.set_point(1, float(centre[0]))
            viewer.scene.camera.center = tuple(float(c) for c in centre[1:])
        else:
            viewer.scene.camera.center = tuple(float(c) for c in centre)
        animation.capture_keyframe(steps=steps_per_frame)
    if len(waypoints) == 1:  # one key frame makes no movie: hold it
        animation.capture_keyframe(steps=steps_per_frame)
    animation.animate(str(path), fps=fps, canvas_only=canvas_only)
    logger.info("recorded %s: track %s over %d frames", path, track_id, len(waypoints))
    return path
