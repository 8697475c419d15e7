"""The ``Track cells`` dock widget: labels layer (+ raw image, tissue mask) -> BTrackmate -> Tracks layer.

The form is generated from :class:`volltrack.tracking.settings.TrackerSettings`: one magicgui control per
TrackMate / BTrackmate key, with the key's default, bounds and help text (tooltip). The work -- spots frame by
frame, the LAP tracker in an embedded JVM, the track analysis -- runs in a child Python process
(:mod:`volltrack.napari.child_jobs`), driven by a napari generator worker that reports progress after every step;
*Cancel* kills the child (and its JVM) at once. napari's process never starts a JVM, so the viewer never blocks
and a tracking can be stopped in the middle of the LAP tracker.
"""

from __future__ import annotations

import inspect
import logging
import math
from typing import Any, Iterator, Optional, get_args

import numpy as np

from volltrack.tracking.settings import TrackerSettings

logger = logging.getLogger(__name__)

#: Settings left out of the form: feature-penalty maps (no simple control; TrackMate's defaults = none) and
#: BLOCKING_VALUE (unused by the sparse tracker).
FORM_SKIPPED = ("linking_feature_penalties", "gap_closing_feature_penalties", "splitting_feature_penalties",
                "merging_feature_penalties", "blocking_value")
#: Upper bound of numeric controls whose setting has no maximum.
_UNBOUNDED = 1e6
#: Layer name of the result (suffixed with the labels layer's name).
TRACKS_NAME = "tracks"


def settings_form_fields() -> list[dict[str, Any]]:
    """Describe one form control per tracker setting, from the settings schema.

    Returns
    -------
    list of dict
        ``name`` (Python name), ``key`` (TrackMate key), ``annotation`` (bool, int, float or str), ``default``
        and ``options`` (magicgui widget options: label, tooltip, bounds, choices).
    """
    fields = []
    for name, field in TrackerSettings.model_fields.items():
        if name in FORM_SKIPPED:
            continue
        annotation, default = field.annotation, field.default
        options: dict[str, Any] = {"label": field.alias, "tooltip": f"{field.alias}: {field.description}"}
        choices = get_args(annotation)
        if choices and all(isinstance(c, str) for c in choices):
            annotation = str
            options.update(widget_type="ComboBox", choices=list(choices))
        elif annotation in (int, float):
            bounds = {"ge": None, "le": None, "gt": None}
            for item in field.metadata:
                for bound in bounds:
                    if getattr(item, bound, None) is not None:
                        bounds[bound] = getattr(item, bound)
            low = bounds["ge"] if bounds["ge"] is not None else bounds["gt"]
            options["min"] = low if low is not None else -_UNBOUNDED
            options["max"] = bounds["le"] if bounds["le"] is not None else _UNBOUNDED
            if annotation is float:
                options["step"] = 0.01 if options["max"] <= 1 else 0.5
        fields.append({"name": name, "key": field.alias, "annotation": annotation, "default": default,
                       "options": options})
    return fields


def _scale_of(layer) -> tuple[float, tuple[float, float, float]]:
    """Return ``(frame interval, (dz, dy, dx))`` from a (T, Z, Y, X) layer's scale."""
    scale = [float(s) for s in layer.scale]
    if len(scale) != 4:
        raise ValueError(f"layer {layer.name!r} has {len(scale)} dimensions; expected a (T, Z, Y, X) label movie")
    return scale[0], (scale[1], scale[2], scale[3])


