"""The spot CSV contract: the shared vectors in tests/data/csv_contract/ (also read by the JUnit suite)."""

import math
from pathlib import Path

import numpy as np
import pytest

from volltrack.spots import read_spots_csv
from volltrack.spots.csv_contract import NUMBER_PATTERN, is_number

VECTORS = Path(__file__).parent / "data" / "csv_contract"
CASES = sorted(p.stem for p in VECTORS.glob("*.csv"))


def _expectation(name):
    values = {}
    for line in (VECTORS / f"{name}.expect").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_there_are_enough_vectors_of_both_kinds():
    outcomes = [_expectation(name)["outcome"] for name in CASES]
    assert outcomes.count("accepted") >= 10 and outcomes.count("refused") >= 20


@pytest.mark.parametrize("name", CASES)
def test_vector(name):
    expect = _expectation(name)
    path = VECTORS / f"{name}.csv"
    if expect["outcome"] == "refused":
        with pytest.raises(ValueError) as error:
            read_spots_csv(path)
        message = str(error.value)
        assert expect["message"] in message and str(path) in message and "\n" not in message
        return
    table = read_spots_csv(path)
    assert len(table) == int(expect["spots"])
    for key, value in expect.items():
        if key.startswith("spot."):
            _, index, column = key.split(".", 2)
            got = table[column].iloc[int(index)] if column in table else float("nan")
            if value == "unset":
                assert column not in table or math.isnan(float(got)), (column, got)
            else:
                assert float(got) == pytest.approx(float(value)), (index, column, got)
    for column in filter(None, expect.get("absent", "").split(",")):
        assert column not in table.columns


@pytest.mark.parametrize("text,number", [("1", True), ("-1.5e-3", True), (".5", True), ("5.", True), ("NaN", True),
                                         ("-inf", True), ("+Infinity", True), ("1_0", False), ("0x1", False),
                                         ("1d", False), ("True", False), ("", False), ("1e", False), ("e5", False),
                                         ("--1", False), ("1.2.3", False)])
def test_number_rule(text, number):
    assert is_number(text) is number
    if number:
        float(text)  # whatever the rule accepts, Python reads


def test_java_uses_the_same_number_pattern():
    java = (Path(__file__).parents[1] / "java/btrackmate/src/main/java/org/volltrack/btrackmate/input/"
            "CsvContract.java").read_text()
    assert NUMBER_PATTERN.replace("\\", "\\\\") in java


def test_ids_beyond_int64_are_refused_not_wrapped(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("ID,FRAME,POSITION_X,POSITION_Y\n18446744073709551617,0,1,2\n")
    with pytest.raises(ValueError, match="spot ID must be an integer"):
        read_spots_csv(path)


def test_label_with_fractions_stays_float_instead_of_being_truncated(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("FRAME,POSITION_X,POSITION_Y,LABEL\n0,1,2,1.5\n")
    assert read_spots_csv(path)["LABEL"].iloc[0] == 1.5
    path.write_text("FRAME,POSITION_X,POSITION_Y,LABEL\n0,1,2,3.0\n")
    assert read_spots_csv(path)["LABEL"].dtype == np.int64
