"""Shared look of the analysis figures: one colour per tracklet, axis units, and the track chosen for a movie.

Every figure of one track (the four plots, the lineage tree, the movie) takes its tracklet colours from
:func:`tracklet_colours`, so a tracklet keeps its colour from panel to panel and from plot to movie.
"""

from __future__ import annotations

import numpy as np

#: Display names of TrackMate's space and time unit strings.
_UNIT_NAMES = {"micron": "µm", "microns": "µm", "um": "µm", "µm": "µm", "micrometer": "µm", "pixel": "px",
               "pixels": "px", "nm": "nm", "mm": "mm", "sec": "s", "s": "s", "second": "s", "seconds": "s",
               "min": "min", "minute": "min", "minutes": "min", "h": "h", "hour": "h", "hours": "h",
               "ms": "ms", "frame": "frame", "frames": "frame"}

#: Unit kind of the per-spot columns that are plotted: "space", "time", "speed", "volume" or "a.u.".
_COLUMN_KINDS = {"DISTANCE_TO_BOUNDARY": "space", "RADIUS": "space", "POSITION_X": "space", "POSITION_Y": "space",
                 "POSITION_Z": "space", "SPEED": "speed", "VOLUME": "volume", "TIME": "time",
                 "MEAN_INTENSITY": "a.u.", "TOTAL_INTENSITY": "a.u."}


def unit_name(text: str | None) -> str:
    """Return the display name of a TrackMate unit string (``"micron"`` -> ``"µm"``); unknown ones unchanged."""
    text = (text or "").strip()
    return _UNIT_NAMES.get(text.lower(), text)


def axis_units(analysis) -> tuple[str, str]:
    """Return the ``(space, time)`` units to print on axes for ``analysis``.

    A file without units gets ``"space units"``; without a time unit, time is in ``"frame"`` when the frame
    interval is 1, else in ``"time units"``.
    """
    parameters = analysis.parameters
    space = unit_name(parameters.get("space_units")) or "space units"
    time = unit_name(parameters.get("time_units"))
    if not time:
        time = "frame" if float(parameters.get("frame_interval") or 1.0) == 1.0 else "time units"
    return space, time


def column_unit(column: str, analysis) -> str:
    """Return the unit of a per-spot column (``"DISTANCE_TO_BOUNDARY_SMOOTH"`` -> ``"µm"``)."""
    space, time = axis_units(analysis)
    kind = _COLUMN_KINDS.get(column.removesuffix("_SMOOTH"), "a.u.")
    return {"space": space, "time": time, "speed": f"{space}/{time}", "volume": f"{space}³"}.get(kind, "a.u.")


def squared(unit: str) -> str:
    """Return ``unit`` squared for a power axis (``"µm"`` -> ``"µm²"``, ``"µm/min"`` -> ``"(µm/min)²"``)."""
    return f"({unit})²" if ("/" in unit or " " in unit or "." in unit) else f"{unit}²"


def colour_list(n: int) -> list[str]:
    """Return ``n`` distinct colours as ``#rrggbb``: tab10 up to 10, tab20 up to 20, then a sampled turbo map."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    if n <= 10:
        return [to_hex(colormaps["tab10"](i)) for i in range(n)]
    if n <= 20:
        order = [*range(0, 20, 2), *range(1, 20, 2)]  # the strong colours first, then their light partners
        return [to_hex(colormaps["tab20"](i)) for i in order[:n]]
    # one call of the colour map for all n values (the same colours as calling it once per value)
    return [to_hex(rgba) for rgba in colormaps["turbo"](np.linspace(0.05, 0.95, n))]


def tracklet_order(analysis, track_id: int) -> list[int]:
    """Return the tracklets of ``track_id`` by start frame, then ID (the order of colours and legends)."""
    tracklets = analysis.tracklets[analysis.tracklets["TRACK_ID"] == int(track_id)]
    return [int(t) for t in tracklets.sort_values(["START_FRAME"]).index]


def tracklet_colours(analysis, track_id: int) -> dict[int, str]:
    """Return ``{tracklet ID: colour}`` for the tracklets of one track, the same in every figure.

    Parameters
    ----------
    analysis : TrackAnalysis
    track_id : int

    Returns
    -------
    dict of int to str
        ``#rrggbb`` colours, distinct within the track.
    """
    order = tracklet_order(analysis, track_id)
    return dict(zip(order, colour_list(len(order))))


def track_duration(analysis, track_id: int) -> int:
    """Return the number of frames a track spans (first to last frame, both included)."""
    row = analysis.tracks.loc[int(track_id)]
    return int(row["END_FRAME"]) - int(row["START_FRAME"]) + 1


def informative_tracks(analysis, track_ids=None) -> list[int]:
    """Return track IDs, most informative first: dividing tracks before the others, longer (in frames, then in
    spots, then more divisions) before shorter, lower ID on ties.

    Parameters
    ----------
    analysis : TrackAnalysis
    track_ids : iterable of int, optional
        Tracks to order; all tracks of ``analysis`` when None.
    """
    ids = [int(t) for t in (analysis.tracks.index if track_ids is None else track_ids)]
    tracks = analysis.tracks.loc[ids] if ids else analysis.tracks.iloc[:0]
    # the columns read once (a row lookup per track costs more than the sort)
    dividing = tracks["DIVIDING"].to_numpy().astype(bool)
    duration = tracks["END_FRAME"].to_numpy().astype(np.int64) - tracks["START_FRAME"].to_numpy().astype(np.int64) + 1
    spots = tracks["N_SPOTS"].to_numpy().astype(np.int64)
    divisions = tracks["N_DIVISIONS"].to_numpy().astype(np.int64)
    keys = {}
    for k, track_id in enumerate(ids):
        keys[track_id] = (not dividing[k], -int(duration[k]), -int(spots[k]), -int(divisions[k]), track_id)
    return sorted(ids, key=keys.__getitem__)


def movie_track(analysis, track_ids=None) -> int:
    """Return the track shown in a movie by default: the longest dividing track, else the longest one.

    Raises
    ------
    ValueError
        When there is no track.
    """
    ordered = informative_tracks(analysis, track_ids)
    if not ordered:
        raise ValueError("no track to show in a movie")
    return ordered[0]
