"""``volltrack run --demo`` tracks with its own division-aware settings unless a run.yaml is given."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from volltrack.pipeline.demo import DEMO_TRACKING
from volltrack.tracking.settings import TrackerSettings


def test_demo_tracking_settings_are_valid_and_division_aware():
    settings = TrackerSettings.from_mapping(DEMO_TRACKING)
    assert settings.tracking_mode == "DIVISION_AWARE"
    assert settings.division_border_weight > 0 and settings.division_separation_weight > 0
    assert settings.min_tracklet_length == 2 and settings.tissue_filter


@pytest.mark.parametrize("with_config", [False, True])
def test_run_demo_uses_demo_tracking_only_without_config(tmp_path, monkeypatch, with_config):
    from volltrack.commands import run as run_command
    from volltrack.pipeline.config import RunConfig

    def stop(*args, **kwargs):   # stop before simulating: only the settings the demo would use matter here
        raise SystemExit

    monkeypatch.setattr("volltrack.pipeline.inputs.check_models", lambda models: None)
    monkeypatch.setattr("volltrack.pipeline.demo.prepare_demo_inputs", stop)
    config_path = None
    if with_config:
        config_path = tmp_path / "run.yaml"
        RunConfig().write_yaml(config_path)
    args = argparse.Namespace(demo=True, config=config_path, out=Path(tmp_path / "out"), force=False, raw=None,
                              mask=None, gt=None, cluster=None, worker_memory=None, format=None)
    from volltrack.io.timing import collecting

    config = RunConfig.from_yaml(config_path) if with_config else RunConfig()
    with pytest.raises(SystemExit), collecting() as timings:
        run_command._run_locked(args, config, timings)
    expected = RunConfig().tracking if with_config else TrackerSettings.from_mapping(DEMO_TRACKING)
    assert config.tracking == expected
