"""Build hook: every wheel of volltrack carries the BTrackmate engine jar.

All metadata lives in ``pyproject.toml``; this file only replaces setuptools' ``build_py`` step so that, before
the package files are collected, ``python/volltrack/jars/btrackmate-<version>-all.jar`` exists and is current:

* when the Java sources are present (a checkout or an sdist) and the jar is missing or older than any of them,
  the engine is built with Maven (``mvn -B -q -DskipTests -pl java/btrackmate -am package``) and copied in;
* a jar already built in ``java/btrackmate/target`` and newer than the sources is copied without Maven;
* editable installs (``pip install -e .``) are left alone: ``make setup`` builds the jar there.

A wheel built this way installs with ``pip`` on a machine that has only a Java runtime (no Maven, no clone).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
ENGINE_MODULE = Path("java") / "btrackmate"
PACKAGE_JARS = ROOT / "python" / "volltrack" / "jars"
JAR_PATTERN = "btrackmate-*-all.jar"


class EngineBuildError(RuntimeError):
    """The engine jar is missing and cannot be built here; the message says what to install."""


def _newest_source_time(root: Path) -> float:
    """Return the modification time of the newest engine source (Java, resources, POMs) under ``root``."""
    sources = [root / "pom.xml", root / ENGINE_MODULE / "pom.xml"]
    sources += [path for path in (root / ENGINE_MODULE / "src" / "main").rglob("*") if path.is_file()]
    return max((path.stat().st_mtime for path in sources if path.is_file()), default=0.0)


def _newest_jar(folder: Path) -> Path | None:
    jars = sorted(folder.glob(JAR_PATTERN), key=lambda jar: jar.stat().st_mtime)
    return jars[-1] if jars else None


def ensure_engine_jar(root: Path = ROOT) -> Path:
    """Make sure the package holds a current engine jar; build it with Maven when needed.

    Parameters
    ----------
    root : pathlib.Path
        The project root (holding ``pom.xml`` and ``java/``).

    Returns
    -------
    pathlib.Path
        The jar inside ``python/volltrack/jars``.

    Raises
    ------
    EngineBuildError
        When the jar must be built and Maven is missing, or the Maven build fails.
    """
    package_jars = root / "python" / "volltrack" / "jars"
    have_sources = (root / "pom.xml").is_file() and (root / ENGINE_MODULE / "src" / "main").is_dir()
    current = _newest_jar(package_jars)
    if not have_sources:
        if current is None:
            raise EngineBuildError(f"no engine jar in {package_jars} and no Java sources to build one "
                                   "(build from a checkout or an sdist of volltrack)")
        return current
    newest_source = _newest_source_time(root)
    if current is not None and current.stat().st_mtime >= newest_source:
        return current
    built = _newest_jar(root / ENGINE_MODULE / "target")
    if built is None or built.stat().st_mtime < newest_source:
        mvn = shutil.which("mvn")
        if mvn is None:
            raise EngineBuildError(
                "building a volltrack wheel compiles the BTrackmate engine: it needs Maven ('mvn') and a JDK >= 17 "
                "(e.g. 'apt-get install maven openjdk-17-jdk-headless' or 'brew install maven openjdk@17'); "
                f"or put a built btrackmate-<version>-all.jar into {package_jars}")
        print("building the BTrackmate engine jar with Maven (mvn -DskipTests package)", flush=True)
        proc = subprocess.run([mvn, "-B", "-q", "-DskipTests", "-pl", str(ENGINE_MODULE), "-am", "package"],
                              cwd=root)
        if proc.returncode != 0:
            raise EngineBuildError(f"the Maven build of the engine failed (exit code {proc.returncode}) in {root}")
        built = _newest_jar(root / ENGINE_MODULE / "target")
        if built is None:
            raise EngineBuildError(f"Maven finished but wrote no {JAR_PATTERN} in {root / ENGINE_MODULE / 'target'}")
    package_jars.mkdir(parents=True, exist_ok=True)
    for old in package_jars.glob(JAR_PATTERN):
        old.unlink()
    target = package_jars / built.name
    shutil.copy2(built, target)
    os.utime(target)      # newer than every source now: the next build reuses it
    return target


class BuildPyWithEngine(build_py):
    """``build_py`` that first puts a current engine jar into the package (not for editable installs)."""

    def run(self):
        if not getattr(self, "editable_mode", False):
            jar = ensure_engine_jar()
            print(f"engine jar: {jar}", flush=True)
            self.__dict__.pop("data_files", None)     # recollect the package data: the jar may be new
        super().run()


setup(cmdclass={"build_py": BuildPyWithEngine})
