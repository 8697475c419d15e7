"""Spot tables as CSV: TrackMate-keyed CSV in and out, and the legacy 11-column BTrackmate CSV in.

volltrack's CSV has one header row of TrackMate keys (see :data:`volltrack.spots.SPOT_COLUMNS`) and one row per
spot. The parameters (calibration, frame interval, units, frame count) go to a sidecar ``<file>.json``, so the
CSV itself stays plain for other readers (the Java engine, spreadsheets).
"""

from __future__ import annotations

import json
import logging
import numbers
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack.io.atomic import atomic_write, atomic_write_text
from volltrack.io.calibration import validate_calibration
from volltrack.schema import fill_spot_defaults
from volltrack.spots.columns import INTEGER_COLUMNS, POSITION_COLUMNS, REQUIRED_COLUMNS
from volltrack.spots.csv_contract import is_number, read_contract_csv

__all__ = ["write_spots_csv", "SpotCsvWriter", "read_spots_csv", "read_legacy_csv", "validate_spot_table", "describe_movie",
           "LEGACY_COLUMNS", "MOVIE_ATTRS"]

logger = logging.getLogger(__name__)

#: Largest FRAME accepted, as the engine's ``SpotTableBuilder.MAX_FRAME`` (every frame up to it is kept).
MAX_FRAME = 1_000_000
#: Column order of the legacy BTrackmate CSV (pixel units, header skipped).
LEGACY_COLUMNS = ("T", "X", "Y", "Z", "Label", "Perimeter", "Volume", "Intensity", "ExtentX", "ExtentY", "ExtentZ")


#: ``attrs`` keys of a spot table that describe its movie (kept through the sidecar, handed to the tracker's XML).
MOVIE_ATTRS = ("calibration", "frame_interval", "space_units", "time_units", "n_frames", "image", "shape")


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def describe_movie(table: pd.DataFrame, image, shape) -> pd.DataFrame:
    """Record in ``table.attrs`` which movie the spots come from: its file and its shape (T, Z, Y, X).

    The tracker names this movie in the TrackMate XML's ``ImageData`` (with ``attrs["calibration"]`` and
    ``attrs["frame_interval"]``), so that TrackMate and napari open it under the tracks.

    Parameters
    ----------
    table : pandas.DataFrame
        Spot table (modified in place and returned).
    image : str or PathLike
        The raw movie (or, without one, the label movie the spots were measured in).
    shape : sequence of int
        The movie's shape, (T, Z, Y, X) or (Z, Y, X) for a single time point.
    """
    shape = [int(v) for v in shape]
    if len(shape) == 3:
        shape = [1, *shape]
    if len(shape) != 4 or min(shape) < 1:
        raise ValueError(f"movie shape {tuple(shape)}: expected (T, Z, Y, X) with every size >= 1")
    table.attrs.update(image=str(Path(image).resolve()), shape=shape)
    return table


def _portable_image(attrs: dict, csv: Path) -> dict:
    """The sidecar names a movie beside or below the CSV's folder relatively, so the folder can be moved."""
    image = attrs.get("image")
    if image:
        folder = csv.resolve().parent
        try:
            attrs = {**attrs, "image": Path(image).resolve().relative_to(folder).as_posix()}
        except ValueError:
            pass
    return attrs


def write_spots_csv(table: pd.DataFrame, path, *, parameters: dict | None = None) -> None:
    """Write a spot table as CSV (atomically), with its ``attrs`` and ``parameters`` in ``<path>.json``.

    Parameters
    ----------
    table : pandas.DataFrame
        Spot table (TrackMate keys as columns).
    path : str or PathLike
        Destination CSV.
    parameters : dict, optional
        Extra provenance to record in the sidecar (input files, command). Default None.
    """
    path = Path(path)
    with atomic_write(path, newline="") as handle:
        table.to_csv(handle, index=False)
    _write_sidecar(path, table.attrs, len(table), parameters)