def tracking_steps(labels, *, raw=None, mask=None, calibration=(1.0, 1.0, 1.0), frame_interval: float = 1.0,
                   settings: TrackerSettings | None = None, name: str = TRACKS_NAME) -> Iterator[str]:
    """Spots, tracking and analysis of a label movie, one step at a time (a generator for a napari worker).

    Yields a short description after each frame's spots, after tracking and after the analysis (so
    ``n_frames + 2`` yields); returns the Tracks layer tuple ``(data, kwargs, "tracks")`` whose metadata holds
    the :class:`~volltrack.analysis.TrackAnalysis` (see :func:`volltrack.napari.reader.tracks_layer_tuple`).

    Parameters
    ----------
    labels : array-like of int, shape (T, Z, Y, X)
        Label movie.
    raw, mask : array-like, optional
        Raw intensity movie and tissue mask (non-zero = tissue), same shape as ``labels``.
    calibration : 3 floats
        Voxel size ``(dz, dy, dx)``.
    frame_interval : float
        Time between frames.
    settings : TrackerSettings, optional
        Tracker settings; default TrackMate's.
    name : str
        Name of the Tracks layer.
    """
    import pandas as pd

    from volltrack.analysis import analyze_tracks
    from volltrack.napari.reader import tracks_layer_tuple
    from volltrack.spots.table import empty_spot_table, iter_frame_spots
    from volltrack.tracking import track

    labels = np.asarray(labels)
    if labels.ndim != 4:
        raise ValueError(f"labels: got shape {labels.shape}; expected a (T, Z, Y, X) label movie")
    mask = None if mask is None else np.asarray(mask) > 0
    tables = []
    for frame, table in enumerate(iter_frame_spots(labels, raw=raw, mask=mask, calibration=calibration,
                                                   frame_interval=frame_interval)):
        tables.append(table)
        yield f"spots of frame {frame + 1}/{labels.shape[0]}: {len(table)} cells"
    spots = pd.concat(tables, ignore_index=True) if tables else empty_spot_table()
    if spots.empty:
        raise ValueError("the labels layer holds no cell (every voxel is 0); nothing to track")
    spots.attrs.update(calibration=tuple(calibration), frame_interval=float(frame_interval),
                       space_units="micron", time_units="sec", n_frames=int(labels.shape[0]))
    tracks = track(spots, settings or TrackerSettings(), progress=False)
    yield f"tracked {len(tracks.spots)} spots: {len(tracks.tracks)} tracks"
    analysis = analyze_tracks(tracks.spots, tracks.edges, image=raw, labels=labels if raw is not None else None,
                              mask=mask, calibration=calibration, frame_interval=frame_interval)
    yield f"analysed {len(analysis.tracks)} tracks, {len(analysis.tracklets)} tracklets"
    return tracks_layer_tuple(analysis, name=name)


def _run_signature() -> inspect.Signature:
    """The form's signature: input layers, frame interval, then one parameter per tracker setting."""
    from napari.layers import Image, Labels, Layer

    kind = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter("labels_layer", kind, annotation=Labels),
                  inspect.Parameter("raw_image", kind, annotation=Optional[Image], default=None),
                  inspect.Parameter("tissue_mask", kind, annotation=Optional[Layer], default=None)]
    parameters += [inspect.Parameter(f["name"], kind, annotation=f["annotation"], default=f["default"])
                   for f in settings_form_fields()]
    return inspect.Signature(parameters)


def make_track_widget(napari_viewer=None):
    """Build the ``Track cells`` widget (npe2 widget command; a magicgui FunctionGui).

    Pressing *Track* starts a worker (kept as ``widget.worker``, its child job as ``widget.worker.job``); the
    Tracks layer is added when it returns. *Cancel* (``widget.cancel_button``) kills the child; nothing is added.
    """
    from magicgui import magicgui

    from volltrack.napari.child_jobs import add_cancel_button

    def run(**values):
        return _start(widget, napari_viewer or _viewer_of(widget), values)

    run.__signature__ = _run_signature()
    run.__name__ = "track_cells"
    options = {f["name"]: f["options"] for f in settings_form_fields()}
    options["tissue_mask"] = {"tooltip": "Labels or image layer; non-zero voxels are tissue (distance to the "
                                         "boundary, TISSUE_FILTER)"}
    options["raw_image"] = {"tooltip": "Raw movie: intensities over each cell's label voxels"}
    options["labels_layer"] = {"label": "labels"}
    widget = magicgui(run, call_button="Track", **options)
    widget.viewer = napari_viewer
    add_cancel_button(widget, "tracking")
    return widget


