"""Writing a :class:`~volltrack.analysis.TrackAnalysis` to a folder: CSV tables and a JSON of parameters.

Every file is written to a temporary file in the same folder and then moved into place (``os.replace``), so an
interrupted run never leaves a half-written file. :func:`analysis_record` marks a whole analysis folder: its
``parameters.json`` says ``"status": "running"`` while files are written and ``"complete"`` (with the list of
files) only at the end, like ``segment.json`` (``"interrupted"`` or ``"failed"`` when the run stopped), so a
folder left by an interrupted run is never taken for a finished analysis.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Iterator

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


#: ``parameters.json`` status values (as ``segment.json``'s): files being written, all written, a run that stopped.
STATUS_RUNNING, STATUS_COMPLETE, STATUS_FAILED, STATUS_INTERRUPTED = "running", "complete", "failed", "interrupted"
PARAMETERS_FILE = "parameters.json"


def _files_of_earlier_run(folder: Path) -> set[Path]:
    """The files an earlier analysis recorded as its own in ``folder/parameters.json`` (only paths inside it)."""
    try:
        record = json.loads((folder / PARAMETERS_FILE).read_text())
    except (OSError, ValueError):
        return set()
    names = record.get("files") if isinstance(record, dict) else None
    found = set()
    for name in names if isinstance(names, list) else []:
        path = (folder / str(name)).resolve()
        if isinstance(name, str) and folder.resolve() in path.parents:
            found.add(path)
    return found


@contextlib.contextmanager
def analysis_record(folder, record: dict[str, Any]) -> Iterator[list[Path]]:
    """Mark ``folder/parameters.json`` "running" while the block writes the analysis, "complete" after it.

    The block appends the files it writes to the yielded list. When it ends normally, ``parameters.json`` gets
    ``"status": "complete"`` and the list of files (relative to ``folder``), and the files an earlier complete
    analysis recorded there but this one did not write (plots of tracks no longer selected, ...) are removed, so the
    folder holds one analysis. When it stops, the status is ``"interrupted"`` (Ctrl-C) or ``"failed"`` (with the
    error): the files already written are whole, but they are not a finished analysis; rerun the command.

    Parameters
    ----------
    folder : str or Path
        The analysis folder (created when missing).
    record : dict
        Parameters and inputs to record (the volltrack version is added).

    Yields
    ------
    list of Path
        Append each file written to it.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    earlier = _files_of_earlier_run(folder)
    base = {"volltrack_version": __version__, **record}
    write_json({"status": STATUS_RUNNING, **base}, folder / PARAMETERS_FILE)
    files: list[Path] = []
    try:
        yield files
    except KeyboardInterrupt:
        write_json({"status": STATUS_INTERRUPTED, **base}, folder / PARAMETERS_FILE)
        raise
    except Exception as error:
        write_json({"status": STATUS_FAILED, "error": f"{type(error).__name__}: {error}", **base},
                   folder / PARAMETERS_FILE)
        raise
    written = {Path(f).resolve() for f in files} | {(folder / PARAMETERS_FILE).resolve()}
    for stale in sorted(earlier - written):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            stale.unlink()
    names = sorted(p.relative_to(folder.resolve()).as_posix() for p in written if folder.resolve() in p.parents)
    write_json({"status": STATUS_COMPLETE, **base, "files": names}, folder / PARAMETERS_FILE)


def write_tables(analysis, folder, *, track_ids=None, extra_parameters: dict | None = None,
                 parameters_file: bool = True) -> list[Path]:
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
    parameters_file : bool, optional
        Write ``parameters.json`` (default); False inside :func:`analysis_record`, which writes it.

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
    if parameters_file:
        record = {"volltrack_version": __version__, **analysis.parameters, **(extra_parameters or {})}
        written.append(write_json(record, folder / PARAMETERS_FILE))
    return written


def _rows_of_tracks(analysis, table: pd.DataFrame, keep: set[int]) -> pd.DataFrame:
    if "TRACK_ID" in table.columns:
        return table[table["TRACK_ID"].isin(keep)]
    if "TRACKLET_ID" in table.columns:
        tracklets = analysis.tracklets.index[analysis.tracklets["TRACK_ID"].isin(keep)]
        return table[table["TRACKLET_ID"].isin(tracklets)]
    return table[table.index.isin(keep)]
