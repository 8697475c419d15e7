"""The ``Settings`` element of TrackMate XML: parse it into a dict, and write one (trackmate.md §1.10-1.11).

The dict form keeps TrackMate's own keys: ``tracker`` is flat, one entry per TrackerKeys key
(``LINKING_MAX_DISTANCE``, ``ALLOW_GAP_CLOSING``, ..., ``LINKING_FEATURE_PENALTIES`` as a dict), which is how
the tracker settings model of :mod:`volltrack.tracking` names them.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import quoteattr

import numpy as np

from volltrack.trackmate import xml_keys as tmx

__all__ = ["parse_settings", "settings_xml", "format_settings_number", "PENALTY_KEYS"]

#: Child element of TrackerSettings -> (its TrackerKeys attributes, key of its FeaturePenalties map).
_TRACKER_CHILDREN = {
    tmx.LINKING: (("LINKING_MAX_DISTANCE",), "LINKING_FEATURE_PENALTIES"),
    tmx.GAP_CLOSING: (("ALLOW_GAP_CLOSING", "GAP_CLOSING_MAX_DISTANCE", "MAX_FRAME_GAP"), "GAP_CLOSING_FEATURE_PENALTIES"),
    tmx.TRACK_SPLITTING: (("ALLOW_TRACK_SPLITTING", "SPLITTING_MAX_DISTANCE"), "SPLITTING_FEATURE_PENALTIES"),
    tmx.TRACK_MERGING: (("ALLOW_TRACK_MERGING", "MERGING_MAX_DISTANCE"), "MERGING_FEATURE_PENALTIES"),
}
PENALTY_KEYS = {penalty: child for child, (_, penalty) in _TRACKER_CHILDREN.items()}
_TOP_LEVEL = ("CUTOFF_PERCENTILE", "ALTERNATIVE_LINKING_COST_FACTOR", "BLOCKING_VALUE")
_INT_KEYS = {"MAX_FRAME_GAP", "MIN_TRACKLET_LENGTH", "TARGET_CHANNEL", "width", "height", "nslices", "nframes",
             "xstart", "xend", "ystart", "yend", "zstart", "zend", "tstart", "tend"}
_ANALYZER_KINDS = {tmx.SPOT_ANALYZERS: "spot", tmx.EDGE_ANALYZERS: "edge", tmx.TRACK_ANALYZERS: "track"}


def _value(key: str, text: str):
    """Convert an attribute to bool, int or float where it is one; keep other text."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        number = float(text)
    except ValueError:
        return text
    if key in _INT_KEYS and math.isfinite(number) and number == int(number):
        return int(number)
    return number


def _attributes(element) -> dict:
    return {key: _value(key, text) for key, text in element.attrib.items()}


def _filters(element) -> list[dict]:
    if element is None:
        return []
    return [_attributes(child) for child in element if child.tag == tmx.FILTER]


def _tracker(element) -> tuple[str | None, dict]:
    attributes = _attributes(element)
    name = attributes.pop("TRACKER_NAME", None)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        attributes.update(_attributes(child))
        penalties = child.find(tmx.FEATURE_PENALTIES)
        if child.tag in _TRACKER_CHILDREN:
            attributes[_TRACKER_CHILDREN[child.tag][1]] = (
                {key: float(value) for key, value in penalties.attrib.items()} if penalties is not None else {})
    return name, attributes


def parse_settings(element) -> dict:
    """Parse a ``Settings`` element (an lxml element) into a dict of the parts it has."""
    out: dict = {}
    simple = {tmx.IMAGE_DATA: "image_data", tmx.BASIC_SETTINGS: "basic", tmx.DETECTOR_SETTINGS: "detector",
              tmx.INITIAL_SPOT_FILTER: "initial_spot_filter"}
    for tag, key in simple.items():
        child = element.find(tag)
        if child is not None:
            out[key] = _attributes(child)
    out["spot_filters"] = _filters(element.find(tmx.SPOT_FILTER_COLLECTION))
    out["track_filters"] = _filters(element.find(tmx.TRACK_FILTER_COLLECTION))
    tracker = element.find(tmx.TRACKER_SETTINGS)
    if tracker is not None:
        out["tracker_name"], out["tracker"] = _tracker(tracker)
        engine = element.find(tmx.ENGINE_SETTINGS)
        if engine is not None:         # the engine's own keys (older volltrack files have them in TrackerSettings)
            out["tracker"].update(_attributes(engine))
    analyzers = element.find(tmx.ANALYZER_COLLECTION)
    if analyzers is not None:
        out["analyzers"] = {kind: [a.get("key") for a in analyzers.find(tag) if a.get("key")]
                            for tag, kind in _ANALYZER_KINDS.items() if analyzers.find(tag) is not None}
    return out


