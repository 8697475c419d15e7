"""Locate the BTrackmate engine jar without any configuration.

Search order:

1. the ``VOLLTRACK_ENGINE_JAR`` environment variable (a path to the jar);
2. ``volltrack/jars/btrackmate-*-all.jar`` inside the installed package (copied there by ``make setup``);
3. ``java/btrackmate/target/btrackmate-*-all.jar`` of the source checkout (after ``mvn package``).

When both 2 and 3 exist (a source checkout), the more recently built jar is used, so a ``mvn package`` run after
``make setup`` is not silently shadowed by the older copy in the package.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "VOLLTRACK_ENGINE_JAR"
_PATTERN = "btrackmate-*-all.jar"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CHECKOUT_TARGET = _PACKAGE_DIR.parent.parent / "java" / "btrackmate" / "target"


class EngineJarNotFound(FileNotFoundError):
    """Raised when no engine jar can be found; the message says how to build one."""


def find_engine_jar() -> Path:
    """Return the path of the BTrackmate engine jar.

    Returns
    -------
    pathlib.Path
        An existing jar file.

    Raises
    ------
    EngineJarNotFound
        When ``VOLLTRACK_ENGINE_JAR`` names a missing file, or no jar was built.
    """
    configured = os.environ.get(ENV_VAR)
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise EngineJarNotFound(f"{ENV_VAR}={configured!r} is not a file; unset it or point it to "
                                    f"btrackmate-<version>-all.jar")
        return path
    found = []
    for folder in (_PACKAGE_DIR / "jars", _CHECKOUT_TARGET):
        jars = sorted(folder.glob(_PATTERN))
        if jars:
            found.append(jars[-1])
    if found:
        return max(found, key=lambda jar: jar.stat().st_mtime)
    raise EngineJarNotFound(
        "the BTrackmate engine jar was not found; build it with 'make setup' (or 'mvn package' in the "
        f"source checkout), or set {ENV_VAR} to the path of btrackmate-<version>-all.jar")
