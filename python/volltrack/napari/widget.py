"""The ``Track analysis`` dock widget: choose tracks, see their plots beside the viewer, export results.

A track is chosen from the searchable list or by clicking one of its cells (labels layer) or its line in the
viewer (:mod:`volltrack.napari.picking`). The lineage plot is linked to the time slider both ways: a red line marks
the viewer's frame, and clicking a branch sets the time to that branch's nearest frame and centres the camera on
its cell. Every computation is a call into :mod:`volltrack.analysis`; this module only wires Qt controls to it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from qtpy.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton,
                            QScrollArea, QVBoxLayout, QWidget)

from volltrack.analysis import TRACK_KINDS, reanalyze
from volltrack.analysis.export import write_tables
from volltrack.analysis.movie import write_track_movie
from volltrack.analysis.plots import draw_overview, draw_track, save_track_plot

logger = logging.getLogger(__name__)

ALL = "all"
SELECTION_LAYER = "volltrack selection"
NONE = "(none)"
#: Features offered for colouring the tracks first (then every other feature of the layer).
COLOR_FEATURES = ("TRACK_ID", "GENERATION", "DISTANCE_TO_BOUNDARY", "SPEED", "MEAN_INTENSITY", "TRACKLET_ID")
#: Colourings that tell tracks or tracklets apart: one selected track shows them as its tracklets in the colours
#: of its plots and lineage tree (:func:`~volltrack.analysis.plot_style.tracklet_colours`).
IDENTITY_FEATURES = ("TRACK_ID", "TRACKLET_ID")
#: Per-point feature of a one-track selection layer holding its tracklet's plot colour (see :func:`plot_colouring`).
PLOT_COLOUR_FEATURE = "TRACKLET_PLOT_COLOUR"
#: The camera zooms so that the selected track spans about 1 / TRACK_ZOOM_MARGIN of the view.
TRACK_ZOOM_MARGIN = 2.0
#: Largest zoom factor relative to the view of the whole scene.
MAX_RELATIVE_ZOOM = 12.0
#: Size (pixels) of the plot canvas; the dock scrolls when it is smaller, so labels never overlap.
PLOT_SIZE = (720, 760)


def plot_colouring(analysis, track_id: int, tracklets) -> tuple[np.ndarray, object]:
    """The plots' tracklet colours of one track as napari can show them: ``(values, colormap)``.

    ``values`` has one number in [0, 1] per point (the point's tracklet in ``tracklets``), and ``colormap`` maps
    each of them, unscaled (a Tracks layer's ``colormaps_dict``), to exactly the colour its tracklet has in the
    plots and the lineage tree.
    """
    from napari.utils.colormaps import Colormap

    from volltrack.analysis.plot_style import tracklet_colours

    colours = tracklet_colours(analysis, int(track_id))
    order = {tracklet: index for index, tracklet in enumerate(colours)}
    n = max(1, len(colours))
    values = np.array([(order[int(t)] + 0.5) / n for t in np.asarray(tracklets)], dtype=float)
    from matplotlib.colors import to_rgba

    rgba = [to_rgba(c) for c in colours.values()] or [(1.0, 1.0, 1.0, 1.0)]
    colormap = Colormap(colors=np.asarray(rgba), controls=np.linspace(0.0, 1.0, n + 1), interpolation="zero",
                        name=f"volltrack tracklets of track {track_id}")
    return values, colormap


class TrackAnalysisWidget(QWidget):
    """Track selector (all / dividing / non-dividing / by ID), plots, 3D/hyperstack toggle, exports.

    Parameters
    ----------
    napari_viewer : napari.Viewer
    """

    def __init__(self, napari_viewer):
        super().__init__()
        self.viewer = napari_viewer
        self.layer_box, self.kind_box, self.track_box = QComboBox(), QComboBox(), QComboBox()
        self.image_box, self.labels_box, self.mask_box = QComboBox(), QComboBox(), QComboBox()
        self.search_edit, self.color_box = QLineEdit(), QComboBox()
        self.search_edit.setPlaceholderText("type a track ID to filter the list")
        self.search_edit.setClearButtonEnabled(True)
        self.kind_box.addItems(list(TRACK_KINDS))
        self.figure = Figure(figsize=(PLOT_SIZE[0] / 100, PLOT_SIZE[1] / 100), dpi=100)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumSize(*PLOT_SIZE)
        self.selected_tracklet: int | None = None
        self._lineage_axes, self._lineage_rows, self._time_marker = None, {}, None
        self._keep_frame: int | None = None
        self._build_layout()
        self.layer_box.currentTextChanged.connect(self._on_layer_changed)
        self.kind_box.currentTextChanged.connect(self._fill_track_box)
        self.search_edit.textChanged.connect(self._fill_track_box)
        self.color_box.currentTextChanged.connect(self.color_tracks)
        self.track_box.currentTextChanged.connect(self.update_view)
        for event in (napari_viewer.layers.events.inserted, napari_viewer.layers.events.removed):
            event.connect(self.refresh_layers)
        napari_viewer.mouse_drag_callbacks.append(self._on_viewer_click)
        napari_viewer.dims.events.current_step.connect(self._on_time_changed)
        self.canvas.mpl_connect("button_press_event", self._on_plot_click)
        self.refresh_layers()

    def _build_layout(self) -> None:
        form = QFormLayout()
        for label, box in (("tracks layer", self.layer_box), ("show", self.kind_box),
                           ("search", self.search_edit), ("track", self.track_box), ("colour by", self.color_box),
                           ("raw image", self.image_box), ("labels", self.labels_box),
                           ("tissue mask", self.mask_box)):
            form.addRow(label, box)
        buttons = {"3D / hyperstack": self.toggle_display, "recompute with layers": self.start_recompute,
                   "export plots": lambda: self._ask_folder(self.export_plots),
                   "export CSV": lambda: self._ask_folder(self.export_csv), "export MP4": self._ask_movie, "record view": self._ask_recording}
        row = QHBoxLayout()
        for text, action in buttons.items():
            button = QPushButton(text)
            button.clicked.connect(action)
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        scroll = QScrollArea()
        scroll.setWidget(self.canvas)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, stretch=1)

    # ---- state -------------------------------------------------------------------------------------------
    def _tracks_layers(self) -> dict:
        return {layer.name: layer for layer in self.viewer.layers
                if layer.metadata.get("volltrack_analysis") is not None and layer.name != SELECTION_LAYER}

    @property
    def analysis(self):
        """The :class:`~volltrack.analysis.TrackAnalysis` of the chosen tracks layer (None when there is none)."""
        layer = self._tracks_layers().get(self.layer_box.currentText())
        return None if layer is None else layer.metadata["volltrack_analysis"]

    def selected_track_ids(self) -> list[int]:
        """Return the TRACK_IDs currently selected (one, or every track of the chosen kind)."""
        if self.analysis is None:
            return []
        text = self.track_box.currentText()
        if text and text != ALL:
            return [int(text)]
        if self.search_edit.text().strip():
            return []  # the search matches no track
        return self.analysis.track_set.select(self.kind_box.currentText() or ALL)

    def refresh_layers(self, event=None) -> None:
        """Refill the layer choices after layers were added or removed (the shown tracks are not touched)."""
        if event is not None and getattr(getattr(event, "value", None), "name", None) == SELECTION_LAYER:
            return
        current = self.layer_box.currentText()
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItems(list(self._tracks_layers()))
        self.layer_box.blockSignals(False)
        from napari.layers import Image, Labels

        for box, kinds in ((self.image_box, (Image,)), (self.labels_box, (Labels,)),
                           (self.mask_box, (Labels, Image))):
            chosen = box.currentText()
            box.clear()
            box.addItems([NONE] + [layer.name for layer in self.viewer.layers if isinstance(layer, kinds)])
            box.setCurrentText(chosen)
        if current in self._tracks_layers():
            self.layer_box.setCurrentText(current)
        if self.layer_box.currentText() != current:
            self._fill_color_box()
            self._fill_track_box(show_layer=False)

    def _on_layer_changed(self, *_) -> None:
        self._fill_color_box()
        self._fill_track_box()

    def _fill_color_box(self) -> None:
        layer = self._tracks_layers().get(self.layer_box.currentText())
        features = [] if layer is None else list(layer.features.columns)
        ordered = [f for f in COLOR_FEATURES if f in features] + [f for f in features if f not in COLOR_FEATURES]
        current = layer.color_by if layer is not None else ""
        self.color_box.blockSignals(True)
        self.color_box.clear()
        self.color_box.addItems(ordered)
        self.color_box.setCurrentText(current)
        self.color_box.blockSignals(False)

    def _fill_track_box(self, *_, show_layer: bool = True) -> None:
        """Fill the track list with the chosen kind's tracks whose ID contains the search text."""
        self.track_box.blockSignals(True)
        self.track_box.clear()
        if self.analysis is not None:
            search = self.search_edit.text().strip()
            ids = [str(t) for t in self.analysis.track_set.select(self.kind_box.currentText() or ALL)]
            matching = [t for t in ids if search in t]
            self.track_box.addItems(matching if search else [ALL] + matching)
        self.track_box.blockSignals(False)
        self.update_view(show_layer=show_layer)

    def color_tracks(self, feature: str) -> None:
        """Colour the tracks (all and the selection) by a per-point ``feature`` of the tracks layer.

        One selected track coloured by ``TRACK_ID`` or ``TRACKLET_ID`` shows each of its tracklets in its colour of
        the plots and the lineage tree.
        """
        if not feature:
            return
        layers = [self._tracks_layers().get(self.layer_box.currentText())]
        if SELECTION_LAYER in self.viewer.layers:
            layers.append(self.viewer.layers[SELECTION_LAYER])
        for layer in layers:
            if layer is None:
                continue
            if feature not in layer.features.columns:
                raise ValueError(f"layer {layer.name!r} has no feature {feature!r}; expected one of "
                                 f"{', '.join(layer.features.columns)}")
            layer.colormap = "turbo" if feature in IDENTITY_FEATURES else "viridis"
            plot_colours = feature in IDENTITY_FEATURES and PLOT_COLOUR_FEATURE in layer.features.columns
            layer.color_by = PLOT_COLOUR_FEATURE if plot_colours else feature
        if self.color_box.currentText() != feature:
            self.color_box.setCurrentText(feature)

    def focus_track(self, track_id: int, frame: int | None = None) -> None:
        """Centre the camera on a track, zoom so it fills about half the view, and go to ``frame`` (default its
        first frame)."""
        source = self._tracks_layers().get(self.layer_box.currentText())
        spots = self.analysis.spots[self.analysis.spots["TRACK_ID"] == int(track_id)]
        if source is None or spots.empty:
            return
        world = spots[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(dtype=float)
        world = world + np.asarray(source.translate[-3:], dtype=float)
        low, high = world.min(axis=0), world.max(axis=0)
        radius = float(np.nanmean(spots["RADIUS"])) if "RADIUS" in spots else 1.0
        self.viewer.reset_view()
        displayed = list(self.viewer.dims.displayed)[-2:]  # the two on-screen axes (in 3D: y, x)
        scene = self.viewer.layers.extent.world
        scene_size = max(float(scene[1][d] - scene[0][d]) for d in displayed)
        track_size = max(float(high[d - 1] - low[d - 1]) for d in displayed) + 2 * radius
        factor = min(MAX_RELATIVE_ZOOM, max(1.0, scene_size / (TRACK_ZOOM_MARGIN * max(track_size, 1e-6))))
        centre = (low + high) / 2
        self.viewer.dims.set_current_step(0, int(spots["FRAME"].min()) if frame is None else int(frame))
        if self.viewer.dims.ndisplay == 2:
            self.viewer.dims.set_point(1, float(centre[0]))
            self.viewer.scene.camera.center = tuple(float(c) for c in centre[1:])
        else:
            self.viewer.scene.camera.center = tuple(float(c) for c in centre)
        self.viewer.scene.camera.zoom = self.viewer.scene.camera.zoom * factor

    def select_track(self, track_id, frame: int | None = None) -> None:
        """Select one track by ID, or ``"all"``; updates the shown tracks and the plots.

        ``frame`` keeps the time slider there (default: the track's first frame).
        """
        items = [self.track_box.itemText(i) for i in range(self.track_box.count())]
        if str(track_id) not in items:
            raise ValueError(f"track {track_id!r} is not among the {self.kind_box.currentText()} tracks of "
                             f"layer {self.layer_box.currentText()!r}")
        self.track_box.blockSignals(True)
        self.track_box.setCurrentText(str(track_id))
        self.track_box.blockSignals(False)
        self._keep_frame = frame
        try:
            self.update_view()
        finally:
            self._keep_frame = None

    # ---- picking in the viewer -----------------------------------------------------------------------------
    def _on_viewer_click(self, viewer, event):
        """Mouse callback: a click (press and release without moving; not a camera drag) picks a track."""
        if getattr(event, "button", 1) != 1 or tuple(getattr(event, "modifiers", ()) or ()):
            return
        press = (tuple(event.position), getattr(event, "view_direction", None),
                 tuple(getattr(event, "dims_displayed", ()) or ()))
        yield
        moved = False
        while event.type == "mouse_move":
            moved = True
            yield
        if not moved:
            self.select_at(*press)

    def _labels_under(self, position, view_direction, dims_displayed) -> list[int]:
        """The label values under the click in the chosen labels layer and every visible labels layer."""
        from napari.layers import Labels

        chosen = self.labels_box.currentText()
        layers = [self.viewer.layers[chosen]] if chosen not in ("", NONE) and chosen in self.viewer.layers else []
        layers += [layer for layer in reversed(self.viewer.layers)
                   if isinstance(layer, Labels) and layer.visible and layer not in layers]
        values = []
        for layer in layers:
            try:
                value = layer.get_value(position, view_direction=view_direction,
                                        dims_displayed=list(dims_displayed) or None, world=True)
            except (IndexError, ValueError, TypeError):
                continue
            if isinstance(value, tuple):  # multiscale: (level, value)
                value = value[-1]
            if value is not None and np.isscalar(value) and int(value) > 0:
                values.append(int(value))
        return values

    def select_at(self, position, view_direction=None, dims_displayed=()) -> int | None:
        """Select the track whose cell or line is at the world ``position`` (a viewer click); return its ID.

        The time slider stays on the clicked frame; the camera centres on the track and the plots follow.
        Returns None (nothing changes) when no track is there.
        """
        from volltrack.napari.picking import pick_spot

        analysis, source = self.analysis, self._tracks_layers().get(self.layer_box.currentText())
        if analysis is None or source is None:
            return None
        position = np.asarray(position, dtype=float)
        frame = int(round(float(source.world_to_data(position)[0])))
        point = position[-3:] - np.asarray(source.translate[-3:], dtype=float)
        direction = None
        if self.viewer.dims.ndisplay == 3 and view_direction is not None:
            direction = np.asarray(view_direction, dtype=float)[-3:]
        labels = self._labels_under(position, view_direction, dims_displayed)
        index = pick_spot(analysis.spots, frame, point, direction=direction, labels=labels)
        if index is None:
            return None
        track_id = int(analysis.spots.at[index, "TRACK_ID"])
        listed = [self.track_box.itemText(i) for i in range(self.track_box.count())]
        if str(track_id) not in listed:  # show every track so that the picked one is in the list
            self.search_edit.blockSignals(True)
            self.search_edit.clear()
            self.search_edit.blockSignals(False)
            self.kind_box.setCurrentText(ALL)
            self._fill_track_box(show_layer=False)
        self.select_track(track_id, frame=frame)
        self.selected_tracklet = int(analysis.spots.at[index, "TRACKLET_ID"])
        self._highlight_tracklet()
        self.viewer.status = f"volltrack: track {track_id} (tracklet {self.selected_tracklet}) at frame {frame}"
        return track_id

    # ---- lineage <-> time slider ---------------------------------------------------------------------------
    def _attach_lineage(self, track_id: int) -> None:
        """Find the lineage axes of the drawn figure and put the time marker on the viewer's frame."""
        from volltrack.analysis.lineage_plot import lineage_layout

        self._lineage_axes = next((axes for axes in self.figure.axes
                                   if any(str(line.get_gid()).startswith("tracklet-") for line in axes.lines)), None)
        self._time_marker = None
        if self._lineage_axes is None:
            return
        tracklets = self.analysis.tracklets[self.analysis.tracklets["TRACK_ID"] == int(track_id)]
        self._lineage_rows = lineage_layout(tracklets)
        limits = self._lineage_axes.get_xlim()
        self._time_marker = self._lineage_axes.axvline(self._current_time(), color="crimson", linewidth=1.5,
                                                       zorder=4, gid="time-marker")
        self._lineage_axes.set_xlim(limits)

    def _current_time(self) -> float:
        from volltrack.napari.picking import frame_time

        return frame_time(self.analysis, int(self.viewer.dims.current_step[0]))

    def _highlight_tracklet(self) -> None:
        """Draw the selected tracklet's branch thicker in the lineage plot."""
        if self._lineage_axes is None:
            return
        for line in self._lineage_axes.lines:
            gid = str(line.get_gid())
            if gid.startswith("tracklet-"):
                line.set_linewidth(6.0 if gid == f"tracklet-{self.selected_tracklet}" else 3.0)
        self.canvas.draw_idle()

    def lineage_marker_time(self) -> float | None:
        """The time the lineage plot's marker stands on (None when no lineage is shown)."""
        return None if self._time_marker is None else float(self._time_marker.get_xdata()[0])

    def _on_time_changed(self, event=None) -> None:
        if self._time_marker is None or self.analysis is None:
            return
        time = self._current_time()
        self._time_marker.set_xdata([time, time])
        self.canvas.draw_idle()

    def _on_plot_click(self, event) -> None:
        if self._lineage_axes is None or event.inaxes is not self._lineage_axes or event.xdata is None:
            return
        self.select_lineage_point(event.xdata, event.ydata)

    def select_lineage_point(self, time: float, row: float):
        """Act on a click in the lineage plot at (``time``, ``row``): set the time slider to the nearest frame of
        the branch there, select that tracklet and centre the camera on its cell; return ``(tracklet, frame)``."""
        from volltrack.napari.picking import lineage_pick

        track_ids = self.selected_track_ids()
        if len(track_ids) != 1:
            return None
        hit = lineage_pick(self.analysis, track_ids[0], time, row, self._lineage_rows)
        if hit is None:
            return None
        tracklet, frame = hit
        self.selected_tracklet = tracklet
        self._highlight_tracklet()
        self.viewer.dims.set_current_step(0, frame)
        spots = self.analysis.spots
        cell = spots[(spots["TRACKLET_ID"] == tracklet) & (spots["FRAME"] == frame)]
        source = self._tracks_layers().get(self.layer_box.currentText())
        if len(cell) and source is not None:
            centre = cell[["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(dtype=float).mean(axis=0)
            centre = centre + np.asarray(source.translate[-3:], dtype=float)
            if self.viewer.dims.ndisplay == 2:
                self.viewer.dims.set_point(1, float(centre[0]))
                self.viewer.scene.camera.center = tuple(float(c) for c in centre[1:])
            else:
                self.viewer.scene.camera.center = tuple(float(c) for c in centre)
        self.viewer.status = f"volltrack: track {track_ids[0]}, tracklet {tracklet}, frame {frame}"
        return tracklet, frame

    # ---- view --------------------------------------------------------------------------------------------
    def update_view(self, *_, show_layer: bool = True) -> None:
        """Redraw the plots of the selected tracks and, with ``show_layer``, show only them in the viewer."""
        analysis, track_ids = self.analysis, self.selected_track_ids()
        self._lineage_axes, self._time_marker = None, None
        if analysis is None or not track_ids:
            self.figure.clear()
            self.canvas.draw_idle()
            return
        if show_layer:
            self._show_selection(track_ids)
        if len(track_ids) == 1:
            if show_layer:
                self.focus_track(track_ids[0], frame=self._keep_frame)
            draw_track(self.figure, analysis, track_ids[0])
            self._attach_lineage(track_ids[0])
        else:
            self.figure.set_layout_engine(None)  # drop draw_track's constrained layout: the overview sets margins
            draw_overview(self.figure, analysis, track_ids)
        self.canvas.draw_idle()

    def _show_selection(self, track_ids) -> None:
        from volltrack.napari.reader import tracks_layer_tuple

        if SELECTION_LAYER in self.viewer.layers:
            self.viewer.layers.remove(SELECTION_LAYER)
        source = self._tracks_layers()[self.layer_box.currentText()]
        everything = len(track_ids) == len(self.analysis.tracks)
        source.visible = everything
        if not everything:
            data, kwargs, _ = tracks_layer_tuple(self.analysis, name=SELECTION_LAYER, track_ids=track_ids)
            colormaps = {}
            if len(track_ids) == 1:    # its tracklets in the colours of the plots beside the viewer
                from volltrack.analysis.tracks_layer import join_branches

                data, kwargs["features"] = join_branches(data, kwargs["graph"], kwargs["features"])
                values, colormaps[PLOT_COLOUR_FEATURE] = plot_colouring(self.analysis, track_ids[0], data[:, 0])
                kwargs["features"][PLOT_COLOUR_FEATURE] = values
            # not napari's additive blending: the lines keep the plots' colours over bright cells (no depth test, so
            # that the image planes do not hide them)
            shown = self.viewer.add_tracks(data, colormaps_dict=colormaps, blending="translucent_no_depth", **kwargs)
            feature = self.color_box.currentText()
            if feature in shown.features.columns:
                shown.colormap = source.colormap
                plot_colours = feature in IDENTITY_FEATURES and PLOT_COLOUR_FEATURE in shown.features.columns
                shown.color_by = PLOT_COLOUR_FEATURE if plot_colours else feature

    def toggle_display(self) -> None:
        """Switch between the 3D view and the hyperstack (2D slices) view (the time slider stays)."""
        self.viewer.dims.ndisplay = 2 if self.viewer.dims.ndisplay == 3 else 3
        track_ids = self.selected_track_ids()
        if len(track_ids) == 1:  # the camera follows the track; the time stays where it is
            self.focus_track(track_ids[0], frame=int(self.viewer.dims.current_step[0]))

    # ---- actions -----------------------------------------------------------------------------------------
    def _layer_data(self, box):
        name = box.currentText()
        return None if name in ("", NONE) else self.viewer.layers[name].data

    def _recompute_inputs(self):
        layer = self._tracks_layers().get(self.layer_box.currentText())
        mask = self._layer_data(self.mask_box)
        return layer, {"image": self._layer_data(self.image_box), "labels": self._layer_data(self.labels_box),
                       "mask": None if mask is None else np.asarray(mask) > 0}

    def _set_analysis(self, layer, analysis) -> None:
        layer.metadata["volltrack_analysis"] = analysis
        self.viewer.status = "volltrack: track analysis updated"
        self.update_view()

    def recompute(self) -> None:
        """Analyse the chosen tracks again with the chosen image, labels and mask layers (in this thread)."""
        layer, inputs = self._recompute_inputs()
        if layer is not None:
            self._set_analysis(layer, reanalyze(layer.metadata["volltrack_analysis"], **inputs))

    def start_recompute(self):
        """Like :meth:`recompute`, in a worker thread so the viewer stays responsive; returns the worker."""
        from napari.qt.threading import create_worker

        layer, inputs = self._recompute_inputs()
        if layer is None:
            return None
        worker = create_worker(reanalyze, layer.metadata["volltrack_analysis"], **inputs,
                               _progress={"desc": "volltrack: analysing tracks"})
        worker.returned.connect(lambda analysis: self._set_analysis(layer, analysis))
        worker.start()
        return worker

    def export_plots(self, folder) -> list[Path]:
        """Write one PNG of plots per selected track into ``folder``."""
        return [save_track_plot(self.analysis, t, Path(folder) / f"track_{t}.png") for t in self.selected_track_ids()]

    def export_csv(self, folder) -> list[Path]:
        """Write the CSV tables of the selected tracks and ``parameters.json`` into ``folder``."""
        return write_tables(self.analysis, folder, track_ids=self.selected_track_ids())

    def export_movie(self, path) -> Path:
        """Write an MP4 of the first selected track, over the chosen raw image layer when there is one."""
        return write_track_movie(self.analysis, self.selected_track_ids()[0], path,
                                 image=self._layer_data(self.image_box))

    def record_view(self, path, **options) -> Path:
        """Save the current view as a movie (MP4/GIF) following the selected track (napari-animation).

        ``options`` go to :func:`volltrack.napari.record.record_track` (``steps_per_frame``, ``fps``).
        """
        from volltrack.napari.record import record_track

        track_ids = self.selected_track_ids()
        if len(track_ids) != 1:
            raise ValueError("select one track to record the view along it")
        source = self._tracks_layers()[self.layer_box.currentText()]
        return record_track(self.viewer, self.analysis, track_ids[0], path,
                            translate=tuple(source.translate[-3:]), **options)

    def _ask_recording(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Record the view along the track", "track_view.mp4",
                                              "Movie (*.mp4 *.gif)")
        if path:
            try:
                self.record_view(path)
            except ValueError as exc:
                self.viewer.status = f"volltrack: cannot record: {exc}"

    def _ask_folder(self, action) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to folder")
        if folder:
            action(folder)

    def _ask_movie(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save movie", "track.mp4", "MP4 (*.mp4)")
        if path:
            self.export_movie(path)
