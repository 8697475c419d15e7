"""The whole track analysis: tracklets + per-spot features + per-tracklet summaries, spectra and fate."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from volltrack.analysis.boundary import distance_to_boundary
from volltrack.analysis.intensity import label_intensity, sphere_intensity, spot_labels
from volltrack.analysis.series import (dominant_frequency, power_spectrum, smooth_along_tracklets,
                                       spot_speed)
from volltrack.analysis.track_graph import TrackSet, build_track_set

logger = logging.getLogger(__name__)

#: Per-spot columns computed by :func:`analyze_tracks`.
COMPUTED_COLUMNS = ("TIME", "SPEED", "RADIUS", "VOLUME", "MEAN_INTENSITY", "TOTAL_INTENSITY",
                    "DISTANCE_TO_BOUNDARY", "INSIDE_TISSUE")

#: Per-spot series that get a smoothed copy (column + "_SMOOTH").
SMOOTHED_COLUMNS = ("DISTANCE_TO_BOUNDARY", "SPEED", "TOTAL_INTENSITY", "MEAN_INTENSITY")


@dataclass
class TrackAnalysis:
    """Result of :func:`analyze_tracks`.

    Attributes
    ----------
    track_set : TrackSet
        The tracks and their tracklets.
    spots : DataFrame
        One row per spot (indexed by spot ID): ``TRACK_ID``, ``TRACKLET_ID``, ``GENERATION``, ``FRAME``,
        ``TIME``, ``POSITION_X/Y/Z``, ``RADIUS``, ``VOLUME``, ``SPEED``, ``DISTANCE_TO_BOUNDARY``,
        ``INSIDE_TISSUE``, ``MEAN_INTENSITY``, ``TOTAL_INTENSITY`` and their ``*_SMOOTH`` versions.
    tracklets : DataFrame
        The tracklet table plus ``START_DISTANCE``, ``END_DISTANCE``, ``MEAN_SPEED``, ``MEAN_INTENSITY``,
        ``FRACTION_INSIDE``, ``DOMINANT_FREQUENCY``.
    tracks : DataFrame
        The track table plus ``MEAN_SPEED``, ``MEAN_DISTANCE``, ``START_DISTANCE``, ``END_DISTANCE``.
    spectra : DataFrame
        Long table ``TRACKLET_ID``, ``FREQUENCY``, ``POWER`` of the spectrum of ``parameters["fft_feature"]``.
    parameters : dict
        Every parameter that made the result.
    """

    track_set: TrackSet
    spots: pd.DataFrame
    tracklets: pd.DataFrame
    tracks: pd.DataFrame
    spectra: pd.DataFrame
    parameters: dict = field(default_factory=dict)

    def fate(self) -> pd.DataFrame:
        """Return parent vs daughter localisation: one row per tracklet that has a parent.

        Columns ``TRACKLET_ID``, ``TRACK_ID``, ``PARENT_ID``, ``GENERATION``, ``START_DISTANCE``,
        ``END_DISTANCE``, ``PARENT_START_DISTANCE``, ``PARENT_END_DISTANCE`` (a merged tracklet has one row
        per parent).
        """
        rows = []
        for tracklet, row in self.tracklets.iterrows():
            for parent in row["PARENT_IDS"]:
                rows.append({"TRACKLET_ID": tracklet, "TRACK_ID": row["TRACK_ID"], "PARENT_ID": parent,
                             "GENERATION": row["GENERATION"], "START_DISTANCE": row["START_DISTANCE"],
                             "END_DISTANCE": row["END_DISTANCE"],
                             "PARENT_START_DISTANCE": self.tracklets.at[parent, "START_DISTANCE"],
                             "PARENT_END_DISTANCE": self.tracklets.at[parent, "END_DISTANCE"]})
        columns = ["TRACKLET_ID", "TRACK_ID", "PARENT_ID", "GENERATION", "START_DISTANCE", "END_DISTANCE",
                   "PARENT_START_DISTANCE", "PARENT_END_DISTANCE"]
        return pd.DataFrame(rows, columns=columns)

    def track_spots(self, track_id: int) -> pd.DataFrame:
        """Return the spots of one track, sorted by tracklet and frame."""
        self.track_set.spots_of(track_id)  # validates the ID
        return self.spots[self.spots["TRACK_ID"] == int(track_id)]


def _check_movie(name: str, array, reference_shape=None, *, allow_3d: bool = False):
    """Validate a TZYX array argument; return its shape."""
    if array is None:
        return reference_shape
    shape = tuple(getattr(array, "shape", ()))
    if not (len(shape) == 4 or (allow_3d and len(shape) == 3)):
        raise ValueError(f"{name} must have axes TZYX{' (or ZYX)' if allow_3d else ''}, got shape {shape}")
    if reference_shape is not None and shape[-3:] != tuple(reference_shape[-3:]):
        raise ValueError(f"{name} has ZYX shape {shape[-3:]} but another input has {tuple(reference_shape[-3:])}")
    return reference_shape or shape


def _spot_times(spots: pd.DataFrame, frame_interval: float) -> np.ndarray:
    if "POSITION_T" in spots.columns:
        times = pd.to_numeric(spots["POSITION_T"], errors="coerce").to_numpy(dtype=float)
        if np.isfinite(times).all():
            return times
    return spots["FRAME"].to_numpy(dtype=float) * frame_interval


def _column_or_nan(spots: pd.DataFrame, column: str) -> np.ndarray:
    if column in spots.columns:
        return pd.to_numeric(spots[column], errors="coerce").to_numpy(dtype=float)
    return np.full(len(spots), np.nan)


def _measure_intensity(spots, image, labels, calibration, progress):
    """Return (mean, total, voxels, source) of each spot's intensity."""
    frames = spots["FRAME"].to_numpy()
    zyx = spots[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(dtype=float)
    if image is not None and labels is not None:
        ids = spot_labels(labels, frames, zyx, calibration=calibration,
                          label_column=spots["LABEL"].to_numpy() if "LABEL" in spots.columns else None)
        return (*label_intensity(image, labels, frames, ids, progress=progress), "labels")
    if image is not None:
        radii = _column_or_nan(spots, "RADIUS")
        return (*sphere_intensity(image, frames, zyx, radii, calibration=calibration, progress=progress), "sphere")
    mean, total = (_column_or_nan(spots, key + "_CH1") if key + "_CH1" in spots.columns
                   else _column_or_nan(spots, key) for key in ("MEAN_INTENSITY", "TOTAL_INTENSITY"))  # <= 6.x keys
    return mean, total, None, "file"


def analyze_tracks(spots: pd.DataFrame, edges: pd.DataFrame, *, track_ids=None, image=None, labels=None,
                   mask=None, calibration=None, frame_interval=None, smoothing_window: int = 3,
                   fft_feature: str = "TOTAL_INTENSITY", distance_method: str = "auto",
                   spot_features: bool = False, progress: bool = False) -> TrackAnalysis:
    """Analyse TrackMate tracks: tracklets, distance to the tissue boundary, speed, size, intensity, FFT, fate.

    Parameters
    ----------
    spots, edges : DataFrame
        TrackMate tables as :func:`volltrack.trackmate.read_xml` returns them (positions in physical units).
    track_ids : iterable of int, optional
        Tracks to analyse; all when None (the default).
    image : array-like of shape (T, Z, Y, X), optional
        Raw image; intensities are measured in it. Without it, ``MEAN/TOTAL_INTENSITY_CH1`` of the file are used
        (``MEAN/TOTAL_INTENSITY`` in TrackMate 6 and older files).
    labels : array-like of int, shape (T, Z, Y, X), optional
        Label movie; with ``image``, intensity and volume are measured over each cell's label voxels (the
        spot's ``LABEL`` when present, else the label under its centre), otherwise over a sphere of ``RADIUS``.
    mask : array-like of shape (T, Z, Y, X) or (Z, Y, X), optional
        Tissue mask; without it distances are NaN and ``INSIDE_TISSUE`` is taken from the file when present.
    calibration : tuple of 3 float, optional
        Voxel size ``(dz, dy, dx)``; default ``spots.attrs["calibration"]``, else ``(1, 1, 1)``.
    frame_interval : float, optional
        Time between frames; default ``spots.attrs["frame_interval"]``, else 1.
    smoothing_window : int, optional
        Moving-average window (spots) for the ``*_SMOOTH`` columns; default 3.
    fft_feature : str, optional
        Spot column whose spectrum is computed per tracklet; default ``"TOTAL_INTENSITY"``.
    distance_method : {"auto", "edt", "scipy", "kdtree"}, optional
        How the exact distances to the boundary are computed (same values); default ``"auto"``.
    spot_features : bool, optional
        Take intensity and volume (``MEAN_INTENSITY_CH1``, ``TOTAL_INTENSITY_CH1``, ``VOLUME``) and the tissue
        features (``DISTANCE_TO_BOUNDARY``, ``INSIDE_TISSUE``) from ``spots`` where it has them, instead of
        measuring them again in ``image``/``labels``/``mask``: right when the spots were measured in these very
        movies (the spots stage of ``volltrack run``), which then only serve the figures. Default False.
    progress : bool, optional
        Show progress bars; default False.

    Returns
    -------
    TrackAnalysis

    Examples
    --------
    >>> spots = pd.DataFrame({"ID": [1, 2, 3], "FRAME": [0, 1, 2], "POSITION_X": [0.0, 3.0, 3.0],
    ...                       "POSITION_Y": [0.0, 4.0, 4.0], "POSITION_Z": 0.0})
    >>> edges = pd.DataFrame({"SPOT_SOURCE_ID": [1, 2], "SPOT_TARGET_ID": [2, 3]})
    >>> analyze_tracks(spots, edges, frame_interval=0.5).spots["SPEED"].tolist()
    [nan, 10.0, 0.0]
    """
    calibration, frame_interval = _validate_settings(spots, calibration, frame_interval, smoothing_window,
                                                     fft_feature)
    shape = _check_movie("labels", labels, _check_movie("image", image))
    _check_movie("mask", mask, shape, allow_3d=True)
    track_set = build_track_set(spots, edges, track_ids=track_ids)
    table = track_set.spots.copy()
    table["TIME"] = _spot_times(table, frame_interval)
    table["SPEED"] = spot_speed(table, track_set.edges)
    table["RADIUS"] = _column_or_nan(table, "RADIUS")
    if spot_features and {"MEAN_INTENSITY_CH1", "TOTAL_INTENSITY_CH1", "VOLUME"} <= set(table.columns):
        source = _add_intensity_and_volume(table, None, None, calibration, progress)   # the spots stage's
    else:
        source = _add_intensity_and_volume(table, image, labels, calibration, progress)
    if mask is not None and spot_features and {"DISTANCE_TO_BOUNDARY", "INSIDE_TISSUE"} <= set(table.columns):
        _tissue_features_of_spots(table)
    else:
        _add_tissue_features(table, mask, calibration, distance_method, progress)
    for column in SMOOTHED_COLUMNS:
        table[column + "_SMOOTH"] = smooth_along_tracklets(table, column, window=smoothing_window)
    tracklets, spectra = _summarise_tracklets(track_set, table, fft_feature, frame_interval)
    parameters = {"calibration": list(calibration), "frame_interval": frame_interval,
                  "smoothing_window": int(smoothing_window), "fft_feature": fft_feature,
                  "distance_method": distance_method, "intensity_source": source, "spot_features": spot_features,
                  "track_ids": None if track_ids is None else sorted(map(int, track_ids)),
                  "space_units": spots.attrs.get("space_units", ""), "time_units": spots.attrs.get("time_units", ""),
                  "mask_given": mask is not None, "image_given": image is not None, "labels_given": labels is not None}
    return TrackAnalysis(track_set, table, tracklets, _summarise_tracks(track_set, table, tracklets), spectra,
                         parameters)


def _validate_settings(spots, calibration, frame_interval, smoothing_window, fft_feature):
    """Check the scalar settings once; return the calibration and frame interval to use."""
    calibration = tuple(float(c) for c in (calibration or spots.attrs.get("calibration") or (1.0, 1.0, 1.0)))
    if len(calibration) != 3 or min(calibration) <= 0:
        raise ValueError(f"calibration must be 3 positive numbers (dz, dy, dx), got {calibration}")
    frame_interval = float(frame_interval or spots.attrs.get("frame_interval") or 1.0)
    if not np.isfinite(frame_interval) or frame_interval <= 0:
        raise ValueError(f"frame_interval must be a positive number, got {frame_interval}")
    if int(smoothing_window) < 1:
        raise ValueError(f"smoothing_window must be >= 1, got {smoothing_window}")
    known = set(spots.columns) | set(COMPUTED_COLUMNS) | {c + "_SMOOTH" for c in SMOOTHED_COLUMNS}
    if fft_feature not in known:
        raise ValueError(f"fft_feature {fft_feature!r} is not a spot column; choose one of {sorted(known)}")
    return calibration, frame_interval


def _add_intensity_and_volume(table, image, labels, calibration, progress) -> str:
    """Add MEAN_INTENSITY, TOTAL_INTENSITY and VOLUME to ``table``; return where the intensity came from."""
    mean, total, voxels, source = _measure_intensity(table, image, labels, calibration, progress)
    table["MEAN_INTENSITY"], table["TOTAL_INTENSITY"] = mean, total
    volume = voxels * float(np.prod(calibration)) if source == "labels" else _column_or_nan(table, "VOLUME")
    table["VOLUME"] = np.where(np.isfinite(volume), volume, 4.0 / 3.0 * np.pi * table["RADIUS"] ** 3)
    return source


def _add_tissue_features(table, mask, calibration, method, progress) -> None:
    """Add DISTANCE_TO_BOUNDARY and INSIDE_TISSUE to ``table`` (from the mask, else from the file, else NaN)."""
    if mask is None:
        table["DISTANCE_TO_BOUNDARY"] = _column_or_nan(table, "DISTANCE_TO_BOUNDARY")
        table["INSIDE_TISSUE"] = _column_or_nan(table, "INSIDE_TISSUE")
        return
    zyx = table[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(dtype=float)
    distance, inside = distance_to_boundary(mask, table["FRAME"].to_numpy(), zyx, calibration=calibration,
                                            method=method, progress=progress)
    table["DISTANCE_TO_BOUNDARY"], table["INSIDE_TISSUE"] = distance, inside.astype(int)


def _tissue_features_of_spots(table) -> None:
    """DISTANCE_TO_BOUNDARY and INSIDE_TISSUE as the spots stage measured them (INSIDE_TISSUE 0/1 as integers, as
    :func:`_add_tissue_features` gives them from a mask)."""
    table["DISTANCE_TO_BOUNDARY"] = _column_or_nan(table, "DISTANCE_TO_BOUNDARY")
    inside = _column_or_nan(table, "INSIDE_TISSUE")
    table["INSIDE_TISSUE"] = inside.astype(int) if np.isfinite(inside).all() else inside


def _summarise_tracklets(track_set: TrackSet, table: pd.DataFrame, fft_feature: str, frame_interval: float):
    grouped = table.groupby("TRACKLET_ID", sort=True)
    tracklets = track_set.tracklets.copy()
    tracklets["START_DISTANCE"] = grouped["DISTANCE_TO_BOUNDARY"].first()
    tracklets["END_DISTANCE"] = grouped["DISTANCE_TO_BOUNDARY"].last()
    tracklets["MEAN_SPEED"] = grouped["SPEED"].mean()
    tracklets["MEAN_INTENSITY"] = grouped["MEAN_INTENSITY"].mean()
    tracklets["FRACTION_INSIDE"] = grouped["INSIDE_TISSUE"].mean()
    spectra, dominant = [], {}
    for tracklet, rows in grouped:
        frequency, power = power_spectrum(rows["FRAME"], rows[fft_feature], frame_interval=frame_interval)
        dominant[tracklet] = dominant_frequency(frequency, power)
        spectra.append(pd.DataFrame({"TRACKLET_ID": tracklet, "FREQUENCY": frequency, "POWER": power}))
    tracklets["DOMINANT_FREQUENCY"] = pd.Series(dominant)
    spectra = pd.concat(spectra, ignore_index=True) if spectra else pd.DataFrame(
        columns=["TRACKLET_ID", "FREQUENCY", "POWER"])
    return tracklets, spectra


def _summarise_tracks(track_set: TrackSet, table: pd.DataFrame, tracklets: pd.DataFrame) -> pd.DataFrame:
    tracks = track_set.tracks.copy()
    grouped = table.groupby("TRACK_ID")
    tracks["MEAN_SPEED"] = grouped["SPEED"].mean()
    tracks["MEAN_DISTANCE"] = grouped["DISTANCE_TO_BOUNDARY"].mean()
    roots = tracklets[tracklets["PARENT_IDS"].map(len) == 0].groupby("TRACK_ID")
    tracks["START_DISTANCE"] = roots["START_DISTANCE"].mean()
    leaves = tracklets[tracklets["END_TYPE"] == "leaf"].groupby("TRACK_ID")
    tracks["END_DISTANCE"] = leaves["END_DISTANCE"].mean()
    return tracks


def reanalyze(analysis: TrackAnalysis, *, image=None, labels=None, mask=None, **options) -> TrackAnalysis:
    """Analyse the same tracks again with other images (e.g. the layers chosen in napari).

    Parameters
    ----------
    analysis : TrackAnalysis
        A previous result; its tracks, calibration, frame interval, smoothing and FFT feature are reused.
    image, labels, mask : array-like, optional
        As for :func:`analyze_tracks`.
    **options
        Overrides of further :func:`analyze_tracks` parameters.
    """
    previous = analysis.parameters
    spots = analysis.track_set.spots.reset_index(drop=True)
    spots.attrs.update(space_units=previous.get("space_units", ""), time_units=previous.get("time_units", ""))
    settings = {"calibration": previous.get("calibration"), "frame_interval": previous.get("frame_interval"),
                "smoothing_window": previous.get("smoothing_window", 3),
                "fft_feature": previous.get("fft_feature", "TOTAL_INTENSITY"), **options}
    result = analyze_tracks(spots, analysis.track_set.edges, image=image, labels=labels, mask=mask, **settings)
    result.parameters.update({k: v for k, v in previous.items() if k not in result.parameters})
    return result
