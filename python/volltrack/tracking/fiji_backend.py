"""Tracking backend ``"fiji"``: TrackMate itself, in a Fiji driven headless through PyImageJ.

The same spot table and the same :class:`~volltrack.tracking.TrackerSettings` as the engine backend go to
TrackMate's ``SparseLAPTrackerFactory`` (TrackMate's own keys); volltrack's keys are applied with TrackMate's
tools and our wizard modules: ``TISSUE_FILTER`` as a TrackMate spot ``FeatureFilter`` on ``TISSUE_FRACTION``,
``MIN_TRACKLET_LENGTH``/``PRUNE_MODE`` with the BTrackmate "Prune short tracklets" action. TrackMate's
``TmXmlWriter`` writes the XML, which is read back with :func:`volltrack.trackmate.read_xml` into the same
:class:`~volltrack.tracking.Tracks` tables as the engine backend returns.

Which Fiji: the ``fiji`` argument, else the ``VOLLTRACK_FIJI`` environment variable -- a local ``Fiji.app``
folder, or a Maven endpoint PyImageJ understands (e.g. ``"sc.fiji:fiji:2.16.0"``, needs the SciJava
repository). Our jars (engine + wizard modules, as laid out by ``make fiji-dist``) are added to its class path.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from volltrack.tracking.settings import TrackerSettings, as_settings

logger = logging.getLogger(__name__)

ENV_VAR = "VOLLTRACK_FIJI"
#: volltrack's own settings keys; every other key is a TrackMate LAP tracker key.
VOLLTRACK_KEYS = ("MIN_TRACKLET_LENGTH", "PRUNE_MODE", "TISSUE_FILTER", "TISSUE_MIN_FRACTION",
                  "KALMAN_SEARCH_RADIUS")
_PENALTY_KEYS = ("LINKING_FEATURE_PENALTIES", "GAP_CLOSING_FEATURE_PENALTIES", "SPLITTING_FEATURE_PENALTIES",
                 "MERGING_FEATURE_PENALTIES")
#: SparseLAPTrackerFactory by TrackMate version (package renamed in 7.10).
_LAP_FACTORIES = ("fiji.plugin.trackmate.tracking.jaqaman.SparseLAPTrackerFactory",
                  "fiji.plugin.trackmate.tracking.sparselap.SparseLAPTrackerFactory")


class FijiNotConfigured(RuntimeError):
    """No Fiji was given: neither the ``fiji`` argument nor ``VOLLTRACK_FIJI``."""


def resolve_fiji(fiji: str | os.PathLike | None = None) -> str:
    """Return the Fiji to use: a local Fiji.app folder (absolute path) or a Maven endpoint.

    Parameters
    ----------
    fiji : str or PathLike, optional
        A Fiji.app folder or a Maven endpoint (``group:artifact[:version]``); default ``VOLLTRACK_FIJI``.

    Raises
    ------
    FijiNotConfigured
        When neither is set.
    ValueError
        When the value is neither an existing Fiji.app folder nor an endpoint.
    """
    value = str(fiji) if fiji is not None else os.environ.get(ENV_VAR, "")
    where = "fiji" if fiji is not None else ENV_VAR
    if not value.strip():
        raise FijiNotConfigured(f"no Fiji configured: pass fiji='/path/to/Fiji.app' (or a Maven endpoint such as "
                                f"'sc.fiji:fiji:2.16.0') or set {ENV_VAR}; or use backend='engine'")
    path = Path(value).expanduser()
    if path.is_dir():
        if not (path / "jars").is_dir():
            raise ValueError(f"{where}: {path} is a folder but not a Fiji installation (no jars/ folder inside); "
                             "expected the Fiji.app folder")
        return str(path.resolve())
    if ":" in value and "/" not in value and "\\" not in value:
        return value.strip()
    raise ValueError(f"{where}: got {value!r}; expected an existing Fiji.app folder or a Maven endpoint "
                     "'group:artifact[:version]'")


def split_settings(settings: TrackerSettings) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split settings into TrackMate's LAP tracker keys and volltrack's own keys.

    Examples
    --------
    >>> lap, ours = split_settings(TrackerSettings.from_mapping({"MIN_TRACKLET_LENGTH": 3}))
    >>> lap["LINKING_MAX_DISTANCE"], ours["MIN_TRACKLET_LENGTH"]
    (15.0, 3)
    """
    values = settings.to_dict()
    ours = {key: values[key] for key in VOLLTRACK_KEYS if key in values}
    lap = {key: value for key, value in values.items() if key not in VOLLTRACK_KEYS}
    return lap, ours