def make_track_dock(napari_viewer=None):
    """The ``Track cells`` widget in a vertical scroll area (npe2 widget command): the form is taller than most
    docks.

    magicgui's own ``scrollable=True`` is not used: napari docks a FunctionGui's inner widget, out of its scroll
    area, which left the form at a stale width with the buttons' text cut off. The returned QScrollArea has
    ``form`` (the FunctionGui of :func:`make_track_widget`) and forwards ``reset_choices`` to it.
    """
    from qtpy.QtCore import QSize, Qt
    from qtpy.QtWidgets import QScrollArea

    form = make_track_widget(napari_viewer)

    class TrackDock(QScrollArea):
        """Never narrower than the form (as styled now) plus the scroll bar; as tall as the dock allows."""

        def _width(self) -> int:
            return (form.native.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
                    + 2 * self.frameWidth())

        def minimumSizeHint(self):
            return QSize(self._width(), 120)

        def sizeHint(self):
            return QSize(self._width(), form.native.sizeHint().height())

        def reset_choices(self, *args):
            form.reset_choices(*args)

    dock = TrackDock()
    dock.setWidgetResizable(True)
    dock.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    dock.setWidget(form.native)
    dock.form = form
    return dock


def _viewer_of(widget):
    from napari.utils._magicgui import find_viewer_ancestor

    return find_viewer_ancestor(widget.native)


def _start(widget, viewer, values: dict):
    """Start the tracking (a child process driven by a worker) for the form's ``values``; return the worker.

    Returns None when the labels are missing, an input is wrong (one line on the status bar and in
    ``widget.last_error``) or a tracking is already running.
    """
    from volltrack.napari.child_jobs import ChildJob, start_widget_job, widget_job_running

    labels_layer = values.pop("labels_layer")
    raw_layer, mask_layer = values.pop("raw_image"), values.pop("tissue_mask")
    if widget_job_running(widget):
        _status(viewer, "volltrack: a tracking is already running; cancel it first")
        return None
    if labels_layer is None:
        _status(viewer, "volltrack: choose a labels layer to track")
        return None
    try:
        frame_interval, calibration = _scale_of(labels_layer)
        settings = TrackerSettings.from_mapping(values)
        for layer in (raw_layer, mask_layer):
            if layer is not None and tuple(layer.data.shape) != tuple(labels_layer.data.shape):
                raise ValueError(f"layer {layer.name!r} has shape {tuple(layer.data.shape)}; expected the shape "
                                 f"{tuple(labels_layer.data.shape)} of {labels_layer.name!r}")
    except Exception as exc:  # noqa: BLE001 -- shown to the user as one line
        _status(viewer, f"volltrack: cannot track: {exc}")
        widget.last_error = str(exc)
        return None
    job = ChildJob(f"{__name__}:tracking_steps",
                   arrays={"labels": labels_layer.data, "raw": None if raw_layer is None else raw_layer.data,
                           "mask": None if mask_layer is None else mask_layer.data},
                   options={"calibration": calibration, "settings": settings,
                            "frame_interval": frame_interval if math.isfinite(frame_interval) else 1.0,
                            "name": f"{TRACKS_NAME} {labels_layer.name}"})
    settings_used = settings.to_dict()

    def add(layer_tuple):
        if layer_tuple is None or job.cancelled:
            return  # cancelled: nothing is added
        layer_tuple[1]["metadata"]["volltrack_tracker_settings"] = settings_used
        _add_tracks(viewer, layer_tuple)

    return start_widget_job(widget, job, total=int(labels_layer.data.shape[0]) + 2,
                            description="volltrack: tracking",
                            on_message=lambda message: _status(viewer, f"volltrack: {message}"),
                            on_result=add, on_error=lambda exc: _failed(widget, viewer, exc))


def _add_tracks(viewer, layer_tuple):
    data, kwargs, _ = layer_tuple
    name = kwargs["name"]
    if name in viewer.layers:
        viewer.layers.remove(name)
    layer = viewer.add_tracks(data, **kwargs)
    _status(viewer, f"volltrack: added {name!r} ({len(layer.metadata['volltrack_analysis'].tracks)} tracks)")
    return layer


def _failed(widget, viewer, exc):
    widget.last_error = str(exc)
    _status(viewer, f"volltrack: tracking failed: {exc}")
    logger.error("tracking failed: %s", exc)


def _status(viewer, message: str) -> None:
    logger.info(message)
    if viewer is not None:
        viewer.status = message