def _write_sidecar(path: Path, attrs: dict, n_spots: int, parameters: dict | None) -> None:
    from volltrack import __version__

    attrs = {key: (list(value) if isinstance(value, tuple) else value) for key, value in attrs.items()}
    attrs = _portable_image(attrs, path)
    record = {**attrs, "volltrack_version": __version__, "n_spots": int(n_spots), **(parameters or {})}
    atomic_write_text(_sidecar(path), json.dumps(record, indent=2, default=str) + "\n")


class SpotCsvWriter:
    """A spot table written to CSV one frame at a time, in frame order, whatever order the frames are given in.

    The file is the one :func:`write_spots_csv` writes for the frames put together, without ever holding them
    together: a frame is written as soon as every earlier frame was (later ones wait, e.g. while a cluster finishes
    the earlier frames). Use as a context manager; give every frame ``0 .. n_frames - 1`` once (an empty table for
    a frame without cells), set :attr:`attrs` (and :attr:`parameters`) before the block ends: the CSV then
    appears at once (atomically) with its sidecar. On an error nothing is written.

    Attributes
    ----------
    n_spots, n_inside, frames_with_spots : int
        Counts of what was written (``n_inside``: rows with ``INSIDE_TISSUE`` 1).
    """

    def __init__(self, path, n_frames: int) -> None:
        import contextlib

        self.path, self.n_frames = Path(path), int(n_frames)
        self.attrs: dict = {}
        self.parameters: dict | None = None
        self.n_spots = self.n_inside = self.frames_with_spots = 0
        self._waiting: dict[int, pd.DataFrame] = {}
        self._next = 0
        self._columns: list[str] | None = None
        self._stack = contextlib.ExitStack()
        self._handle = None

    def __enter__(self) -> "SpotCsvWriter":
        self._handle = self._stack.enter_context(atomic_write(self.path, newline=""))
        return self

    def add(self, frame: int, table: pd.DataFrame) -> None:
        """Give the spot table of ``frame``; it is written now if every earlier frame was, else kept until then."""
        frame = int(frame)
        if frame < self._next or frame in self._waiting or not 0 <= frame < self.n_frames:
            raise ValueError(f"{self.path}: frame {frame} given twice or outside 0..{self.n_frames - 1}")
        self._waiting[frame] = table
        while self._next in self._waiting:
            self._write(self._waiting.pop(self._next))
            self._next += 1

    def _write(self, table: pd.DataFrame) -> None:
        if self._columns is None:
            self._columns = [str(c) for c in table.columns]
        elif [str(c) for c in table.columns] != self._columns:
            raise ValueError(f"{self.path}: frame {self._next} has the columns {list(table.columns)}; the earlier "
                             f"frames have {self._columns}")
        table.to_csv(self._handle, index=False, header=self._next == 0)
        self.n_spots += len(table)
        self.frames_with_spots += int(len(table) > 0)
        if "INSIDE_TISSUE" in table:
            self.n_inside += int((np.asarray(table["INSIDE_TISSUE"]) == 1).sum())

    def __exit__(self, kind, value, traceback) -> bool:
        if kind is None and self._next != self.n_frames:
            missing = [f for f in range(self.n_frames) if f >= self._next and f not in self._waiting][:5]
            value = ValueError(f"{self.path}: frames {missing} were never given; nothing written")
            self._stack.__exit__(ValueError, value, None)
            raise value
        suppressed = self._stack.__exit__(kind, value, traceback)
        if kind is None:
            _write_sidecar(self.path, self.attrs, self.n_spots, self.parameters)
        return bool(suppressed)


def _row_error(source: str, table: pd.DataFrame, bad: np.ndarray, column: str, what: str) -> ValueError:
    rows = np.flatnonzero(bad)
    lines = ", ".join(str(int(r) + 2) for r in rows[:5]) + (" ..." if rows.size > 5 else "")
    return ValueError(f"{source}: column {column} {what} in {rows.size} row(s) (file line(s) {lines})")