def format_settings_number(value) -> str:
    """Plain decimal text for settings numbers (TrackMate's NumberParser rejects exponents).

    Examples
    --------
    >>> format_settings_number(15.0), format_settings_number(1e-5), format_settings_number(float("inf"))
    ('15.0', '0.00001', 'Infinity')
    """
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return np.format_float_positional(value, trim="0")


def _attribute_text(key: str, value) -> str:
    if isinstance(value, (bool, int, float, np.integer, np.floating, np.bool_)):
        text = format_settings_number(value)
        if key in _INT_KEYS and not isinstance(value, (bool, np.bool_)):
            text = str(int(float(value)))
        return f"{key}={quoteattr(text)}"
    return f"{key}={quoteattr(str(value))}"


def _element(tag: str, attributes: dict, indent: str, children: list[str] | None = None) -> str:
    attrs = "".join(" " + _attribute_text(k, v) for k, v in attributes.items())
    if not children:
        return f"{indent}<{tag}{attrs} />\n"
    return f"{indent}<{tag}{attrs}>\n" + "".join(children) + f"{indent}</{tag}>\n"


def _tracker_xml(name: str, tracker: dict, indent: str) -> tuple[str, dict]:
    """The ``TrackerSettings`` element (TrackMate's LAP layout) and the keys left: the engine's own."""
    tracker = dict(tracker)
    top = {"TRACKER_NAME": name, **{k: tracker.pop(k) for k in _TOP_LEVEL if k in tracker}}
    children = []
    for child, (keys, penalty_key) in _TRACKER_CHILDREN.items():
        attributes = {k: tracker.pop(k) for k in keys if k in tracker}
        penalties = tracker.pop(penalty_key, {}) or {}
        if attributes or penalties:
            children.append(_element(child, attributes, indent + "  ",
                                     [_element(tmx.FEATURE_PENALTIES, penalties, indent + "    ")]))
    engine = {k: v for k, v in tracker.items() if not isinstance(v, dict)}
    return _element(tmx.TRACKER_SETTINGS, top, indent, children), engine


def settings_xml(settings: dict, *, indent: str = "  ") -> str:
    """Text of a ``Settings`` element with every child TrackMate requires.

    Parameters
    ----------
    settings : dict
        As returned by :func:`parse_settings`; ``image_data`` is required, the rest gets defaults
        (initial filter QUALITY >= 0, no filters, manual detector, no analyzers).
    indent : str, optional
        Indentation of the element. Default two spaces.
    """
    inner = indent + "  "
    parts = [_element(tmx.IMAGE_DATA, settings["image_data"], inner)]
    if settings.get("basic"):
        parts.append(_element(tmx.BASIC_SETTINGS, settings["basic"], inner))
    parts.append(_element(tmx.DETECTOR_SETTINGS, settings.get("detector") or {"DETECTOR_NAME": "MANUAL_DETECTOR"}, inner))
    parts.append(_element(tmx.INITIAL_SPOT_FILTER, settings.get("initial_spot_filter")
                          or {"feature": "QUALITY", "value": 0.0, "isabove": True}, inner))
    parts.append(_element(tmx.SPOT_FILTER_COLLECTION, {}, inner,
                          [_element(tmx.FILTER, f, inner + "  ") for f in settings.get("spot_filters", [])]))
    engine = None
    if settings.get("tracker") is not None:
        tracker, engine = _tracker_xml(settings.get("tracker_name") or "SPARSE_LAP_TRACKER", settings["tracker"], inner)
        parts.append(tracker)
    parts.append(_element(tmx.TRACK_FILTER_COLLECTION, {}, inner,
                          [_element(tmx.FILTER, f, inner + "  ") for f in settings.get("track_filters", [])]))
    analyzers = settings.get("analyzers") or {}
    parts.append(_element(tmx.ANALYZER_COLLECTION, {}, inner, [
        _element(tag, {}, inner + "  ", [_element(tmx.ANALYZER, {"key": key}, inner + "    ")
                                         for key in analyzers.get(kind, [])])
        for tag, kind in _ANALYZER_KINDS.items()]))
    if engine is not None:             # the engine's own keys, where the Java writer puts them (TrackMate ignores it)
        parts.append(_element(tmx.ENGINE_SETTINGS, engine, inner))
    return _element(tmx.SETTINGS, {}, indent, parts)
