"""Analysis straight from a TrackMate XML file: calibration and frame interval from its ``ImageData``."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def _find_key(settings, key: str):
    """Return the first value stored under ``key`` in a (possibly nested) settings dict, or None."""
    if isinstance(settings, dict):
        for name, value in settings.items():
            if str(name).lower() == key.lower() and not isinstance(value, dict):
                return value
        for value in settings.values():
            found = _find_key(value, key)
            if found is not None:
                return found
    return None


def _positive(value, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def calibration_of(data) -> tuple[float, float, float]:
    """Return ``(dz, dy, dx)`` from the ``ImageData`` of a read TrackMate file (1 where absent or zero)."""
    settings = getattr(data, "settings", None) or {}
    return tuple(_positive(_find_key(settings, key), 1.0) for key in ("voxeldepth", "pixelheight", "pixelwidth"))


def frame_interval_of(data) -> float:
    """Return the frame interval of a read TrackMate file (``ImageData@timeinterval``; 1 where absent or zero)."""
    return _positive(_find_key(getattr(data, "settings", None) or {}, "timeinterval"), 1.0)


def analyze_xml(path, *, image=None, labels=None, mask=None, calibration=None, frame_interval=None,
                track_ids=None, only_filtered: bool = True, data=None, **options):
    """Read a TrackMate XML file and analyse its tracks.

    Parameters
    ----------
    path : str or Path
        TrackMate XML file.
    image, labels, mask : array-like, optional
        As for :func:`~volltrack.analysis.analyze_tracks`.
    calibration : tuple of 3 float, optional
        ``(dz, dy, dx)``; default from the file's ``ImageData``.
    frame_interval : float, optional
        Default from the file's ``ImageData``.
    track_ids : iterable of int, optional
        Tracks to analyse; default None: see ``only_filtered``.
    only_filtered : bool, optional
        Without ``track_ids``, analyse only TrackMate's filtered (visible) tracks; default True (all tracks
        when none is listed).
    data : TrackMateData, optional
        The file already read with :func:`volltrack.trackmate.read_xml` (it is not read again).
    **options
        Further keyword arguments of :func:`~volltrack.analysis.analyze_tracks`.

    Returns
    -------
    TrackAnalysis
    """
    from volltrack.analysis.track_analysis import analyze_tracks
    from volltrack.trackmate import read_xml

    data = read_xml(path) if data is None else data
    spots = data.spots
    spots.attrs.update(space_units=getattr(data, "space_units", ""), time_units=getattr(data, "time_units", ""))
    if track_ids is None and only_filtered:
        track_ids = list(data.filtered_track_ids) or None
    elif track_ids is not None and "TRACK_ID" in data.edges.columns:
        _check_track_ids(track_ids, data.edges["TRACK_ID"], path)
    analysis = analyze_tracks(spots, data.edges, track_ids=track_ids, image=image, labels=labels, mask=mask,
                              calibration=calibration or calibration_of(data),
                              frame_interval=frame_interval or frame_interval_of(data), **options)
    analysis.parameters["xml"] = str(path)
    return analysis


def _check_track_ids(track_ids, known_ids, path) -> None:
    """Raise ``ValueError`` naming the XML when a requested TRACK_ID is not one of ``known_ids``."""
    known = sorted({int(t) for t in known_ids.dropna()})
    unknown = sorted({int(t) for t in track_ids} - set(known))
    if unknown:
        listed = f"{known[0]}..{known[-1]} ({len(known)} tracks)" if known else "none (no edge)"
        raise ValueError(f"no track with TRACK_ID {', '.join(map(str, unknown[:5]))} in {path}; known: {listed}")


def check_label_movie(labels, spots, *, calibration, source, image_source=None) -> None:
    """Refuse (``ValueError``, one line naming ``source``) an array that is not a label movie of ``spots``.

    Refused: float values that are not whole numbers, a boolean mask, the same file as the intensity image, and
    -- when the spots carry ``LABEL`` (spot tables of ``volltrack spots``/``run``) -- a movie in which fewer
    than half of the spots find their own label under their centre voxel (e.g. the raw movie given as labels).
    """
    import numpy as np
    from pathlib import Path

    if image_source is not None and Path(image_source).resolve() == Path(source).resolve():
        raise ValueError(f"--labels {source} is the file given as --image; give the label movie (integer cell "
                         "labels, e.g. segmentation/VollSeg/<name>.tif of a volltrack run)")
    dtype = np.dtype(labels.dtype)
    if dtype.kind == "b":
        raise ValueError(f"--labels {source} is a boolean mask, not a label movie (integer cell labels)")
    if dtype.kind == "f":
        first = np.asarray(labels[0])
        fractional = first[np.isfinite(first) & (first != np.round(first))]
        if fractional.size or not np.isfinite(first).all():
            example = fractional.flat[0] if fractional.size else float("nan")
            raise ValueError(f"--labels {source} holds non-integer values (dtype {dtype}, e.g. {example:g}); a "
                             "label movie holds integer cell labels -- is it the raw movie?")
    elif dtype.kind not in "iu":
        raise ValueError(f"--labels {source}: dtype {dtype} is not an integer label movie")
    if "LABEL" not in spots.columns or spots.empty:
        return
    from volltrack.analysis.intensity import spot_labels

    known = spots["LABEL"].to_numpy(dtype=float)
    rows = np.isfinite(known) & (known > 0)
    if not rows.any():
        return
    chosen = spots[rows]
    found = spot_labels(labels, chosen["FRAME"].to_numpy(dtype=int),
                        chosen[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(dtype=float),
                        calibration=calibration)
    matches = int(np.sum(np.asarray(found, dtype=float) == known[rows]))
    if matches * 2 < int(rows.sum()):
        raise ValueError(f"--labels {source}: only {matches} of {int(rows.sum())} spots find their LABEL under "
                         "their centre voxel; this is not the label movie the spots were measured in (is it the "
                         "raw movie?)")
