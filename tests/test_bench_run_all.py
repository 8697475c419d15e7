"""``make bench`` (bench/run_all.py) knows every benchmark script in bench/."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_all():
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_script_in_bench_is_a_listed_benchmark_or_a_helper():
    run_all = _run_all()
    scripts = {str(path.relative_to(ROOT / "bench")) for path in (ROOT / "bench").rglob("*.py")
               if "work" not in path.relative_to(ROOT / "bench").parts}
    listed = {benchmark.script for benchmark in run_all.BENCHMARKS}
    assert listed <= scripts, f"listed but missing: {sorted(listed - scripts)}"
    assert scripts - listed - run_all.HELPER_SCRIPTS == set()


def test_dry_run_prints_every_command_and_skips_what_needs_data(capsys, tmp_path):
    run_all = _run_all()
    assert run_all.main(["--dry-run", "--work", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for benchmark in run_all.BENCHMARKS:
        if not benchmark.needs:
            assert f"bench/{benchmark.script}" in out.replace("\\", "/")
    assert "finetune             skipped: needs --finetune-data" in out
    assert f"{tmp_path}/divisions" in out


def test_an_unknown_benchmark_name_is_refused():
    with pytest.raises(SystemExit, match="unknown benchmark nope"):
        _run_all().main(["--only", "nope"])
