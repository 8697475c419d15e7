"""``report.html``: pictures from the analysis folder, metric meanings, valid and escaped HTML."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from analysis_scenes import scene_analysis

from volltrack.pipeline.report import explain_metric, write_report
from volltrack.pipeline.stages import StageRecord

_VOID = {"meta", "img", "br", "hr", "input", "link", "source", "wbr", "col", "area", "base", "embed", "track"}


class _StrictParser(HTMLParser):
    """Collects elements and checks that every non-void element is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.elements, self.errors, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(text: str) -> _StrictParser:
    parser = _StrictParser()
    parser.feed(text)
    parser.close()
    assert text.lstrip().startswith("<!DOCTYPE html>")
    assert not parser.errors and not parser.stack, (parser.errors, parser.stack)
    return parser


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """A run folder with an analysis (pictures, plots, movie, manifest) of the hand-made scene."""
    from volltrack.analysis.report_figures import write_run_figures

    analysis, _, ids, raw, labels = scene_analysis()
    out = tmp_path_factory.mktemp("run")
    manifest = write_run_figures(analysis, out / "analysis", image=raw, labels=labels, overview_count=3)
    return out, manifest, ids


def test_run_figures_are_written_with_a_manifest(run_folder):
    out, manifest, ids = run_folder
    folder = out / "analysis"
    assert json.loads((folder / "figures.json").read_text()) == manifest
    assert [entry["frame"] for entry in manifest["overview"]] == [0, 6, 11]
    assert [entry["track"] for entry in manifest["lineages"]] == [ids["A"], ids["C"]]  # dividing only
    assert [entry["track"] for entry in manifest["tracks"]] == [ids["A"], ids["C"], ids["B"]]
    assert manifest["movie"] == {"file": f"track_{ids['A']}.mp4", "track": ids["A"], "projection": "slice"}
    files = [e["file"] for key in ("overview", "lineages", "tracks") for e in manifest[key]]
    for name in files + [manifest["population"], manifest["movie"]["file"]]:
        assert (folder / name).stat().st_size > 1000, name
    assert not [p for p in folder.rglob(".*")], "temporary files left behind"


METRICS = {"SEG": 0.81, "DET": 0.95, "TRA": 0.93, "LNK": 0.9, "F1@0.5": 0.88, "precision@0.5": 0.9,
           "recall@0.5": 0.86, "Division Precision": 0.5, "Division Recall": 0.25, "Division F1": 0.33,
           "Mitotic Branching Correctness": 0.2, "<b>odd</b>": None}


@pytest.fixture(scope="module")
def report(run_folder):
    out, manifest, ids = run_folder
    records = [StageRecord("segment", False, 12.3, {"volumes": 12}),
               StageRecord("analyze", True, 0.0, {"tracks analysed": 3, "dividing": 2})]
    path = write_report(out / "report.html", title="volltrack run: <script>alert(1)</script>.tif", records=records,
                        params={"note": "a & b <i>"}, metrics=METRICS, outputs={"analysis": out / "analysis"},
                        analysis_dir=out / "analysis")
    return path, manifest, ids


def test_report_is_valid_html_with_every_section(report):
    path, manifest, ids = report
    parsed = parse(path.read_text())
    sections = [attrs.get("id") for tag, attrs in parsed.elements if tag == "section"]
    assert sections == ["summary", "overview", "movie", "lineages", "population", "tracks", "metrics", "stages",
                        "parameters"]
    images = [attrs["src"] for tag, attrs in parsed.elements if tag == "img"]
    expected = len(manifest["overview"]) + len(manifest["lineages"]) + 1 + len(manifest["tracks"])
    assert len(images) == expected
    for source in images:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    [video] = [attrs for tag, attrs in parsed.elements if tag == "video"]
    assert video["src"] == f"analysis/track_{ids['A']}.mp4" and (path.parent / video["src"]).is_file()
    assert "controls" in video


def test_report_shows_tracks_most_informative_first(report):
    path, _, ids = report
    text = path.read_text()
    order = [text.index(f"track {ids[name]}: ") for name in ("A", "C", "B")]
    assert order == sorted(order)


def test_report_escapes_user_strings(report):
    path, _, _ = report
    text = path.read_text()
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>odd</b>" not in text and "&lt;b&gt;odd&lt;/b&gt;" in text
    assert "<i>" not in text


def test_report_explains_every_metric_key(report):
    path, _, _ = report
    parsed = parse(path.read_text())
    text = "".join(parsed.text)
    for key in METRICS:
        if key != "<b>odd</b>":
            assert explain_metric(key), key
            assert explain_metric(key) in text, key
    assert explain_metric("Division F1").startswith("division F1")
    assert explain_metric("Mitotic Branching Correctness").startswith("mitotic branching")
    assert explain_metric("DIV_PRECISION").startswith("division precision")
    assert explain_metric("division_recall").startswith("division recall")
    assert explain_metric("MBC").startswith("MBC")
    assert explain_metric("no such metric") == ""
    # the flat keys of the division and link scores (volltrack.metrics.divisions, branch `divisions`)
    division_keys = ("divisions_true", "divisions_pred", "division_tp", "division_fp", "division_fn",
                     "division_precision", "division_recall", "division_f1", "mbc")
    for key in (*division_keys, *(f"{k}_tol1" for k in division_keys[2:]), "links_true", "links_pred",
                "link_precision", "link_recall", "link_f1"):
        assert explain_metric(key) and explain_metric(key) != explain_metric("div"), key
    assert explain_metric("division_fp_tol1").startswith("false positive divisions")
    assert "1 frame(s)" in explain_metric("mbc_tol1") and "1 frame" not in explain_metric("mbc")


def test_report_without_analysis_pictures_still_renders(tmp_path):
    path = write_report(tmp_path / "report.html", title="run", records=[], params={}, metrics=None,
                        analysis_dir=tmp_path / "missing")
    parsed = parse(path.read_text())
    sections = [attrs.get("id") for tag, attrs in parsed.elements if tag == "section"]
    assert sections == ["summary", "stages", "parameters"]
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_template_ships_with_the_package():
    import volltrack.pipeline

    template = Path(volltrack.pipeline.__file__).parent / "templates" / "report.html.j2"
    assert template.is_file()
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert '"**/*.j2"' in pyproject and '"jinja2' in pyproject
