"""``volltrack run``: the whole pipeline on a tiny simulated movie, resuming after an interruption."""

from __future__ import annotations

import json

import pytest

from volltrack import cli
from volltrack.pipeline import run as run_module
from volltrack.pipeline.config import RunConfig
from volltrack.pipeline.demo import prepare_demo_inputs
from volltrack.pipeline.run import run_pipeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_config():
    # The bundled demo models (not the tiny untrained ones): their cells link into tracks, so every stage,
    # the analysis included, has work to do on any test order.
    config = RunConfig()
    config.segmentation.models = None
    config.image.calibration = (2.0, 0.5, 0.5)
    config.demo.frames, config.demo.shape, config.demo.cells = 3, (12, 48, 48), 12
    config.analysis.movie = True
    return config


@pytest.fixture(scope="module")
def finished_run(tiny_config, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    inputs, _ = prepare_demo_inputs(out, tiny_config.demo)
    return out, inputs, run_pipeline(inputs, out, tiny_config)


def test_run_writes_every_output(finished_run):
    from volltrack.trackmate import read_xml

    out, _, result = finished_run
    assert [r.name for r in result.records] == ["segment", "spots", "track", "analyze", "evaluate"]
    for name in ("labels", "spots", "tracks", "analysis", "report"):
        assert result.outputs[name].exists(), name
    tracks = read_xml(out / "tracks.xml")
    assert tracks.version == "7.14.0" and len(tracks.spots) > 0
    assert list((out / "analysis").glob("*.csv"))
    assert {"SEG", "DET", "TRA", "F1@0.5"} <= set(json.loads((out / "metrics.json").read_text()))
    report = (out / "report.html").read_text()
    assert "segment" in report and "TRA" in report and "LINKING_MAX_DISTANCE" in report
    assert (out / "run.yaml").is_file()
    figures = json.loads((out / "analysis" / "figures.json").read_text())
    assert figures["overview"] and figures["population"] and figures["tracks"] and figures["movie"]
    for section in ("overview", "movie", "population", "tracks", "metrics"):
        assert f'<section id="{section}">' in report, section
    assert f'src="analysis/{figures["movie"]["file"]}"' in report
    assert (out / "analysis" / figures["movie"]["file"]).is_file()
    record = json.loads((out / "analysis" / "parameters.json").read_text())   # marked complete, with its files
    assert record["status"] == "complete"
    assert {"figures.json", "tracks.csv", figures["movie"]["file"], figures["population"]} <= set(record["files"])
    assert report.count("data:image/png;base64,") >= len(figures["overview"]) + len(figures["tracks"]) + 1
    parts = result.timings.parts     # wall and CPU seconds per stage and part, as `volltrack run` prints them
    for name in ("check inputs", "segment", "segment/networks", "segment/post-processing",
                 "spots", "track", "track/JVM start and engine", "analyze", "analyze/figures",
                 "analyze/figures/movie", "evaluate", "report"):
        assert name in parts and parts[name].wall > 0, name
    assert parts["segment/networks"].count == parts["segment/post-processing"].count == 3   # once per volume
    # the models are loaded once: by the segment stage, or beside the demo's simulation (then waited for)
    loaded = [name for name in ("segment/load models", "load models beside simulate") if name in parts]
    assert len(loaded) == 1 and parts[loaded[0]].count == 1 and parts[loaded[0]].wall > 0, sorted(parts)
    assert parts["segment"].cpu > parts["segment/post-processing"].cpu


def test_rerun_recomputes_nothing(finished_run, tiny_config):
    out, inputs, _ = finished_run
    again = run_pipeline(inputs, out, tiny_config)
    assert all(record.skipped for record in again.records)


def test_interrupted_run_resumes_without_recomputing_finished_stages(tiny_config, tmp_path, monkeypatch):
    inputs, _ = prepare_demo_inputs(tmp_path, tiny_config.demo)
    original = run_module._track

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "_track", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(inputs, tmp_path, tiny_config)
    assert not (tmp_path / "tracks.xml").exists()
    assert not list(tmp_path.glob(".tracks.xml*"))
    monkeypatch.setattr(run_module, "_track", original)
    resumed = run_pipeline(inputs, tmp_path, tiny_config)
    status = {record.name: record.skipped for record in resumed.records}
    assert status["segment"] and status["spots"]
    assert not status["track"] and not status["analyze"]
    assert (tmp_path / "tracks.xml").is_file()


def test_changed_tracking_parameter_reruns_tracking_only(finished_run, tiny_config):
    out, inputs, _ = finished_run
    changed = tiny_config.model_copy(deep=True)
    changed.tracking = tiny_config.tracking.updated({"LINKING_MAX_DISTANCE": 6.0})
    result = run_pipeline(inputs, out, changed)
    status = {record.name: record.skipped for record in result.records}
    assert status["segment"] and status["spots"] and not status["track"]


def test_write_config_round_trips(tmp_path):
    path = tmp_path / "run.yaml"
    assert cli.main(["run", "--write-config", str(path)]) == 0
    assert RunConfig.from_yaml(path) == RunConfig()
    assert "# " in path.read_text()


def test_unknown_config_key_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "run.yaml"
    path.write_text("segmentation:\n  min_sise: 3\n")
    assert cli.main(["run", "--config", str(path), "--raw", "x.tif", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "run.yaml" in err and "min_sise" in err


def test_missing_raw_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["run", "--raw", str(tmp_path / "none.tif"), "--out", str(tmp_path / "o")]) == 1
    assert "raw movie not found" in capsys.readouterr().err


def test_models_preloaded_beside_the_simulation_are_the_ones_the_segment_stage_uses(monkeypatch, tiny_config):
    """``volltrack run --demo`` loads the models in a thread while the movie is simulated; the segment stage
    takes them (timed as "load models beside simulate"), and loads them itself when the preload failed or was
    made for other settings."""
    import threading

    from volltrack import segmentation
    from volltrack.io.timing import collecting

    calls, release = [], threading.Event()

    def fake_load(folder, n2v=True):
        calls.append((folder, n2v))
        release.wait(30)
        if folder == "broken":
            raise ValueError("broken models")
        return {"folder": folder, "n2v": n2v}

    monkeypatch.setattr(segmentation, "load_models", fake_load)
    with collecting() as timings:
        run_module.preload_models(tiny_config)
        release.set()
        models = run_module._preloaded_models(tiny_config.segmentation)
    assert models == {"folder": None, "n2v": tiny_config.segmentation.denoise_first}
    assert calls == [(None, tiny_config.segmentation.denoise_first)]
    assert timings.parts["load models beside simulate"].count == 1
    assert run_module._preloaded_models(tiny_config.segmentation) is None    # taken once
    broken = RunConfig()
    broken.segmentation.models = "broken"
    run_module.preload_models(broken)
    assert run_module._preloaded_models(broken.segmentation) is None         # the stage loads them itself
