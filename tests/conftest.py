"""Shared pytest fixtures: seeded random generators and temporary folders."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator, so that every test is reproducible."""
    return np.random.default_rng(20211)


def pytest_configure(config: pytest.Config) -> None:
    """Give the test process Python's Ctrl-C handler even when it was started with SIGINT ignored.

    A shell without job control starts background commands (``cmd &``, ``nohup``) with SIGINT ignored, and
    Python then installs no KeyboardInterrupt handler; the Ctrl-C tests (in this process, and in the commands it
    starts, which inherit an ignored signal) would then test the launcher instead of volltrack.
    """
    import signal

    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
