"""Tracker settings: one typed model that mirrors the Java ``org.volltrack.btrackmate.TrackerKeys``.

Every field is a TrackMate LAP-tracker key (``trackmate.md`` §3.1) or one of BTrackmate's own keys
(``MIN_TRACKLET_LENGTH``, ``PRUNE_MODE``, ``TISSUE_FILTER``, ``TISSUE_MIN_FRACTION``, and the division-aware
mode's ``TRACKING_MODE``, ``DIVISION_MAX_COST``, ``DIVISION_SIZE_WEIGHT``, ``DIVISION_VOLUME_WEIGHT``, ``DIVISION_DISTANCE_WEIGHT``,
``DIVISION_SEPARATION_WEIGHT``, ``DIVISION_BORDER_WEIGHT``, ``DIVISION_INTENSITY_WEIGHT``,
``DIVISION_BOUNDARY_WEIGHT``, ``DIVISION_MERGE_WEIGHT``, ``DIVISION_FRAGMENT_WEIGHT``,
``DIVISION_FRAGMENT_RATIO``). Fields have
Python names (``linking_max_distance``) and the TrackMate key as alias (``LINKING_MAX_DISTANCE``); both
are accepted on input, unknown keys are rejected, and :meth:`TrackerSettings.to_json` gives the flat JSON
object of TrackMate keys that the Java engine takes. The defaults are those of
``TrackerKeys.defaultSettings()``; a test checks the two against each other through the JVM.

Examples
--------
>>> from volltrack.tracking.settings import TrackerSettings
>>> settings = TrackerSettings(LINKING_MAX_DISTANCE=10, allow_track_splitting=True)
>>> settings.linking_max_distance
10.0
>>> settings.to_dict()["ALLOW_TRACK_SPLITTING"]
True
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PenaltyMap = Dict[str, float]


def _key(alias: str, default: Any, description: str, **constraints: Any) -> Any:
    """Declare a settings field whose alias is the TrackMate key."""
    return Field(default, alias=alias, description=description, **constraints)


class TrackerSettings(BaseModel):
    """Settings of the BTrackmate LAP tracker, with TrackMate's keys and defaults.

    Construct from keyword arguments (Python names or TrackMate keys), from a mapping with
    :meth:`from_mapping`, or from a JSON/YAML file with :meth:`from_file`. Integers are accepted where
    floats are expected; strings that are not numbers, booleans or known prune modes are rejected with
    a :class:`pydantic.ValidationError` (a :class:`ValueError`) that names the key.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True,
                              frozen=False, serialize_by_alias=True)

    linking_max_distance: float = _key(
        "LINKING_MAX_DISTANCE", 15.0, "Maximum distance (physical units) of a frame-to-frame link.", ge=0)
    linking_feature_penalties: PenaltyMap = _key(
        "LINKING_FEATURE_PENALTIES", {}, "Spot feature -> weight penalties of frame-to-frame links.")
    allow_gap_closing: bool = _key(
        "ALLOW_GAP_CLOSING", True, "Link track segments across missing detections.")
    gap_closing_max_distance: float = _key(
        "GAP_CLOSING_MAX_DISTANCE", 15.0, "Maximum distance (physical units) of a gap-closing link.", ge=0)
    max_frame_gap: int = _key(
        "MAX_FRAME_GAP", 2, "Maximum frame difference of a gap-closing link.", ge=0)
    gap_closing_feature_penalties: PenaltyMap = _key(
        "GAP_CLOSING_FEATURE_PENALTIES", {}, "Spot feature -> weight penalties of gap-closing links.")
    allow_track_splitting: bool = _key(
        "ALLOW_TRACK_SPLITTING", False, "Allow a track to split in two (cell divisions).")
    splitting_max_distance: float = _key(
        "SPLITTING_MAX_DISTANCE", 15.0, "Maximum distance (physical units) of a splitting link.", ge=0)
    splitting_feature_penalties: PenaltyMap = _key(
        "SPLITTING_FEATURE_PENALTIES", {}, "Spot feature -> weight penalties of splitting links.")
    allow_track_merging: bool = _key(
        "ALLOW_TRACK_MERGING", False, "Allow two tracks to merge into one.")
    merging_max_distance: float = _key(
        "MERGING_MAX_DISTANCE", 15.0, "Maximum distance (physical units) of a merging link.", ge=0)
    merging_feature_penalties: PenaltyMap = _key(
        "MERGING_FEATURE_PENALTIES", {}, "Spot feature -> weight penalties of merging links.")
    alternative_linking_cost_factor: float = _key(
        "ALTERNATIVE_LINKING_COST_FACTOR", 1.05,
        "Factor applied to the maximum (step 1) or percentile (step 2) cost to get the no-link cost.", gt=0)
    cutoff_percentile: float = _key(
        "CUTOFF_PERCENTILE", 0.9, "Percentile of the segment-linking costs used for the no-link cost.",
        ge=0, le=1)
    blocking_value: float = _key(
        "BLOCKING_VALUE", math.inf, "Cost of forbidden links (stored for TrackMate; unused by the sparse "
        "tracker).")
    min_tracklet_length: int = _key(
        "MIN_TRACKLET_LENGTH", 0, "Remove tracklets with fewer spots than this after tracking (0 = off).",
        ge=0)
    prune_mode: Literal["BRANCH", "TRACK", "BOTH"] = _key(
        "PRUNE_MODE", "BRANCH", "What MIN_TRACKLET_LENGTH prunes: short branches (BRANCH), whole short "
        "tracks (TRACK) or both (BOTH).")
    tissue_filter: bool = _key(
        "TISSUE_FILTER", False, "Track only spots inside the tissue mask (spot feature TISSUE_FRACTION).")
    tissue_min_fraction: float = _key(
        "TISSUE_MIN_FRACTION", 0.5, "Minimum TISSUE_FRACTION of a spot kept by the tissue filter.",
        ge=0, le=1)
    tracking_mode: Literal["EXACT_LAP", "DIVISION_AWARE"] = _key(
        "TRACKING_MODE", "EXACT_LAP", "EXACT_LAP: TrackMate's LAP tracker, bit for bit (default). "
        "DIVISION_AWARE: the LAP's links, then every division chosen by its division cost (docs/divisions.md).")
    division_max_cost: float = _key(
        "DIVISION_MAX_COST", 0.5, "DIVISION_AWARE: largest division cost accepted.", ge=0)
    division_size_weight: float = _key(
        "DIVISION_SIZE_WEIGHT", 1.0, "DIVISION_AWARE: weight of ln(daughter volume ratio)^2 in the division cost.",
        ge=0)
    division_volume_weight: float = _key(
        "DIVISION_VOLUME_WEIGHT", 0.5, "DIVISION_AWARE: weight of ln(daughter volumes / mother volume)^2 in the "
        "division cost.", ge=0)
    division_distance_weight: float = _key(
        "DIVISION_DISTANCE_WEIGHT", 1.0, "DIVISION_AWARE: weight of ln(|a - m| / |b - m|)^2 (daughters equally far "
        "from the mother) in the division cost.", ge=0)
    division_separation_weight: float = _key(
        "DIVISION_SEPARATION_WEIGHT", 0.0, "DIVISION_AWARE: weight of (half the daughters' distance / mother "
        "radius)^2 (daughters still close together) in the division cost.", ge=0)
    division_border_weight: float = _key(
        "DIVISION_BORDER_WEIGHT", 0.0, "DIVISION_AWARE: weight of the border term (a daughter without LAP "
        "predecessor at the edge of the cells, where cells enter the field) in the division cost.", ge=0)
    division_intensity_weight: float = _key(
        "DIVISION_INTENSITY_WEIGHT", 0.0, "DIVISION_AWARE: weight of ln(I_a / I_m)^2 + ln(I_b / I_m)^2 (daughters "
        "as bright as their mother; I = MEAN_INTENSITY_CH1 above 0.9 x the frame's dimmest spot, the term is 0 "
        "without that feature) in the division cost.", ge=0)
    division_boundary_weight: float = _key(
        "DIVISION_BOUNDARY_WEIGHT", 0.0, "DIVISION_AWARE: weight of exp(-d / R_mother) for a daughter without LAP "
        "predecessor, d its DISTANCE_TO_BOUNDARY (a cell entering the tissue sits at its boundary; the term is 0 "
        "for spots without a finite value) in the division cost.", ge=0)
    division_merge_weight: float = _key(
        "DIVISION_MERGE_WEIGHT", 0.0, "DIVISION_AWARE: weight of exp(-e / R_mother), e the distance from the mother "
        "to the nearest spot of the frame before without LAP successor, within SPLITTING_MAX_DISTANCE (a cell that "
        "vanished into the mother: two cells merged by the segmentation) in the division cost.", ge=0)
    division_fragment_weight: float = _key(
        "DIVISION_FRAGMENT_WEIGHT", 0.0, "DIVISION_AWARE: weight of max(0, ln(DIVISION_FRAGMENT_RATIO x V_m / "
        "(V_a + V_b)))^2 (daughters whose volumes sum to less than that ratio times the mother's: pieces of one "
        "cell split by the segmentation) in the division cost.", ge=0)
    division_fragment_ratio: float = _key(
        "DIVISION_FRAGMENT_RATIO", 1.0, "DIVISION_AWARE: daughters' volumes over the mother's below which the "
        "fragment term counts.", gt=0)

    @field_validator("linking_feature_penalties", "gap_closing_feature_penalties",
                     "splitting_feature_penalties", "merging_feature_penalties")
    @classmethod
    def _finite_penalties(cls, value: PenaltyMap) -> PenaltyMap:
        for feature, weight in value.items():
            if not feature or not math.isfinite(weight) or weight < 0:
                raise ValueError(f"penalty {feature!r}: {weight!r}; expected a spot feature key with a "
                                 "finite weight >= 0")
        return value

    @field_validator("alternative_linking_cost_factor", "cutoff_percentile", "tissue_min_fraction",
                     "division_max_cost", "division_size_weight", "division_volume_weight",
                     "division_distance_weight")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return value

    @field_validator("blocking_value")
    @classmethod
    def _not_nan(cls, value: float) -> float:
        if math.isnan(value):
            raise ValueError("NaN is not a valid value")
        return value

    @field_validator("linking_max_distance", "gap_closing_max_distance", "splitting_max_distance",
                     "merging_max_distance")
    @classmethod
    def _finite_distance(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite distance; give a number >= 0 in physical units (a large "
                             "one for no limit)")
        return value

    @field_validator("allow_gap_closing", "allow_track_splitting", "allow_track_merging", "tissue_filter",
                     mode="before")
    @classmethod
    def _plain_bool(cls, value: Any) -> Any:
        """true/false only (as the engine jar): "yes", "on", 1 ... are not guessed to mean true."""
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ValueError(f"{value!r} is not true or false")

    @field_validator("prune_mode", "tracking_mode", mode="before")
    @classmethod
    def _upper_case_mode(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def keys(cls) -> list[str]:
        """Return the TrackMate keys of all settings, in declaration order."""
        return [field.alias for field in cls.model_fields.values()]

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> "TrackerSettings":
        """Build settings from a mapping of TrackMate keys or Python names; None gives the defaults.

        Raises
        ------
        ValueError
            One line per problem, naming the key, the value given and what is expected.
        """
        try:
            return cls.model_validate(dict(values or {}))
        except ValidationError as exc:
            raise ValueError(_describe(exc, cls.keys())) from None

    @classmethod
    def from_file(cls, path: str | Path) -> "TrackerSettings":
        """Read settings from a JSON or YAML file holding one mapping of keys to values.

        Raises
        ------
        FileNotFoundError
            When ``path`` does not exist.
        ValueError
            When the file is not a mapping, cannot be parsed, or holds unknown keys or bad values.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"settings file {path}: not a JSON or YAML text file (not UTF-8 text)") from None
        try:
            if path.suffix.lower() in (".yaml", ".yml"):
                values = _load_yaml_strict_booleans(text)
            else:
                values = json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
        except Exception as exc:  # noqa: BLE001 -- any parse error is reported with the file name
            raise ValueError(f"settings file {path}: cannot parse it ({exc})") from None
        if not isinstance(values, dict):
            raise ValueError(f"settings file {path}: expected one mapping of keys to values, got "
                             f"{type(values).__name__}")
        known = cls.keys()
        for key in values:
            if key not in known:
                hint = (f"; TrackMate keys are upper case: {str(key).upper()}" if str(key).upper() in known
                        else f"; known keys: {', '.join(known)}")
                raise ValueError(f"settings file {path}: unknown key {key!r}{hint}")
        try:
            return cls.from_mapping(values)
        except ValueError as exc:
            raise ValueError(f"settings file {path}: {exc}") from None

    def updated(self, values: Mapping[str, Any]) -> "TrackerSettings":
        """Return a copy with ``values`` (TrackMate keys or Python names) replacing the current ones."""
        merged = self.to_dict()
        by_name = {name: field.alias for name, field in type(self).model_fields.items()}
        for key, value in values.items():
            merged[by_name.get(key, key)] = value
        return type(self).from_mapping(merged)

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a flat dict keyed by TrackMate keys."""
        return self.model_dump(by_alias=True)

    def to_json(self) -> str:
        """Return the flat JSON object of TrackMate keys that ``ArrayBridge.track`` takes.

        JSON has no infinity, so an infinite ``BLOCKING_VALUE`` (the default, unused by the sparse
        tracker) is left out and the engine fills in its default (+infinity).
        """
        values = self.to_dict()
        if math.isinf(values["BLOCKING_VALUE"]):
            if values["BLOCKING_VALUE"] < 0:
                raise ValueError("BLOCKING_VALUE: -infinity cannot be passed to the engine")
            del values["BLOCKING_VALUE"]
        return json.dumps(values, allow_nan=False)


def _load_yaml_strict_booleans(text: str) -> Any:
    """YAML's safe load, but only true/false are booleans: YAML 1.1's yes/no/on/off stay strings (and are then
    refused as booleans), as in a JSON settings file and in the engine jar."""
    import re

    import yaml

    class StrictBoolLoader(yaml.SafeLoader):
        pass

    bool_tag = "tag:yaml.org,2002:bool"
    StrictBoolLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != bool_tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    StrictBoolLoader.add_implicit_resolver(bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                           list("tTfF"))
    return yaml.load(text, Loader=StrictBoolLoader)  # noqa: S506 -- a SafeLoader subclass


def _refuse_duplicate_keys(pairs):
    """A JSON object naming a key twice is refused (which value is meant cannot be known)."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"key {key!r} is given twice")
        seen[key] = value
    return seen


def _describe(error: ValidationError, known: list[str]) -> str:
    """Summarise a pydantic ValidationError as '; '-separated 'KEY: problem (got value)' items."""
    items = []
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"]) or "settings"
        if problem["type"] == "extra_forbidden":
            items.append(f"{key}: unknown tracker settings key (known keys: {', '.join(known)})")
        else:
            items.append(f"{key}: {problem['msg']} (got {problem.get('input')!r})")
    return "tracker settings: " + "; ".join(items)


def as_settings(settings: "TrackerSettings | Mapping[str, Any] | str | Path | None") -> TrackerSettings:
    """Return ``settings`` as :class:`TrackerSettings` (from an instance, a mapping, a file path or None)."""
    if settings is None:
        return TrackerSettings()
    if isinstance(settings, TrackerSettings):
        return settings
    if isinstance(settings, (str, Path)):
        return TrackerSettings.from_file(settings)
    if isinstance(settings, Mapping):
        return TrackerSettings.from_mapping(settings)
    raise TypeError(f"settings: got {type(settings).__name__}; expected TrackerSettings, a mapping of "
                    "TrackMate keys, a JSON/YAML file path or None")


#: The engine's own keys, in the order of Java's ``TrackerKeys.engineKeys()`` (a test compares them): written in
#: the XML's ``BTrackmateSettings`` element and never given to TrackMate's tracker.
ENGINE_KEYS: tuple[str, ...] = ("MIN_TRACKLET_LENGTH", "PRUNE_MODE", "TISSUE_FILTER", "TISSUE_MIN_FRACTION",
                                "TRACKING_MODE", "DIVISION_MAX_COST", "DIVISION_SIZE_WEIGHT",
                                "DIVISION_VOLUME_WEIGHT", "DIVISION_DISTANCE_WEIGHT", "DIVISION_SEPARATION_WEIGHT",
                                "DIVISION_BORDER_WEIGHT", "DIVISION_INTENSITY_WEIGHT", "DIVISION_BOUNDARY_WEIGHT",
                                "DIVISION_MERGE_WEIGHT", "DIVISION_FRAGMENT_WEIGHT", "DIVISION_FRAGMENT_RATIO")
#: TrackMate's LAP tracker keys: every other key of :class:`TrackerSettings`.
LAP_KEYS: tuple[str, ...] = tuple(key for key in TrackerSettings.keys() if key not in ENGINE_KEYS)
