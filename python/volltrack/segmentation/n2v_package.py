"""Import the n2v package (Noise2Void on TensorFlow/Keras 2) on the current stack.

volltrack keeps Noise2Void on n2v 0.3.3, its last release, because it loads every existing ``n2v/`` model
folder (Keras weights) and trains new ones the same way (see ``bench/README.md``, section n2v, for the
measurements behind that choice). On csbdeep 0.8, tf-keras and numpy 2 it works with one exception: its
training-data wrapper calls ``numpy.product``, which numpy 2 removed. :func:`n2v_models` gives that one module a
view of numpy that still has ``product`` (an alias of ``numpy.prod``); numpy itself is left untouched.

n2v's metadata still asks for csbdeep < 0.8 (stardist 0.9 needs csbdeep >= 0.8.2), so it is not a dependency
pip can resolve: it is installed without its dependencies, ``pip install --no-deps 'n2v==0.3.3'`` (``make
setup`` does it from ``requirements-no-deps.txt``). Everything else in volltrack runs without it.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np

#: How to install n2v next to volltrack (its declared csbdeep range is older than the one volltrack needs).
N2V_INSTALL = "pip install --no-deps 'n2v==0.3.3'"


class N2VNotInstalled(ImportError, ValueError):
    """Noise2Void was asked for but the n2v package is not installed; the message says how to install it."""


class _NumpyWithProduct(types.ModuleType):
    """numpy as n2v 0.3.3 expects it: every attribute of numpy, plus ``product`` = ``numpy.prod``."""

    def __init__(self) -> None:
        super().__init__("numpy")
        self.product = np.prod

    def __getattr__(self, name: str) -> Any:
        return getattr(np, name)


def n2v_models() -> Any:
    """Return the ``n2v.models`` module (``N2V``, ``N2VConfig``), ready for numpy 2.

    Raises
    ------
    N2VNotInstalled
        When n2v is not installed (or does not import), with the command that installs it.
    """
    try:
        import n2v.internals.N2V_DataWrapper as data_wrapper
        import n2v.models as models
    except ImportError as exc:
        raise N2VNotInstalled(f"Noise2Void needs the n2v package, which does not import ({exc}); fix: "
                              f"{N2V_INSTALL}") from None
    if not hasattr(data_wrapper.np, "product"):
        data_wrapper.np = _NumpyWithProduct()
    return models
