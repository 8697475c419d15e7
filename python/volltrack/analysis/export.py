"""Writing a :class:`~volltrack.analysis.TrackAnalysis` to a folder: CSV tables and a JSON of parameters.

Every file is written to a temporary file in the same folder and then moved into place (``os.replace``), so an
interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from volltrack import __version__
from volltrack.io import atomic_path

#: Files written by :func:`write_tables`, by table name.
TABLE_FILES = {"spots": "spots.csv", "tracklets": "tracklets.csv", "tracks": "tracks.csv",
               "fate": "fate.csv", "spectra": "spectra.csv"}


def write_csv(table: pd.DataFrame, path, *, index: bool = True) -> Path:
    """Write ``table`` to ``path`` atomically; tuple cells (parent IDs) become ``;``-separated integers."""
    table = table.copy()
    for column in table.columns:
        if table[column].map(lambda v: isinstance(v, tuple)).any():
            table[column] = table[column].map(lambda v: ";".join(str(int(i)) for i in v))
    with atomic_path(path) as temporary:
        table.to_csv(temporary, index=index)
    return Path(path)


def write_json(data: dict, path) -> Path:
    """Write ``data`` as indented JSON to ``path`` atomically."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return Path(path)


def table_of(analysis, name: str) -> pd.DataFrame:
    """Return one of the tables of :data:`TABLE_FILES` from ``analysis``."""
    if name == "fate":
        return analysis.fate()
    if name not in TABLE_FILES:
        raise ValueError(f"unknown table {name!r}; choose one of {list(TABLE_FILES)}")
    return getattr(analysis, name)


def write_tables(analysis, folder, *, track_ids=None, extra_parameters: dict | None = None) -> list[Path]:
    """Write the CSV tables of ``analysis`` and ``parameters.json`` into ``folder``.

    Parameters
    ----------
    analysis : TrackAnalysis
    folder : str or Path
        Output folder (created when missing).
    track_ids : iterable of int, optional
        Write only these tracks' rows; all when None (the default).
    extra_parameters : dict, optional
        Further parameters to record (e.g. input file names).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    keep = None if track_ids is None else {int(t) for t in track_ids}
    written = []
    for name, file_name in TABLE_FILES.items():
        table = table_of(analysis, name)
        if keep is not None:
            table = _rows_of_tracks(analysis, table, keep)
        written.append(write_csv(table, folder / file_name, index=name in ("tracklets", "tracks")))
    record = {"volltrack_version": __version__, **analysis.parameters, **(extra_parameters or {})}
    written.append(write_json(record, folder / "parameters.json"))
    return written


def _rows_of_tracks(analysis, table: pd.DataFrame, keep: set[int]) -> pd.DataFrame:
    if "TRACK_ID" in table.columns:
        return table[table["TRACK_ID"].isin(keep)]
    if "TRACKLET_ID" in table.columns:
        tracklets = analysis.tracklets.index[analysis.tracklets["TRACK_ID"].isin(keep)]
        return table[table["TRACKLET_ID"].isin(tracklets)]
    return table[table.index.isin(keep)]
