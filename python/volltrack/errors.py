"""Errors every layer may raise: the lowest module of the package (it imports nothing of volltrack).

:class:`UserError` is what a command raises for bad input it has recognised itself; the ``volltrack`` command prints
it as one line and exits with code 1 (see :mod:`volltrack.exit_codes`). It is also importable as
``volltrack.cli.UserError``, its former home.
"""

from __future__ import annotations

__all__ = ["UserError"]


class UserError(Exception):
    """An error caused by the user's input; printed as one line, without a traceback."""
