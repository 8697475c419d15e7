"""MP4 movie of one track: each frame shows the raw image (max projection over Z) around the track with the
tracklets' trails and current positions, rendered with matplotlib and encoded with imageio-ffmpeg."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from volltrack.io import atomic_path

logger = logging.getLogger(__name__)


def _crop_box(spots, calibration, shape_yx, margin: float):
    """Return (y0, y1, x0, x1) voxel bounds around the track's positions, ``margin`` µm wider."""
    cal = np.asarray(calibration[1:], dtype=float)
    low = np.floor((spots[["POSITION_Y", "POSITION_X"]].min().to_numpy() - margin) / cal).astype(int)
    high = np.ceil((spots[["POSITION_Y", "POSITION_X"]].max().to_numpy() + margin) / cal).astype(int) + 1
    low = np.clip(low, 0, np.asarray(shape_yx) - 1)
    high = np.clip(high, low + 1, np.asarray(shape_yx))
    return low[0], high[0], low[1], high[1]


def _draw_frame(axes, spots, frame, image, box, calibration, title):
    axes.clear()
    dy, dx = calibration[1], calibration[2]
    y0, y1, x0, x1 = box
    if image is not None:
        plane = np.asarray(image[frame])[:, y0:y1, x0:x1].max(axis=0)
        axes.imshow(plane, cmap="gray", extent=(x0 * dx - dx / 2, x1 * dx - dx / 2, y1 * dy - dy / 2,
                                                 y0 * dy - dy / 2))
    for index, (tracklet, rows) in enumerate(spots.groupby("TRACKLET_ID")):
        past = rows[rows["FRAME"] <= frame]
        colour = f"C{index % 10}"
        axes.plot(past["POSITION_X"], past["POSITION_Y"], color=colour, linewidth=1.5)
        now = rows[rows["FRAME"] == frame]
        axes.scatter(now["POSITION_X"], now["POSITION_Y"], s=80, facecolors="none", edgecolors=colour)
    axes.set_xlim(x0 * dx, (x1 - 1) * dx)
    axes.set_ylim((y1 - 1) * dy, y0 * dy)
    axes.set_aspect("equal")
    axes.set_title(title, fontsize="small")


def write_track_movie(analysis, track_id: int, path, *, image=None, fps: int = 5, margin: float = 10.0,
                      progress: bool = False) -> Path:
    """Write an MP4 movie of one track (atomically) and return its path.

    Parameters
    ----------
    analysis : TrackAnalysis
    track_id : int
    path : str or Path
        Output ``.mp4``.
    image : array-like of shape (T, Z, Y, X), optional
        Raw image shown under the tracks (max projection over Z); a blank background when None (the default).
    fps : int, optional
        Frames per second; default 5.
    margin : float, optional
        Physical margin around the track's extent; default 10.
    progress : bool, optional
        Show a progress bar; default False.
    """
    import imageio_ffmpeg
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    spots = analysis.track_spots(int(track_id))
    calibration = analysis.parameters.get("calibration", (1.0, 1.0, 1.0))
    shape_yx = image.shape[-2:] if image is not None else (
        int(np.ceil(spots["POSITION_Y"].max() / calibration[1] + margin / calibration[1])) + 1,
        int(np.ceil(spots["POSITION_X"].max() / calibration[2] + margin / calibration[2])) + 1)
    box = _crop_box(spots, calibration, shape_yx, margin)
    figure = Figure(figsize=(6.4, 4.8), dpi=100)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    frames = range(int(spots["FRAME"].min()), int(spots["FRAME"].max()) + 1)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, suffix=".mp4") as temporary:
        writer = imageio_ffmpeg.write_frames(str(temporary), (640, 480), fps=fps, quality=7)
        writer.send(None)
        try:
            for frame in tqdm(frames, desc=f"movie of track {track_id}", disable=not progress):
                _draw_frame(axes, spots, frame, image, box, calibration, f"track {track_id}, frame {frame}")
                canvas.draw()
                writer.send(np.ascontiguousarray(np.asarray(canvas.buffer_rgba())[..., :3]))
        finally:
            writer.close()
    logger.info("wrote %s (%d frames)", path, len(frames))
    return Path(path)
