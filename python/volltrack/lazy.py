"""Lazy public names of a package (PEP 562): imported from their modules on first use, so that importing the
package stays cheap (no JVM, no TensorFlow, no optuna until a name is used)."""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]],
                                                                   list[str]]:
    """Return ``(__getattr__, __dir__, __all__)`` for ``package`` exporting ``exports`` lazily.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict of str to str
        Public name -> module that defines it.

    Examples
    --------
    In a package's ``__init__.py``::

        __getattr__, __dir__, __all__ = lazy_exports(__name__, {"track": "volltrack.tracking.bridge"})
    """
    public = sorted(exports)

    def __getattr__(name: str) -> Any:
        """Import the public names on first use (PEP 562)."""
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(public))

    return __getattr__, __dir__, public
