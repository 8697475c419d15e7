"""The ``Segment cells`` dock widget: an image layer -> VollSeg (StarDist + U-Net seed pool + watershed) -> labels.

The models load and the volumes are segmented in a child Python process (:mod:`volltrack.napari.child_jobs`:
napari's process never imports TensorFlow), driven by a napari generator worker that shows one progress step
per volume of a movie; *Cancel* kills the child at once and nothing is added. The labels -- and, on request, the StarDist labels, the U-Net mask labels
and the StarDist probability -- are added with the image's scale and translation, so they lie on the image.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Iterator

import numpy as np

logger = logging.getLogger(__name__)

#: Smallest width (pixels) of the Segment form in its dock.
SEGMENT_FORM_WIDTH = 380
#: The suppression choices offered when :func:`volltrack.segmentation.vollseg` takes ``nms=``.
NMS_MODES = ("fast", "exact")


def vollseg_accepts_nms() -> bool:
    """Whether this installation's :func:`~volltrack.segmentation.vollseg` has the ``nms=`` suppression mode."""
    from volltrack.segmentation.pipeline import vollseg

    return "nms" in inspect.signature(vollseg).parameters


def _volumes(data) -> tuple[list, bool]:
    """Return the ZYX volumes of a (Z, Y, X) or (T, Z, Y, X) array and whether it is a movie."""
    if data.ndim == 3:
        return [data], False
    if data.ndim == 4:
        return [data[t] for t in range(data.shape[0])], True
    raise ValueError(f"image has shape {tuple(data.shape)}; expected a (Z, Y, X) volume or a (T, Z, Y, X) movie")


def segmentation_steps(image, *, models_folder=None, parameters: dict | None = None,
                       extra_outputs: tuple[str, ...] = ()) -> Iterator[str]:
    """Segment a volume or a movie with VollSeg, one volume at a time (a generator for a napari worker).

    Yields a description after loading the models and after each volume; returns a dict of stacked arrays:
    ``labels`` plus each of ``extra_outputs`` (``"stardist_labels"``, ``"unet_labels"``, ``"probability"``)
    that the models produced.

    Parameters
    ----------
    image : array-like, shape (Z, Y, X) or (T, Z, Y, X)
    models_folder : path, optional
        Folder with ``stardist/``, ``unet/`` (and ``n2v/``) models; default the bundled demo models.
    parameters : dict, optional
        VollSeg's keyword parameters (:class:`~volltrack.segmentation.parameters.VollSegParameters` keys; the
        others keep VollSeg's defaults), checked before the models load.
    extra_outputs : tuple of str
        Further result arrays to return.
    """
    from volltrack.segmentation import load_models, vollseg

    from volltrack.segmentation.parameters import vollseg_options

    volumes, is_movie = _volumes(image)
    options = vollseg_options(parameters, source="Segment cells")
    models = load_models(models_folder)
    yield f"loaded models from {models.folder}"
    results: dict[str, list] = {"labels": [], **{name: [] for name in extra_outputs}}
    for index, volume in enumerate(volumes):
        result = vollseg(np.asarray(volume), models, **options)
        for name, stack in results.items():
            stack.append(getattr(result, name))
        yield f"segmented volume {index + 1}/{len(volumes)}: {int(result.labels.max())} cells"
    arrays = {}
    for name, stack in results.items():
        if any(item is None for item in stack):
            logger.info("no %s: the models folder lacks the model that makes it", name)
            continue
        arrays[name] = np.stack(stack) if is_movie else stack[0]
    return arrays


def layer_tuples(arrays: dict, image_layer) -> list[tuple]:
    """Napari layer tuples of the segmentation ``arrays``, with the image layer's scale and translation."""
    place = {"scale": tuple(image_layer.scale), "translate": tuple(image_layer.translate)}
    tuples = []
    for name, data in arrays.items():
        kwargs = {"name": f"{name.replace('_', ' ')} {image_layer.name}", **place}
        if name == "probability":
            tuples.append((data, {**kwargs, "colormap": "magma", "blending": "additive"}, "image"))
        else:
            tuples.append((data, {**kwargs, "opacity": 0.5}, "labels"))
    return tuples


