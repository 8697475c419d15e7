"""Session-scoped JVM fixture shared by the tracking tests (import ``jvm`` into a test module)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def jvm():
    """Start the JVM with the engine jar once; return ``jimport``. Skips with the reason when no
    Java >= 11 or no engine jar is available (build it with 'mvn package')."""
    from volltrack.tracking.engine_jar import EngineJarNotFound
    from volltrack.tracking.jvm import JavaNotFound, jimport, start_jvm

    try:
        start_jvm(max_heap="512m")
    except (JavaNotFound, EngineJarNotFound) as exc:
        pytest.skip(f"no JVM for the tracking engine: {exc}")
    return jimport
