"""Resumable stages: skipped when unchanged, rerun when inputs or parameters change or a run was interrupted."""

import json

import pytest

from volltrack.io.atomic import atomic_path
from volltrack.pipeline.report import write_report
from volltrack.pipeline.stages import STAMP_DIR, StageRunner


def _stage(out, calls):
    def func():
        calls.append(1)
        out.write_text("result")
        return {"cells": 3}
    return func


def test_stage_is_skipped_when_inputs_and_params_are_unchanged(tmp_path):
    source, out, calls = tmp_path / "in.txt", tmp_path / "out.txt", []
    source.write_text("a")
    first = StageRunner(tmp_path).run("s", _stage(out, calls), params={"k": 1}, inputs=[source], outputs=[out])
    second = StageRunner(tmp_path).run("s", _stage(out, calls), params={"k": 1}, inputs=[source], outputs=[out])
    assert (first.skipped, second.skipped) == (False, True)
    assert len(calls) == 1
    assert second.summary == {"cells": 3}


@pytest.mark.parametrize("change", ["param", "input", "output_deleted", "force"])
def test_stage_reruns_when_something_changed(tmp_path, change):
    source, out, calls = tmp_path / "in.txt", tmp_path / "out.txt", []
    source.write_text("a")
    StageRunner(tmp_path).run("s", _stage(out, calls), params={"k": 1}, inputs=[source], outputs=[out])
    params = {"k": 2} if change == "param" else {"k": 1}
    if change == "input":
        source.write_text("bb")
    if change == "output_deleted":
        out.unlink()
    runner = StageRunner(tmp_path, force=change == "force")
    record = runner.run("s", _stage(out, calls), params=params, inputs=[source], outputs=[out])
    assert not record.skipped and len(calls) == 2


def test_interrupted_stage_leaves_no_stamp_and_no_partial_output(tmp_path):
    out = tmp_path / "out.txt"

    def interrupted():
        with atomic_path(out) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        StageRunner(tmp_path).run("s", interrupted, params={}, inputs=[], outputs=[out])
    assert not out.exists()
    assert not (tmp_path / STAMP_DIR / "s.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == [STAMP_DIR]


def test_report_lists_stages_metrics_and_parameters(tmp_path):
    out = tmp_path / "out.txt"
    runner = StageRunner(tmp_path)
    runner.run("segment", _stage(out, []), params={}, inputs=[], outputs=[out])
    report = write_report(tmp_path / "report.html", title="run", records=runner.records,
                          params={"threshold": 0.5}, metrics={"TRA": 0.97})
    text = report.read_text()
    assert "segment" in text and "cells: 3" in text and "TRA" in text and "0.97" in text
    assert json.dumps(0.5) in text and "numpy" in text


@pytest.mark.parametrize("cpu", ["process", "thread"])
def test_stage_records_the_cpu_seconds_of_the_clock_asked_for(tmp_path, monkeypatch, cpu):
    """A single-threaded stage run beside other threads (the demo's simulation beside the model loading) records
    its own thread's CPU seconds with cpu="thread", the whole process's otherwise."""
    from volltrack.pipeline import stages

    clocks = {"process_time": iter([10.0, 17.0]), "thread_time": iter([1.0, 3.5])}
    monkeypatch.setattr(stages.time, "process_time", lambda: next(clocks["process_time"]))
    monkeypatch.setattr(stages.time, "thread_time", lambda: next(clocks["thread_time"]))
    out, calls = tmp_path / "out.txt", []
    # (no timing collection is current, so io.timing.timed reads no clock)
    record = StageRunner(tmp_path).run("s", _stage(out, calls), params={}, inputs=[], outputs=[out], cpu=cpu)
    expected = 2.5 if cpu == "thread" else 7.0
    assert record.cpu_seconds == expected
    assert json.loads((tmp_path / STAMP_DIR / "s.json").read_text())["cpu_seconds"] == expected