def btrackmate_jars() -> list[Path]:
    """Return the jars a Fiji needs for this backend: the engine and the TrackMate wizard modules."""
    from volltrack.tracking.fiji_dist import distribution_files

    return [source for dest, source in distribution_files().items() if dest.endswith(".jar")]


def _start_fiji(endpoint: str) -> None:
    import scyjava

    if scyjava.jvm_started():
        try:
            scyjava.jimport("fiji.plugin.trackmate.TrackMate")
            scyjava.jimport("org.volltrack.btrackmate.fiji.PruneTrackletsAction")
            return
        except Exception:  # noqa: BLE001 -- a JVM without Fiji: explained below
            raise RuntimeError("the Java VM already runs without Fiji (e.g. started by the engine backend) and "
                               "cannot load it now; use backend='fiji' in a fresh Python process") from None
    try:
        import imagej
    except ImportError:
        raise RuntimeError("backend='fiji' needs PyImageJ: pip install -e '.[fiji]'") from None
    for jar in btrackmate_jars():
        scyjava.config.add_classpath(str(jar))
    logger.info("starting Fiji %s headless (PyImageJ)", endpoint)
    imagej.init(endpoint, mode="headless")


def _lap_factory():
    import scyjava

    for name in _LAP_FACTORIES:
        try:
            return scyjava.jimport(name)()
        except Exception:  # noqa: BLE001 -- try the next TrackMate version's package
            continue
    raise RuntimeError("this Fiji has no TrackMate (SparseLAPTrackerFactory not found); enable TrackMate or use "
                       "backend='engine'")


def _spot_collection(spots: pd.DataFrame, interval: float):
    import scyjava
    from jpype import JInt

    from volltrack.tracking.bridge import _spot_arrays

    arrays = _spot_arrays(spots)
    Spot = scyjava.jimport("fiji.plugin.trackmate.Spot")
    collection = scyjava.jimport("fiji.plugin.trackmate.SpotCollection")()
    for i in range(len(spots)):
        spot = Spot(float(arrays["x"][i]), float(arrays["y"][i]), float(arrays["z"][i]),
                    float(arrays["radius"][i]), float(arrays["quality"][i]))
        for name, values in zip(arrays["feature_names"], arrays["feature_values"]):
            spot.putFeature(name, float(values[i]))
        spot.putFeature("POSITION_T", float(arrays["frames"][i]) * interval)
        collection.add(spot, JInt(int(arrays["frames"][i])))
    return collection


def _tracker_settings(factory, lap: dict[str, Any]):
    import scyjava

    HashMap = scyjava.jimport("java.util.HashMap")
    java = factory.getDefaultSettings()
    for key, value in lap.items():
        if key in _PENALTY_KEYS:
            penalties = HashMap()
            for feature, weight in (value or {}).items():
                penalties.put(feature, float(weight))
            java.put(key, penalties)
        elif isinstance(value, bool):
            java.put(key, scyjava.jimport("java.lang.Boolean")(value))
        elif isinstance(value, int):
            java.put(key, scyjava.jimport("java.lang.Integer")(value))
        else:
            java.put(key, float(value))
    return java


