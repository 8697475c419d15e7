"""TrackMate's display settings as stored in the ``DisplaySettings`` element of its XML files.

TrackMate (7.x/8.x) stores how spots and tracks are drawn as a JSON object (colours as ``"r, g, b, a"`` text, the
colormap by name, the font as an object) inside ``<DisplaySettings>``; its loader logs an error when the element
is missing. :data:`DEFAULT_DISPLAY_SETTINGS` holds TrackMate 7.14's built-in defaults and
:func:`display_settings_xml` the element volltrack writes (the Java engine writes the same JSON text).
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from volltrack.trackmate import xml_keys as tmx

__all__ = ["DEFAULT_DISPLAY_SETTINGS", "display_settings_json", "display_settings_xml", "GUI_STATE"]

#: Wizard panel TrackMate reopens on a loaded file.
GUI_STATE = "ConfigureViews"


def _rgba(red: int, green: int, blue: int) -> str:
    return f"{red}, {green}, {blue}, 255"


#: TrackMate 7.14's default display settings, members in TrackMate's order.
DEFAULT_DISPLAY_SETTINGS = {
    "name": "Default", "spotUniformColor": _rgba(204, 51, 204), "spotColorByType": "DEFAULT",
    "spotColorByFeature": "UNIFORM_COLOR", "spotDisplayRadius": 1.0, "spotDisplayedAsRoi": True, "spotMin": 0.0,
    "spotMax": 10.0, "spotShowName": False, "trackMin": 0.0, "trackMax": 10.0, "trackColorByType": "DEFAULT",
    "trackColorByFeature": "TRACK_INDEX", "trackUniformColor": _rgba(204, 204, 51),
    "undefinedValueColor": _rgba(0, 0, 0), "missingValueColor": _rgba(89, 89, 89),
    "highlightColor": _rgba(51, 230, 51), "trackDisplayMode": "FULL", "colormap": "Jet",
    "limitZDrawingDepth": False, "drawingZDepth": 10.0, "fadeTracks": True, "fadeTrackRange": 30,
    "useAntialiasing": True, "spotVisible": True, "trackVisible": True,
    "font": {"name": "Arial", "style": 1, "size": 12, "pointSize": 12.0, "fontSerializedDataVersion": 1},
    "lineThickness": 1.0, "selectionLineThickness": 4.0, "trackschemeBackgroundColor1": _rgba(128, 128, 128),
    "trackschemeBackgroundColor2": _rgba(192, 192, 192), "trackschemeForegroundColor": _rgba(0, 0, 0),
    "trackschemeDecorationColor": _rgba(0, 0, 0), "trackschemeFillBox": False, "spotFilled": False,
    "spotTransparencyAlpha": 1.0,
}


def display_settings_json(settings: dict | None = None) -> str:
    """Return display settings (default: TrackMate's defaults) as TrackMate's pretty-printed JSON text."""
    return json.dumps(DEFAULT_DISPLAY_SETTINGS if settings is None else settings, indent=2)


def display_settings_xml(settings: dict | None = None, *, indent: str = "  ") -> str:
    """Return the ``GUIState`` and ``DisplaySettings`` elements (one line each, then the JSON text)."""
    return (f'{indent}<{tmx.GUISTATE} state="{GUI_STATE}" />\n'
            f"{indent}<{tmx.DISPLAY_SETTINGS}>{escape(display_settings_json(settings))}</{tmx.DISPLAY_SETTINGS}>\n")
