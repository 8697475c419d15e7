"""napari reader: a TrackMate XML file -> a Tracks layer with its division graph and features."""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def _is_trackmate_xml(path) -> bool:
    path = Path(path)
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    with open(path, "rb") as handle:
        return b"<TrackMate" in handle.read(4096)


def get_reader(path):
    """Return :func:`read_trackmate_xml` when ``path`` is one TrackMate XML file, else None (npe2 contract)."""
    if isinstance(path, (list, tuple)):
        if len(path) != 1:
            return None
        path = path[0]
    return read_trackmate_xml if _is_trackmate_xml(path) else None


def tracks_layer_tuple(analysis, *, name: str, track_ids=None) -> tuple:
    """Return the ``(data, kwargs, "tracks")`` layer tuple of an analysis (see ``napari_tracks``)."""
    from volltrack.analysis.tracks_layer import napari_tracks

    data, graph, kwargs = napari_tracks(analysis, track_ids)
    kwargs.update(name=name, graph=graph, tail_length=1000, color_by="TRACK_ID")
    return data, kwargs, "tracks"


def _movie_layer(path: Path, movie, *, kind: str, name: str, scale: tuple) -> tuple | None:
    """A layer tuple of the movie file ``path``, or None (logged) when it is not the XML's movie."""
    from volltrack.io import read_image

    try:
        data, _ = read_image(path, lazy=True)
    except (OSError, ValueError) as exc:
        logger.warning("%s: cannot read (%s); the tracks are shown without it", path, exc)
        return None
    if data.ndim == 3 and movie.shape[0] == 1:
        data = data[None]
    if tuple(data.shape) != movie.shape:
        logger.warning("%s has shape %s, not the (T, Z, Y, X) = %s of the XML's ImageData; not shown", path,
                       tuple(data.shape), movie.shape)
        return None
    kwargs = {"name": name, "scale": scale, "metadata": {"path": str(path)}}
    if kind == "image":
        kwargs["blending"] = "additive"
    return data, kwargs, kind


def read_trackmate_xml(path) -> list[tuple]:
    """Read a TrackMate XML file into napari layer tuples: the movie, its labels and the tracks, aligned.

    The Tracks layer gets the scale ``(1, dz, dy, dx)`` of the file's ``ImageData``. When the movie named
    there exists (looked up as TrackMate does: ``folder/filename``, then beside the XML), it comes first as
    an Image layer with the same scale, followed by the label movie a ``volltrack run`` wrote beside the XML
    (``segmentation/VollSeg/<name>.tif``) as a Labels layer, so that the tracks lie on the cells.
    The Tracks layer's metadata holds the :class:`~volltrack.analysis.TrackAnalysis` under
    ``"volltrack_analysis"``, which the ``Track analysis`` widget uses.
    """
    from volltrack.analysis.xml_input import analyze_xml
    from volltrack.trackmate import read_xml
    from volltrack.trackmate.image_data import find_label_movie, movie_of

    if isinstance(path, (list, tuple)):
        path = path[0]
    movie = movie_of(read_xml(path), path)
    analysis = analyze_xml(path, calibration=movie.calibration, frame_interval=movie.frame_interval)
    logger.info("read %s: %d tracks, %d tracklets", path, len(analysis.tracks), len(analysis.tracklets))
    scale = (1.0, *movie.calibration)
    layers = []
    if movie.path is not None:
        layers.append(_movie_layer(movie.path, movie, kind="image", name=movie.path.name, scale=scale))
        labels = find_label_movie(path, movie.path)
        if labels is not None:
            layers.append(_movie_layer(labels, movie, kind="labels", name=f"labels {labels.name}", scale=scale))
    elif movie.filename:
        logger.warning("%s: the movie %r named in ImageData was not found (folder %r, nor beside the XML); "
                       "showing the tracks alone", path, movie.filename, movie.folder)
    layers = [layer for layer in layers if layer is not None]
    layers.append(tracks_layer_tuple(analysis, name=Path(path).stem))
    return layers
