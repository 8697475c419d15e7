"""A spot table handed to the tracking engine piece by piece, as the pieces are computed (e.g. per time point).

:class:`SpotStream` passes each piece (a spot table of one frame, or of several) to the engine's
``org.volltrack.btrackmate.bridge.SpotStream`` as soon as it is given, in any order, and tracks everything once at
the end, in one engine process. The result is the one :func:`volltrack.tracking.track` gives on the pieces put
together in key order (same spot numbering, same links), without that table ever being assembled in Python.
``volltrack run --cluster`` feeds it with the spot table of each frame as the Dask task computing it finishes.

Examples
--------
>>> stream = SpotStream()                                          # doctest: +SKIP
>>> for frame, table in finished_frames:                           # doctest: +SKIP
...     stream.add(frame, table)
>>> tracks = stream.track({"LINKING_MAX_DISTANCE": 5.0}, attrs=attrs, xml_path="tracks.xml")   # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from volltrack.tracking.settings import TrackerSettings, as_settings
from volltrack.tracking.spot_arrays import spot_arrays, spot_calibration
from volltrack.tracking.tracks import Tracks

__all__ = ["SpotStream", "STREAM_CLASS"]

logger = logging.getLogger(__name__)

STREAM_CLASS = "org.volltrack.btrackmate.bridge.SpotStream"


class SpotStream:
    """Spot table pieces handed to the engine as they come; :meth:`track` tracks them all at once.

    Thread-safe: :meth:`add` may be called from the thread that collects finished Dask tasks.
    """

    def __init__(self) -> None:
        self._java: Any = None
        self._lock = threading.Lock()
        self.pieces = 0
        self.spots = 0
        #: Set by whoever fed every piece (the table's units, movie ...): the stream is then complete.
        self.attrs: dict[str, Any] | None = None

    def _engine(self) -> Any:
        if self._java is None:
            from volltrack.tracking.bridge import _bridge_class
            from volltrack.tracking.jvm import jimport

            _bridge_class(jimport)                      # explains a JVM without the engine's classes
            self._java = jimport(STREAM_CLASS)()
        return self._java

    def add(self, key: int, table: pd.DataFrame) -> None:
        """Hand one piece of the spot table to the engine.

        Parameters
        ----------
        key : int
            Its place in the table (the frame of a per-frame table); each key once. The spots are numbered and
            tracked in key order, whatever order the pieces come in.
        table : DataFrame
            Spot table rows (the columns :func:`volltrack.tracking.track` takes); an empty one adds nothing.

        Raises
        ------
        ValueError
            For a bad piece (the checks of :func:`volltrack.tracking.track`), naming its key.
        """
        from volltrack.tracking.bridge import _java_error, _to_java

        if len(table) == 0:
            return
        try:
            arrays = spot_arrays(table)
        except ValueError as exc:
            raise ValueError(f"spot table piece {key}: {exc}") from None
        with self._lock:
            engine = self._engine()
            java = _to_java(arrays)
            try:
                engine.add(int(key), java["frames"], java["x"], java["y"], java["z"], java["radius"],
                           java["quality"], java["ids"], java["feature_names"], java["feature_values"])
            except Exception as exc:  # noqa: BLE001 -- Java exceptions are translated
                error = _java_error(exc)
                if error is None:
                    raise
                raise error from None
            self.pieces += 1
            self.spots += len(table)

    def track(self, settings: TrackerSettings | Mapping[str, Any] | str | Path | None = None, *,
              attrs: Mapping[str, Any] | None = None, xml_path: str | Path | None = None,
              progress: bool = True) -> Tracks:
        """Track every spot added, in one engine call.

        Parameters
        ----------
        settings : TrackerSettings, mapping, path or None
            As for :func:`volltrack.tracking.track`.
        attrs : mapping, optional
            What a whole table's ``attrs`` would hold: ``space_units``, ``time_units``, ``frame_interval`` and the
            movie (``image``, ``shape``, ``calibration``) named in the XML's ImageData.
        xml_path : str or Path, optional
            Also write the TrackMate XML there (atomically).
        progress : bool, optional
            Show a progress bar.

        Raises
        ------
        ValueError
            When no spot was added, or for bad settings.
        """
        from tqdm.auto import tqdm

        from volltrack.tracking.bridge import _java_error, result_tracks
        from volltrack.tracking.jvm import java_interruptible

        checked = as_settings(settings)
        if self.spots == 0:
            raise ValueError("spots: the spot table is empty; there is nothing to track")
        described = pd.DataFrame()
        described.attrs.update(dict(attrs or {}))
        space_units, time_units, interval = spot_calibration(described)
        with self._lock, tqdm(total=2, desc="tracking", unit="step", disable=not progress) as bar:
            engine = self._engine()
            try:
                with java_interruptible():           # Ctrl-C stops the engine, as in volltrack.tracking.track
                    result = engine.track(checked.to_json(), space_units, time_units, float(interval))
            except Exception as exc:  # noqa: BLE001 -- Java exceptions are translated
                error = _java_error(exc)
                if error is None:
                    raise
                raise error from None
            bar.update(1)
            tracks = result_tracks(result, checked, described, space_units=space_units, time_units=time_units,
                                   xml_path=xml_path)
            bar.update(1)
        logger.info("tracked %d spots streamed in %d pieces: %d edges, %d tracks", self.spots, self.pieces,
                    len(tracks.edges), len(tracks.tracks))
        return tracks
