"""Shared pytest fixtures: seeded random generators and temporary folders."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator, so that every test is reproducible."""
    return np.random.default_rng(20211)
