"""TrackerSettings: validation in Python, and agreement with the Java TrackerKeys through the JVM."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from tracking_jvm import jvm  # noqa: F401 -- session fixture
from volltrack.tracking.settings import TrackerSettings, as_settings


def test_defaults_are_trackmate_defaults():
    values = TrackerSettings().to_dict()
    assert values["LINKING_MAX_DISTANCE"] == 15.0 and values["MAX_FRAME_GAP"] == 2
    assert values["ALLOW_GAP_CLOSING"] is True and values["ALLOW_TRACK_SPLITTING"] is False
    assert values["ALTERNATIVE_LINKING_COST_FACTOR"] == 1.05 and values["CUTOFF_PERCENTILE"] == 0.9
    assert math.isinf(values["BLOCKING_VALUE"]) and values["LINKING_FEATURE_PENALTIES"] == {}
    assert (values["MIN_TRACKLET_LENGTH"], values["PRUNE_MODE"], values["TISSUE_FILTER"],
            values["TISSUE_MIN_FRACTION"]) == (0, "BRANCH", False, 0.5)


def test_keys_and_python_names_ints_for_floats_and_penalties():
    settings = TrackerSettings(LINKING_MAX_DISTANCE=10, gap_closing_max_distance=12,
                               SPLITTING_FEATURE_PENALTIES={"QUALITY": 1}, prune_mode="track")
    assert settings.linking_max_distance == 10.0 and isinstance(settings.linking_max_distance, float)
    assert settings.to_dict()["GAP_CLOSING_MAX_DISTANCE"] == 12.0
    assert settings.splitting_feature_penalties == {"QUALITY": 1.0}
    assert settings.prune_mode == "TRACK"
    assert settings.updated({"MAX_FRAME_GAP": "3"}).max_frame_gap == 3


@pytest.mark.parametrize("values, message", [
    ({"LINKING_MAX_DSTANCE": 5.0}, "LINKING_MAX_DSTANCE"),
    ({"LINKING_MAX_DISTANCE": "abc"}, "LINKING_MAX_DISTANCE"),
    ({"MAX_FRAME_GAP": 2.5}, "MAX_FRAME_GAP"),
    ({"PRUNE_MODE": "SOMETIMES"}, "PRUNE_MODE"),
    ({"CUTOFF_PERCENTILE": 1.5}, "CUTOFF_PERCENTILE"),
    ({"LINKING_FEATURE_PENALTIES": {"QUALITY": -1}}, "LINKING_FEATURE_PENALTIES"),
])
def test_bad_values_are_rejected_naming_the_key(values, message):
    with pytest.raises(ValueError, match=message):
        TrackerSettings.from_mapping(values)


def test_from_json_and_yaml_files(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps({"LINKING_MAX_DISTANCE": 7}))
    (tmp_path / "s.yaml").write_text("ALLOW_TRACK_SPLITTING: true\nSPLITTING_MAX_DISTANCE: 9\n")
    assert as_settings(tmp_path / "s.json").linking_max_distance == 7.0
    assert as_settings(str(tmp_path / "s.yaml")).allow_track_splitting is True
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="bad.json"):
        as_settings(tmp_path / "bad.json")


def test_to_json_is_flat_and_round_trips():
    settings = TrackerSettings(MERGING_FEATURE_PENALTIES={"RADIUS": 0.5})
    parsed = json.loads(settings.to_json())
    assert set(parsed) == set(TrackerSettings.keys()) - {"BLOCKING_VALUE"}     # +inf = engine default
    assert TrackerSettings.from_mapping(parsed) == settings
    assert json.loads(TrackerSettings(BLOCKING_VALUE=1e9).to_json())["BLOCKING_VALUE"] == 1e9


def _java_defaults(jvm) -> dict:
    keys = jvm("org.volltrack.btrackmate.TrackerKeys")
    java = keys.defaultSettings()
    out = {}
    for key in java.keySet():
        value = java.get(key)
        if hasattr(value, "keySet"):
            out[str(key)] = ("map", {str(k): float(value.get(k)) for k in value.keySet()})
        else:
            out[str(key)] = (str(value.getClass().getSimpleName()), _plain(value))
    return out


def _plain(value):
    text = str(value.toString())
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text)
    except ValueError:
        return text


def test_python_settings_mirror_java_tracker_keys(jvm):
    java = _java_defaults(jvm)
    python = TrackerSettings().to_dict()
    assert set(java) == set(python), f"keys differ: {set(java) ^ set(python)}"
    expected_type = {bool: "Boolean", int: "Integer", float: "Double", str: "String", dict: "map"}
    for key, value in python.items():
        java_type, java_value = java[key]
        assert java_type == expected_type[type(value)], key
        assert java_value == value, key
    constants = jvm("org.volltrack.btrackmate.TrackerKeys")
    for key in python:
        assert str(getattr(constants, key)) == key


def test_java_accepts_python_json_and_rejects_unknown_keys(jvm):
    parser = jvm("org.volltrack.btrackmate.TrackerSettings")
    settings = TrackerSettings(LINKING_MAX_DISTANCE=7, LINKING_FEATURE_PENALTIES={"QUALITY": 1.0})
    parsed = parser.fromJson(settings.to_json(), "python")
    assert float(parsed.get("LINKING_MAX_DISTANCE")) == 7.0
    assert math.isinf(float(parsed.get("BLOCKING_VALUE")))
    with pytest.raises(Exception, match="unknown settings key"):
        parser.fromJson('{"NOPE": 1}', "python")


def test_python_exits_promptly_with_a_live_java_thread_pool():
    """An idle Java thread pool neither blocks Python's exit nor aborts it.

    The abort ("FATAL: exception not rethrown", status -6) came from JPype's reference-queue thread
    asking for the GIL during finalisation, in roughly one exit in fifteen; several exits are run so
    a regression shows.
    """
    code = ("import sys\n"
            "from volltrack.tracking.jvm import jimport\n"
            "pool = jimport('java.util.concurrent.Executors').newFixedThreadPool(2)\n"
            "assert pool.prestartAllCoreThreads() == 2\n"
            "print('started')\n"
            "sys.exit(int(sys.argv[1]))\n")
    for attempt in range(12):
        status = attempt % 2 * 3
        proc = subprocess.run([sys.executable, "-c", code, str(status)], capture_output=True, text=True,
                              timeout=90)
        assert proc.returncode == status, (attempt, proc.stderr)
        assert "started" in proc.stdout
        assert "FATAL" not in proc.stderr


def test_binary_settings_file_names_the_file(tmp_path):
    """qa finding 11: a binary settings file gave 'utf-8 codec can't decode' without the file name."""
    path = tmp_path / "corrupt.json"
    path.write_bytes(b"II*\x00\x82\xff\xfe" * 10)
    with pytest.raises(ValueError, match=r"settings file .*corrupt.json: not a JSON or YAML text file"):
        TrackerSettings.from_file(path)
