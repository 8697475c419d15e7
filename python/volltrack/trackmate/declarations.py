"""Feature declarations written in ``FeatureDeclarations``: names, short names, Dimension and int flag.

Every value of ``dimension`` is a constant of TrackMate's ``fiji.plugin.trackmate.Dimension`` enum (a wrong name
kills TrackMate's loader). Features not listed here are declared with dimension ``NONE`` and their int flag from
the column's dtype. Source: trackmate.md §5 (TrackMate 7.x/8.x core) plus volltrack's own spot features.

The Java engine declares the same features in ``org.volltrack.btrackmate.model.FeatureKeys``;
``tests/test_keys_catalogue.py`` fails when the two differ.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SPOT_DECLARATIONS", "EDGE_DECLARATIONS", "TRACK_DECLARATIONS", "VALID_DIMENSIONS", "declaration_for"]

#: The constants of TrackMate's Dimension enum (7.x/8.x).
VALID_DIMENSIONS = frozenset({"NONE", "QUALITY", "COST", "INTENSITY", "INTENSITY_SQUARED", "POSITION", "VELOCITY",
                              "LENGTH", "AREA", "TIME", "ANGLE", "RATE", "ANGLE_RATE", "STRING"})


def _table(rows: str) -> dict[str, tuple[str, str, str, bool]]:
    """Parse ``KEY | name | short name | DIMENSION | int`` lines."""
    table = {}
    for line in rows.strip().splitlines():
        key, name, short, dimension, is_int = (part.strip() for part in line.split("|"))
        table[key] = (name, short, dimension, is_int == "int")
    return table


SPOT_DECLARATIONS = _table("""
QUALITY | Quality | Quality | QUALITY | float
POSITION_X | X | X | POSITION | float
POSITION_Y | Y | Y | POSITION | float
POSITION_Z | Z | Z | POSITION | float
POSITION_T | T | T | TIME | float
FRAME | Frame | Frame | NONE | int
RADIUS | Radius | R | LENGTH | float
VISIBILITY | Visibility | Visibility | NONE | int
MANUAL_SPOT_COLOR | Manual spot color | Spot color | NONE | int
MEAN_INTENSITY_CH1 | Mean intensity ch1 | Mean ch1 | INTENSITY | float
MEDIAN_INTENSITY_CH1 | Median intensity ch1 | Median ch1 | INTENSITY | float
MIN_INTENSITY_CH1 | Min intensity ch1 | Min ch1 | INTENSITY | float
MAX_INTENSITY_CH1 | Max intensity ch1 | Max ch1 | INTENSITY | float
TOTAL_INTENSITY_CH1 | Sum intensity ch1 | Sum ch1 | INTENSITY | float
STD_INTENSITY_CH1 | Std intensity ch1 | Std ch1 | INTENSITY | float
CONTRAST_CH1 | Contrast ch1 | Ctrst ch1 | NONE | float
SNR_CH1 | Signal/Noise ratio ch1 | SNR ch1 | NONE | float
LABEL | Label | Label | NONE | int
VOLUME | Volume | Volume | NONE | float
INSIDE_TISSUE | Inside tissue | In tissue | NONE | int
TISSUE_FRACTION | Tissue fraction | Tissue frac. | NONE | float
DISTANCE_TO_BOUNDARY | Distance to boundary | Dist. bnd. | LENGTH | float
""")

EDGE_DECLARATIONS = _table("""
SPOT_SOURCE_ID | Source spot ID | Source ID | NONE | int
SPOT_TARGET_ID | Target spot ID | Target ID | NONE | int
LINK_COST | Edge cost | Cost | COST | float
SPEED | Speed | Speed | VELOCITY | float
DISPLACEMENT | Displacement | Disp. | LENGTH | float
EDGE_TIME | Edge time | Edge T | TIME | float
EDGE_X_LOCATION | Edge X | Edge X | POSITION | float
EDGE_Y_LOCATION | Edge Y | Edge Y | POSITION | float
EDGE_Z_LOCATION | Edge Z | Edge Z | POSITION | float
DIRECTIONAL_CHANGE_RATE | Directional change rate | γ rate | ANGLE_RATE | float
MANUAL_EDGE_COLOR | Manual edge color | Edge color | NONE | int
""")

TRACK_DECLARATIONS = _table("""
TRACK_INDEX | Track index | Index | NONE | int
TRACK_ID | Track ID | ID | NONE | int
NUMBER_SPOTS | Number of spots in track | N spots | NONE | int
NUMBER_GAPS | Number of gaps | N gaps | NONE | int
LONGEST_GAP | Longest gap | Lgst gap | NONE | int
NUMBER_SPLITS | Number of split events | N splits | NONE | int
NUMBER_MERGES | Number of merge events | N merges | NONE | int
NUMBER_COMPLEX | Number of complex points | N complex | NONE | int
TRACK_DURATION | Track duration | Duration | TIME | float
TRACK_START | Track start | Track start | TIME | float
TRACK_STOP | Track stop | Track stop | TIME | float
TRACK_DISPLACEMENT | Track displacement | Track disp. | LENGTH | float
TRACK_X_LOCATION | Track mean X | Track X | POSITION | float
TRACK_Y_LOCATION | Track mean Y | Track Y | POSITION | float
TRACK_Z_LOCATION | Track mean Z | Track Z | POSITION | float
TRACK_MEAN_SPEED | Track mean speed | Mean sp. | VELOCITY | float
TRACK_MAX_SPEED | Track max speed | Max speed | VELOCITY | float
TRACK_MIN_SPEED | Track min speed | Min speed | VELOCITY | float
TRACK_MEDIAN_SPEED | Track median speed | Med. speed | VELOCITY | float
TRACK_STD_SPEED | Track std speed | Std speed | VELOCITY | float
TRACK_MEAN_QUALITY | Track mean quality | Mean Q | QUALITY | float
TOTAL_DISTANCE_TRAVELED | Total distance traveled | Total dist. | LENGTH | float
MAX_DISTANCE_TRAVELED | Max distance traveled | Max dist. | LENGTH | float
CONFINEMENT_RATIO | Confinement ratio | Cfn. ratio | NONE | float
MEAN_STRAIGHT_LINE_SPEED | Mean straight line speed | Mn. v. line | VELOCITY | float
LINEARITY_OF_FORWARD_PROGRESSION | Linearity of forward progression | Fwd. progr. | NONE | float
MEAN_DIRECTIONAL_CHANGE_RATE | Mean directional change rate | Mn. γ rate | ANGLE_RATE | float
""")

_TABLES = {"spot": SPOT_DECLARATIONS, "edge": EDGE_DECLARATIONS, "track": TRACK_DECLARATIONS}


def declaration_for(kind: str, key: str, *, is_int: bool, known: dict[str, Any] | None = None) -> tuple[str, str, str, bool]:
    """(name, short name, dimension, is int) for feature ``key`` of ``kind`` ("spot", "edge", "track").

    ``known`` may hold declarations read from a file (``TrackMateData.feature_declarations[kind]``); they are
    used when valid, so that re-written files keep their names.
    """
    if key in _TABLES[kind]:
        return _TABLES[kind][key]
    spec = (known or {}).get(key)
    if spec and spec.get("dimension") in VALID_DIMENSIONS and spec.get("name") and spec.get("shortname"):
        return spec["name"], spec["shortname"], spec["dimension"], str(spec.get("isint")).lower() == "true"
    return key.replace("_", " ").capitalize(), key[:12], "NONE", is_int
