"""Streaming, hardened reader of TrackMate XML files (TrackMate 3.x to 8.x and the old BTrackmate fork).

The file is fed in blocks to an lxml parser with a *target* (lxml's SAX-like streaming interface): no element
tree is built, so memory grows with the number of spots (as float64 columns), not with the size of the file's
text. It is the streaming that ``iterparse`` with element clearing approximates, without creating and
clearing a million element objects.

Hostile XML is refused: a document type declaration (hence any entity definition: "billion laughs" bombs,
external entities) stops the parse with :class:`TrackMateXMLError`, entities are never resolved and the
network is never used. Syntax errors (truncated or corrupt files) are reported with the file, line and column.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from volltrack.trackmate import xml_keys as tmx
from volltrack.trackmate.attribute_table import AttributeTable, NonNumericAttribute, cast_integer_columns
from volltrack.trackmate.settings_xml import parse_settings
from volltrack.trackmate.tables import TrackMateData

__all__ = ["read_xml", "TrackMateData", "TrackMateXMLError"]

logger = logging.getLogger(__name__)

_BLOCK_SIZE = 1 << 22
_FEATURE_KINDS = {tmx.SPOT_FEATURES: "spot", tmx.EDGE_FEATURES: "edge", tmx.TRACK_FEATURES: "track"}
_SPOT_INTS = ("ID", "FRAME", "VISIBILITY", "ROI_N_POINTS")
_EDGE_INTS = ("SPOT_SOURCE_ID", "SPOT_TARGET_ID", "TRACK_ID")
_TRACK_INTS = ("TRACK_ID", "TRACK_INDEX")


class TrackMateXMLError(ValueError):
    """A TrackMate XML file that cannot be read: hostile, malformed, or not a TrackMate file."""


class _TrackMateTarget:
    """lxml parser target: receives start/end/data events and fills the tables."""

    def __init__(self):
        self.spots = AttributeTable(string_columns=("name",))
        self.edges = AttributeTable()
        self._spot_rows = self.spots.rows  # bound once: the hot path appends to them directly
        self._edge_rows = self.edges.rows
        self._chunk_size = self.spots.chunk_size
        self.track_starts: list[tuple[int, str]] = []  # (index of the track's first edge, its TRACK_ID)
        self.tracks = AttributeTable(string_columns=("name",), lenient=True)
        self.stack: list[str] = []
        self.root: dict = {}
        self.model: dict | None = None
        self.seen: set[str] = set()
        self.filtered: list[int] = []
        self.frames: list[int] = []
        self.declarations: dict = {"spot": {}, "edge": {}, "track": {}}
        self.rois: dict[int, list[str]] = {}
        self.log: list[str] = []
        self._feature_kind = None
        self._text_owner = None
        self._settings_builder: etree.TreeBuilder | None = None
        self.settings_element = None

    def doctype(self, name, public_id, system_url):
        raise TrackMateXMLError(f"a document type declaration (<!DOCTYPE {name}>) is present; TrackMate files "
                                "have none, and DTDs and entities are refused for safety (entity expansion "
                                "bombs, external entities)")

    def start(self, tag, attrib):
        if tag == tmx.SPOT:  # the hot path: one call per spot
            self._spot_rows.append(attrib)
            if len(self._spot_rows) >= self._chunk_size:
                self.spots.flush()
            self._text_owner = tmx.SPOT
        elif tag == tmx.EDGE:
            self._edge_rows.append(attrib)
            if len(self._edge_rows) >= self._chunk_size:
                self.edges.flush()
        else:
            if self._settings_builder is not None:
                self._settings_builder.start(tag, dict(attrib))
            else:
                self._start_other(tag, attrib)
            self.stack.append(tag)

    def _start_other(self, tag, attrib):
        self._text_owner = None
        self.seen.add(tag)
        if tag == tmx.TRACK:
            self.track_starts.append((self.edges.n_rows, attrib.get("TRACK_ID", "nan")))
            self.tracks.add(attrib)
        elif tag == tmx.SPOTS_IN_FRAME:
            self.frames.append(int(float(attrib.get("frame", 0))))
        elif tag == tmx.TRACK_ID:
            self.filtered.append(int(float(attrib["TRACK_ID"])))
        elif tag == tmx.FEATURE and self._feature_kind:
            self.declarations[self._feature_kind][attrib.get("feature")] = {
                key: attrib.get(key) for key in ("name", "shortname", "dimension", "isint")}
        elif tag in _FEATURE_KINDS:
            self._feature_kind = _FEATURE_KINDS[tag]
        elif tag == tmx.MODEL:
            self.model = dict(attrib)
        elif tag == tmx.LOG:
            self._text_owner = tmx.LOG
        elif tag == tmx.SETTINGS:
            self._settings_builder = etree.TreeBuilder()
            self._settings_builder.start(tag, dict(attrib))
        elif not self.stack:
            self.root = {"tag": tag, **attrib}
            if tag != tmx.ROOT:
                raise TrackMateXMLError(f"the root element is <{tag}>, not <TrackMate>: not a TrackMate XML file")

    def end(self, tag):
        self._text_owner = None
        if tag == tmx.SPOT or tag == tmx.EDGE:
            return
        self.stack.pop()
        if self._settings_builder is not None:
            self._settings_builder.end(tag)
            if tag == tmx.SETTINGS and tmx.SETTINGS not in self.stack:
                self.settings_element = self._settings_builder.close()
                self._settings_builder = None
        elif tag in _FEATURE_KINDS:
            self._feature_kind = None

    def data(self, text):
        owner = self._text_owner
        if owner is None:
            if self._settings_builder is not None:
                self._settings_builder.data(text)
        elif owner == tmx.SPOT:
            if not text.isspace():
                self.rois.setdefault(self.spots.n_rows - 1, []).append(text)
        else:
            self.log.append(text)

    def close(self):
        return self


def _parse(path: Path) -> _TrackMateTarget:
    """Feed the file to a target parser in blocks; translate every failure into TrackMateXMLError."""
    target = _TrackMateTarget()
    parser = etree.XMLParser(target=target, resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small lists: the cyclic collector would rescan them over and over
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(_BLOCK_SIZE), b""):
                parser.feed(block)
        parser.close()
    except etree.XMLSyntaxError as exc:
        line, column = (exc.position if exc.position else (exc.lineno, 0))
        raise TrackMateXMLError(f"{path}: not valid XML at line {line}, column {column}: {exc.msg} "
                                "(truncated or corrupt file?)") from None
    except NonNumericAttribute as exc:
        raise TrackMateXMLError(f"{path}: a Spot or Edge {exc} (TrackMate stores numbers only)") from None
    except TrackMateXMLError as exc:
        raise TrackMateXMLError(f"{path}: {exc}") from None
    finally:
        if gc_was_enabled:
            gc.enable()
    return target


def _check_structure(path: Path, target: _TrackMateTarget) -> None:
    if not target.root:
        raise TrackMateXMLError(f"{path}: empty document")
    if target.model is None:
        raise TrackMateXMLError(f"{path}: no <Model> element: not a TrackMate model file")
    if tmx.ALL_SPOTS not in target.seen:
        raise TrackMateXMLError(f"{path}: no <AllSpots> element in <Model>")
    for name in (tmx.ALL_TRACKS, tmx.FILTERED_TRACKS):
        if name not in target.seen:
            logger.warning("%s: no <%s> element (TrackMate would refuse this file); reading it as empty", path, name)


def _declared_ints(target: _TrackMateTarget, kind: str) -> list[str]:
    return [key for key, spec in target.declarations[kind].items() if str(spec.get("isint")).lower() == "true"]


def _spot_frame(target: _TrackMateTarget) -> pd.DataFrame:
    spots = target.spots.to_frame()
    if spots.empty and not len(spots.columns):
        spots = pd.DataFrame({"ID": pd.Series(dtype="int64"), "name": pd.Series(dtype=object)})
    if target.rois:
        roi = pd.Series([None] * len(spots), dtype=object)
        for row, parts in target.rois.items():
            roi.iat[row] = "".join(parts).strip()
        spots["ROI"] = roi
    if "name" not in spots.columns and "ID" in spots.columns:
        spots.insert(min(1, len(spots.columns)), "name", pd.Series([None] * len(spots), dtype=object))
    if "name" in spots.columns and spots["name"].isna().any() and "ID" in spots.columns:
        missing = spots["name"].isna()
        spots.loc[missing, "name"] = "ID" + spots.loc[missing, "ID"].astype("int64").astype(str)
    return cast_integer_columns(spots, _SPOT_INTS + tuple(_declared_ints(target, "spot")))


def read_xml(path) -> TrackMateData:
    """Read a TrackMate XML file.

    Parameters
    ----------
    path : str or PathLike
        A file written by TrackMate (3.x to 8.x), by the old BTrackmate fork (``version="2.0.0"``) or by
        :func:`volltrack.trackmate.write_xml`.

    Returns
    -------
    TrackMateData
        Spots, edges and tracks as DataFrames (integer features as int64), filtered track IDs, settings, log,
        version, units, frame keys and feature declarations.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    TrackMateXMLError
        (a ValueError) If the file has a DTD or entities, is not well-formed (truncated), is not a TrackMate
        file, or a Spot/Edge attribute is not a number. The message names the file, and the line for syntax
        errors.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"TrackMate XML file not found: {path}")
    target = _parse(path)
    _check_structure(path, target)
    try:
        return _to_data(target)
    except NonNumericAttribute as exc:
        raise TrackMateXMLError(f"{path}: a Spot or Edge {exc} (TrackMate stores numbers only)") from None


