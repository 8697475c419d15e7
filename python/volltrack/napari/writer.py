"""napari writers: a Tracks layer -> TrackMate XML, a Labels layer -> TIFF or OME-Zarr (npe2 single-layer writers).

A Tracks layer's rows are ``[tracklet, frame, (z,) y, x]`` in voxels; its ``scale`` ``(1, dz, dy, dx)`` is the
calibration. The XML gets one spot per row (position = voxels x scale, physical units), one edge between
consecutive points of a tracklet and one from the last point of every parent tracklet to the first point of its
child (the layer's ``graph``), so divisions and merges survive; a TrackMate track is a connected set of tracklets.
Numeric per-point features of the layer become spot features.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack.analysis.tracks_layer import JOIN_FEATURE

logger = logging.getLogger(__name__)

#: Layer features that are structure, not spot features (written from the structure instead).
_STRUCTURE = ("TRACK_ID", "TRACKLET_ID", "FRAME", "TIME", "ID", "POSITION_X", "POSITION_Y", "POSITION_Z",
              "POSITION_T", "TRACKLET_PLOT_COLOUR")   # the last: display only (napari.widget.PLOT_COLOUR_FEATURE)


def _components(tracklets: np.ndarray, graph: dict) -> dict[int, int]:
    """Map each tracklet to the smallest tracklet ID of its connected set (union-find over the graph)."""
    parent = {int(t): int(t) for t in tracklets}

    def root(item):
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for child, parents in graph.items():
        for other in parents:
            if int(child) in parent and int(other) in parent:
                a, b = root(int(child)), root(int(other))
                parent[max(a, b)] = min(a, b)
    return {t: root(t) for t in parent}


def tracks_to_tables(data, *, graph=None, features=None, scale=(1.0, 1.0, 1.0, 1.0), translate=None):
    """Convert Tracks layer arrays into TrackMate spot, edge and track tables (physical units).

    Parameters
    ----------
    data : array of shape (N, 4) or (N, 5)
        ``[tracklet, frame, (z,) y, x]`` rows in voxels.
    graph : dict, optional
        ``{tracklet: [parent tracklets]}``.
    features : DataFrame or dict, optional
        Per-point features (N rows).
    scale, translate : sequence, optional
        The layer's scale ``(dt, (dz,) dy, dx)`` and translation; positions = voxels x scale + translate.

    Returns
    -------
    spots, edges, tracks : DataFrame
        ``spots.attrs`` holds ``calibration`` (dz, dy, dx) and ``frame_interval``.
    """
    data = np.asarray(data, dtype=float)
    if data.ndim != 2 or data.shape[1] not in (4, 5) or not len(data):
        raise ValueError(f"tracks data has shape {data.shape}; expected rows [track, frame, (z,) y, x]")
    if features is not None and JOIN_FEATURE in pd.DataFrame(features).columns:   # display-only copies
        table = pd.DataFrame(features).reset_index(drop=True)
        kept = table[JOIN_FEATURE].to_numpy(dtype=float) != 1.0
        data, features = data[kept], table[kept].drop(columns=[JOIN_FEATURE]).reset_index(drop=True)
    scale = np.asarray(scale, dtype=float)
    translate = np.zeros(len(scale)) if translate is None else np.asarray(translate, dtype=float)
    if data.shape[1] == 4:  # 2D + t: z = 0 with unit voxel depth
        data = np.column_stack([data[:, :2], np.zeros(len(data)), data[:, 2:]])
        scale, translate = np.r_[scale[:1], 1.0, scale[1:]], np.r_[translate[:1], 0.0, translate[1:]]
    positions = data[:, 2:] * scale[1:] + translate[1:]
    tracklet, frame = data[:, 0].astype(np.int64), np.rint(data[:, 1]).astype(np.int64)
    spots = pd.DataFrame({"ID": np.arange(len(data), dtype=np.int64), "FRAME": frame,
                          "POSITION_X": positions[:, 2], "POSITION_Y": positions[:, 1],
                          "POSITION_Z": positions[:, 0], "POSITION_T": frame * scale[0]})
    table = pd.DataFrame(features) if features is not None else pd.DataFrame(index=range(len(data)))
    for column in table.columns:
        values = table[column]
        if column not in _STRUCTURE and len(values) == len(data) and pd.api.types.is_numeric_dtype(values):
            spots[str(column)] = values.to_numpy(dtype=float)
    spots["RADIUS"] = spots["RADIUS"] if "RADIUS" in spots else float(min(scale[1:]))
    spots["QUALITY"] = spots["QUALITY"] if "QUALITY" in spots else 1.0
    order = np.lexsort((frame, tracklet))
    first, last, sources, targets = {}, {}, [], []
    for previous, current in zip(order[:-1], order[1:]):
        if tracklet[previous] == tracklet[current]:
            sources.append(previous)
            targets.append(current)
    for index in order:
        first.setdefault(int(tracklet[index]), int(index))
        last[int(tracklet[index])] = int(index)
    for child, parents in (graph or {}).items():
        for other in parents:
            if int(child) in first and int(other) in last:
                sources.append(last[int(other)])
                targets.append(first[int(child)])
    component = _components(np.unique(tracklet), graph or {})
    track_ids = {root: index for index, root in enumerate(sorted(set(component.values())))}
    sources, targets = np.asarray(sources, dtype=np.int64), np.asarray(targets, dtype=np.int64)
    edges = pd.DataFrame({"SPOT_SOURCE_ID": sources, "SPOT_TARGET_ID": targets,
                          "LINK_COST": np.zeros(len(sources)),
                          "TRACK_ID": [track_ids[component[int(tracklet[s])]] for s in sources]})
    edges = edges.astype({"TRACK_ID": np.int64})
    linked = sorted(set(edges["TRACK_ID"].tolist()))
    tracks = pd.DataFrame({"TRACK_ID": np.asarray(linked, dtype=np.int64), "name": [f"Track_{t}" for t in linked]})
    spots.attrs.update(calibration=tuple(float(s) for s in scale[1:]), frame_interval=float(scale[0]),
                       n_frames=int(frame.max()) + 1)
    return spots, edges, tracks


def _settings(spots: pd.DataFrame, metadata: dict, attributes: dict) -> dict:
    """TrackMate ``Settings``: ImageData from the calibration, a manual detector with the mean radius and the
    tracker settings the Track widget used (else TrackMate's defaults, splitting on when the graph has any)."""
    from volltrack.tracking.settings import TrackerSettings
    from volltrack.trackmate.writer import _image_data

    tracker = metadata.get("volltrack_tracker_settings")
    if tracker is None:
        tracker = TrackerSettings(ALLOW_TRACK_SPLITTING=bool(attributes.get("graph"))).to_dict()
    image_data = _image_data(spots, spots.attrs["n_frames"], spots.attrs["calibration"],
                             spots.attrs["frame_interval"])
    image_data["filename"] = str(metadata.get("volltrack_image") or "")
    radius = float(np.nanmean(spots["RADIUS"])) if len(spots) else 1.0
    return {"image_data": image_data, "detector": {"DETECTOR_NAME": "MANUAL_DETECTOR", "RADIUS": radius},
            "tracker_name": "SPARSE_LAP_TRACKER", "tracker": dict(tracker)}


def write_tracks_xml(path: str, data, attributes: dict) -> list[str]:
    """Write a Tracks layer as TrackMate XML (npe2 writer); return ``[path]``.

    The layer's scale is the calibration (``ImageData`` pixel sizes and frame interval); a layer read from a
    TrackMate file keeps the space and time units of its analysis.
    """
    from volltrack.trackmate import write_xml

    path = str(path)
    if not path.lower().endswith(".xml"):
        path += ".xml"
    spots, edges, tracks = tracks_to_tables(data, graph=attributes.get("graph"), features=attributes.get("features"),
                                            scale=attributes.get("scale", (1.0,) * np.shape(data)[1]),
                                            translate=attributes.get("translate"))
    metadata = attributes.get("metadata") or {}
    units = getattr(metadata.get("volltrack_analysis"), "parameters", {}) or {}
    write_xml(path, spots, edges, tracks, space_units=units.get("space_units", "micron"),
              time_units=units.get("time_units", "sec"), settings=_settings(spots, metadata, attributes),
              log=f"Written by the volltrack napari plugin from layer {attributes.get('name', '')!r}")
    logger.info("wrote %s: %d spots, %d edges, %d tracks", path, len(spots), len(edges), len(tracks))
    return [path]


def write_labels_tiff(path: str, data, attributes: dict) -> list[str]:
    """Write a Labels layer as an ImageJ TIFF with its voxel size (npe2 writer); return ``[path]``.

    Labels up to 65535 are written as uint16 (ImageJ's integer type); larger ones as a plain int32 TIFF.
    """
    import tifffile

    path = str(path)
    if not path.lower().endswith((".tif", ".tiff")):
        path += ".tif"
    data = np.asarray(data)
    if data.ndim not in (2, 3, 4):
        raise ValueError(f"labels layer {attributes.get('name')!r} has shape {data.shape}; expected YX, ZYX or "
                         "TZYX")
    scale = [float(s) for s in attributes.get("scale", (1.0,) * data.ndim)]
    axes = {2: "YX", 3: "ZYX", 4: "TZYX"}[data.ndim]
    resolution = (1.0 / scale[-1], 1.0 / scale[-2])
    if data.size == 0 or (data.min() >= 0 and data.max() <= np.iinfo(np.uint16).max):
        metadata = {"axes": axes, "unit": "micron"}
        if data.ndim >= 3:
            metadata["spacing"] = scale[-3]
        if data.ndim == 4:
            metadata["finterval"] = scale[0]
        tifffile.imwrite(path, data.astype(np.uint16), imagej=True, resolution=resolution, metadata=metadata)
    else:
        tifffile.imwrite(path, data.astype(np.int32), resolution=resolution, metadata={"axes": axes})
    return [path]


#: Name endings of the OME-Zarr labels writer.
ZARR_SUFFIXES = (".ome.zarr", ".zarr")


def _label_dtype(data: np.ndarray):
    """Unsigned 32-bit labels when they fit (the OME-Zarr label images volltrack writes), else int64."""
    if data.size == 0 or (data.min() >= 0 and data.max() <= np.iinfo(np.uint32).max):
        return np.uint32
    return np.int64


def write_labels_ome_zarr(path: str, data, attributes: dict) -> list[str]:
    """Write a Labels layer as an OME-Zarr label image (NGFF 0.5, zarr v3; npe2 writer); return ``[path]``.

    The group holds one multiscale level ``0`` with axes ``tzyx``, chunked per time point (a (Z, Y, X) layer:
    axes ``zyx``, so that it reads back as a volume), with the layer's scale as the voxel size (µm) and frame
    interval (s), and
    ``image-label`` metadata so that OME-Zarr readers take it for labels. volltrack reads it back
    (:func:`volltrack.io.ngff.read_ome_zarr`, ``volltrack track``). The group is written under a temporary name
    beside ``path`` and renamed at the end: an interrupted save leaves no half-written ``path``.
    """
    import shutil

    from ome_zarr.writer import add_metadata

    from volltrack.io.ngff import _format, create_movie

    path = str(path)
    if not path.lower().endswith(ZARR_SUFFIXES):
        path += ".ome.zarr"
    data = np.asarray(data)
    name = attributes.get("name") or Path(path).name
    if data.ndim not in (3, 4):
        raise ValueError(f"labels layer {name!r} has shape {data.shape}; expected ZYX or TZYX for OME-Zarr")
    if not np.issubdtype(data.dtype, np.integer):
        raise ValueError(f"labels layer {name!r} holds {data.dtype} values; expected integer labels")
    scale = [float(s) for s in attributes.get("scale", (1.0,) * data.ndim)]
    frame_interval = scale[0] if data.ndim == 4 else 1.0
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        array = create_movie(partial, data.shape, _label_dtype(data), calibration=scale[-3:],
                             frame_interval=frame_interval, time_units="sec", version="0.5", name=str(name))
        if data.ndim == 3:
            array[...] = data.astype(array.dtype, copy=False)
        for frame in range(data.shape[0] if data.ndim == 4 else 0):
            array[frame] = data[frame].astype(array.dtype, copy=False)
        import zarr

        group = zarr.open_group(str(partial), mode="a")
        add_metadata(group, {"image-label": {"version": "0.5", "source": {"image": "."}}}, fmt=_format("0.5"))
        if target.exists():
            shutil.rmtree(target)
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    logger.info("wrote %s: labels %s, scale %s", target, data.shape, scale)
    return [str(target)]
