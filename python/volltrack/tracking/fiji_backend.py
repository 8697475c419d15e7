"""Tracking backend ``"fiji"``: TrackMate itself, in a Fiji driven headless through PyImageJ.

The same spot table and the same :class:`~volltrack.tracking.TrackerSettings` as the engine backend go to
TrackMate's ``SparseLAPTrackerFactory`` (TrackMate's own keys); volltrack's keys are applied with TrackMate's
tools and our wizard modules: ``TISSUE_FILTER`` as a TrackMate spot ``FeatureFilter`` on ``TISSUE_FRACTION``,
``MIN_TRACKLET_LENGTH``/``PRUNE_MODE`` with the BTrackmate "Prune short tracklets" action. TrackMate's
``TmXmlWriter`` writes the XML, which is read back with :func:`volltrack.trackmate.read_xml` into the same
:class:`~volltrack.tracking.Tracks` tables as the engine backend returns.

Which Fiji: the ``fiji`` argument, else the ``VOLLTRACK_FIJI`` environment variable -- a local ``Fiji.app``
folder (works offline: system Java, imglyb's jar from the Fiji.app), or a Maven endpoint PyImageJ understands
(e.g. ``"sc.fiji:fiji:2.16.0"``, needs the network and the SciJava repository). BTrackmate's jars (engine +
wizard modules) come from the Fiji.app when installed there (update site), else from the ``make fiji-dist``
output (``VOLLTRACK_FIJI_DIST``, default the checkout's ``dist/fiji``). Spots keep the engine's IDs, tracks get
the engine's IDs and names (:func:`_graph_in_engine_order`); the tables returned are the engine backend's
(:func:`like_engine`).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from volltrack.io.atomic import atomic_path
from volltrack.tracking.settings import ENGINE_KEYS, TrackerSettings, as_settings

logger = logging.getLogger(__name__)

ENV_VAR = "VOLLTRACK_FIJI"
#: volltrack's own settings keys; every other key is a TrackMate LAP tracker key.
VOLLTRACK_KEYS = ENGINE_KEYS
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


class FijiStartError(RuntimeError):
    """PyImageJ could not start the Fiji; the message names what is missing and the fix."""


#: What imglyb adds to scyjava's Maven endpoints when imported (``import imagej`` imports it).
IMGLYB_ENDPOINT = "net.imglib2:imglib2-imglyb"
IMGLYB_JAR = "jars/imglib2-imglyb-*.jar"
AWT_OPENS = "--add-opens=java.desktop/java.awt=ALL-UNNAMED"
#: BTrackmate's TrackMate action the backend uses to prune (the only BTrackmate class it needs).
PRUNE_ACTION = "org.volltrack.btrackmate.fiji.PruneTrackletsAction"
TRACKMATE_JARS = ("plugins/TrackMate-*.jar", "plugins/TrackMate_-*.jar", "jars/TrackMate-*.jar")


def _check_local_fiji(fiji_dir: Path) -> None:
    """Refuse a Fiji.app without TrackMate or without the imglyb jar PyImageJ needs, naming the missing jar."""
    if not any(sorted(fiji_dir.glob(pattern)) for pattern in TRACKMATE_JARS):
        # Fiji installs TrackMate as plugins/TrackMate-<version>.jar; older layouts used jars/ or TrackMate_.
        raise FijiStartError(f"{fiji_dir} has no TrackMate ({TRACKMATE_JARS[0]}): enable TrackMate in Fiji "
                             "(Help > Update...) or use backend='engine'")
    if not sorted(fiji_dir.glob(IMGLYB_JAR)):
        raise FijiStartError(f"{fiji_dir} has no {IMGLYB_JAR}: PyImageJ (through imglyb) needs "
                             f"{IMGLYB_ENDPOINT}, which every Fiji ships in jars/; update this Fiji (Help > "
                             "Update...) or copy that jar there (volltrack does not fetch it from the network)")


def _without_imglyb_endpoint() -> list[str]:
    """Drop imglyb's Maven endpoint from scyjava's list (in place); return what was dropped.

    ``import imglyb`` appends it; jgo would then resolve it from the SciJava repository at JVM start, even
    for a local Fiji.app, which ships that jar itself.
    """
    import scyjava

    dropped = [str(e) for e in scyjava.config.endpoints if IMGLYB_ENDPOINT in str(e)]
    if dropped:
        scyjava.config.endpoints[:] = [e for e in scyjava.config.endpoints if IMGLYB_ENDPOINT not in str(e)]
    return dropped


def _start_fiji(endpoint: str, *, need_btrackmate: bool = True):
    """Start the Fiji headless through PyImageJ, offline for a local Fiji.app.

    Java: the system Java when there is one (``JAVA_HOME`` set to it, scyjava's ``fetch="never"``: nothing is
    downloaded; PyImageJ is told its version, see :func:`_java_version_for_pyimagej`); without one, scyjava
    downloads a Java (online).
    A local Fiji.app must ship TrackMate and the imglyb jar; imglyb's Maven endpoint is then left out.
    BTrackmate comes from the Fiji.app when installed there, else from the ``make fiji-dist`` output; with
    ``need_btrackmate=False`` (no pruning asked for, or ``volltrack doctor``) a missing BTrackmate is not an
    error: TrackMate runs without it.

    Returns
    -------
    tuple
        The ImageJ2 gateway (None when the JVM already ran with Fiji) and the
        :class:`~volltrack.tracking.fiji_dist.Distribution` used (None when not found).
    """
    import scyjava

    if scyjava.jvm_started():
        try:
            scyjava.jimport("fiji.plugin.trackmate.TrackMate")
        except Exception:  # noqa: BLE001 -- a JVM without Fiji: explained below
            raise FijiStartError("the Java VM already runs without Fiji (e.g. started by the engine backend) and "
                                 "cannot load it now; use backend='fiji' in a fresh Python process") from None
        if need_btrackmate:
            try:
                scyjava.jimport(PRUNE_ACTION)
            except Exception:  # noqa: BLE001 -- started earlier without BTrackmate: explained below
                raise FijiStartError("the Fiji running in this process has no BTrackmate, which pruning "
                                     "(MIN_TRACKLET_LENGTH > 0) needs; use backend='fiji' in a fresh Python "
                                     "process with BTrackmate installed (or 'make fiji-dist')") from None
        return None, None
    local = Path(endpoint) if Path(endpoint).is_dir() else None
    if local is not None:
        _check_local_fiji(local)
    from volltrack.tracking.fiji_dist import DistributionError, find_distribution
    from volltrack.tracking.jvm import DEFAULT_MAX_HEAP, checked_heap_size

    heap = checked_heap_size(os.environ.get("VOLLTRACK_JVM_HEAP", DEFAULT_MAX_HEAP), source="VOLLTRACK_JVM_HEAP")
    try:
        distribution = find_distribution(local)
    except DistributionError as exc:
        if need_btrackmate:
            raise
        logger.info("%s; TrackMate runs without BTrackmate (only pruning needs it)", exc)
        distribution = None
    try:
        import imagej
    except ImportError:
        raise FijiStartError("backend='fiji' needs PyImageJ: pip install -e '.[fiji]'") from None
    from volltrack.tracking.jvm import prefer_system_java

    java_home, java_major = prefer_system_java()
    if local is not None:
        dropped = _without_imglyb_endpoint()
        if dropped:
            logger.debug("left out the Maven endpoint(s) %s: %s ships the imglyb jar", dropped, local)
    for jar in distribution.jars if distribution is not None else []:
        scyjava.config.add_classpath(str(jar))
    scyjava.config.add_option(f"-Xmx{heap}")
    # As Fiji's launcher does on Java 9+: TrackMate 7's display-settings writer serialises java.awt.Font by
    # reflection (gson), which Java 17 refuses unless java.awt is opened.
    scyjava.config.add_option(AWT_OPENS)
    # Ctrl-C must reach Python, not make the JVM end the whole process at once (JPype's default outside an
    # interactive session: no "interrupted" line, the temporary XML left behind): see _run_interruptibly.
    scyjava.config.add_kwargs(interrupt=False)
    from volltrack.tracking.jvm import _release_java_threads

    # a cancelled TrackMate leaves its tracker's (non-daemon) pool threads running: JPype's shutdown would wait
    scyjava.when_jvm_stops(_release_java_threads)
    logger.info("starting Fiji %s headless (PyImageJ, Java %s)", endpoint, java_home or "to be downloaded")
    try:
        with _java_version_for_pyimagej(imagej, java_major), _exit_on_ctrl_c_while_starting():
            ij = imagej.init(str(local) if local is not None else endpoint, mode="headless")
    except Exception as exc:  # noqa: BLE001 -- PyImageJ/scyjava/jgo failures become one explained error
        where = "" if local is not None else " (a Maven endpoint needs the network and the SciJava repository)"
        raise FijiStartError(f"PyImageJ could not start the Fiji {endpoint}{where}: {type(exc).__name__}: "
                             f"{exc}") from None
    return ij, distribution


@contextmanager
def _java_version_for_pyimagej(imagej_module, major: int | None) -> Iterator[None]:
    """Give PyImageJ the system Java's version while it starts the JVM.

    PyImageJ 1.8.0 guesses the version (to open ``java.lang`` on Java 9+) from scyjava's fetch policy and fails
    with ``fetch="never"`` (``UnboundLocalError: ... 'major_version'``); the version of the Java scyjava will
    use is known here. Nothing is changed when PyImageJ has no such function or no local Java was found.
    """
    guess = getattr(imagej_module, "_guess_java_version", None)
    if major is None or guess is None:
        yield
        return
    imagej_module._guess_java_version = lambda: major
    try:
        yield
    finally:
        imagej_module._guess_java_version = guess


def describe_fiji(fiji: str | os.PathLike | None = None) -> dict[str, Any]:
    """Start the Fiji as the backend does and describe it (for ``volltrack doctor``, in a child process).

    Returns
    -------
    dict
        ``fiji``, ``imagej`` (ImageJ2 version), ``java``, ``trackmate`` (TrackMate's name and version or
        None), ``btrackmate`` (where it comes from, or why it is missing), ``btrackmate_ok`` (its TrackMate
        modules load), ``commons_csv`` (the class the command's CSV input needs loads) and ``seconds``.
    """
    import time

    import scyjava

    started = time.monotonic()
    endpoint = resolve_fiji(fiji)
    from volltrack.tracking.fiji_dist import DistributionError, find_distribution

    local = Path(endpoint) if Path(endpoint).is_dir() else None
    try:
        found = find_distribution(local)
        where = "installed in the Fiji.app" if found.installed else f"from {found.folder} (make fiji-dist)"
    except DistributionError as exc:
        where = str(exc)
    ij, _ = _start_fiji(endpoint, need_btrackmate=False)

    def loads(name: str) -> bool:
        try:
            scyjava.jimport(name)
            return True
        except Exception:  # noqa: BLE001 -- a class that does not load is the answer
            return False

    trackmate = None
    if loads("fiji.plugin.trackmate.TrackMate"):
        trackmate = str(scyjava.jimport("fiji.plugin.trackmate.TrackMate").PLUGIN_NAME_VERSION)
    return {"fiji": endpoint, "imagej": str(ij.getVersion()) if ij is not None else "?",
            "java": str(scyjava.jimport("java.lang.System").getProperty("java.version")),
            "trackmate": trackmate, "btrackmate": where,
            "btrackmate_ok": loads(PRUNE_ACTION),
            "commons_csv": loads("org.apache.commons.csv.CSVFormat"),
            "seconds": round(time.monotonic() - started, 1)}


def _jimport(name: str):
    import scyjava

    return scyjava.jimport(name)


def _lap_factory(jimport=_jimport):
    for name in _LAP_FACTORIES:
        try:
            return jimport(name)()
        except Exception:  # noqa: BLE001 -- try the next TrackMate version's package
            continue
    raise RuntimeError("this Fiji has no TrackMate (SparseLAPTrackerFactory not found); enable TrackMate or use "
                       "backend='engine'")


def spot_ids(spots: pd.DataFrame, arrays: dict[str, Any]) -> np.ndarray:
    """Return the spot IDs the engine backend gives: the ``ID`` column, else the row numbers 0, 1, 2, ..."""
    return arrays["ids"] if arrays["ids"] is not None else np.arange(len(spots), dtype=np.int32)


def _spot_collection(spots: pd.DataFrame, interval: float, jimport=_jimport):
    """Build TrackMate's SpotCollection with the engine's spot IDs and features.

    Each spot is made with ``Spot(ID)`` (keeps the ID; TrackMate's other constructors draw a new one from a
    global counter), named ``ID<id>`` as the engine names it (TmXmlWriter needs a name), then given its
    features; NaN feature values are left out, as the engine leaves them out.
    """
    from jpype import JInt

    from volltrack.tracking.spot_arrays import spot_arrays

    arrays = spot_arrays(spots)
    ids = spot_ids(spots, arrays)
    Spot = jimport("fiji.plugin.trackmate.Spot")
    collection = jimport("fiji.plugin.trackmate.SpotCollection")()
    core = (("POSITION_X", arrays["x"]), ("POSITION_Y", arrays["y"]), ("POSITION_Z", arrays["z"]),
            ("RADIUS", arrays["radius"]), ("QUALITY", arrays["quality"]))
    for i in range(len(spots)):
        spot = Spot(JInt(int(ids[i])))
        spot.setName(f"ID{int(ids[i])}")
        for name, values in core:
            spot.putFeature(name, float(values[i]))
        spot.putFeature("POSITION_T", float(arrays["frames"][i]) * interval)
        for name, values in zip(arrays["feature_names"], arrays["feature_values"]):
            if name != "VISIBILITY" and not np.isnan(values[i]):
                spot.putFeature(name, float(values[i]))
        collection.add(spot, JInt(int(arrays["frames"][i])))
    return collection


def _tracker_settings(factory, lap: dict[str, Any], jimport=_jimport):
    HashMap = jimport("java.util.HashMap")
    java = factory.getDefaultSettings()
    for key, value in lap.items():
        if key in _PENALTY_KEYS:
            penalties = HashMap()
            for feature, weight in (value or {}).items():
                penalties.put(feature, float(weight))
            java.put(key, penalties)
        elif isinstance(value, bool):
            java.put(key, jimport("java.lang.Boolean")(value))
        elif isinstance(value, int):
            java.put(key, jimport("java.lang.Integer")(value))
        else:
            java.put(key, float(value))
    return java


#: The wizard panel TrackMate opens a loaded file at (TrackMate 7/8's ConfigureViewsDescriptor key).
GUI_STATE = "ConfigureViews"


#: Set by the ``volltrack`` command (:func:`exit_at_once_while_starting`): the line to print when Ctrl-C comes while
#: Fiji starts; None in a library caller (a notebook), whose process must not end.
_START_INTERRUPT_LINE: str | None = None


def exit_at_once_while_starting(line: str) -> None:
    """Make Ctrl-C while Fiji starts end this process at once, printing ``line`` (exit code 130).

    For the ``volltrack`` command only. Starting Fiji is a minute of Java calls (the SciJava context) that Python
    cannot interrupt: the interrupt would only be seen when they return. Nothing is written before Fiji runs, so
    ending the process at once loses nothing.
    """
    global _START_INTERRUPT_LINE
    _START_INTERRUPT_LINE = line


@contextmanager
def _exit_on_ctrl_c_while_starting() -> Iterator[None]:
    """While Fiji starts, a watcher thread ends the process on Ctrl-C (see :func:`exit_at_once_while_starting`).

    Python's signal handler (or JPype's, which flags Python the same way) writes the signal number to the wakeup
    file descriptor at once, even while the main thread is inside a Java call; the watcher reads it there.
    """
    import signal
    import sys

    line = _START_INTERRUPT_LINE
    if line is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    if previous != -1:               # someone else (an event loop) uses it: leave it to them
        signal.set_wakeup_fd(previous)
        os.close(read_fd)
        os.close(write_fd)
        yield
        return
    started = threading.Event()

    def watch() -> None:
        while True:
            try:
                data = os.read(read_fd, 64)
            except OSError:
                return
            if not data or started.is_set():
                return
            if signal.SIGINT in data:
                try:
                    sys.stderr.write(f"{line}: interrupted\n")
                    sys.stderr.flush()
                finally:
                    os._exit(130)

    watcher = threading.Thread(target=watch, name="volltrack-fiji-start-ctrl-c", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        started.set()
        signal.set_wakeup_fd(-1)
        os.close(write_fd)              # ends the watcher's read
        watcher.join(1.0)
        os.close(read_fd)


#: How long Ctrl-C waits for the TrackMate work to stop (it is cancelled) before the interrupt goes on regardless.
CANCEL_WAIT_SECONDS = 2.0


class TrackMateCancelled(Exception):
    """The TrackMate work saw that Ctrl-C cancelled it (raised in the worker thread only)."""


class _Cancellation:
    """What the waiting thread needs to stop the TrackMate work of :func:`_run_interruptibly`."""

    def __init__(self) -> None:
        self.requested = False
        self.trackmate: Any = None
        self.java_thread: Any = None

    def watch(self, trackmate: Any) -> Any:
        """Remember the TrackMate object working now (cancelled on Ctrl-C); return it."""
        self.trackmate = trackmate
        self.check()
        return trackmate

    def check(self) -> None:
        """Stop the work between steps once Ctrl-C was pressed."""
        if self.requested:
            raise TrackMateCancelled("interrupted")

    def cancel(self) -> None:
        self.requested = True
        for stop in (lambda: self.trackmate.cancel("interrupted (Ctrl-C)"), lambda: self.java_thread.interrupt()):
            try:
                stop()
            except Exception as exc:  # noqa: BLE001 -- nothing to cancel yet, or the JVM is going: carry on
                logger.debug("cancelling TrackMate: %s", exc)


def _run_interruptibly(work, cancellation: _Cancellation, *, what: str = "TrackMate in Fiji"):
    """Run ``work()`` (Java calls into Fiji) in a worker thread while this thread waits in Python.

    TrackMate's own calls (``execTracking``, the feature computation, the XML writer) do not look at Java's interrupt
    flag, and a Python thread inside a Java call only sees Ctrl-C when the call returns, possibly minutes later.
    Waiting here instead, Ctrl-C (the JVM started with JPype's ``interrupt=False``) raises ``KeyboardInterrupt`` at
    once: the TrackMate object at work is cancelled (``TrackMate.cancel``), the worker's Java thread interrupted,
    the worker given :data:`CANCEL_WAIT_SECONDS` to stop (it also checks between steps, so no XML is written after
    the interrupt), and the interrupt goes on to the caller, whose cleanup removes the temporary XML.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            import jpype

            if jpype.isJVMStarted():
                cancellation.java_thread = jpype.JClass("java.lang.Thread").currentThread()
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 -- handed to the waiting thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="volltrack-trackmate", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except KeyboardInterrupt:
        logger.debug("Ctrl-C: cancelling %s", what)
        cancellation.cancel()
        worker.join(CANCEL_WAIT_SECONDS)
        raise
    finally:
        from volltrack.tracking.jvm import clear_java_interrupt

        clear_java_interrupt()        # JPype flagged the waiting thread's Java side; the next call must not see it
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _run_trackmate(spots: pd.DataFrame, settings: TrackerSettings, xml_path: Path, jimport=_jimport,
                   cancellation: _Cancellation | None = None) -> None:
    """Track with TrackMate and write its XML with TmXmlWriter, complete enough for TrackMate to load cleanly.

    The settings name the manual detector (spots come from a table; TrackMate's loader needs a detector) with
    the engine's RADIUS, the tissue filter is recorded as a spot filter on ``TISSUE_FRACTION`` and applied to
    the model, only TrackMate's own analyzers are listed (a TrackMate without BTrackmate reads the file without
    error), and the GUI state and TrackMate's default display settings are appended. The tracks are then given
    to a fresh model in the engine's vertex order, so that TrackMate numbers them as the engine does
    (:func:`_graph_in_engine_order`).
    """
    from volltrack.tracking.spot_arrays import spot_arrays, spot_calibration

    cancellation = cancellation or _Cancellation()
    lap, ours = split_settings(settings)
    space_units, time_units, interval = spot_calibration(spots)
    arrays = spot_arrays(spots)
    collection = _spot_collection(spots, interval, jimport)
    model = _new_model(collection, arrays["feature_names"], space_units, time_units, jimport)
    tm_settings = jimport("fiji.plugin.trackmate.Settings")()
    _describe_movie(tm_settings, spots, interval)
    detector = jimport("fiji.plugin.trackmate.detection.ManualDetectorFactory")()
    tm_settings.detectorFactory = detector
    tm_settings.detectorSettings = detector.getDefaultSettings()
    tm_settings.detectorSettings.put("RADIUS", _median_radius(arrays["radius"]))
    if ours.get("TISSUE_FILTER"):
        FeatureFilter = jimport("fiji.plugin.trackmate.features.FeatureFilter")
        tm_settings.addSpotFilter(FeatureFilter("TISSUE_FRACTION", float(ours["TISSUE_MIN_FRACTION"]), True))
    model.filterSpots(tm_settings.getSpotFilters(), False)
    tm_settings.trackerFactory = _lap_factory(jimport)
    tm_settings.trackerSettings = _tracker_settings(tm_settings.trackerFactory, lap, jimport)
    _trackmate_analyzers_only(tm_settings)
    trackmate = cancellation.watch(jimport("fiji.plugin.trackmate.TrackMate")(model, tm_settings))
    if not trackmate.execTracking():
        cancellation.check()
        raise RuntimeError(f"TrackMate tracking failed: {trackmate.getErrorMessage()}")
    cancellation.check()
    if int(ours.get("MIN_TRACKLET_LENGTH", 0)) > 0:
        action = jimport(PRUNE_ACTION)()
        action.setParameters(int(ours["MIN_TRACKLET_LENGTH"]), str(ours["PRUNE_MODE"]))
        action.execute(trackmate, jimport("fiji.plugin.trackmate.SelectionModel")(model), None, None)
    graph = _graph_in_engine_order(model.getTrackModel(), jimport)
    model = _new_model(collection, arrays["feature_names"], space_units, time_units, jimport)
    model.setTracks(graph, False)
    trackmate = cancellation.watch(jimport("fiji.plugin.trackmate.TrackMate")(model, tm_settings))
    trackmate.computeEdgeFeatures(False)
    cancellation.check()
    trackmate.computeTrackFeatures(False)
    cancellation.check()
    writer = jimport("fiji.plugin.trackmate.io.TmXmlWriter")(jimport("java.io.File")(str(xml_path)))
    writer.appendLog("volltrack backend='fiji' (TrackMate in Fiji); settings: " + settings.to_json())
    writer.appendModel(model)
    writer.appendSettings(tm_settings)
    writer.appendGUIState(GUI_STATE)
    try:
        writer.appendDisplaySettings(jimport("fiji.plugin.trackmate.gui.displaysettings.DisplaySettings")
                                     .defaultStyle())
    except Exception as exc:  # noqa: BLE001 -- the element is only added once written; TrackMate then uses its default
        logger.warning("TrackMate could not write its display settings (%s); the XML has none and TrackMate "
                       "uses its defaults when loading it", " ".join(str(exc).split())[:200])
    cancellation.check()           # no XML written after Ctrl-C: the caller is removing the temporary file
    writer.writeToFile()


def _new_model(collection, feature_names: list[str], space_units: str, time_units: str, jimport=_jimport):
    """A TrackMate Model holding ``collection``, with its units and the table's extra spot features declared.

    Its logger is TrackMate's void one: TrackMate's default logger prints every tracking step to the process's
    standard output (failures still come back through ``getErrorMessage``).
    """
    model = jimport("fiji.plugin.trackmate.Model")()
    model.setLogger(jimport("fiji.plugin.trackmate.Logger").VOID_LOGGER)
    model.setPhysicalUnits(space_units, time_units)
    model.setSpots(collection, False)
    _declare_spot_features(model, feature_names, jimport)
    return model


def _median_radius(radius: np.ndarray) -> float:
    """The detector RADIUS the engine writes: the upper median of the finite spot radii (1.0 without any)."""
    finite = np.sort(np.asarray(radius, dtype=float)[np.isfinite(radius)])
    return float(finite[len(finite) // 2]) if len(finite) else 1.0


#: Key prefix of BTrackmate's own analyzers (a TrackMate without BTrackmate reports them as unknown keys).
BTRACKMATE_ANALYZER_PREFIX = "BTRACKMATE_"


def _trackmate_analyzers_only(tm_settings) -> None:
    """List every analyzer of the running TrackMate in the settings, except BTrackmate's own.

    BTrackmate's analyzers (tissue fraction, tracklets) would make TrackMate's loader report "Unknown ... analyzer
    key" in a Fiji without BTrackmate; the engine's XML does not list them either.
    """
    tm_settings.addAllAnalyzers()
    for factory in tm_settings.getSpotAnalyzerFactories():
        if str(factory.getKey()).startswith(BTRACKMATE_ANALYZER_PREFIX):
            tm_settings.removeSpotAnalyzerFactory(factory)
    for analyzer in tm_settings.getEdgeAnalyzers():
        if str(analyzer.getKey()).startswith(BTRACKMATE_ANALYZER_PREFIX):
            tm_settings.removeEdgeAnalyzer(analyzer)
    for analyzer in tm_settings.getTrackAnalyzers():
        if str(analyzer.getKey()).startswith(BTRACKMATE_ANALYZER_PREFIX):
            tm_settings.removeTrackAnalyzer(analyzer)


def _graph_in_engine_order(track_model, jimport=_jimport):
    """Copy TrackMate's track graph with its vertices in the engine's order: by (FRAME, ID), linked spots only.

    TrackMate numbers tracks (IDs and ``Track_<n>`` names) as it meets them in its graph's vertex order, which
    after tracking depends on thread timing and hashing. The engine inserts vertices edge by edge, frame-to-frame
    links first in (source FRAME, source ID) order, so its track *k* is the one with the *k*-th smallest first
    spot by (FRAME, ID); pruning only trims branch tails or removes whole tracks, which keeps that order. A graph
    whose vertices come in (FRAME, ID) order makes TrackMate's own numbering give the engine's track IDs and
    names. Spots left without a link (e.g. pruned) are not vertices, as in the engine's graph.
    """
    Graph = jimport("org.jgrapht.graph.SimpleWeightedGraph")
    Edge = jimport("org.jgrapht.graph.DefaultWeightedEdge")
    links = [(track_model.getEdgeSource(e), track_model.getEdgeTarget(e), float(track_model.getEdgeWeight(e)))
             for e in track_model.edgeSet()]
    linked = {}
    for source, target, _ in links:
        for spot in (source, target):
            linked.setdefault(int(spot.ID()), spot)
    graph = Graph(getattr(Edge, "class_", Edge))
    for spot in sorted(linked.values(), key=lambda s: (int(round(float(s.getFeature("FRAME")))), int(s.ID()))):
        graph.addVertex(spot)
    for source, target, weight in links:
        graph.setEdgeWeight(graph.addEdge(source, target), weight)
    return graph


def _declare_spot_features(model, names: list[str], jimport=_jimport) -> None:
    """Declare the spot table's extra features in TrackMate's feature model, as the engine declares them.

    TmXmlWriter writes every feature a spot carries, but only declared ones are listed in the XML's
    ``FeatureDeclarations`` and offered by TrackMate (filters, tables, colouring). Undeclared: dimensionless,
    not integer, named by their key.
    """
    features = model.getFeatureModel()
    known = {str(name) for name in features.getSpotFeatures()}
    new = [name for name in names if name not in known and name != "VISIBILITY"]
    if not new:
        return
    ArrayList, HashMap = jimport("java.util.ArrayList"), jimport("java.util.HashMap")
    none, false = jimport("fiji.plugin.trackmate.Dimension").NONE, jimport("java.lang.Boolean")(False)
    keys, labels, dimensions, integer = ArrayList(), HashMap(), HashMap(), HashMap()
    for name in new:
        keys.add(name)
        labels.put(name, name)
        dimensions.put(name, none)
        integer.put(name, false)
    features.declareSpotFeatures(keys, labels, labels, dimensions, integer)


def _describe_movie(tm_settings, spots: pd.DataFrame, interval: float) -> None:
    """Give TrackMate's settings the movie the spots come from (``spots.attrs``, as the engine writes it).

    TmXmlWriter writes these fields as the XML's ``ImageData``, so that TrackMate opens the movie under the
    tracks: file and folder, width/height/slices/frames from the shape (T, Z, Y, X), the voxel size
    (dz, dy, dx) and the frame interval. Without a movie only the calibration and interval are set.
    """
    from volltrack.tracking.spot_arrays import spot_movie

    movie = spot_movie(spots)
    tm_settings.dt = float(interval)
    if movie["calibration"] is not None:
        tm_settings.dz, tm_settings.dy, tm_settings.dx = (float(v) for v in movie["calibration"])
    if movie["image"] is not None:
        image = Path(movie["image"])
        frames, slices, height, width = (int(v) for v in movie["shape"])
        tm_settings.imageFileName, tm_settings.imageFolder = image.name, str(image.parent) + os.sep
        tm_settings.width, tm_settings.height, tm_settings.nslices, tm_settings.nframes = width, height, slices, frames
        tm_settings.tstart, tm_settings.tend, tm_settings.zstart, tm_settings.zend = 0, frames - 1, 0, slices - 1


#: The engine backend's edge and track columns, in its order (tests check them against the engine).
ENGINE_EDGE_COLUMNS = ("TRACK_ID", "SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST", "SPEED", "DISPLACEMENT",
                       "EDGE_TIME", "EDGE_X_LOCATION", "EDGE_Y_LOCATION", "EDGE_Z_LOCATION",
                       "DIRECTIONAL_CHANGE_RATE")
ENGINE_TRACK_COLUMNS = ("name", "TRACK_ID", "TRACK_INDEX", "NUMBER_SPOTS", "NUMBER_GAPS", "NUMBER_SPLITS",
                        "NUMBER_MERGES", "NUMBER_COMPLEX", "LONGEST_GAP", "TRACK_DURATION", "TRACK_START",
                        "TRACK_STOP", "TRACK_DISPLACEMENT", "TRACK_X_LOCATION", "TRACK_Y_LOCATION",
                        "TRACK_Z_LOCATION", "TRACK_MEAN_SPEED", "TRACK_MAX_SPEED", "TRACK_MIN_SPEED",
                        "TRACK_MEDIAN_SPEED", "TRACK_STD_SPEED", "TRACK_MEAN_QUALITY", "TOTAL_DISTANCE_TRAVELED",
                        "MAX_DISTANCE_TRAVELED", "CONFINEMENT_RATIO", "MEAN_STRAIGHT_LINE_SPEED",
                        "LINEARITY_OF_FORWARD_PROGRESSION", "MEAN_DIRECTIONAL_CHANGE_RATE")
_SPOT_HEAD = ("ID", "name", "VISIBILITY", "POSITION_X", "POSITION_Y", "POSITION_Z", "RADIUS", "QUALITY",
              "POSITION_T")


def like_engine(tracks, feature_names: list[str], input_ids=None):
    """Give Tracks read from TrackMate's XML the engine backend's tables: its columns, order and row order.

    Spots: ID, name, VISIBILITY, positions, RADIUS, QUALITY, POSITION_T, the table's extra features, FRAME,
    sorted by frame, then in the order of ``input_ids`` (the spot table's order, as the engine keeps it; by ID
    when not given). Edges and tracks: the engine's feature columns (features only TrackMate or our
    wizard modules compute, e.g. N_TRACKLETS, stay in the XML), edges sorted by track, source frame and spot
    IDs, tracks by ID. The XML itself is left as TrackMate wrote it.
    """
    spots = tracks.spots
    spot_columns = [c for c in (*_SPOT_HEAD, *feature_names, "FRAME") if c in spots.columns]
    spots = spots[spot_columns]
    if input_ids is not None:
        position = pd.Series(np.arange(len(input_ids)), index=np.asarray(input_ids, dtype=np.int64))
        spots = spots.assign(_order=position.reindex(spots["ID"].to_numpy()).to_numpy())
    else:
        spots = spots.assign(_order=spots["ID"].to_numpy())
    tracks.spots = (spots.sort_values(["FRAME", "_order"], kind="stable").drop(columns="_order")
                    .reset_index(drop=True))
    frame_of = pd.Series(tracks.spots["FRAME"].to_numpy(), index=tracks.spots["ID"].to_numpy())
    edges = tracks.edges[[c for c in ENGINE_EDGE_COLUMNS if c in tracks.edges.columns]]
    if len(edges):
        order = edges.assign(_frame=frame_of.reindex(edges["SPOT_SOURCE_ID"].to_numpy()).to_numpy())
        edges = order.sort_values(["TRACK_ID", "_frame", "SPOT_SOURCE_ID", "SPOT_TARGET_ID"],
                                  kind="stable").drop(columns="_frame")
    tracks.edges = edges.reset_index(drop=True)
    table = tracks.tracks[[c for c in ENGINE_TRACK_COLUMNS if c in tracks.tracks.columns]]
    tracks.tracks = table.sort_values("TRACK_ID", kind="stable").reset_index(drop=True)
    tracks.spot_track_ids = tracks.spot_track_ids.reindex(tracks.spots["ID"].to_numpy()).rename_axis("ID")
    tracks.spot_track_ids.name = "TRACK_ID"
    return tracks


def tracks_from_xml(xml_path: str | os.PathLike, *, settings: dict[str, Any] | None = None):
    """Read a TrackMate XML as the engine backend returns its tables: units default to micron/sec.

    ``settings``, when given, replaces the file's tracker settings (the settings the run was asked for).
    """
    from volltrack.trackmate import read_xml

    data = read_xml(xml_path)
    if settings is not None:
        data.settings = {**data.settings, "tracker": dict(settings)}
    data.space_units = data.space_units or "micron"
    data.time_units = data.time_units or "sec"
    data.xml_path = Path(xml_path)
    return data


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
    mode = settings.to_dict().get("TRACKING_MODE", "EXACT_LAP")
    if mode != "EXACT_LAP":
        raise ValueError(f"TRACKING_MODE={mode}: backend='fiji' runs TrackMate's LAP tracker (EXACT_LAP) only; "
                         "use backend='engine' for this mode")
    endpoint = resolve_fiji(fiji)
    from volltrack.tracking.spot_arrays import spot_arrays, spot_calibration

    arrays = spot_arrays(spots)
    spot_calibration(spots)
    _start_fiji(endpoint, need_btrackmate=int(settings.to_dict().get("MIN_TRACKLET_LENGTH", 0)) > 0)
    target = Path(xml_path) if xml_path is not None else None
    scratch = None if target is not None else Path(tempfile.mkdtemp(prefix="volltrack-fiji-"))
    folder = target.parent if target is not None else scratch
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(target if target is not None else folder / "trackmate.xml", suffix=".xml") as temp:
            if progress:
                logger.info("tracking %d spots with TrackMate in Fiji", len(spots))
            cancellation = _Cancellation()
            _run_interruptibly(lambda: _run_trackmate(spots, settings, temp, cancellation=cancellation),
                               cancellation)
            tracks = like_engine(tracks_from_xml(temp, settings=settings.to_dict()), arrays["feature_names"],
                                 spot_ids(spots, arrays))
        tracks.xml_path = target
        return tracks
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
