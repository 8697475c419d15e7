"""Subcommands of the ``volltrack`` command line, one module each (see :mod:`volltrack.cli`)."""
