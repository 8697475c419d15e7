"""napari readers: a TrackMate XML file -> a Tracks layer with its division graph and features (and the movie and
labels it names); an OME-Zarr image or label image -> Image and Labels layers with their scale."""

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


def _is_ome_zarr(path) -> bool:
    path = Path(path)
    if not path.is_dir() or not path.name.lower().endswith(".zarr"):
        return False
    from volltrack.io.ngff import is_ome_zarr_group

    return is_ome_zarr_group(path)


def get_reader(path):
    """Return :func:`read_trackmate_xml` for one TrackMate XML file, :func:`read_ome_zarr_layers` for one OME-Zarr
    image or label image, else None (npe2 contract)."""
    if isinstance(path, (list, tuple)):
        if len(path) != 1:
            return None
        path = path[0]
    if _is_trackmate_xml(path):
        return read_trackmate_xml
    return read_ome_zarr_layers if _is_ome_zarr(path) else None


def _ome_zarr_layer(path: Path, *, name: str, labels: bool) -> tuple:
    """One layer tuple of an OME-Zarr image or label image, lazy, with its physical scale and as many dimensions
    as stored (a ``zyx`` volume stays 3D, a ``tzyx`` movie is 4D)."""
    from volltrack.io import read_image

    data, meta = read_image(path, lazy=True)
    calibration = tuple(float(v) for v in meta.get("calibration") or (1.0, 1.0, 1.0))
    spatial = min(3, data.ndim)
    time = (float(meta.get("frame_interval") or 1.0),) * (data.ndim - spatial)
    scale = time + calibration[3 - spatial:]
    kwargs = {"name": name, "scale": scale, "metadata": {"path": str(path)}}
    return data, kwargs, "labels" if labels else "image"


def read_ome_zarr_layers(path) -> list[tuple]:
    """Read an OME-Zarr image with its label images (``labels/<name>``), or one label image, as napari layers.

    What volltrack writes reads back as it was saved: the labels writer's output (:mod:`volltrack.napari.writer`)
    becomes a Labels layer of the same dimensions (a volume stays a volume) and voxel size; the segmentation
    outputs (``volltrack segment --format zarr``) open as the raw movie and its VollSeg, StarDist ... labels,
    aligned. Data stay on disk (dask arrays) until napari shows a plane.
    """
    import zarr

    if isinstance(path, (list, tuple)):
        path = path[0]
    path = Path(path)
    attrs = zarr.open_group(str(path), mode="r").attrs.asdict()
    attrs = attrs.get("ome", attrs)
    name = path.name.removesuffix(".zarr").removesuffix(".ome")
    layers = [_ome_zarr_layer(path, name=name, labels="image-label" in attrs)]
    labels_group = path / "labels"
    if labels_group.is_dir():
        listed = zarr.open_group(str(labels_group), mode="r").attrs.asdict()
        for label in listed.get("ome", listed).get("labels", []):
            layers.append(_ome_zarr_layer(labels_group / label, name=f"{name} {label}", labels=True))
    return layers


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