def validate_spot_table(table: pd.DataFrame, *, source: str = "spot table",
                        frame_interval: float = 1.0) -> pd.DataFrame:
    """Check a spot table and fill the optional columns; return a new table.

    Required: ``FRAME`` (integers >= 0), ``POSITION_X``, ``POSITION_Y`` (finite). Filled when missing:
    ``POSITION_Z`` = 0, ``POSITION_T`` = FRAME * ``frame_interval``, ``RADIUS`` from ``VOLUME`` (sphere of equal
    volume) or 1, ``QUALITY`` = 1. Every column must be numeric.

    Raises
    ------
    ValueError
        Naming ``source``, the column and the offending rows (as file lines, counting the header as line 1).
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"{source}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, table.columns))}")
    table = table.copy()
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            converted = pd.to_numeric(table[column], errors="coerce")
            bad = converted.isna() & table[column].notna()
            if bad.any():
                raise _row_error(source, table, bad.to_numpy(), column, "is not numeric")
            table[column] = converted
    frames = table["FRAME"].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(frames) | (frames < 0) | (frames != np.round(frames))
    if bad.any():
        raise _row_error(source, table, bad, "FRAME", "is not a non-negative integer")
    if (frames > MAX_FRAME).any():
        raise _row_error(source, table, frames > MAX_FRAME, "FRAME", f"is above {MAX_FRAME} (a time-point index, not a time)")
    if "POSITION_Z" not in table.columns:
        table["POSITION_Z"] = 0.0
    for column in POSITION_COLUMNS:
        bad = ~np.isfinite(table[column].to_numpy(dtype=np.float64))
        if bad.any():
            raise _row_error(source, table, bad, column, "is NaN or infinite")
    _fill_defaults(table, frame_interval)
    radius = table["RADIUS"].to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(radius) & (radius > 0))
    if bad.any():
        raise _row_error(source, table, bad, "RADIUS", "is not a finite number > 0")
    dtypes = {column: np.float64 for column in table.columns if column not in INTEGER_COLUMNS}
    dtypes.update({column: np.int64 for column in INTEGER_COLUMNS if column in table.columns
                   and _integer_valued(table[column])})
    return table.astype(dtypes)


def _integer_valued(column: pd.Series) -> bool:
    """True when every value is a whole number that int64 holds exactly (else the column stays float)."""
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    return bool(np.isfinite(values).all() and (values == np.round(values)).all() and (np.abs(values) < 2**53).all())


def _fill_defaults(table: pd.DataFrame, frame_interval: float) -> None:
    fill_spot_defaults(table, frame_interval, logger=logger,
                       no_radius_message="no RADIUS or VOLUME column: using RADIUS = 1")


def _read_sidecar(path: Path) -> dict:
    sidecar = _sidecar(path)
    if not sidecar.exists():
        return {}
    try:
        attrs = json.loads(sidecar.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{sidecar}: not readable JSON ({exc}); fix or delete it (it holds the spot table's "
                         "calibration and frame interval)") from None
    if not isinstance(attrs, dict):
        raise ValueError(f"{sidecar}: expected a JSON object (calibration, frame_interval, ...), got "
                         f"{type(attrs).__name__}")
    return attrs


def read_spots_csv(path, *, frame_interval: float | None = None) -> pd.DataFrame:
    """Read a spot table written by :func:`write_spots_csv` (or any CSV with TrackMate keys as header).

    Parameters
    ----------
    path : str or PathLike
        CSV file; its sidecar ``<path>.json``, when present, gives ``attrs``.
    frame_interval : float, optional
        Used for a missing ``POSITION_T``; default from the sidecar, else 1.

    Returns
    -------
    pandas.DataFrame
        Validated (see :func:`validate_spot_table`), ``attrs`` from the sidecar.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"spot table not found: {path}")
    attrs = _read_sidecar(path)
    table = read_contract_csv(path)            # the CSV contract shared with the engine jar
    dt = frame_interval if frame_interval is not None else attrs.get("frame_interval", 1.0)
    if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or not np.isfinite(dt) or dt <= 0:
        where = "frame_interval" if frame_interval is not None else f"frame_interval in {_sidecar(path)}"
        raise ValueError(f"{where}: got {dt!r}; expected a number of seconds > 0")
    table = validate_spot_table(table, source=str(path), frame_interval=dt)
    table.attrs.update(read_spots_attrs(path))
    return table


