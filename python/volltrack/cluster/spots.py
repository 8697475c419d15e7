"""The spot table computed per frame as Dask tasks, then put together in frame order."""

from __future__ import annotations

import logging

import pandas as pd

__all__ = ["compute_spots_on_cluster"]

logger = logging.getLogger(__name__)

#: Reports (without tables) of the last call in this process, for benchmarks.
LAST_REPORTS: list[dict] = []


def compute_spots_on_cluster(client, labels_path, *, n_frames, raw_path=None, mask_path=None, axes=None,
                             calibration=(1.0, 1.0, 1.0), frame_interval=1.0, movie_shape=None,
                             space_units="micron", time_units="sec", progress=False, labels_axes=None,
                             on_frame=None, keep_tables=True) -> pd.DataFrame:
    """Spot table of the label movie ``labels_path``, one Dask task per frame.

    The result equals :func:`volltrack.spots.compute_spots` on the same files (same function per frame, rows in
    frame order). Each task reads only its frame of the labels, raw movie and mask.

    ``on_frame(frame, table)``, when given, is called with each frame's table as soon as its task finishes (in
    the order they finish), e.g. :meth:`volltrack.tracking.stream.SpotStream.add`, so that the tracker takes the
    spots in while the other frames are still computed. With ``keep_tables=False`` a frame's table is dropped
    once ``on_frame`` took it, and the table returned has no rows (only its ``attrs``): the frames are never
    put together here (``on_frame`` writes them, e.g. :class:`volltrack.spots.spot_csv.SpotCsvWriter`).
    """
    from distributed import as_completed
    from tqdm.auto import tqdm

    from volltrack.cluster.tasks import spots_frame_task
    from volltrack.io.calibration import validate_calibration
    from volltrack.spots.table import empty_spot_table

    calibration = validate_calibration(calibration)
    from pathlib import Path

    labels_path = Path(labels_path).resolve()                   # workers may run in another folder
    kwargs = dict(raw_path=None if raw_path is None else str(Path(raw_path).resolve()),
                  mask_path=None if mask_path is None else str(Path(mask_path).resolve()), axes=axes, calibration=calibration,
                  frame_interval=float(frame_interval), movie_shape=movie_shape, labels_axes=labels_axes)
    futures = [client.submit(spots_frame_task, str(labels_path), frame, pure=False, **kwargs)
               for frame in range(n_frames)]
    reports = []
    try:
        with tqdm(total=n_frames, desc="spots", unit="frame", disable=not progress) as bar:
            for future in as_completed(futures, loop=client.loop):
                report = future.result()
                if on_frame is not None:
                    on_frame(report["frame"], report["table"] if keep_tables else report.pop("table"))
                reports.append(report)
                bar.update(1)
    finally:
        for future in futures:
            future.cancel()
    reports.sort(key=lambda r: r["frame"])
    tables = [r.pop("table") for r in reports if "table" in r]
    LAST_REPORTS[:] = reports
    table = pd.concat(tables, ignore_index=True) if tables else empty_spot_table()
    table.attrs.update(calibration=calibration, frame_interval=float(frame_interval), space_units=space_units,
                       time_units=time_units, n_frames=int(n_frames))
    logger.info("%d spots in %d frames (%d Dask tasks)", sum(r["cells"] for r in reports), n_frames, n_frames)
    return table
