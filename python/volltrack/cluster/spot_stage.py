"""The spots stage, one call for ``volltrack spots`` and ``volltrack run``: :func:`write_spots`.

A label movie (+ raw movie, + tissue mask) gives the spot table, written to a CSV with its sidecar
(:func:`volltrack.spots.write_spots_csv`) and named after the movie it was measured on
(:func:`volltrack.spots.spot_csv.describe_movie`); a mask that looks inverted is warned about. Here in one process
(:func:`volltrack.spots.compute_spots`), or with a Dask ``client`` as one task per frame whose tables are written
in frame order as they finish, never put together (:func:`volltrack.cluster.spots.compute_spots_on_cluster`).
It lives in the cluster layer because it dispatches to it; the work itself is the spots package's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

__all__ = ["SpotsWritten", "write_spots"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpotsWritten:
    """What :func:`write_spots` wrote: counts of the spot table and its ``attrs``."""

    n_spots: int
    n_inside: int            #: rows with ``INSIDE_TISSUE`` 1 (every row without a mask)
    frames_with_spots: int
    n_frames: int            #: frames of the movie, with spots or not
    attrs: dict[str, Any] = field(default_factory=dict)


def write_spots(labels: Any, out: Path, *, labels_path: Path | str, image: Path | str, raw: Any = None, raw_path: Path | str | None = None, mask: Any = None,
                mask_path: Path | str | None = None, axes: str | None = None, labels_axes: str | None = None,
                calibration: tuple[float, float, float] = (1.0, 1.0, 1.0), frame_interval: float = 1.0,
                space_units: str = "micron", time_units: str = "sec", parameters: dict[str, Any] | None = None,
                client: Any = None, on_frame: Callable[[int, Any], None] | None = None,
                progress: bool = True) -> SpotsWritten:
    """Compute the spot table of ``labels`` and write it to ``out`` (CSV + ``out.json``).

    Parameters
    ----------
    labels : array-like of int, shape (T, Z, Y, X) or (Z, Y, X)
        The label movie, opened (lazily) from ``labels_path``.
    out : Path
        The CSV to write (atomically; nothing is written on an error).
    labels_path : path-like
        The label movie's file (each cluster task reads its frame from it).
    image : path-like
        The movie the spots are named after in the sidecar and so in the TrackMate XML (the raw movie, else the
        label movie; it has the shape of ``labels``).
    raw, mask : array-like, optional
        Raw movie and tissue mask in the shape of ``labels`` (as :func:`volltrack.spots.compute_spots` takes
        them); ``raw_path`` and ``mask_path`` are their files (read by the cluster tasks; the mask's is named in
        the warning).
    axes, labels_axes : str, optional
        Axes of the raw movie and of the label movie, for the cluster tasks; None = from the files.
    calibration, frame_interval, space_units, time_units
        As :func:`volltrack.spots.compute_spots` takes them.
    parameters : dict, optional
        Provenance recorded in the sidecar.
    client : distributed.Client, optional
        One Dask task per frame on this cluster. Default None: here.
    on_frame : callable, optional
        With a client, also given each frame's table (``on_frame(frame, table)``) before it is written, as its
        task finishes (e.g. :meth:`volltrack.tracking.stream.SpotStream.add`).
    progress : bool, optional
        Show a progress bar over frames. Default True.

    Returns
    -------
    SpotsWritten
    """
    out = Path(out)
    has_time_axis = len(labels.shape) == 4
    if client is not None:
        from volltrack.spots.table import _validate_inputs

        movie, _, _ = _validate_inputs(labels, raw, mask)       # the shape checks of the single-process path
        return _write_on_cluster(client, out, labels_path=labels_path, image=image,
                                 movie_shape=tuple(int(n) for n in movie.shape), raw_path=raw_path, mask=mask,
                                 mask_path=mask_path, axes=axes, labels_axes=labels_axes, calibration=calibration,
                                 frame_interval=frame_interval, space_units=space_units, time_units=time_units, parameters=parameters,
                                 on_frame=on_frame, progress=progress, has_time_axis=has_time_axis)
    from volltrack.spots import compute_spots, write_spots_csv
    from volltrack.spots.spot_csv import describe_movie
    from volltrack.spots.tissue import inverted_mask_warning

    table = compute_spots(labels, raw=raw, mask=mask, calibration=calibration, frame_interval=frame_interval,
                          space_units=space_units, time_units=time_units, progress=progress)
    _warn(inverted_mask_warning(table, mask, mask_path, has_time_axis=has_time_axis))
    describe_movie(table, image, tuple(labels.shape))
    write_spots_csv(table, out, parameters=parameters)
    return SpotsWritten(n_spots=len(table), n_inside=int((table["INSIDE_TISSUE"].to_numpy() == 1).sum()),
                        frames_with_spots=int(table["FRAME"].nunique()), n_frames=int(table.attrs["n_frames"]),
                        attrs=dict(table.attrs))


def _write_on_cluster(client: Any, out: Path, *, labels_path: Path | str, image: Path | str,
                      movie_shape: tuple[int, ...], raw_path: Path | str | None, mask: Any,
                      mask_path: Path | str | None, axes: str | None, labels_axes: str | None,
                      calibration: tuple[float, float, float], frame_interval: float, space_units: str,
                      time_units: str, parameters: dict[str, Any] | None,
                      on_frame: Callable[[int, Any], None] | None, progress: bool,
                      has_time_axis: bool) -> SpotsWritten:
    """:func:`write_spots` as one Dask task per frame (``movie_shape``: the label movie's, as TZYX), each frame's
    table written as soon as the earlier ones were (:class:`~volltrack.spots.spot_csv.SpotCsvWriter`)."""
    from volltrack.cluster.spots import compute_spots_on_cluster
    from volltrack.spots.spot_csv import SpotCsvWriter, describe_movie
    from volltrack.spots.tissue import inverted_mask_warning_from_counts

    shape, n_frames = movie_shape, movie_shape[0]
    with SpotCsvWriter(out, n_frames) as writer:
        def take(frame: int, table: Any) -> None:
            if on_frame is not None:
                on_frame(frame, table)
            writer.add(frame, table)

        described = compute_spots_on_cluster(client, labels_path, n_frames=n_frames, raw_path=raw_path,
                                             mask_path=mask_path, axes=axes, labels_axes=labels_axes,
                                             calibration=calibration, frame_interval=frame_interval,
                                             movie_shape=shape, space_units=space_units, time_units=time_units,
                                             progress=progress, on_frame=take, keep_tables=False)
        describe_movie(described, image, shape)
        writer.attrs, writer.parameters = dict(described.attrs), parameters
    _warn(inverted_mask_warning_from_counts(writer.n_spots, writer.n_inside, mask, mask_path,
                                            has_time_axis=has_time_axis))
    return SpotsWritten(n_spots=writer.n_spots, n_inside=writer.n_inside, frames_with_spots=writer.frames_with_spots,
                        n_frames=int(described.attrs["n_frames"]), attrs=dict(described.attrs))


def _warn(warning: str | None) -> None:
    if warning:
        logger.warning(warning)
