"""Write TrackMate XML (format of TrackMate 7.14.0) that TrackMate 7.x/8.x loads: trackmate.md §6 checklist.

Root ``version="7.14.0"``; ``Model`` with units, declarations (valid Dimension names), one ``SpotsInFrame`` per
frame from 0 to the last (empty frames included), ints written as ints, edges oriented earlier -> later with one
``Track`` per connected component, every track ID in ``FilteredTracks``, ROI text without leading whitespace,
``Settings`` with every required child. Written to a temporary file and moved into place.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack.io.atomic import atomic_write
from volltrack.trackmate import xml_keys as tmx
from volltrack.trackmate.spot_columns import prepare_spots
from volltrack.trackmate.declarations import declaration_for
from volltrack.trackmate.display_settings import display_settings_xml
from volltrack.trackmate.settings_xml import settings_xml
from volltrack.trackmate.track_graph import prepare_edges
from volltrack.trackmate.value_format import escape_attribute, escape_text, format_floats, format_ints, is_integral

__all__ = ["write_xml", "TRACKMATE_VERSION"]

logger = logging.getLogger(__name__)

#: Version written on the root element (TrackMate's loader refuses anything below 2.1.0).
TRACKMATE_VERSION = "7.14.0"
_BASE = {"spot": ("QUALITY", "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "FRAME", "RADIUS", "VISIBILITY"),
         "edge": ("SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"), "track": ("TRACK_INDEX", "TRACK_ID")}
_NOT_FEATURES = {"spot": {"ID", "name", "ROI", "ROI_N_POINTS"}, "edge": {"TRACK_ID"}, "track": {"name", "TRACK_ID"}}


def _feature_columns(frame: pd.DataFrame, kind: str) -> list[str]:
    """Numeric columns written as features, base features first."""
    columns = [c for c in frame.columns if c not in _NOT_FEATURES[kind]]
    bad = [c for c in columns if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))]
    if bad:
        raise ValueError(f"{kind} column(s) {', '.join(map(str, bad))} are not numeric; TrackMate stores numbers only")
    return sorted(columns, key=lambda c: (_BASE[kind].index(c) if c in _BASE[kind] else len(_BASE[kind])))


def _declare(frame: pd.DataFrame, columns: list[str], kind: str, known: dict) -> list[tuple]:
    """Declaration of each column: (key, name, short name, dimension, is int); int only if every value is."""
    declarations = []
    for column in columns:
        integral = is_integral(frame[column].to_numpy())
        name, short, dimension, is_int = declaration_for(kind, column, is_int=integral, known=known)
        declarations.append((column, name, short, dimension, is_int and integral))
    return declarations


def _column_texts(frame: pd.DataFrame, declarations: list[tuple]) -> list[list[str]]:
    return [format_ints(frame[d[0]].to_numpy()) if d[4] else format_floats(frame[d[0]].to_numpy())
            for d in declarations]


def _declarations_xml(declared: dict[str, list]) -> str:
    parts = [f"    <{tmx.FEATURE_DECLARATIONS}>\n"]
    for kind, tag in (("spot", tmx.SPOT_FEATURES), ("edge", tmx.EDGE_FEATURES), ("track", tmx.TRACK_FEATURES)):
        given = {d[0]: d for d in declared[kind]}
        base = [given.get(key) or (key, *declaration_for(kind, key, is_int=False)) for key in _BASE[kind]]
        rows = base + [d for d in declared[kind] if d[0] not in _BASE[kind]]   # base features in TrackMate's order
        parts.append(f"      <{tag}>\n")
        for key, name, short, dimension, is_int in rows:
            parts.append(f'        <{tmx.FEATURE} feature="{escape_attribute(key)}" name="{escape_attribute(name)}" '
                         f'shortname="{escape_attribute(short)}" dimension="{dimension}" '
                         f'isint="{"true" if is_int else "false"}" />\n')
        parts.append(f"      </{tag}>\n")
    parts.append(f"    </{tmx.FEATURE_DECLARATIONS}>\n")
    return "".join(parts)


def _roi_text(roi) -> str | None:
    if roi is None or (isinstance(roi, float) and np.isnan(roi)):
        return None
    coordinates = np.asarray(roi.split() if isinstance(roi, str) else roi, dtype=np.float64).ravel()
    if coordinates.size < 6 or coordinates.size % 2:
        return None
    return f' ROI_N_POINTS="{coordinates.size // 2}">' + " ".join(format_floats(coordinates)) + f" </{tmx.SPOT}>\n"


def _iter_spot_lines(spots: pd.DataFrame, declarations: list[tuple], chunk_size: int = 65536):
    """Yield one ``<Spot .../>`` line per spot, formatting ``chunk_size`` spots at a time."""
    template = f'        <{tmx.SPOT} ID="%s" name="%s" ' + " ".join(f'{d[0]}="%s"' for d in declarations)
    has_roi = "ROI" in spots.columns
    for start in range(0, len(spots), chunk_size):
        chunk = spots.iloc[start:start + chunk_size]
        names = [escape_attribute(n) for n in chunk["name"].astype(str).tolist()]
        rows = zip(format_ints(chunk["ID"].to_numpy()), names, *_column_texts(chunk, declarations))
        rois = chunk["ROI"].tolist() if has_roi else [None] * len(chunk)
        for row, roi in zip(rows, rois):
            roi_text = _roi_text(roi) if has_roi else None
            yield template % row + (roi_text if roi_text else " />\n")


def _write_all_spots(handle, spots: pd.DataFrame, declarations: list[tuple], n_frames: int) -> None:
    bounds = np.searchsorted(spots["FRAME"].to_numpy(), np.arange(n_frames + 1))
    lines = _iter_spot_lines(spots, declarations)
    handle.write(f'    <{tmx.ALL_SPOTS} nspots="{len(spots)}">\n')
    for frame in range(n_frames):
        count = int(bounds[frame + 1] - bounds[frame])
        if not count:
            handle.write(f'      <{tmx.SPOTS_IN_FRAME} frame="{frame}" />\n')
            continue
        handle.write(f'      <{tmx.SPOTS_IN_FRAME} frame="{frame}">\n')
        handle.write("".join(next(lines) for _ in range(count)))
        handle.write(f"      </{tmx.SPOTS_IN_FRAME}>\n")
    handle.write(f"    </{tmx.ALL_SPOTS}>\n")


def _track_table(edges: pd.DataFrame, tracks: pd.DataFrame | None) -> pd.DataFrame:
    """One row per track that has edges, with name and the given track features."""
    ids = pd.unique(edges["TRACK_ID"].to_numpy())
    table = pd.DataFrame({"TRACK_ID": ids.astype(np.int64)})
    if tracks is not None and len(tracks):
        if "TRACK_ID" not in tracks.columns:
            raise ValueError("tracks: missing column TRACK_ID")
        extra = tracks.drop_duplicates("TRACK_ID").set_index("TRACK_ID")
        unknown = set(extra.index) - set(ids)
        if unknown:
            logger.warning("tracks: %d TRACK_ID(s) have no edges and are not written", len(unknown))
        table = table.join(extra, on="TRACK_ID")
    if "name" not in table.columns:
        table["name"] = None
    missing = table["name"].isna()
    table.loc[missing, "name"] = [f"Track_{i}" for i in np.flatnonzero(missing.to_numpy())]
    return table


def _write_tracks(handle, edges: pd.DataFrame, tracks: pd.DataFrame, edge_declarations, track_declarations):
    edge_template = f"        <{tmx.EDGE} " + " ".join(f'{d[0]}="%s"' for d in edge_declarations) + " />\n"
    edge_lines = [edge_template % row for row in zip(*_column_texts(edges, edge_declarations))]
    track_texts = _column_texts(tracks, track_declarations)
    track_ids = format_ints(tracks["TRACK_ID"].to_numpy())
    names = [escape_attribute(n) for n in tracks["name"].astype(str).tolist()]
    bounds = np.searchsorted(edges["TRACK_ID"].to_numpy(), tracks["TRACK_ID"].to_numpy(), side="left")
    ends = np.searchsorted(edges["TRACK_ID"].to_numpy(), tracks["TRACK_ID"].to_numpy(), side="right")
    handle.write(f"    <{tmx.ALL_TRACKS}>\n")
    for index, (start, stop) in enumerate(zip(bounds, ends)):
        features = "".join(f' {d[0]}="{texts[index]}"' for d, texts in zip(track_declarations, track_texts))
        handle.write(f'      <{tmx.TRACK} name="{names[index]}" TRACK_ID="{track_ids[index]}"{features}>\n')
        handle.write("".join(edge_lines[start:stop]))
        handle.write(f"      </{tmx.TRACK}>\n")
    handle.write(f"    </{tmx.ALL_TRACKS}>\n")


def _image_data(spots: pd.DataFrame, n_frames: int, calibration, frame_interval: float) -> dict:
    dz, dy, dx = calibration
    extent = [int(np.ceil(spots[c].max() / step)) + 1 if len(spots) else 1
              for c, step in (("POSITION_X", dx), ("POSITION_Y", dy), ("POSITION_Z", dz))]
    return {"filename": "", "folder": "", "width": extent[0], "height": extent[1], "nslices": extent[2],
            "nframes": n_frames, "pixelwidth": dx, "pixelheight": dy, "voxeldepth": dz, "timeinterval": frame_interval}


def _frame_interval(spots: pd.DataFrame, settings: dict) -> float:
    image_data = settings.get("image_data") or {}
    return float(image_data.get("timeinterval") or spots.attrs.get("frame_interval") or 1.0)


def _frame_count(spots: pd.DataFrame, settings: dict, n_frames: int | None) -> int:
    """Frames to write: the largest of the last FRAME + 1, the spots' and image's frame counts and the argument."""
    candidates = [int(spots["FRAME"].max()) + 1 if len(spots) else 1, int(spots.attrs.get("n_frames") or 0),
                  int((settings.get("image_data") or {}).get("nframes") or 0), int(n_frames or 0)]
    return max(candidates)


def _visible_tracks(track_table: pd.DataFrame, filtered_track_ids) -> list[int]:
    """Track IDs for FilteredTracks: all, or the given ones that exist."""
    existing = track_table["TRACK_ID"].tolist()
    if filtered_track_ids is None:
        return existing
    known = set(existing)
    return [int(t) for t in filtered_track_ids if int(t) in known]


def write_xml(path, spots: pd.DataFrame, edges: pd.DataFrame | None = None, tracks: pd.DataFrame | None = None, *,
              space_units: str, time_units: str, settings: dict | None = None, log: str = "",
              filtered_track_ids=None, n_frames: int | None = None, feature_declarations: dict | None = None) -> None:
    """Write spots, edges and tracks as a TrackMate XML file (atomically).

    Parameters
    ----------
    path : str or PathLike
        Destination ``.xml``.
    spots : pandas.DataFrame
        One row per spot; TrackMate keys as columns (see :func:`volltrack.trackmate.spot_columns.prepare_spots`
        for what is required and what is filled). Optional ``ID``, ``name``, ``ROI`` (2D contour relative to
        the centre: text ``"x0 y0 x1 y1 ..."`` or an array). Every other column must be numeric.
    edges : pandas.DataFrame, optional
        ``SPOT_SOURCE_ID``, ``SPOT_TARGET_ID``, optional ``LINK_COST``, ``TRACK_ID`` and numeric edge features.
        Default None: no tracks.
    tracks : pandas.DataFrame, optional
        ``TRACK_ID``, optional ``name`` and numeric track features, joined on the edges' track IDs.
    space_units, time_units : str
        E.g. "micron" and "sec".
    settings : dict, optional
        As :attr:`TrackMateData.settings`; ``image_data`` is derived from the spots (and ``spots.attrs``
        calibration) when absent. Default None.
    log : str, optional
        Text of the ``Log`` element. Default "".
    filtered_track_ids : iterable of int, optional
        Visible tracks. Default None: every track.
    n_frames : int, optional
        Number of frames (``SpotsInFrame`` 0..n_frames-1). Default: ``spots.attrs["n_frames"]``, the image data's
        ``nframes`` or the last FRAME + 1, whichever is largest.
    feature_declarations : dict, optional
        Declarations read from a file, reused for features volltrack does not know. Default None.

    Raises
    ------
    ValueError
        Bad spots (missing columns, NaN positions, negative frames, duplicate IDs, non-numeric columns) or
        bad edges (unknown spots, self-loops, duplicates). Nothing is written then.
    """
    settings = dict(settings or {})
    known = feature_declarations or {}
    frame_interval = _frame_interval(spots, settings)
    spots = prepare_spots(spots, frame_interval=frame_interval)
    n_frames = _frame_count(spots, settings, n_frames)
    edges = edges if edges is not None else pd.DataFrame({"SPOT_SOURCE_ID": [], "SPOT_TARGET_ID": []})
    edges = prepare_edges(edges, spots["ID"].to_numpy(), spots["FRAME"].to_numpy())
    track_table = _track_table(edges, tracks)
    declared = {"spot": _declare(spots, _feature_columns(spots, "spot"), "spot", known.get("spot")),
                "edge": _declare(edges, _feature_columns(edges, "edge"), "edge", known.get("edge")),
                "track": _declare(track_table, _feature_columns(track_table, "track"), "track", known.get("track"))}
    visible = _visible_tracks(track_table, filtered_track_ids)
    if not settings.get("image_data"):
        calibration = tuple(spots.attrs.get("calibration") or (1.0, 1.0, 1.0))
        settings["image_data"] = _image_data(spots, n_frames, calibration, frame_interval)
    with atomic_write(Path(path)) as handle:
        handle.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<{tmx.ROOT} version="{TRACKMATE_VERSION}">\n')
        handle.write(f"  <{tmx.LOG}>{escape_text(log)}</{tmx.LOG}>\n" if log else f"  <{tmx.LOG} />\n")
        handle.write(f'  <{tmx.MODEL} spatialunits="{escape_attribute(space_units)}" '
                     f'timeunits="{escape_attribute(time_units)}">\n')
        handle.write(_declarations_xml(declared))
        _write_all_spots(handle, spots, declared["spot"], n_frames)
        _write_tracks(handle, edges, track_table, declared["edge"], declared["track"])
        handle.write(f"    <{tmx.FILTERED_TRACKS}>\n"
                     + "".join(f'      <{tmx.TRACK_ID} TRACK_ID="{t}" />\n' for t in visible)
                     + f"    </{tmx.FILTERED_TRACKS}>\n  </{tmx.MODEL}>\n")
        handle.write(settings_xml(settings))
        handle.write(display_settings_xml())
        handle.write(f"</{tmx.ROOT}>\n")
    logger.info("wrote %s: %d spots, %d edges, %d tracks", path, len(spots), len(edges), len(track_table))