def _run_trackmate(spots: pd.DataFrame, settings: TrackerSettings, xml_path: Path) -> None:
    import scyjava

    lap, ours = split_settings(settings)
    space_units = str(spots.attrs.get("space_units", "micron"))
    time_units = str(spots.attrs.get("time_units", "sec"))
    model = scyjava.jimport("fiji.plugin.trackmate.Model")()
    model.setPhysicalUnits(space_units, time_units)
    collection = _spot_collection(spots, float(spots.attrs.get("frame_interval", 1.0) or 1.0))
    model.setSpots(collection, False)
    if ours.get("TISSUE_FILTER"):
        FeatureFilter = scyjava.jimport("fiji.plugin.trackmate.features.FeatureFilter")
        ArrayList = scyjava.jimport("java.util.ArrayList")
        filters = ArrayList()
        filters.add(FeatureFilter("TISSUE_FRACTION", float(ours["TISSUE_MIN_FRACTION"]), True))
        model.filterSpots(filters, False)
    tm_settings = scyjava.jimport("fiji.plugin.trackmate.Settings")()
    tm_settings.trackerFactory = _lap_factory()
    tm_settings.trackerSettings = _tracker_settings(tm_settings.trackerFactory, lap)
    tm_settings.addAllAnalyzers()
    trackmate = scyjava.jimport("fiji.plugin.trackmate.TrackMate")(model, tm_settings)
    if not trackmate.execTracking():
        raise RuntimeError(f"TrackMate tracking failed: {trackmate.getErrorMessage()}")
    if int(ours.get("MIN_TRACKLET_LENGTH", 0)) > 0:
        action = scyjava.jimport("org.volltrack.btrackmate.fiji.PruneTrackletsAction")()
        action.setParameters(int(ours["MIN_TRACKLET_LENGTH"]), str(ours["PRUNE_MODE"]))
        action.execute(trackmate, scyjava.jimport("fiji.plugin.trackmate.SelectionModel")(model), None, None)
    trackmate.computeEdgeFeatures(False)
    trackmate.computeTrackFeatures(False)
    writer = scyjava.jimport("fiji.plugin.trackmate.io.TmXmlWriter")(scyjava.jimport("java.io.File")(str(xml_path)))
    writer.appendLog("volltrack backend='fiji' (TrackMate in Fiji); settings: " + settings.to_json())
    writer.appendModel(model)
    writer.appendSettings(tm_settings)
    writer.writeToFile()


def tracks_from_xml(xml_path: str | os.PathLike, *, settings: dict[str, Any] | None = None):
    """Read a TrackMate XML into the :class:`~volltrack.tracking.Tracks` tables the engine backend returns."""
    from volltrack.tracking.tracks import Tracks
    from volltrack.trackmate import read_xml

    data = read_xml(xml_path)
    spot_track = pd.Series(-1, index=data.spots["ID"].astype(int).to_numpy(), dtype=int)
    for column in ("SPOT_SOURCE_ID", "SPOT_TARGET_ID"):
        if len(data.edges):
            spot_track.loc[data.edges[column].astype(int).to_numpy()] = data.edges["TRACK_ID"].astype(int).to_numpy()
    return Tracks(spots=data.spots, edges=data.edges, tracks=data.tracks,
                  filtered_track_ids=list(data.filtered_track_ids), spot_track_ids=spot_track,
                  settings=settings if settings is not None else dict(data.settings.get("tracker", {})),
                  space_units=data.space_units or "micron", time_units=data.time_units or "sec",
                  xml_path=Path(xml_path))


def track_with_fiji(spots: pd.DataFrame, settings=None, *, fiji: str | os.PathLike | None = None,
                    xml_path: str | os.PathLike | None = None, progress: bool = True):
    """Track ``spots`` with TrackMate in a Fiji (PyImageJ, headless).

    Parameters
    ----------
    spots : DataFrame
        The spot table (see :func:`volltrack.tracking.track`).
    settings : TrackerSettings, mapping, path or None, optional
        Tracker settings; default TrackMate's defaults.
    fiji : str or PathLike, optional
        A Fiji.app folder or Maven endpoint; default the ``VOLLTRACK_FIJI`` environment variable.
    xml_path : str or PathLike, optional
        Where to keep TrackMate's XML (written atomically); default a temporary file, deleted afterwards.
    progress : bool, optional
        Log progress (default True).

    Returns
    -------
    Tracks
        The same tables as the engine backend, read from the XML TrackMate wrote.

    Raises
    ------
    FijiNotConfigured
        When no Fiji is configured.
    ValueError
        For a bad spot table or bad settings.
    """
    settings = as_settings(settings)
    endpoint = resolve_fiji(fiji)
    from volltrack.tracking.bridge import _spot_arrays

    _spot_arrays(spots)
    _start_fiji(endpoint)
    target = Path(xml_path) if xml_path is not None else None
    folder = target.parent if target is not None else Path(tempfile.mkdtemp(prefix="volltrack-fiji-"))
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".trackmate.", suffix=".xml")
    os.close(handle)
    try:
        if progress:
            logger.info("tracking %d spots with TrackMate in Fiji", len(spots))
        _run_trackmate(spots, settings, Path(temp))
        tracks = tracks_from_xml(temp, settings=settings.to_dict())
        if target is not None:
            os.replace(temp, target)
            tracks.xml_path = target
        else:
            tracks.xml_path = None
        return tracks
    finally:
        if os.path.exists(temp):
            os.remove(temp)