def make_segment_widget(napari_viewer=None):
    """Build the ``Segment cells`` widget (npe2 widget command; a magicgui FunctionGui).

    Pressing *Segment* starts a worker (kept as ``widget.worker``, its child job as ``widget.worker.job``); the
    layers are added when it returns. *Cancel* (``widget.cancel_button``) kills the child; nothing is added.
    """
    from magicgui import magicgui
    from napari.layers import Image

    from volltrack.napari.child_jobs import add_cancel_button

    from volltrack.segmentation import DEMO_MODELS

    def segment(image: Image, models_folder: Path = DEMO_MODELS, prob_thresh: float = 0.0,
                nms_thresh: float = 0.0, suppression: str = "model default", tiles_z: int = 1, tiles_y: int = 1,
                tiles_x: int = 1, denoise_first: bool = False, stardist_labels: bool = False,
                unet_labels: bool = False, probability: bool = False):
        return _start(widget, napari_viewer, locals())

    segment.__annotations__.update(image=Image, models_folder=Path)  # local names, unresolvable as strings
    nms_choices = [*NMS_MODES] if vollseg_accepts_nms() else ["model default"]
    if vollseg_accepts_nms():  # the form starts on vollseg's own default mode
        from volltrack.segmentation.pipeline import vollseg

        signature = inspect.signature(segment)
        default = inspect.signature(vollseg).parameters["nms"].default
        segment.__signature__ = signature.replace(parameters=[
            p.replace(default=default) if p.name == "suppression" else p for p in signature.parameters.values()])
    widget = magicgui(
        segment, call_button="Segment",
        models_folder={"mode": "d", "tooltip": "Folder with stardist/, unet/ and n2v/ models (default: the "
                                                "bundled demo models)"},
        prob_thresh={"min": 0.0, "max": 1.0, "step": 0.05, "tooltip": "StarDist probability threshold (0 = "
                                                                      "the model's)"},
        nms_thresh={"min": 0.0, "max": 1.0, "step": 0.05, "tooltip": "StarDist overlap threshold of the "
                                                                    "non-maximum suppression (0 = the model's)"},
        suppression={"widget_type": "ComboBox", "choices": nms_choices,
                     "tooltip": "Non-maximum suppression: fast or exact polyhedron overlaps (when available)"},
        tiles_z={"min": 1, "max": 64}, tiles_y={"min": 1, "max": 64}, tiles_x={"min": 1, "max": 64},
        denoise_first={"tooltip": "Run the N2V denoiser first (when the models folder has one)"},
        stardist_labels={"tooltip": "Also add the StarDist instances"},
        unet_labels={"tooltip": "Also add the U-Net mask components"},
        probability={"tooltip": "Also add the StarDist probability map"})
    widget.viewer = napari_viewer
    widget.native.setMinimumWidth(SEGMENT_FORM_WIDTH)  # room for the labels and a readable models folder
    add_cancel_button(widget, "segmentation")
    return widget


def _start(widget, viewer, values: dict):
    """Start the segmentation (a child process driven by a worker) for the form's ``values``; return the worker.

    Returns None on bad input (reported on the status bar and in ``widget.last_error``) or while a segmentation
    is already running.
    """
    from volltrack.napari.child_jobs import ChildJob, start_widget_job, widget_job_running
    from volltrack.napari.track_widget import _status, _viewer_of

    viewer = viewer or _viewer_of(widget)
    image_layer = values["image"]
    if widget_job_running(widget):
        _status(viewer, "volltrack: a segmentation is already running; cancel it first")
        return None
    try:
        if image_layer is None:
            raise ValueError("choose an image layer")
        volumes, _ = _volumes(image_layer.data)
        folder = Path(values["models_folder"])
        if not folder.is_dir():
            raise ValueError(f"models folder {folder} does not exist; expected a folder with stardist/ and unet/")
        parameters = _vollseg_parameters(values)
    except ValueError as exc:
        widget.last_error = str(exc)
        _status(viewer, f"volltrack: cannot segment: {exc}")
        return None
    extras = tuple(name for name in ("stardist_labels", "unet_labels", "probability") if values[name])
    options = {"models_folder": str(folder), "parameters": parameters, "extra_outputs": extras}
    job = ChildJob(f"{__name__}:segmentation_steps", arrays={"image": image_layer.data}, options=options)
    return start_widget_job(widget, job, total=len(volumes) + 1, description="volltrack: VollSeg",
                            on_message=lambda message: _status(viewer, f"volltrack: {message}"),
                            on_result=lambda arrays: _finished(widget, viewer, arrays, image_layer),
                            on_error=lambda exc: _failed(widget, viewer, exc))


def _vollseg_parameters(values: dict) -> dict:
    """VollSeg's parameters from the form's ``values`` (0 thresholds, 1x1x1 tiles, "model default": VollSeg's
    defaults), checked by :class:`~volltrack.segmentation.parameters.VollSegParameters`; ValueError names the
    parameter."""
    from volltrack.segmentation.parameters import vollseg_options

    tiles = (values["tiles_z"], values["tiles_y"], values["tiles_x"])
    chosen = {"n_tiles": None if tiles == (1, 1, 1) else tiles, "prob_thresh": values["prob_thresh"] or None,
              "nms_thresh": values["nms_thresh"] or None,
              "nms": values["suppression"] if values["suppression"] in NMS_MODES else None,
              "denoise_first": values["denoise_first"]}
    return vollseg_options({key: value for key, value in chosen.items() if value is not None},
                           source="Segment cells")


def _finished(widget, viewer, arrays, image_layer):
    if arrays is None or widget.worker is None or widget.worker.job.cancelled:
        return  # cancelled: nothing is added
    _add_layers(viewer, arrays, image_layer)


def _add_layers(viewer, arrays, image_layer):
    from napari.layers import Layer

    for data, kwargs, kind in layer_tuples(arrays, image_layer):
        if kwargs["name"] in viewer.layers:
            viewer.layers.remove(kwargs["name"])
        viewer.add_layer(Layer.create(data, kwargs, kind))
    viewer.status = f"volltrack: segmented {image_layer.name!r}"


def _failed(widget, viewer, exc):
    from volltrack.napari.track_widget import _status

    widget.last_error = str(exc)
    _status(viewer, f"volltrack: segmentation failed: {exc}")
