"""``report.html``: one self-contained page per run -- parameters, versions, time per stage, counts, plots, metrics."""

from __future__ import annotations

import base64
import html
import importlib.metadata
import json
import platform
from pathlib import Path
from typing import Any, Mapping, Sequence

from volltrack.io.atomic import atomic_write_text
from volltrack.pipeline.stages import StageRecord

_VERSIONED = ("volltrack", "numpy", "scipy", "scikit-image", "tensorflow", "tensorflow-cpu", "tf-keras", "csbdeep",
              "stardist", "n2v", "jpype1", "scyjava", "pandas", "tifffile")

_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { background: #f0f0f0; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; }
"""


def package_versions() -> dict[str, str]:
    """Return the installed versions of volltrack and the libraries that shape its results."""
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _image(path: Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return f'<figure><img alt="{html.escape(path.name)}" src="data:image/png;base64,{data}">' \
           f"<figcaption>{html.escape(path.name)}</figcaption></figure>"


def write_report(path: Path, *, title: str, records: Sequence[StageRecord], params: Mapping[str, Any],
                 metrics: Mapping[str, Any] | None = None, plots: Sequence[Path] = (),
                 outputs: Mapping[str, Path] | None = None) -> Path:
    """Write the run report as one self-contained HTML file (plots embedded).

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
        Segmentation and tracking metrics against ground truth, when given.
    plots : sequence of path
        PNG files to embed.
    outputs : mapping of str to path, optional
        Named output files, listed with paths relative to the report.
    """
    path = Path(path)
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
             f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"]
    stage_rows = [(r.name, "skipped (up to date)" if r.skipped else "ran", f"{r.seconds:.1f}",
                   ", ".join(f"{k}: {_fmt(v)}" for k, v in r.summary.items())) for r in records]
    parts.append("<h2>Stages</h2>" + _table(stage_rows, ("stage", "status", "seconds", "counts")))
    if metrics:
        parts.append("<h2>Metrics against ground truth</h2>" + _table(list(metrics.items()), ("metric", "value")))
    if outputs:
        rows = [(name, str(Path(p).relative_to(path.parent)) if Path(p).is_relative_to(path.parent) else str(p))
                for name, p in outputs.items()]
        parts.append("<h2>Outputs</h2>" + _table(rows, ("output", "file")))
    if plots:
        parts.append("<h2>Plots</h2>" + "".join(_image(p) for p in plots if Path(p).is_file()))
    parts.append("<h2>Parameters</h2><pre>" + html.escape(json.dumps(params, indent=2, default=str)) + "</pre>")
    parts.append("<h2>Versions</h2>" + _table(list(package_versions().items()), ("package", "version")))
    parts.append("</body></html>")
    atomic_write_text(path, "\n".join(parts))
    return path