def read_spots_attrs(path) -> dict:
    """The ``attrs`` :func:`read_spots_csv` gives the table of ``path``, from its sidecar alone (the CSV is not read):
    units, frame interval, calibration, the movie (``image`` as an absolute path, ``shape``) and ``spot_table``."""
    path = Path(path)
    attrs = _read_sidecar(path)
    if "calibration" in attrs:
        attrs["calibration"] = tuple(attrs["calibration"])
    if attrs.get("image"):
        attrs["image"] = str((path.resolve().parent / attrs["image"]).resolve())
    chosen = {key: attrs[key] for key in MOVIE_ATTRS if key in attrs}
    chosen["spot_table"] = str(path)
    return chosen


def read_legacy_csv(path, *, calibration, frame_interval: float = 1.0) -> pd.DataFrame:
    """Read the 11-column BTrackmate CSV (``T,X,Y,Z,Label,Perimeter,Volume,Intensity,ExtentX,ExtentY,ExtentZ``).

    Positions are in pixels and are multiplied by ``calibration``. As the BTrackmate fork did, ``VOLUME`` is the
    bounding-box volume (product of the calibrated extents), ``QUALITY`` the bounding-box voxel count and
    ``RADIUS`` the radius of the sphere of equal volume (the disc of equal area when ExtentZ is 0).

    Parameters
    ----------
    path : str or PathLike
        The CSV; its first line (a header) is skipped.
    calibration : sequence of 3 float or str
        ``(dz, dy, dx)`` in µm (the file carries none).
    frame_interval : float, optional
        ``POSITION_T = T * frame_interval``. Default 1.

    Returns
    -------
    pandas.DataFrame
        Spot table with FRAME, POSITION_X/Y/Z/T, RADIUS, QUALITY, LABEL, VOLUME.
    """
    dz, dy, dx = validate_calibration(calibration)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"legacy CSV not found: {path}")
    try:
        raw = pd.read_csv(path, header=None, skipinitialspace=True, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: the file is empty; expected the legacy BTrackmate CSV "
                         f"({','.join(LEGACY_COLUMNS)})") from None
    except pd.errors.ParserError as exc:
        raise ValueError(f"{path}: not a readable legacy CSV ({' '.join(str(exc).split())})") from None
    if len(raw) and not is_number(str(raw.iat[0, 0]).strip()):
        raw = raw.iloc[1:]                     # a header line (the file may have none: then no spot is lost)
    short = raw.isna().any(axis=1).to_numpy()
    if short.any():
        raise ValueError(f"{path}: row {int(np.flatnonzero(short)[0]) + 1} of the data has fewer than "
                         f"{raw.shape[1]} fields")
    if raw.shape[1] != len(LEGACY_COLUMNS):
        raise ValueError(f"{path}: legacy BTrackmate CSV needs {len(LEGACY_COLUMNS)} columns "
                         f"({','.join(LEGACY_COLUMNS)}), found {raw.shape[1]}")
    raw.columns = LEGACY_COLUMNS
    extents = raw[["ExtentX", "ExtentY", "ExtentZ"]].apply(pd.to_numeric, errors="coerce").to_numpy()
    flat = extents[:, 2] == 0
    volume = extents[:, 0] * dx * extents[:, 1] * dy * np.where(flat, 1.0, extents[:, 2] * dz)
    radius = np.where(flat, np.sqrt(volume / np.pi), np.cbrt(3.0 * volume / (4.0 * np.pi)))
    table = pd.DataFrame({"FRAME": raw["T"], "POSITION_X": pd.to_numeric(raw["X"], errors="coerce") * dx,
                          "POSITION_Y": pd.to_numeric(raw["Y"], errors="coerce") * dy,
                          "POSITION_Z": pd.to_numeric(raw["Z"], errors="coerce") * dz, "RADIUS": radius,
                          "QUALITY": extents[:, 0] * extents[:, 1] * np.where(flat, 1.0, extents[:, 2]),
                          "LABEL": raw["Label"], "VOLUME": volume})
    table = validate_spot_table(table, source=str(path), frame_interval=frame_interval)
    table.attrs.update(calibration=(dz, dy, dx), frame_interval=float(frame_interval), space_units="micron",
                       time_units="sec")
    return table
