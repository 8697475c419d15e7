"""Installed versions of the libraries that shape volltrack's results, as its outputs record them.

>>> installed_versions(["numpy", "no-such-distribution"])["no-such-distribution"] is None
True
"""

from __future__ import annotations

import importlib.metadata
from typing import Iterable

__all__ = ["installed_version", "installed_versions"]


def installed_version(name: str) -> str | None:
    """Version of the installed distribution ``name`` (e.g. ``"scikit-image"``); None when it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def installed_versions(names: Iterable[str]) -> dict[str, str | None]:
    """:func:`installed_version` of each name, in the order given."""
    return {name: installed_version(name) for name in names}
