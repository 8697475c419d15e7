"""``report.html``: one page per run, rendered with jinja2 from ``templates/report.html.j2``.

The page shows what a biologist opens it for -- the movie with its segmentation and tracks, the movie of the
longest dividing track, the lineage trees of the dividing tracks, population summaries, the plots of the most
informative tracks -- then the metrics against ground truth with the meaning of each key, the stages with their
times and counts, the output files, every parameter and the library versions.

The pictures come from the analysis folder's manifest (``figures.json``, written by
:func:`volltrack.analysis.report_figures.write_run_figures`) and are embedded as PNG data, so the page can be
moved alone; the movie is linked (HTML5 ``<video>``) relative to the page. Every user string is escaped by the
template engine (autoescape).
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import platform
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from volltrack.io.atomic import atomic_write_text
from volltrack.io.versions import installed_versions
from volltrack.pipeline.stages import StageRecord

logger = logging.getLogger(__name__)

_VERSIONED = ("volltrack", "numpy", "scipy", "scikit-image", "tensorflow", "tensorflow-cpu", "tf-keras", "csbdeep",
              "stardist", "n2v", "jpype1", "scyjava", "pandas", "tifffile", "matplotlib", "traccuracy", "jinja2")

#: Template of the page, shipped in the package (``volltrack/pipeline/templates``).
TEMPLATE = "report.html.j2"

#: Meaning of the metric keys, by normalised key (lower case, letters and digits only).
METRIC_MEANINGS = {
    "seg": "SEG (Cell Tracking Challenge): mean Jaccard index (intersection over union) of each ground-truth "
           "cell with the predicted cell covering more than half of it; 0 when none does. 1 = perfect masks.",
    "det": "DET (Cell Tracking Challenge): detection accuracy, 1 - the normalised cost of the graph edits "
           "(add, delete, split nodes) that turn the detections into the ground truth. 1 = every cell found once.",
    "tra": "TRA (Cell Tracking Challenge): tracking accuracy, 1 - the normalised cost (AOGM) of the node and edge "
           "edits that turn the predicted lineage graph into the ground truth. 1 = perfect tracks and divisions.",
    "lnk": "LNK: linking accuracy, like TRA but counting only the edge edits (links added, removed or with the "
           "wrong semantics). 1 = every frame-to-frame link right.",
    "aogm": "AOGM: acyclic oriented graph matching cost, the weighted number of edits behind TRA (0 = perfect).",
    "f105": "F1@0.5: harmonic mean of precision and recall of the segmented cells, a predicted cell matching a "
            "ground-truth cell when their intersection over union is at least 0.5.",
    "precision05": "precision@0.5: fraction of predicted cells that match a ground-truth cell (IoU >= 0.5).",
    "recall05": "recall@0.5: fraction of ground-truth cells matched by a predicted cell (IoU >= 0.5).",
    "fpnodes": "fp_nodes: false positive detections (predicted cells with no ground-truth cell).",
    "fnnodes": "fn_nodes: false negative detections (ground-truth cells that were missed).",
    "nsnodes": "ns_nodes: non-split detections (one predicted cell covering several ground-truth cells).",
    "fpedges": "fp_edges: links in the result that the ground truth does not have.",
    "fnedges": "fn_edges: ground-truth links missing from the result.",
    "wsedges": "ws_edges: links with the wrong semantics (a division link taken for a continuation or back).",
}

#: Meanings found by words the (normalised) key contains, tried in order after :data:`METRIC_MEANINGS`.
_METRIC_WORDS = (
    (("divisions", "true"), "divisions in the ground truth (a cell with two or more daughters)."),
    (("divisions", "pred"), "divisions in the result."),
    (("division", "tp"), "true positive divisions: true divisions found at the right mother with links to "
                         "both true daughters."),
    (("division", "fp"), "false positive divisions: predicted divisions whose mother does not divide in the "
                         "ground truth."),
    (("division", "fn"), "false negative divisions: true divisions whose mother does not divide in the result."),
    (("links", "true"), "frame-to-frame links in the ground truth."),
    (("links", "pred"), "frame-to-frame links in the result."),
    (("link", "precision"), "link precision: fraction of the result's links that are in the ground truth."),
    (("link", "recall"), "link recall: fraction of the ground-truth links found."),
    (("link", "f1"), "link F1: harmonic mean of link precision and recall."),
    (("mitotic", "branching"), "mitotic branching correctness: true positive divisions / (true positives + "
                               "false positives + false negatives); 1 = every division found, none invented."),
    (("branching", "correctness"), "mitotic branching correctness: true positive divisions / (true positives "
                                   "+ false positives + false negatives)."),
    (("mbc",), "MBC, mitotic branching correctness: true positive divisions / (true divisions + false "
               "positive divisions); 1 = every division found, none invented."),
    (("div", "precision"), "division precision: fraction of the predicted divisions that match a ground-truth "
                           "division (same mother and daughters, within the frame tolerance)."),
    (("div", "recall"), "division recall: fraction of the ground-truth divisions that were found."),
    (("div", "f1"), "division F1: harmonic mean of division precision and recall."),
    (("truepositive", "div"), "divisions found in both the result and the ground truth."),
    (("falsepositive", "div"), "predicted divisions with no ground-truth division."),
    (("falsenegative", "div"), "ground-truth divisions that were missed."),
    (("wrongchild", "div"), "divisions found at the right mother but with wrong daughters."),
    (("total", "div"), "number of divisions counted."),
    (("framebuffer",), "frame tolerance used when matching divisions."),
    (("div",), "a division metric: how well the cell divisions (mother -> two daughters) match the ground "
               "truth."),
    (("precision",), "precision: fraction of the predicted items that match the ground truth."),
    (("recall",), "recall: fraction of the ground-truth items that are found."),
    (("f1",), "F1: harmonic mean of precision and recall."),
)


def _normalised(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def explain_metric(key: str) -> str:
    """Return the meaning of a metric key of ``metrics.json`` (an empty string for an unknown key).

    Examples
    --------
    >>> explain_metric("TRA").split(":")[0]
    'TRA (Cell Tracking Challenge)'
    >>> explain_metric("Division F1 (frame buffer 1)").split(":")[0]
    'division F1'
    >>> explain_metric("division_f1_tol1").endswith("Divisions may be 1 frame(s) early or late.")
    True
    """
    tolerance = re.search(r"tol(?:erance)?[ _]?(\d+)$", key.strip().lower())
    note = f" Divisions may be {tolerance.group(1)} frame(s) early or late." if tolerance else ""
    normalised = _normalised(key[:tolerance.start()] if tolerance else key)
    if normalised in METRIC_MEANINGS:
        return METRIC_MEANINGS[normalised] + note
    for words, meaning in _METRIC_WORDS:
        if all(word in normalised for word in words):
            return meaning + note
    return ""


def _flatten(metrics: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows = []
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows += _flatten(value, f"{name} / ")
        else:
            rows.append((name, value))
    return rows


def metric_rows(metrics: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """Return ``[{key, value, meaning}]`` for every metric (nested dictionaries flattened as ``a / b``)."""
    rows = []
    for key, value in _flatten(metrics or {}):
        meaning = explain_metric(key) or explain_metric(key.rsplit(" / ", 1)[-1])
        rows.append({"key": key, "value": _fmt(value), "meaning": meaning})
    return rows


def package_versions() -> dict[str, str]:
    """Return the installed versions of volltrack and the libraries that shape its results."""
    found = installed_versions(_VERSIONED)
    return {"python": platform.python_version(), **{name: v or "not installed" for name, v in found.items()}}


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _data_uri(path: Path) -> str | None:
    path = Path(path)
    if not path.is_file():
        logger.warning("report: picture %s is missing; left out", path)
        return None
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _relative(path: Path, start: Path) -> str:
    """``path`` relative to the folder ``start`` (with ``/``), absolute when on another drive."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), Path(start).resolve())).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def read_figures(analysis_dir: Path | None, page_dir: Path) -> dict[str, Any]:
    """Read the analysis folder's ``figures.json`` into what the template shows (pictures as data URIs)."""
    empty = {"overview": [], "population": None, "lineages": [], "tracks": [], "movie": None}
    if analysis_dir is None or not (Path(analysis_dir) / "figures.json").is_file():
        return empty
    folder = Path(analysis_dir)
    try:
        manifest = json.loads((folder / "figures.json").read_text())
    except (OSError, json.JSONDecodeError) as error:
        logger.warning("report: cannot read %s (%s); pictures left out", folder / "figures.json", error)
        return empty

    def pictures(entries):
        kept = []
        for entry in entries or []:
            uri = _data_uri(folder / entry["file"])
            if uri is not None:
                kept.append({**entry, "uri": uri})
        return kept

    population = manifest.get("population")
    movie = manifest.get("movie")
    if movie and not (folder / movie["file"]).is_file():
        movie = None
    return {"overview": pictures(manifest.get("overview")), "lineages": pictures(manifest.get("lineages")),
            "tracks": pictures(manifest.get("tracks")),
            "population": _data_uri(folder / population) if population else None,
            "movie": {**movie, "href": _relative(folder / movie["file"], page_dir)} if movie else None}


