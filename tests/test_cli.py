"""The ``volltrack`` command: help, doctor, and installation checks."""

import subprocess
import sys

import pytest

from volltrack import cli
from volltrack.tracking.engine_jar import ENV_VAR, EngineJarNotFound, find_engine_jar


def test_help_lists_doctor(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    assert "doctor" in capsys.readouterr().out


def test_no_command_prints_help_and_returns_2(capsys):
    assert cli.main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_engine_jar_is_found_and_runs():
    jar = find_engine_jar()
    out = subprocess.run(["java", "-jar", str(jar), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert "usage" in out.stdout


def test_missing_configured_jar_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope.jar"))
    with pytest.raises(EngineJarNotFound, match=ENV_VAR):
        find_engine_jar()


def test_the_more_recently_built_engine_jar_wins(monkeypatch, tmp_path):
    import os

    import volltrack.tracking.engine_jar as engine_jar

    package, target = tmp_path / "package", tmp_path / "target"
    (package / "jars").mkdir(parents=True)
    target.mkdir()
    copied, built = package / "jars" / "btrackmate-0.1.0-all.jar", target / "btrackmate-0.1.0-all.jar"
    copied.write_bytes(b"old")
    built.write_bytes(b"new")
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(engine_jar, "_PACKAGE_DIR", package)
    monkeypatch.setattr(engine_jar, "_CHECKOUT_TARGET", target)
    os.utime(copied, (1_000, 1_000))
    os.utime(built, (2_000, 2_000))
    assert find_engine_jar() == built       # mvn package after make setup
    os.utime(copied, (3_000, 3_000))
    assert find_engine_jar() == copied      # make setup copied it afterwards
    built.unlink()
    assert find_engine_jar() == copied      # an installed package without a checkout


def test_doctor_reports_each_component():
    proc = subprocess.run([sys.executable, "-m", "volltrack.cli", "doctor", "--skip-tensorflow"],
                          capture_output=True, text=True, timeout=300)
    lines = proc.stdout.splitlines()
    names = [line.split()[1] for line in lines]
    assert names == ["python", "java", "engine", "n2v", "napari", "fiji"]
    by_name = {line.split()[1]: line.split()[0] for line in lines}
    assert by_name["python"] == "OK" and by_name["java"] == "OK" and by_name["engine"] == "OK"
    fiji_line = lines[-1]
    assert fiji_line.startswith("OK") or "fix:" in fiji_line