def _edge_track_ids(track_starts: list[tuple[int, str]], n_edges: int) -> np.ndarray:
    """TRACK_ID of every edge, from the index of each Track's first edge."""
    if not track_starts or track_starts[0][0] > 0:  # edges outside any Track element
        track_starts = [(0, "nan"), *track_starts]
    starts = np.array([start for start, _ in track_starts] + [n_edges])
    ids = np.array([_float_or_nan(text) for _, text in track_starts])
    return np.repeat(ids, np.diff(starts))


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _to_data(target: _TrackMateTarget) -> TrackMateData:
    """Build the DataFrames and the result from a parsed target."""
    n_edges = target.edges.n_rows
    edges = target.edges.to_frame()
    edges["TRACK_ID"] = _edge_track_ids(target.track_starts, n_edges)
    if edges.empty:
        edges = pd.DataFrame({key: pd.Series(dtype="int64") for key in ("SPOT_SOURCE_ID", "SPOT_TARGET_ID", "TRACK_ID")})
    tracks = target.tracks.to_frame()
    if tracks.empty:
        tracks = pd.DataFrame({"name": pd.Series(dtype=object), "TRACK_ID": pd.Series(dtype="int64")})
    model = target.model or {}
    return TrackMateData(
        spots=_spot_frame(target),
        edges=cast_integer_columns(edges, _EDGE_INTS + tuple(_declared_ints(target, "edge"))),
        tracks=cast_integer_columns(tracks, _TRACK_INTS + tuple(_declared_ints(target, "track"))),
        filtered_track_ids=target.filtered,
        settings=parse_settings(target.settings_element) if target.settings_element is not None else {},
        log="".join(target.log).strip(), version=target.root.get("version"),
        space_units=model.get("spatialunits"), time_units=model.get("timeunits"),
        frames=target.frames, feature_declarations=target.declarations)
