"""MP4 movie of one track, followed in a crop around it.

Each movie frame shows, around the track's current cells:

- the raw image: the Z slice through the cells (default) or the maximum projection over Z;
- the cell outlines from the label movie, the tracked cells' outlines in their tracklet colour (in the max
  projection only the tracked cells are outlined);
- the tracklets' trails up to the frame (faded once the tracklet has ended), their current positions and the
  division links (dotted);
- a scale bar and a time stamp.

The crop keeps one size for the whole movie (the track's largest spread plus a margin) and moves with the
centre of the track's current cells. Tracklet colours are those of the plots
(:func:`volltrack.analysis.plot_style.tracklet_colours`). Frames are rendered with matplotlib and encoded with
imageio-ffmpeg (H.264, plays in browsers).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from volltrack.analysis.plot_style import axis_units, movie_track, tracklet_colours
from volltrack.io import atomic_path

logger = logging.getLogger(__name__)

#: How the raw image is shown: the Z slice through the track's current cells, or the max projection over Z.
PROJECTIONS = ("slice", "max")

#: Colour of the outlines of the cells that are not tracked (RGB 0..1).
OTHER_OUTLINE = (0.35, 0.85, 1.0)

#: Lengths a scale bar may take, in space units.
_SCALE_LENGTHS = (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def scale_bar_length(width: float) -> float:
    """Return the longest of 0.5, 1, 2, 5, 10, 20, ... that is at most a quarter of ``width``."""
    fitting = [length for length in _SCALE_LENGTHS if length <= width / 4]
    return float(fitting[-1] if fitting else _SCALE_LENGTHS[0])


def display_factor(shape_yx, pixels: int) -> int:
    """Return the integer enlargement that brings the larger side of ``shape_yx`` closest to ``pixels``."""
    return max(1, int(round(pixels / max(max(shape_yx), 1))))


def enlarge(plane: np.ndarray, factor: int) -> np.ndarray:
    """Repeat every pixel of a 2D ``plane`` ``factor`` times along both axes (nearest neighbour)."""
    plane = np.asarray(plane)
    return plane if factor == 1 else np.repeat(np.repeat(plane, factor, axis=0), factor, axis=1)


def inner_boundaries(labels: np.ndarray) -> np.ndarray:
    """Return the pixels of a 2D label (or boolean) image whose 4-neighbour has another value, inside labels."""
    labels = np.asarray(labels)
    edges = np.zeros(labels.shape, bool)
    edges[1:] |= labels[1:] != labels[:-1]
    edges[:-1] |= labels[:-1] != labels[1:]
    edges[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    edges[:, :-1] |= labels[:, :-1] != labels[:, 1:]
    return edges & (labels > 0)


def _thicken(edges: np.ndarray, width: int) -> np.ndarray:
    grown = edges.copy()
    for _ in range(width - 1):
        step = grown.copy()
        step[1:] |= grown[:-1]
        step[:-1] |= grown[1:]
        step[:, 1:] |= grown[:, :-1]
        step[:, :-1] |= grown[:, 1:]
        grown = step
    return grown


def paint_outlines(rgb: np.ndarray, labels: np.ndarray, colour, *, alpha: float = 1.0, width: int = 1) -> None:
    """Blend ``colour`` into ``rgb`` (in place) on the inner boundary pixels of every label of ``labels``.

    Parameters
    ----------
    rgb : ndarray of float, shape (Y, X, 3)
    labels : ndarray of int or bool, shape (Y, X)
    colour : matplotlib colour
    alpha : float, optional
        Opacity of the outline; default 1.
    width : int, optional
        Outline width in pixels (grown inwards); default 1.
    """
    from matplotlib.colors import to_rgb

    labels = np.asarray(labels)
    edges = inner_boundaries(labels)
    if width > 1:
        edges = _thicken(edges, width) & (labels > 0)
    rgb[edges] = (1 - alpha) * rgb[edges] + alpha * np.asarray(to_rgb(colour))


class TrackMovie:
    """Renders the frames of the movie of one track (see the module notes).

    Parameters
    ----------
    analysis : TrackAnalysis
    track_id : int
    image : array-like of shape (T, Z, Y, X), optional
        Raw image; a black background when None.
    labels : array-like of int, shape (T, Z, Y, X), optional
        Label movie whose outlines are drawn.
    projection : {"slice", "max"}, optional
        Z slice through the cells (default) or maximum projection over Z.
    margin : float, optional
        Space around the track's cells in the crop, in space units; default 10.
    size : int, optional
        Width and height of a movie frame in pixels (a multiple of 16); default 640.
    """

    def __init__(self, analysis, track_id: int, *, image=None, labels=None, projection: str = "slice",
                 margin: float = 10.0, size: int = 640):
        if projection not in PROJECTIONS:
            raise ValueError(f"projection must be one of {PROJECTIONS}, got {projection!r}")
        if int(size) % 16 or int(size) < 160:
            raise ValueError(f"movie size must be a multiple of 16 of at least 160 pixels, got {size}")
        for name, array in (("image", image), ("labels", labels)):
            if array is not None and len(getattr(array, "shape", ())) != 4:
                raise ValueError(f"the movie's {name} must have axes TZYX, got shape {getattr(array, 'shape', ())}")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.analysis, self.track_id = analysis, int(track_id)
        self.image, self.labels, self.projection, self.size = image, labels, projection, int(size)
        self.spots = analysis.track_spots(self.track_id)
        self.calibration = tuple(float(c) for c in analysis.parameters.get("calibration", (1.0, 1.0, 1.0)))
        self.frame_interval = float(analysis.parameters.get("frame_interval") or 1.0)
        self.space_unit, self.time_unit = axis_units(analysis)
        self.colours = tracklet_colours(analysis, self.track_id)
        self.frames = range(int(self.spots["FRAME"].min()), int(self.spots["FRAME"].max()) + 1)
        reference = image if image is not None else labels
        self.shape_zyx = tuple(reference.shape[1:]) if reference is not None else self._extent_shape(margin)
        self.half_width = self._half_width(margin)
        self.links = self._division_links()
        self.contrast = self._contrast()
        self.figure = Figure(figsize=(self.size / 100, self.size / 100), dpi=100)
        self.canvas = FigureCanvasAgg(self.figure)
        self.axes = self.figure.add_axes((0.0, 0.0, 1.0, 0.94))

    # ---- geometry ----------------------------------------------------------------------------------------
    def _extent_shape(self, margin: float) -> tuple[int, int, int]:
        """Shape of a blank background that holds every spot plus ``margin``."""
        top = self.spots[["POSITION_Z", "POSITION_Y", "POSITION_X"]].max().to_numpy(dtype=float) + margin
        return tuple(int(np.ceil(t / c)) + 1 for t, c in zip(top, self.calibration))

    def _half_width(self, margin: float) -> float:
        """Half the side of the (square, physical) crop: the largest spread of the current cells plus margin."""
        spread = self.spots.groupby("FRAME")[["POSITION_X", "POSITION_Y"]].agg(lambda v: v.max() - v.min())
        return float(spread.to_numpy().max(initial=0.0)) / 2 + float(margin)

    def current(self, frame: int):
        """Return the track's spots at ``frame``; over a gap, those of the nearest earlier frame (else later)."""
        at = self.spots[self.spots["FRAME"] == frame]
        if len(at):
            return at
        frames = self.spots["FRAME"].to_numpy()
        earlier = frames[frames < frame]
        nearest = earlier.max() if len(earlier) else frames[frames > frame].min()
        return self.spots[self.spots["FRAME"] == nearest]

    def crop_box(self, frame: int) -> tuple[int, int, int, int]:
        """Return the voxel bounds ``(y0, y1, x0, x1)`` of the crop at ``frame`` (kept inside the image)."""
        now = self.current(frame)
        centre = now[["POSITION_Y", "POSITION_X"]].mean().to_numpy(dtype=float)
        bounds = []
        for axis, (middle, step) in enumerate(zip(centre, self.calibration[1:])):
            extent = self.shape_zyx[axis + 1]
            side = min(extent, int(np.ceil(2 * self.half_width / step)) + 1)
            low = int(np.clip(round(middle / step) - side // 2, 0, extent - side))
            bounds += [low, low + side]
        return bounds[0], bounds[1], bounds[2], bounds[3]

    def z_index(self, frame: int) -> int:
        """Return the Z slice through the track's current cells (their mean Z), inside the image."""
        z = float(self.current(frame)["POSITION_Z"].mean()) / self.calibration[0]
        return int(np.clip(round(z), 0, self.shape_zyx[0] - 1))

    def _division_links(self) -> list[tuple[int, tuple, tuple]]:
        """``(frame, parent end (x, y), child start (x, y))`` for every parent link of the track's tracklets."""
        links = []
        ends = self.spots.groupby("TRACKLET_ID")[["POSITION_X", "POSITION_Y"]].last()
        starts = self.spots.groupby("TRACKLET_ID")[["POSITION_X", "POSITION_Y", "FRAME"]].first()
        for tracklet, parents in self.analysis.tracklets.loc[starts.index, "PARENT_IDS"].items():
            for parent in parents:
                if parent in ends.index:
                    links.append((int(starts.at[tracklet, "FRAME"]), tuple(ends.loc[parent]),
                                  tuple(starts.loc[tracklet, ["POSITION_X", "POSITION_Y"]])))
        return links

    # ---- pixels ------------------------------------------------------------------------------------------
    def _plane(self, array, frame: int, box, z: int) -> np.ndarray:
        y0, y1, x0, x1 = box
        if self.projection == "max":
            return np.asarray(array[frame, :, y0:y1, x0:x1]).max(axis=0)
        return np.asarray(array[frame, z, y0:y1, x0:x1])

    def _contrast(self) -> tuple[float, float]:
        """Display range of the raw image: 1st and 99.7th percentiles over the crops of up to 5 frames."""
        if self.image is None:
            return 0.0, 1.0
        picks = np.unique(np.linspace(self.frames.start, self.frames.stop - 1, 5).round().astype(int))
        values = np.concatenate([self._plane(self.image, f, self.crop_box(f), self.z_index(f)).ravel()
                                 for f in picks]).astype(float)
        low, high = np.percentile(values, [1.0, 99.7])
        return float(low), float(high if high > low else low + 1.0)

    def _tracked_labels(self, frame: int, box, z: int) -> dict[int, int]:
        """``{label: tracklet}`` of the track's cells at ``frame`` (the spot's LABEL, else the label at its
        centre voxel)."""
        found = {}
        for _, spot in self.spots[self.spots["FRAME"] == frame].iterrows():
            label = spot.get("LABEL", np.nan)
            if not np.isfinite(float(label)) or float(label) <= 0:
                voxel = [int(np.clip(round(spot[c] / s), 0, n - 1)) for c, s, n in
                         zip(("POSITION_Z", "POSITION_Y", "POSITION_X"), self.calibration, self.shape_zyx)]
                label = self.labels[frame, voxel[0], voxel[1], voxel[2]]
            if int(label) > 0:
                found[int(label)] = int(spot["TRACKLET_ID"])
        return found

    def _composite(self, frame: int, box, z: int) -> np.ndarray:
        """RGB crop (0..1): the raw image in grey with the outlines painted over it, enlarged so that an
        outline is one display pixel wide."""
        y0, y1, x0, x1 = box
        factor = display_factor((y1 - y0, x1 - x0), self.size)
        if self.image is not None:
            low, high = self.contrast
            grey = np.clip((self._plane(self.image, frame, box, z).astype(float) - low) / (high - low), 0, 1)
        else:
            grey = np.zeros((y1 - y0, x1 - x0))
        rgb = np.repeat(enlarge(grey, factor)[..., np.newaxis], 3, axis=2)
        if self.labels is None:
            return rgb
        tracked = self._tracked_labels(frame, box, z)
        if self.projection == "slice":
            plane = enlarge(self._plane(self.labels, frame, box, z), factor)
            others = np.where(np.isin(plane, list(tracked)), 0, plane)
            paint_outlines(rgb, others, OTHER_OUTLINE, alpha=0.6)
            for label, tracklet in tracked.items():
                paint_outlines(rgb, plane == label, self.colours[tracklet], alpha=1.0, width=3)
        else:
            block = np.asarray(self.labels[frame, :, y0:y1, x0:x1])
            for label, tracklet in tracked.items():
                paint_outlines(rgb, enlarge((block == label).any(axis=0), factor), self.colours[tracklet],
                               alpha=1.0, width=3)
        return rgb

    # ---- drawing -----------------------------------------------------------------------------------------
    def time_of(self, frame: int) -> float:
        """Return the physical time of ``frame`` (the spots' TIME when the track has a spot there)."""
        at = self.spots.loc[self.spots["FRAME"] == frame, "TIME"]
        return float(at.iloc[0]) if len(at) else frame * self.frame_interval

    def draw(self, frame: int) -> None:
        """Draw movie frame ``frame`` into :attr:`axes`."""
        from matplotlib.patches import Rectangle

        axes, (dz, dy, dx) = self.axes, self.calibration
        axes.clear()
        box, z = self.crop_box(frame), self.z_index(frame)
        y0, y1, x0, x1 = box
        left, right, top, bottom = x0 * dx - dx / 2, x1 * dx - dx / 2, y0 * dy - dy / 2, y1 * dy - dy / 2
        axes.imshow(self._composite(frame, box, z), extent=(left, right, bottom, top), interpolation="nearest")
        for start_frame, (px, py), (cx, cy) in self.links:
            if frame >= start_frame:
                axes.plot([px, cx], [py, cy], color="white", linewidth=1.0, linestyle=":")
        for tracklet, rows in self.spots.groupby("TRACKLET_ID"):
            colour = self.colours[int(tracklet)]
            past = rows[rows["FRAME"] <= frame]
            ended = len(past) and int(rows["FRAME"].max()) < frame  # a mother after its division, a lost cell
            axes.plot(past["POSITION_X"], past["POSITION_Y"], color=colour, linewidth=1.2 if ended else 1.8,
                      alpha=0.45 if ended else 1.0, gid=f"tracklet-{tracklet}")
            now = rows[rows["FRAME"] == frame]
            if len(now):
                axes.plot(now["POSITION_X"], now["POSITION_Y"], "o", markersize=5, color=colour,
                          markeredgecolor="white", markeredgewidth=0.8)
                axes.annotate(str(tracklet), (now["POSITION_X"].iloc[0], now["POSITION_Y"].iloc[0]),
                              xytext=(6, 6), textcoords="offset points", color=colour, fontsize=8,
                              fontweight="bold")
        width = right - left
        length = scale_bar_length(width)
        bar_x, bar_y = left + 0.05 * width, bottom - 0.06 * (bottom - top)
        axes.add_patch(Rectangle((bar_x, bar_y), length, 0.012 * (bottom - top), color="white", gid="scale-bar"))
        axes.text(bar_x + length / 2, bar_y - 0.01 * (bottom - top), f"{length:g} {self.space_unit}",
                  color="white", ha="center", va="bottom", fontsize=10, fontweight="bold", gid="scale-bar-label")
        stamp = (f"frame {frame}" if self.time_unit == "frame" and self.frame_interval == 1.0
                 else f"t = {self.time_of(frame):.4g} {self.time_unit}  (frame {frame})")
        axes.text(0.02, 0.98, stamp,
                  transform=axes.transAxes, color="white", ha="left", va="top", fontsize=10, fontweight="bold",
                  gid="time-stamp", bbox={"facecolor": "black", "alpha": 0.5, "edgecolor": "none"})
        axes.set_xlim(left, right)
        axes.set_ylim(bottom, top)
        axes.set_axis_off()
        where = (f"z slice {z} ({z * dz:.3g} {self.space_unit})" if self.projection == "slice"
                 else "max projection over Z")
        self.figure.suptitle(f"track {self.track_id}, {where}", fontsize=10, y=0.985)

    def render(self, frame: int) -> np.ndarray:
        """Return movie frame ``frame`` as an RGB ``uint8`` array of shape (size, size, 3)."""
        self.draw(frame)
        self.canvas.draw()
        return np.ascontiguousarray(np.asarray(self.canvas.buffer_rgba())[..., :3])


def write_track_movie(analysis, track_id: int | None, path, *, image=None, labels=None,
                      projection: str = "slice", fps: int = 4, margin: float = 10.0,
                      progress: bool = False) -> Path:
    """Write an MP4 movie of one track (atomically) and return its path.

    Parameters
    ----------
    analysis : TrackAnalysis
    track_id : int or None
        Track to show; None chooses the longest dividing track, else the longest
        (:func:`~volltrack.analysis.plot_style.movie_track`).
    path : str or Path
        Output ``.mp4``.
    image : array-like of shape (T, Z, Y, X), optional
        Raw image shown under the tracks; a black background when None (the default).
    labels : array-like of int, shape (T, Z, Y, X), optional
        Label movie: cell outlines are drawn from it.
    projection : {"slice", "max"}, optional
        Z slice through the track's cells (default) or maximum projection over Z.
    fps : int, optional
        Frames per second; default 4.
    margin : float, optional
        Space around the track's cells, in space units; default 10.
    progress : bool, optional
        Show a progress bar; default False.
    """
    import imageio_ffmpeg

    track_id = movie_track(analysis) if track_id is None else int(track_id)
    movie = TrackMovie(analysis, track_id, image=image, labels=labels, projection=projection, margin=margin)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, suffix=".mp4") as temporary:
        writer = imageio_ffmpeg.write_frames(str(temporary), (movie.size, movie.size), fps=fps, quality=7,
                                             macro_block_size=16)
        writer.send(None)
        try:
            for frame in tqdm(movie.frames, desc=f"movie of track {track_id}", disable=not progress):
                writer.send(movie.render(frame))
        finally:
            writer.close()
    logger.info("wrote %s (track %d, %d frames)", path, track_id, len(movie.frames))
    return Path(path)
