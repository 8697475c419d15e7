"""Track a spot table with the BTrackmate engine in an embedded JVM, arrays in and arrays out.

The spot table's columns go to ``org.volltrack.btrackmate.bridge.ArrayBridge.track`` as Java primitive
arrays (JPype converts contiguous numpy arrays in one copy; no temporary file), and the
``TrackingResult`` comes back as arrays that become the DataFrames of :class:`Tracks`.

Examples
--------
>>> import pandas as pd
>>> from volltrack.tracking import track
>>> spots = pd.DataFrame({"FRAME": [0, 1, 2], "POSITION_X": [1.0, 1.5, 2.0],
...                       "POSITION_Y": [3.0, 3.0, 3.1], "POSITION_Z": [0.0, 0.0, 0.0]})
>>> track(spots, {"LINKING_MAX_DISTANCE": 5.0}, progress=False).edge_set()   # doctest: +SKIP
{(0, 1), (1, 2)}
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from volltrack.io.timing import timed
from volltrack.tracking.settings import TrackerSettings, as_settings
from volltrack.tracking.spot_arrays import spot_arrays, spot_calibration, spot_movie
from volltrack.tracking.tracks import Tracks, tracks_from_result

logger = logging.getLogger(__name__)

BRIDGE_CLASS = "org.volltrack.btrackmate.bridge.ArrayBridge"
BACKENDS = ("engine", "fiji")


def _to_java(arrays: dict[str, Any]) -> dict[str, Any]:
    """Convert the numpy arrays to Java arrays (one bulk copy each)."""
    import jpype

    JInt, JDouble, JString = jpype.JInt, jpype.JDouble, jpype.JString
    java = {key: jpype.JArray(JDouble)(np.ascontiguousarray(arrays[key]))
            for key in ("x", "y", "z", "radius", "quality")}
    java["frames"] = jpype.JArray(JInt)(np.ascontiguousarray(arrays["frames"]))
    java["ids"] = None if arrays["ids"] is None else jpype.JArray(JInt)(np.ascontiguousarray(arrays["ids"]))
    java["feature_names"] = jpype.JArray(JString)(arrays["feature_names"])
    matrix = jpype.JArray(JDouble, 2)(len(arrays["feature_values"]))
    for i, column in enumerate(arrays["feature_values"]):
        matrix[i] = jpype.JArray(JDouble)(column)
    java["feature_values"] = matrix
    return java


def _java_error(exc: Exception) -> ValueError | None:
    """Return a ValueError for a Java IllegalArgumentException (bad input), else None."""
    import jpype

    if isinstance(exc, jpype.JClass("java.lang.IllegalArgumentException")):
        return ValueError(f"the tracking engine rejected the input: {exc.getMessage()}")
    return None


def result_tracks(result, settings: TrackerSettings, spots: pd.DataFrame, *, space_units: str, time_units: str,
                  xml_path: str | Path | None) -> Tracks:
    """The tables of an engine ``TrackingResult`` of ``spots``; its XML written atomically when ``xml_path``."""
    tracks = tracks_from_result(result, settings=settings.to_dict(), space_units=space_units, time_units=time_units)
    if xml_path is not None:
        tracks.xml_path = _write_xml_atomically(result, Path(xml_path), spot_movie(spots))
    return tracks


def _write_xml_atomically(result, xml_path: Path, movie: dict[str, Any] | None = None) -> Path:
    import jpype

    from volltrack.io.atomic import atomic_path
    from volltrack.tracking.jvm import java_interruptible

    xml_path = Path(xml_path)
    xml_path.parent.mkdir(parents=True, exist_ok=True)
    movie = movie or {"image": None, "shape": None, "calibration": None, "frame_interval": float("nan"),
                      "title": xml_path.stem}
    shape = None if movie["shape"] is None else jpype.JArray(jpype.JLong)(movie["shape"])
    calibration = None if movie["calibration"] is None else jpype.JArray(jpype.JDouble)(movie["calibration"])
    if movie["image"] is None:
        logger.warning("%s: the spot table names no movie, so the XML's ImageData names none (TrackMate opens an "
                       "empty image, napari shows the tracks alone); spot tables from 'volltrack spots' or "
                       "'volltrack run' name it", xml_path)
    with atomic_path(xml_path, suffix=".tmp") as temp:
        try:
            with java_interruptible("the XML writer"):   # inside atomic_path: its cleanup runs after Ctrl-C
                result.writeXml(str(temp), movie["image"], shape, calibration, movie["frame_interval"],
                                movie["title"])
        except jpype.JException as exc:
            if not isinstance(exc, (jpype.JClass("java.io.IOException"),
                                    jpype.JClass("java.io.UncheckedIOException"))):
                raise
            # name the user's file, not the hidden temporary one (full disk, file size limit, ...)
            reason = " ".join(str(exc.getMessage() or exc).replace(str(temp), "").split()).lstrip(": ")
            raise OSError(f"{xml_path}: cannot write the TrackMate XML ({reason}); nothing was written") from None
    return xml_path


def _bridge_class(jimport: Any) -> Any:
    """Return the ArrayBridge class, or explain why the running JVM does not have it.

    Failures to start the JVM (no Java, bad heap, missing jar, endpoints that need the network) are raised
    as they are; only a JVM that runs without the engine's classes is explained here.
    """
    from volltrack.tracking.engine_jar import EngineJarNotFound
    from volltrack.tracking.jvm import BadHeapSize, JavaNotFound, JvmStartError, started_by_volltrack

    try:
        return jimport(BRIDGE_CLASS)
    except (BadHeapSize, JavaNotFound, JvmStartError, EngineJarNotFound):
        raise
    except Exception as exc:  # noqa: BLE001 -- the JVM may have been started by someone else
        if started_by_volltrack():
            raise EngineJarNotFound(f"{BRIDGE_CLASS} is missing from the engine jar on the class path ({exc}); "
                                    "rebuild it with 'make setup'") from None
        raise EngineJarNotFound(
            f"{BRIDGE_CLASS} is not on the class path of the running JVM ({exc}); the JVM was started before "
            "volltrack (e.g. by PyImageJ) without the engine jar: call volltrack.tracking.jvm.start_jvm() first, "
            "or track in a fresh Python process") from None


def track_with_engine(spots: pd.DataFrame, settings: TrackerSettings, *, xml_path: str | Path | None = None,
                      progress: bool = True) -> Tracks:
    """Track ``spots`` with the engine in the embedded JVM (see :func:`track`)."""
    from tqdm.auto import tqdm

    from volltrack.tracking.jvm import java_interruptible, jimport

    arrays = spot_arrays(spots)
    space_units, time_units, interval = spot_calibration(spots)
    with tqdm(total=3, desc="tracking", unit="step", disable=not progress) as bar:
        with timed("track/JVM start and engine"):
            bridge = _bridge_class(jimport)
        java = _to_java(arrays)
        bar.update(1)
        with java_interruptible():
            result = _track_arrays(bridge, java, settings, space_units, time_units, interval)
        bar.update(1)
        with timed("track/results and XML"):
            tracks = result_tracks(result, settings, spots, space_units=space_units, time_units=time_units,
                                   xml_path=xml_path)
        bar.update(1)
    logger.info("tracked %d spots: %d edges, %d tracks", len(tracks.spots), len(tracks.edges), len(tracks.tracks))
    return tracks


def _track_arrays(bridge, java: dict[str, Any], settings: TrackerSettings, space_units: str, time_units: str,
                  interval: float):
    """One call of ``ArrayBridge.track``; its bad-input exceptions become ValueError."""
    try:
        return bridge.track(java["frames"], java["x"], java["y"], java["z"], java["radius"], java["quality"],
                            java["ids"], java["feature_names"], java["feature_values"], settings.to_json(),
                            space_units, time_units, float(interval))
    except Exception as exc:  # noqa: BLE001 -- Java exceptions are translated below
        error = _java_error(exc)
        if error is None:
            raise
        raise error from None


def track(spots: pd.DataFrame, settings: TrackerSettings | Mapping[str, Any] | str | Path | None = None, *,
          backend: str = "engine", xml_path: str | Path | None = None, progress: bool = True) -> Tracks:
    """Track a spot table with TrackMate's LAP tracker (BTrackmate engine or a real Fiji).

    Parameters
    ----------
    spots : DataFrame
        One row per spot; columns are TrackMate keys: ``FRAME`` and ``POSITION_X``/``POSITION_Y``
        (required), ``POSITION_Z`` (default 0), ``RADIUS`` (default 1), ``QUALITY`` (default 1), ``ID``
        (default: row number) and any further numeric column as an extra spot feature. ``spots.attrs``
        may give ``space_units``, ``time_units`` and ``frame_interval`` (defaults "micron", "sec", 1), and
        the movie the spots come from: ``image`` (its file), ``shape`` (T, Z, Y, X) and ``calibration``
        (dz, dy, dx), as :func:`volltrack.spots.read_spots_csv` and
        :func:`volltrack.spots.spot_csv.describe_movie` set them. They become the XML's ``ImageData``, so
        that TrackMate and napari open the movie under the tracks; without ``image`` the XML describes an
        unsaved image (a warning is logged).
    settings : TrackerSettings, mapping, path or None, optional
        Tracker settings (TrackMate keys); a JSON/YAML path; default None = TrackMate's defaults.
    backend : {"engine", "fiji"}, optional
        "engine" (default) runs the BTrackmate engine in an embedded JVM; "fiji" runs TrackMate in a
        Fiji through PyImageJ (:mod:`volltrack.tracking.fiji_backend`).
    xml_path : str or Path, optional
        Also write the result as TrackMate XML there (atomically); default None writes nothing.
    progress : bool, optional
        Show a progress bar (default True).

    Returns
    -------
    Tracks
        ``.spots``, ``.edges``, ``.tracks`` DataFrames in :func:`volltrack.trackmate.read_xml` columns.

    Raises
    ------
    ValueError
        For bad spots (missing columns, NaN positions, duplicate IDs) or bad settings (unknown keys,
        wrong types).
    """
    settings = as_settings(settings)
    if backend == "engine":
        return track_with_engine(spots, settings, xml_path=xml_path, progress=progress)
    if backend == "fiji":
        try:
            from volltrack.tracking.fiji_backend import track_with_fiji
        except ImportError as exc:
            raise ValueError(f"backend='fiji' is not available in this installation ({exc}); use "
                             "backend='engine'") from None
        return track_with_fiji(spots, settings, xml_path=xml_path, progress=progress)
    raise ValueError(f"backend: got {backend!r}; expected one of {', '.join(BACKENDS)}")
