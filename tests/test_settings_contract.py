"""The tracker settings contract's shared vectors (tests/data/settings_contract/), also read by the jar's JUnit
SettingsContractVectorsTest: each settings file is accepted with the expected values or refused with a one-line
message naming the file and the expected fragment."""

from __future__ import annotations

from pathlib import Path

import pytest

from volltrack.tracking.settings import TrackerSettings

VECTORS = Path(__file__).parent / "data" / "settings_contract"
FILES = sorted(VECTORS.glob("*.json"))


def _expect(path: Path) -> dict[str, str]:
    out = {}
    for line in path.with_suffix(".expect").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def _same(actual, expected: str) -> bool:
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return str(actual).lower() == expected.lower()
    return float(actual) == float(expected)


def test_there_are_vectors():
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_vector(path):
    expect = _expect(path)
    if expect["outcome"] == "refused":
        with pytest.raises(ValueError) as info:
            TrackerSettings.from_file(path)
        message = str(info.value)
        assert "\n" not in message
        assert str(path) in message
        assert expect["message"] in message
    else:
        values = TrackerSettings.from_file(path).to_dict()
        checked = {k[len("value."):]: v for k, v in expect.items() if k.startswith("value.")}
        assert checked
        for key, value in checked.items():
            assert _same(values[key], value), (key, values[key], value)


@pytest.mark.parametrize("text, accepted", [("ALLOW_GAP_CLOSING: yes\n", False), ("ALLOW_GAP_CLOSING: off\n", False),
                                            ("ALLOW_GAP_CLOSING: false\n", True), ("ALLOW_GAP_CLOSING: True\n", True)])
def test_yaml_settings_take_only_true_and_false(tmp_path, text, accepted):
    path = tmp_path / "tracker.yaml"
    path.write_text(text)
    if accepted:
        assert TrackerSettings.from_file(path).allow_gap_closing is (text.split()[1].lower() == "true")
    else:
        with pytest.raises(ValueError, match=rf"{path}: .*ALLOW_GAP_CLOSING"):
            TrackerSettings.from_file(path)
