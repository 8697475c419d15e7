"""YAML configuration files: one reader, one error style (the file named, one line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["read_yaml_mapping"]


def read_yaml_mapping(path: str | Path, *, expected: str) -> dict[str, Any]:
    """Read a YAML file whose top level is a mapping (an empty file gives ``{}``).

    Parameters
    ----------
    path : str or Path
        The file.
    expected : str
        What the mapping holds, for the error message (e.g. "a mapping of sections").

    Raises
    ------
    ValueError
        When the file is not valid YAML or its top level is not a mapping; one line naming the file.
    """
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected {expected}, got {type(data).__name__}")
    return data
