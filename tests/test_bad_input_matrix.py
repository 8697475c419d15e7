"""The bad-input matrix: every command, fed what users really send, ends in the expected exit code and one clear
line, and leaves nothing half-written, stale or locked behind.

Each case runs ``volltrack.cli.main`` in-process on small files. Exit codes as the engine jar's: 0 ok, 1 bad input,
2 usage error, 130 interrupted (``volltrack.exit_codes``).
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest

from volltrack.cli import main

VECTORS = Path(__file__).parent / "data" / "csv_contract"


@dataclass
class Case:
    """One row of the matrix.

    ``argv(inputs, out)`` gives the command line; ``code`` the exit code; ``says`` fragments of the error line;
    ``absent`` paths (relative to ``out``) that must not exist afterwards; ``patch(monkeypatch)`` an optional
    fault injection (Ctrl-C at some point).
    """

    name: str
    argv: Callable[[dict, Path], list]
    code: int
    says: tuple = ()
    absent: tuple = ()
    patch: Callable | None = None
    exists: tuple = ()
    extra: dict = field(default_factory=dict)


CASES: list[Case] = []


def case(*args, **kwargs):
    CASES.append(Case(*args, **kwargs))


# --- inputs shared by the cases (built once) --------------------------------------------------------------------

def _write_tif(path, array, axes=None):
    import tifffile

    tifffile.imwrite(path, array, metadata={"axes": axes} if axes else None)
    return path


def _labels_movie():
    labels = np.zeros((2, 4, 16, 16), np.uint16)
    labels[:, 1:3, 2:6, 2:6] = 1
    labels[:, 1:3, 9:13, 9:13] = 2
    return labels


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    from volltrack.io import write_image
    from volltrack.trackmate import write_xml

    root = tmp_path_factory.mktemp("inputs")
    made = {"root": root}
    rng = np.random.default_rng(1)
    raw = (rng.random((2, 4, 16, 16)) * 1000).astype(np.uint16)
    made["raw"] = root / "raw.tif"
    write_image(made["raw"], raw, axes="TZYX", calibration=(1.0, 0.5, 0.5))
    made["labels"] = root / "labels.tif"
    write_image(made["labels"], _labels_movie(), axes="TZYX", calibration=(1.0, 0.5, 0.5))
    made["spots_csv"] = root / "spots.csv"
    made["spots_csv"].write_text("FRAME,POSITION_X,POSITION_Y\n0,1,1\n1,1.5,1\n")
    spots = pd.DataFrame({"ID": [0, 1, 2, 3], "FRAME": [0, 1, 0, 1], "POSITION_X": [2.0, 2.1, 5.5, 5.6],
                          "POSITION_Y": [2.0, 2.0, 5.5, 5.5], "POSITION_Z": 1.0, "RADIUS": 1.0, "QUALITY": 1.0,
                          "LABEL": [1, 1, 2, 2]})
    spots["POSITION_T"] = spots["FRAME"] * 1.0
    spots.attrs.update(calibration=(1.0, 0.5, 0.5), frame_interval=1.0)
    made["xml"] = root / "tracks.xml"
    write_xml(made["xml"], spots, pd.DataFrame({"SPOT_SOURCE_ID": [0, 2], "SPOT_TARGET_ID": [1, 3]}),
              space_units="micron", time_units="sec")
    made["file"] = root / "a_file.txt"
    made["file"].write_text("not a folder")
    for name in ("empty.tif", "empty.csv", "empty.xml"):
        (root / name).write_bytes(b"")
    (root / "text.tif").write_text("this is not a TIFF")
    (root / "garbage.bin").write_bytes(bytes(range(256)) * 8)
    good = (root / "raw.tif").read_bytes()
    (root / "truncated.tif").write_bytes(good[: len(good) // 2])
    (root / "empty_folder").mkdir()
    return made


def run_case(c: Case, inputs, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    if c.patch is not None:
        c.patch(monkeypatch, inputs, out)
    argv = [str(a) for a in c.argv(inputs, out)]
    if argv[0] in ("track", "spots"):        # they write one file into an existing folder
        out.mkdir(exist_ok=True)
    try:
        code = main(argv)
    except SystemExit as stop:                           # argparse: usage errors
        code = stop.code
    err = capsys.readouterr().err
    return code, err, out


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_matrix(c, inputs, tmp_path, monkeypatch, capsys):
    code, err, out = run_case(c, inputs, tmp_path, monkeypatch, capsys)
    lines = [line for line in err.splitlines() if line.startswith("volltrack ")]
    assert code == c.code, err[-2000:]
    assert "Traceback" not in err, err[-3000:]
    if c.code == 1:
        assert len(lines) == 1 and ": error: " in lines[0], err[-2000:]
    if c.code == 130:
        assert lines == [f"volltrack {c.argv(inputs, out)[0]}: interrupted"], err[-2000:]
    for fragment in c.says:
        assert fragment in err, (fragment, err[-2000:])
    for relative in c.absent:
        assert not (out / relative).exists(), relative
    for relative in c.exists:
        assert (out / relative).exists(), relative
    # nothing half-written or locked: no hidden temporary file, no lock file, anywhere under the output
    expected = {out / relative for relative in c.exists}
    for folder in (out, inputs["root"], tmp_path):
        if folder.exists():
            leftovers = [p for p in folder.rglob(".*") if p.is_file() and p not in expected
                         and STAMP_OK not in p.parts]
            assert not leftovers, leftovers


STAMP_OK = ".stages"     # stage stamps and the hash cache are state, not leftovers


def test_the_matrix_is_large_enough():
    assert len(CASES) >= 150
    kinds = {c.name.split("-")[0] for c in CASES}
    assert {"csv", "settings", "labels", "segment", "xml", "analyze", "runyaml", "outfolder", "interrupt"} <= kinds


# === CSV (volltrack track): the contract's refused vectors and hostile files =================================

def _expect(name):
    values = {}
    for line in (VECTORS / f"{name}.expect").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


for _csv in sorted(VECTORS.glob("*.csv")):
    _e = _expect(_csv.stem)
    if _e["outcome"] == "refused":
        case(f"csv-{_csv.stem}", lambda i, o, p=_csv: ["track", p, "--out", o / "t.xml", "--no-progress"], 1,
             says=(_e["message"], str(_csv)), absent=("t.xml",))

for _name, _bytes, _says in [
    ("empty", b"", "empty"),
    ("binary", bytes(range(256)) * 4, "not UTF-8"),
    ("latin1", "FRAME,POSITION_X,POSITION_Y,NAME\n0,1,2,caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ("nul", b"FRAME,POSITION_X,POSITION_Y\n0,1\x00,2\n", "s.csv"),
    ("unbalanced-quote", b'FRAME,POSITION_X,POSITION_Y\n0,"1,2\n1,2,3\n', "s.csv"),
    ("only-bom", b"\xef\xbb\xbf", "empty"),
    ("blank-header", b"\n\n , , \n0,1,2\n", "missing column"),
    ("semicolons", b"FRAME;POSITION_X;POSITION_Y\n0;1;2\n", "missing column"),
    ("tabs", b"FRAME\tPOSITION_X\tPOSITION_Y\n0\t1\t2\n", "missing column"),
    ("nan-frame", b"FRAME,POSITION_X,POSITION_Y\nnan,1,2\n", "FRAME must be an integer"),
    ("spaces-in-number", b"FRAME,POSITION_X,POSITION_Y\n0,1 000,2\n", "is not a number"),
    ("comma-decimal", b'FRAME,POSITION_X,POSITION_Y\n0,"1,5",2\n', "is not a number"),
]:
    def _argv(i, o, data=_bytes):
        path = o.parent / "s.csv"
        path.write_bytes(data)
        return ["track", path, "--out", o / "t.xml", "--no-progress"]
    case(f"csv-hostile-{_name}", _argv, 1, says=(_says,), absent=("t.xml",))

case("csv-missing-file", lambda i, o: ["track", o.parent / "none.csv", "--out", o / "t.xml"], 1,
     says=("none.csv",), absent=("t.xml",))
case("csv-a-folder", lambda i, o: ["track", i["root"] / "empty_folder", "--out", o / "t.xml"], 1,
     says=("empty_folder",), absent=("t.xml",))


# === tracker settings (volltrack track --set / --settings) ===================================================

for _setting, _says in [
    ("LINKING_MAX_DISTANCE=inf", "not a finite distance"), ("LINKING_MAX_DISTANCE=nan", "LINKING_MAX_DISTANCE"),
    ("LINKING_MAX_DISTANCE=-1", "LINKING_MAX_DISTANCE"), ("LINKING_MAX_DISTANCE=abc", "LINKING_MAX_DISTANCE"),
    ("LINKING_MAX_DISTANCE=", "LINKING_MAX_DISTANCE"), ("GAP_CLOSING_MAX_DISTANCE=inf", "not a finite distance"),
    ("SPLITTING_MAX_DISTANCE=-inf", "SPLITTING_MAX_DISTANCE"), ("MERGING_MAX_DISTANCE=Infinity", "MERGING"),
    ("MAX_FRAME_GAP=-1", "MAX_FRAME_GAP"), ("MAX_FRAME_GAP=1.5", "MAX_FRAME_GAP"), ("MAX_FRAME_GAP=two", "MAX_FRAME_GAP"),
    ("ALLOW_GAP_CLOSING=yes", "not true or false"), ("ALLOW_GAP_CLOSING=no", "not true or false"),
    ("ALLOW_TRACK_SPLITTING=on", "not true or false"), ("ALLOW_TRACK_MERGING=1", "not true or false"),
    ("ALLOW_TRACK_SPLITTING=maybe", "not true or false"), ("NOPE=1", "NOPE"),
    ("ALTERNATIVE_LINKING_COST_FACTOR=inf", "ALTERNATIVE_LINKING_COST_FACTOR"),
    ("CUTOFF_PERCENTILE=nan", "CUTOFF_PERCENTILE"), ("LINKING_MAX_DISTANCE", "KEY=VALUE"),
]:
    case(f"settings-set-{_setting.replace('=', '_') or 'empty'}",
         lambda i, o, s=_setting: ["track", i["spots_csv"], "--set", s, "--out", o / "t.xml", "--no-progress"], 1,
         says=(_says,), absent=("t.xml",))

for _name, _text, _says in [
    ("duplicate-keys.json", '{"LINKING_MAX_DISTANCE": 5, "LINKING_MAX_DISTANCE": 7}', "given twice"),
    ("a-list.json", "[1, 2]", "expected one mapping"),
    ("broken.json", '{"LINKING_MAX_DISTANCE": ', "cannot parse"),
    ("unknown.yaml", "LINKING_MAX_DISTNCE: 5\n", "LINKING_MAX_DISTNCE"),
    ("scalar.yaml", "5\n", "expected one mapping"),
    ("bad-value.yaml", "MAX_FRAME_GAP: many\n", "MAX_FRAME_GAP"),
    ("yes.json", '{"ALLOW_GAP_CLOSING": "yes"}', "not true or false"),
]:
    def _argv(i, o, name=_name, text=_text):
        path = o.parent / name
        path.write_text(text)
        return ["track", i["spots_csv"], "--settings", path, "--out", o / "t.xml", "--no-progress"]
    case(f"settings-file-{_name}", _argv, 1, says=(_says,), absent=("t.xml",))
case("settings-file-missing", lambda i, o: ["track", i["spots_csv"], "--settings", o.parent / "none.json", "--out",
                                            o / "t.xml"], 1, says=("none.json",), absent=("t.xml",))
case("settings-file-binary", lambda i, o: ["track", i["spots_csv"], "--settings", i["root"] / "garbage.bin",
                                           "--out", o / "t.xml"], 1, says=("garbage.bin",), absent=("t.xml",))
case("settings-heap", lambda i, o: ["track", i["spots_csv"], "--heap", "1x", "--out", o / "t.xml"], 1,
     says=("heap",), absent=("t.xml",))
case("settings-usage-unknown-option", lambda i, o: ["track", i["spots_csv"], "--linking", "5", "--out", o / "t.xml"],
     2, absent=("t.xml",))


# === label images (volltrack spots) ==========================================================================

def _labels_case(name, make, code, says=(), extra_args=()):
    def argv(i, o):
        path = make(o.parent)
        return ["spots", path, "--out", o / "spots.csv", "--no-progress", *extra_args]
    case(f"labels-{name}", argv, code, says=says, absent=() if code == 0 else ("spots.csv", "spots.csv.json"),
         exists=("spots.csv",) if code == 0 else ())


def _text_file(path, text):
    path.write_text(text)
    return path


def _array_file(array, name="l.tif", axes=None):
    def make(folder):
        path = folder / name
        if name.endswith(".npy"):
            np.save(path, array, allow_pickle=True)
        else:
            _write_tif(path, array, axes)
        return path
    return make


_lab = _labels_movie()
_labels_case("bool-mask", _array_file(_lab > 0), 1, says=("bool mask",))
_labels_case("float-fractions", _array_file(_lab.astype(np.float32) * 0.5), 1, says=("not whole numbers",))
_labels_case("float-nan", _array_file(np.where(_lab > 1, np.nan, _lab).astype(np.float32)), 1, says=("NaN",))
_labels_case("float-negative", _array_file(-_lab.astype(np.float32)), 1, says=("not whole numbers",))
_labels_case("float-integer-valued", _array_file(_lab.astype(np.float32)), 0)
_labels_case("float64-integer-valued", _array_file(_lab.astype(np.float64), "l.npy"), 0)
_labels_case("uint16", _array_file(_lab), 0)
_labels_case("int32-npy", _array_file(_lab.astype(np.int32), "l.npy"), 0)
_labels_case("complex", _array_file(_lab.astype(np.complex64), "l.npy"), 1)
_labels_case("object-npy", _array_file(np.array([{"a": 1}], dtype=object), "l.npy"), 1)
_labels_case("2d", _array_file(_lab[0, 0]), 1)
_labels_case("1d", _array_file(np.arange(5, dtype=np.uint16), "l.npy"), 1)
_labels_case("5d", _array_file(_lab[np.newaxis, np.newaxis], "l.npy"), 1)
_labels_case("empty-tif", lambda f: (f / "e.tif").write_bytes(b"") or f / "e.tif", 1, says=("e.tif",))
_labels_case("text-as-tif", lambda f: _text_file(f / "t.tif", "hello"), 1, says=("t.tif",))
_labels_case("missing", lambda f: f / "none.tif", 1, says=("none.tif",))
_labels_case("folder", lambda f: (f / "d").mkdir() or f / "d", 1, says=("d",))
_labels_case("zero-frames", _array_file(np.zeros((0, 4, 8, 8), np.uint16), "l.npy"), 1)
_labels_case("ztyx-metadata-read-right", _array_file(np.moveaxis(_lab, 0, 1), axes="ZTYX"), 0)
for _cal in ("0,1,1", "1,1", "a,b,c", "-1,1,1", "nan,1,1", "inf,1,1"):
    _labels_case(f"calibration-{_cal}", _array_file(_lab), 1, says=("calibration",),
                 extra_args=(f"--calibration={_cal}",))
for _dt in ("0", "-1", "nan", "inf", "abc"):
    _labels_case(f"dt-{_dt}", _array_file(_lab), 2, extra_args=("--dt", _dt))


def _raw_for_spots(name, raw, says):
    def argv(i, o):
        path = o.parent / "raw_bad.tif"
        _write_tif(path, raw)
        return ["spots", i["labels"], "--raw", path, "--out", o / "spots.csv", "--no-progress"]
    case(f"labels-raw-{name}", argv, 1, says=says, absent=("spots.csv",))


_raw_for_spots("other-shape", np.ones((2, 4, 16, 8), np.uint16), ("shape",))
_raw_for_spots("nan", np.where(_lab > 0, np.nan, 1.0).astype(np.float32), ("NaN",))
_raw_for_spots("one-frame", np.ones((4, 16, 16), np.uint16), ("shape",))
case("labels-mask-other-shape", lambda i, o: ["spots", i["labels"], "--mask", _write_tif(o.parent / "m.tif", np.ones(
    (2, 4, 8, 8), np.uint8)), "--out", o / "spots.csv", "--no-progress"], 1, absent=("spots.csv",))
case("labels-mask-all-zero", lambda i, o: ["spots", i["labels"], "--mask", _write_tif(o.parent / "m.tif", np.zeros(
    (2, 4, 16, 16), np.uint8)), "--out", o / "spots.csv", "--no-progress"], 1, says=("m.tif is all zero",),
     absent=("spots.csv",))
case("labels-out-is-a-folder", lambda i, o: ["spots", i["labels"], "--out", i["root"], "--no-progress"], 1)


# === segmentation inputs (volltrack segment: refused before the networks are loaded) ========================

def _segment_case(name, make, says=(), extra=(), code=1):
    def argv(i, o):
        return ["segment", make(i, o.parent), "--out", o, *extra]
    case(f"segment-{name}", argv, code, says=says, absent=("VollSeg", ".frames", "segment.json"))


_vol = (np.random.default_rng(2).random((4, 16, 16)) * 100).astype(np.float32)
_segment_case("nan-voxels", lambda i, f: _write_tif(f / "v.tif", np.where(_vol > 90, np.nan, _vol)), ("NaN",))
_segment_case("inf-voxels", lambda i, f: _write_tif(f / "v.tif", np.where(_vol > 90, np.inf, _vol)))
_segment_case("nan-in-last-frame", lambda i, f: _write_tif(
    f / "m.tif", np.stack([_vol, np.where(_vol > 90, np.nan, _vol)]), axes="TZYX"), ("frame 1",))
_segment_case("2d", lambda i, f: _write_tif(f / "v.tif", _vol[0]))
_segment_case("empty-file", lambda i, f: i["root"] / "empty.tif", ("empty.tif",))
_segment_case("text-file", lambda i, f: i["root"] / "text.tif", ("text.tif",))
_segment_case("truncated", lambda i, f: i["root"] / "truncated.tif", ("truncated",))
_segment_case("missing", lambda i, f: f / "none.tif", ("none.tif",))
_segment_case("folder-without-images", lambda i, f: i["root"] / "empty_folder", ("holds no image",))
_segment_case("axes-wrong-length", lambda i, f: _write_tif(f / "v.tif", _vol), extra=("--axes", "TZYX"))
_segment_case("axes-nonsense", lambda i, f: _write_tif(f / "v.tif", _vol), extra=("--axes", "QQQ"))
_segment_case("min-size-negative", lambda i, f: _write_tif(f / "v.tif", _vol), extra=("--min-size", "-1"))
_segment_case("max-below-min", lambda i, f: _write_tif(f / "v.tif", _vol), extra=("--min-size", "50", "--max-size",
                                                                                  "10"))
_segment_case("models-missing", lambda i, f: _write_tif(f / "v.tif", _vol), extra=("--models", "/nonexistent/m"))
_segment_case("prob-thresh-5", lambda i, f: _write_tif(f / "v.tif", _vol), extra=("--prob-thresh", "5"), code=2)
case("segment-out-is-a-file", lambda i, o: ["segment", i["raw"], "--out", i["file"]], 1, says=("a_file.txt",))


# === TrackMate XML (volltrack analyze / evaluate) ============================================================

def _xml_case(name, text, says=()):
    def argv(i, o):
        path = o.parent / "t.xml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return ["analyze", path, "--out", o]
    case(f"xml-{name}", argv, 1, says=("t.xml", *says), absent=("",))


_XML_HEAD = '<?xml version="1.0"?><TrackMate version="7.14.0"><Model spatialunits="micron" timeunits="sec">'
_xml_case("entity-bomb", '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
          '<TrackMate version="7">&b;</TrackMate>')
_xml_case("external-entity", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
          '<TrackMate version="7">&e;</TrackMate>')
_xml_case("truncated", _XML_HEAD + '<AllSpots nspots="1"><SpotsInFrame frame="0"><Spot ID="1" ')
_xml_case("empty", "")
_xml_case("binary", bytes(range(256)) * 4)
_xml_case("not-trackmate", '<?xml version="1.0"?><html><body/></html>')
_xml_case("no-model", '<?xml version="1.0"?><TrackMate version="7.14.0"></TrackMate>')
_xml_case("deep-nesting", _XML_HEAD + "<a>" * 200_000 + "</a>" * 200_000 + "</Model></TrackMate>")
_xml_case("nan-position", _XML_HEAD + '<AllSpots nspots="1"><SpotsInFrame frame="0"><Spot ID="1" FRAME="0" '
          'POSITION_X="NaN" POSITION_Y="1" POSITION_Z="0" POSITION_T="0" RADIUS="1" QUALITY="1" VISIBILITY="1"/>'
          '</SpotsInFrame></AllSpots><AllTracks/><FilteredTracks/></Model></TrackMate>')
_xml_case("text-attribute", _XML_HEAD + '<AllSpots nspots="1"><SpotsInFrame frame="0"><Spot ID="1" FRAME="0" '
          'POSITION_X="left" POSITION_Y="1" POSITION_Z="0" POSITION_T="0" RADIUS="1" QUALITY="1" VISIBILITY="1"/>'
          '</SpotsInFrame></AllSpots><AllTracks/><FilteredTracks/></Model></TrackMate>')
case("xml-missing-file", lambda i, o: ["analyze", o.parent / "none.xml", "--out", o], 1, says=("none.xml",))
case("xml-a-folder", lambda i, o: ["analyze", i["root"] / "empty_folder", "--out", o], 1, says=("empty_folder",))


def _analyze_case(name, extra, says=(), code=1):
    case(f"analyze-{name}", lambda i, o: ["analyze", i["xml"], "--out", o, *extra(i, o)], code, says=says,
         absent=("tracks.csv", "tracklets.csv", "plots"))


for _fi in ("0", "-2", "nan", "inf"):
    _analyze_case(f"frame-interval-{_fi}", lambda i, o, v=_fi: [f"--frame-interval={v}"], ("frame",), code=1)
for _cal in ("0,1,1", "1,1", "x,1,1"):
    _analyze_case(f"calibration-{_cal}", lambda i, o, v=_cal: ["--calibration", v], ("calibration",))
_analyze_case("labels-other-size", lambda i, o: ["--labels", _write_tif(o.parent / "l.tif", np.zeros(
    (2, 4, 8, 8), np.uint16), axes="TZYX")], ("shape",))
_analyze_case("image-other-size", lambda i, o: ["--image", _write_tif(o.parent / "im.tif", np.ones(
    (2, 4, 8, 8), np.uint16), axes="TZYX")], ("shape",))
_analyze_case("image-with-nan", lambda i, o: ["--image", _write_tif(o.parent / "im.tif", np.where(
    _labels_movie() > 0, np.nan, 1.0).astype(np.float32), axes="TZYX")], ("NaN",))
_analyze_case("raw-as-labels", lambda i, o: ["--labels", i["raw"]], ("label",))
_analyze_case("labels-missing", lambda i, o: ["--labels", o.parent / "none.tif"], ("none.tif",))
_analyze_case("tracks-unknown", lambda i, o: ["--tracks", "0,99999"], ("99999",))


def _evaluate_case(name, make, says=()):
    def argv(i, o):
        gt = o.parent / "gt"
        (gt / "TRA").mkdir(parents=True, exist_ok=True)
        _write_tif(gt / "TRA" / "man_track000.tif", np.zeros((4, 16, 16), np.uint16))
        _write_tif(gt / "TRA" / "man_track001.tif", np.zeros((4, 16, 16), np.uint16))
        make(gt)
        return ["evaluate", "--gt", gt, "--res", i["xml"], "--labels", i["labels"]]
    case(f"xml-evaluate-{name}", argv, 1, says=says)


_evaluate_case("empty-man-track", lambda gt: (gt / "TRA" / "man_track.txt").write_text(""), ("holds no track",))
_evaluate_case("bad-man-track", lambda gt: (gt / "TRA" / "man_track.txt").write_text("1 0 x 0\n"),
               ("four integers",))
_evaluate_case("no-man-track", lambda gt: None, ("man_track.txt",))


# === run.yaml (volltrack run): refused before anything is written ==========================================

for _name, _yaml, _says in [
    ("prob-thresh-5", "segmentation:\n  prob_thresh: 5\n", "prob_thresh"),
    ("prob-thresh-0", "segmentation:\n  prob_thresh: 0\n", "prob_thresh"),
    ("nms-thresh-negative", "segmentation:\n  nms_thresh: -0.1\n", "nms_thresh"),
    ("frame-interval-0", "image:\n  frame_interval: 0\n", "frame_interval"),
    ("frame-interval-negative", "image:\n  frame_interval: -3\n", "frame_interval"),
    ("frame-interval-inf", "image:\n  frame_interval: .inf\n", "frame_interval"),
    ("calibration-zero", "image:\n  calibration: [0, 1, 1]\n", "calibration"),
    ("calibration-two", "image:\n  calibration: [1, 1]\n", "calibration"),
    ("calibration-nan", "image:\n  calibration: [.nan, 1, 1]\n", "calibration"),
    ("unknown-key", "segmentation:\n  prob_threshold: 0.5\n", "prob_threshold"),
    ("unknown-section", "segmentaton:\n  prob_thresh: 0.5\n", "segmentaton"),
    ("not-a-mapping", "- a\n- b\n", "expected a mapping"),
    ("invalid-yaml", "segmentation: [\n", "not valid YAML"),
    ("n-tiles-zero", "segmentation:\n  n_tiles: [0, 1, 1]\n", "n_tiles"),
    ("min-size-negative", "segmentation:\n  min_size: -5\n", "min_size"),
    ("smoothing-zero", "analysis:\n  smoothing_window: 0\n", "smoothing_window"),
    ("tracking-unknown-key", "tracking:\n  LINKING_MAX_DISTNCE: 5\n", "LINKING_MAX_DISTNCE"),
    ("tracking-inf", "tracking:\n  LINKING_MAX_DISTANCE: .inf\n", "LINKING_MAX_DISTANCE"),
    ("tracking-yes", "tracking:\n  ALLOW_GAP_CLOSING: 'yes'\n", "ALLOW_GAP_CLOSING"),
    ("axes-nonsense", "image:\n  axes: QQQQ\n", "QQQQ"),
    ("denoise-text", "segmentation:\n  denoise: perhaps\n", "denoise"),
]:
    def _argv(i, o, text=_yaml):
        path = o.parent / "run.yaml"
        path.write_text(text)
        return ["run", "--config", path, "--raw", i["raw"], "--out", o]
    case(f"runyaml-{_name}", _argv, 1, says=(_says,), absent=("",))
case("runyaml-missing-config", lambda i, o: ["run", "--config", o.parent / "none.yaml", "--raw", i["raw"], "--out", o],
     1, says=("none.yaml",), absent=("",))
case("runyaml-raw-missing", lambda i, o: ["run", "--raw", o.parent / "none.tif", "--out", o], 1, says=("none.tif",),
     absent=("",))
case("runyaml-raw-2d", lambda i, o: ["run", "--raw", _write_tif(o.parent / "r.tif", _vol[0]), "--out", o], 1,
     absent=("",))
case("runyaml-raw-nan-in-frame-1", lambda i, o: ["run", "--raw", _write_tif(o.parent / "r.tif", np.stack(
    [_vol, np.where(_vol > 50, np.nan, _vol)]), axes="TZYX"), "--out", o], 1, says=("NaN",), absent=("",))
case("runyaml-mask-other-shape", lambda i, o: ["run", "--raw", i["raw"], "--mask", _write_tif(
    o.parent / "m.tif", np.ones((2, 4, 8, 8), np.uint8), axes="TZYX"), "--out", o], 1, absent=("",))
case("runyaml-mask-all-zero", lambda i, o: ["run", "--raw", i["raw"], "--mask", _write_tif(
    o.parent / "m.tif", np.zeros((2, 4, 16, 16), np.uint8), axes="TZYX"), "--out", o], 1, says=("mask",),
     absent=("",))
case("runyaml-no-out", lambda i, o: ["run", "--raw", i["raw"]], 1, says=("--out",))


# === output folders ==========================================================================================

def _foreign_lock(host=None, pid=1):
    """A lock held by a live process (PID 1 always exists) or by a process on another computer."""
    def patch(monkeypatch, i, out):
        out.mkdir(parents=True, exist_ok=True)
        (out / ".volltrack.lock").write_text(json.dumps({"pid": pid, "host": host or socket.gethostname(),
                                                         "command": "volltrack run", "started_epoch": 4e9}))
    return patch


def _foreign_lock_case(name, argv, patch):
    CASES.append(Case(f"outfolder-{name}", argv, 1, says=("in use by",), patch=patch, exists=(".volltrack.lock",)))


_foreign_lock_case("run-locked-by-live-process", lambda i, o: ["run", "--raw", i["raw"], "--out", o], _foreign_lock())
_foreign_lock_case("segment-locked-by-live-process", lambda i, o: ["segment", i["raw"], "--out", o], _foreign_lock())
_foreign_lock_case("run-locked-on-another-host", lambda i, o: ["run", "--raw", i["raw"], "--out", o],
                   _foreign_lock(host="elsewhere.example"))
_foreign_lock_case("segment-inside-a-locked-run", lambda i, o: ["segment", i["raw"], "--out", o / "segmentation"],
                   _foreign_lock())
case("outfolder-run-out-is-a-file", lambda i, o: ["run", "--raw", i["raw"], "--out", i["file"]], 1,
     says=("a_file.txt",))
case("outfolder-run-out-inside-a-file", lambda i, o: ["run", "--raw", i["raw"], "--out", i["file"] / "x"], 1)
case("outfolder-segment-out-inside-a-file", lambda i, o: ["segment", i["raw"], "--out", i["file"] / "x"], 1)
case("outfolder-spots-out-is-a-folder", lambda i, o: ["spots", i["labels"], "--out", i["root"] / "empty_folder"], 1)
case("outfolder-track-out-in-missing-folder", lambda i, o: ["track", i["spots_csv"], "--out", o / "a" / "b" / "t.xml",
                                                            "--no-progress"], 1)


def _stale_lock(monkeypatch, i, out):
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    out.mkdir(parents=True)
    (out / ".volltrack.lock").write_text(json.dumps({"pid": gone.pid, "host": socket.gethostname()}))


case("outfolder-stale-lock-taken-over", lambda i, o: ["segment", i["root"] / "truncated.tif", "--out", o], 1,
     says=("truncated",), patch=_stale_lock, absent=(".volltrack.lock",))


# === interrupts: Ctrl-C at each stage ends in one line, exit 130, nothing half-written ======================

class _StubModels:
    stardist, n2v = None, None
    unet = object()
    unet_erosion = 0

    def describe(self):
        return {"unet": None}


def _segment_interrupted_at(frame, error=KeyboardInterrupt):
    def patch(monkeypatch, i, out):
        from volltrack.segmentation import batch, models, pipeline

        calls = []

        def fake_vollseg(volume, m, *, denoise_first=False, **options):
            calls.append(1)
            if len(calls) == frame + 1:
                raise error("interrupted during StarDist's compiled NMS")
            return batch.blank_result(volume, m, segment_options=options)

        monkeypatch.setattr(models, "check_models_folder", lambda folder: ["unet"])
        monkeypatch.setattr(models, "load_models", lambda *a, **k: _StubModels())
        monkeypatch.setattr(pipeline, "vollseg", fake_vollseg)
    return patch


def _movie4(i):
    path = i["root"] / "movie4.tif"
    if not path.exists():
        from volltrack.io import write_image

        write_image(path, (np.random.default_rng(3).random((4, 4, 16, 16)) * 100).astype(np.float32), axes="TZYX")
    i["movie4"] = path
    return path


for _frame in range(4):
    done = tuple(f".frames/movie4/done/t{k:05d}" for k in range(_frame))
    CASES.append(Case(f"interrupt-segment-frame-{_frame}", lambda i, o: ["segment", _movie4(i), "--out", o], 130,
                      patch=_segment_interrupted_at(_frame), exists=done,
                      absent=(f".frames/movie4/done/t{_frame:05d}", "VollSeg")))


def _compiled_interrupt():
    from volltrack.segmentation.interrupts import CompiledInterrupt

    return CompiledInterrupt


CASES.append(Case("interrupt-segment-compiled-nms", lambda i, o: ["segment", _movie4(i), "--out", o], 130,
                  patch=lambda m, i, o: _segment_interrupted_at(1, _compiled_interrupt())(m, i, o),
                  absent=(".frames/movie4/done/t00001", "VollSeg")))


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def _raise_in(module_path, attribute):
    def patch(monkeypatch, i, out):
        import importlib

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(importlib.import_module(module_path), attribute, interrupted)
    return patch


CASES.append(Case("interrupt-spots", lambda i, o: ["spots", i["labels"], "--out", o / "s.csv", "--no-progress"], 130,
                  patch=_raise_in("volltrack.spots", "compute_spots"), absent=("s.csv",)))
CASES.append(Case("interrupt-spots-while-writing", lambda i, o: ["spots", i["labels"], "--out", o / "s.csv",
                                                                 "--no-progress"], 130,
                  patch=lambda m, i, o: m.setattr(pd.DataFrame, "to_csv", _interrupt), absent=("s.csv", "s.csv.json")))
CASES.append(Case("interrupt-track", lambda i, o: ["track", i["spots_csv"], "--out", o / "t.xml", "--no-progress"],
                  130, patch=_raise_in("volltrack.tracking", "track"), absent=("t.xml",)))
CASES.append(Case("interrupt-analyze", lambda i, o: ["analyze", i["xml"], "--out", o], 130,
                  patch=_raise_in("volltrack.analysis.xml_input", "analyze_xml"), absent=("tracks.csv",)))
def _run_interrupted_in_segmentation(monkeypatch, i, out):
    import volltrack.segmentation as segmentation
    from volltrack.pipeline import run

    monkeypatch.setattr(run, "check_models", lambda folder: None)          # no network is loaded
    monkeypatch.setattr(segmentation, "load_models", lambda *a, **k: _StubModels())
    _raise_in("volltrack.segmentation.batch", "segment_file")(monkeypatch, i, out)


CASES.append(Case("interrupt-run-in-segmentation", lambda i, o: ["run", "--raw", i["raw"], "--out", o], 130,
                  patch=_run_interrupted_in_segmentation,
                  absent=(".stages/segment.json", "segmentation/VollSeg", ".volltrack.lock")))


def test_a_rerun_after_an_interrupt_recomputes_the_interrupted_frame(inputs, tmp_path, monkeypatch, capsys):
    """Frames 0-1 finished, frame 2 interrupted: the rerun computes frames 2-3 only and writes the movie."""
    movie = _movie4(inputs)
    out = tmp_path / "out"
    _segment_interrupted_at(2)(monkeypatch, inputs, out)
    assert main(["segment", str(movie), "--out", str(out)]) == 130
    from volltrack.segmentation import pipeline

    computed = []

    def counting(volume, m, *, denoise_first=False, **options):
        from volltrack.segmentation import batch

        computed.append(volume.copy())
        return batch.blank_result(volume, m, segment_options=options)

    monkeypatch.setattr(pipeline, "vollseg", counting)
    assert main(["segment", str(movie), "--out", str(out)]) == 0
    assert len(computed) == 2 and (out / "VollSeg" / "movie4.tif").is_file() and not (out / ".frames").exists()
    assert json.loads((out / "segment.json").read_text())["status"] == "complete"
    assert not (out / ".volltrack.lock").exists()
    capsys.readouterr()


def test_other_settings_refused_without_force_and_recomputed_with_force(inputs, tmp_path, monkeypatch, capsys):
    """Issue 14 item 2: frames of an interrupted run made with prob_thresh 0.5 are not reused by a run with 0.6
    (refused, naming the setting); --force recomputes every frame as the README says."""
    movie = _movie4(inputs)
    out = tmp_path / "out"
    _segment_interrupted_at(2)(monkeypatch, inputs, out)
    assert main(["segment", str(movie), "--out", str(out), "--prob-thresh", "0.5"]) == 130
    from volltrack.segmentation import batch, pipeline

    computed = []

    def counting(volume, m, *, denoise_first=False, **options):
        computed.append(options.get("prob_thresh"))
        return batch.blank_result(volume, m, segment_options=options)

    monkeypatch.setattr(pipeline, "vollseg", counting)
    capsys.readouterr()
    assert main(["segment", str(movie), "--out", str(out), "--prob-thresh", "0.6"]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("volltrack ")]
    assert len(lines) == 1 and "options.prob_thresh 0.5 -> 0.6" in lines[0] and "--force" in lines[0], err
    assert computed == [] and (out / ".frames" / "movie4" / "done" / "t00001").exists()
    assert main(["segment", str(movie), "--out", str(out), "--prob-thresh", "0.6", "--force"]) == 0
    assert computed == [0.6] * 4 and (out / "VollSeg" / "movie4.tif").is_file()
    assert json.loads((out / "segment.json").read_text())["status"] == "complete"