def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("volltrack.pipeline", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_report(*, title: str, records: Sequence[StageRecord], params: Mapping[str, Any],
                  metrics: Mapping[str, Any] | None = None, figures: Mapping[str, Any] | None = None,
                  plots: Sequence[Path] = (), outputs: Sequence[tuple[str, str]] = ()) -> str:
    """Return the HTML of the report (see :func:`write_report` for the parameters)."""
    figures = dict(figures or {"overview": [], "population": None, "lineages": [], "tracks": [], "movie": None})
    if not figures["tracks"]:  # no manifest: the given plots, by file name
        figures["tracks"] = [{"file": Path(p).name, "uri": uri, "track": None} for p in plots
                             if (uri := _data_uri(Path(p))) is not None]
    stages = [{"name": r.name, "status": "skipped (up to date)" if r.skipped else "ran",
               "seconds": f"{r.seconds:.1f}", "counts": ", ".join(f"{k}: {_fmt(v)}" for k, v in r.summary.items())}
              for r in records]
    summary = [(key, _fmt(value)) for record in records for key, value in record.summary.items()]
    return _environment().get_template(TEMPLATE).render(
        title=title, summary=summary, stages=stages, metrics=metric_rows(metrics), figures=figures,
        outputs=list(outputs), parameters=json.dumps(params, indent=2, default=str),
        versions=list(package_versions().items()))


def write_report(path: Path, *, title: str, records: Sequence[StageRecord], params: Mapping[str, Any],
                 metrics: Mapping[str, Any] | None = None, plots: Sequence[Path] = (),
                 outputs: Mapping[str, Path] | None = None, analysis_dir: Path | None = None) -> Path:
    """Write the run report as one HTML file (pictures embedded, the movie linked), atomically.

    Parameters
    ----------
    path : path
        Where to write ``report.html``.
    title : str
        Heading of the page.
    records : sequence of StageRecord
        Stages in run order, with their time and summary counts.
    params : mapping
        Every parameter of the run (written as JSON).
    metrics : mapping, optional
        Metrics against ground truth (any keys; known ones are explained, nested mappings flattened).
    plots : sequence of path
        PNG files of track plots, shown when the analysis folder has no ``figures.json``.
    outputs : mapping of str to path, optional
        Named output files, listed with paths relative to the report.
    analysis_dir : path, optional
        The run's analysis folder: its ``figures.json`` gives the pictures and the movie.
    """
    path = Path(path)
    listed = [(name, _relative(p, path.parent) if Path(p).resolve().is_relative_to(path.parent.resolve())
               else str(p)) for name, p in (outputs or {}).items()]
    text = render_report(title=title, records=records, params=params, metrics=metrics, plots=plots,
                         figures=read_figures(analysis_dir, path.parent), outputs=listed)
    atomic_write_text(path, text)
    return path
