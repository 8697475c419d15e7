"""Run the networks: N2V denoising, StarDist3D (labels + full-resolution probability and distance), U-Net.

TensorFlow, StarDist and CSBDeep are imported by the model objects themselves; nothing here imports them at
module level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def normalize_percentiles(image, *, low=1.0, high=99.8, values=None):
    """Scale ``image`` so that its ``low`` / ``high`` percentiles map to 0 / 1 (float32).

    Parameters
    ----------
    image : ndarray
        Input volume.
    low, high : float, optional
        Percentiles. Defaults 1 and 99.8 (StarDist/CSBDeep's).
    values : tuple of 2 float, optional
        Precomputed (low, high) intensity values, e.g. from the whole volume when segmenting blocks.

    Returns
    -------
    ndarray of float32
    """
    lo, hi = values if values is not None else np.percentile(image, (low, high))
    scale = float(hi - lo) if hi > lo else 1.0
    return ((np.asarray(image, np.float32) - np.float32(lo)) / np.float32(scale)).astype(np.float32, copy=False)


def upsample_to_shape(array, shape):
    """Linear (separable) interpolation of a volume predicted on a coarser grid to ``shape``.

    Voxel centres are aligned: output voxel i samples input coordinate ``(i + 0.5) * n_in / n_out - 0.5``.
    """
    result = np.asarray(array, np.float32)
    for axis, target in enumerate(shape):
        source = result.shape[axis]
        if source == target:
            continue
        position = np.clip((np.arange(target) + 0.5) * source / target - 0.5, 0, source - 1)
        left = np.floor(position).astype(np.intp)
        right = np.minimum(left + 1, source - 1)
        weight = (position - left).astype(np.float32)
        view = [None] * result.ndim
        view[axis] = slice(None)
        weight = weight[tuple(view)]
        result = np.take(result, left, axis=axis) * (1 - weight) + np.take(result, right, axis=axis) * weight
    return result.astype(np.float32, copy=False)


#: Seed paths: "fast" (quadrature overlaps, :mod:`~volltrack.segmentation.suppression`) or "exact" (StarDist's
#: compiled polyhedron intersection).
NMS_MODES = ("fast", "exact")


@dataclass(frozen=True)
class StarDistOutput:
    """StarDist prediction at full resolution: labels, object probability, mean ray length, kept candidates.

    ``labels`` is None when painting the polyhedra was not asked for; ``points`` (n, 3) are the centres (voxels)
    of the kept candidates, best first, and ``scores`` their probabilities.
    """

    labels: np.ndarray | None
    probability: np.ndarray
    distance: np.ndarray
    points: np.ndarray | None = None
    scores: np.ndarray | None = None


def denoise(image, model, *, n_tiles=None):
    """Denoise a ZYX volume with an N2V model; returns float32 of the same shape."""
    return np.asarray(model.predict(np.asarray(image, np.float32), axes="ZYX", n_tiles=n_tiles), np.float32)


def check_nms_mode(nms):
    """Return ``nms`` if it is one of :data:`NMS_MODES`, else raise ValueError naming the choices."""
    if nms not in NMS_MODES:
        raise ValueError(f"nms must be one of {', '.join(NMS_MODES)}; got {nms!r}")
    return nms


def _untiled(n_tiles):
    """True when ``n_tiles`` asks for no tiling (None or all ones)."""
    return n_tiles is None or all(int(t) == 1 for t in n_tiles)


def _plain_keras_model(model):
    """True for a CSBDeep/StarDist model object whose Keras network takes one ZYX volume with one channel last."""
    config = getattr(model, "config", None)
    return (hasattr(model, "keras_model") and hasattr(model, "_axes_div_by") and config is not None
            and getattr(config, "axes", None) == "ZYXC" and getattr(config, "n_channel_in", 1) == 1)


def _pad_to_multiple(image, div_by, *, centred):
    """Pad a ZYX volume (reflect) so that each axis is a multiple of ``div_by``; returns (padded, pads).

    ``centred`` splits the padding between both ends as CSBDeep's CARE does; else it goes at the end as
    StarDist's does.
    """
    pads = []
    for size, div in zip(image.shape, div_by):
        extra = (int(div) - size % int(div)) % int(div)
        pads.append((extra // 2, extra - extra // 2) if centred else (0, extra))
    padded = np.pad(image, pads, mode="reflect") if any(p != (0, 0) for p in pads) else image
    return np.ascontiguousarray(padded, np.float32), pads


def _forward(model, image, *, centred):
    """One Keras forward pass of a CSBDeep-style model on a padded ZYX volume (batch of one, one channel)."""
    div_by = model._axes_div_by(model.config.axes)[:3]
    padded, pads = _pad_to_multiple(image, div_by, centred=centred)
    outputs = model.keras_model.predict_on_batch(padded[np.newaxis, ..., np.newaxis])
    return outputs, pads


def predict_stardist_maps(image, model, *, n_tiles=None):
    """The StarDist network's forward pass alone: (probability, ray distances) on its output grid.

    Without tiling the Keras model is called once directly (``predict_on_batch``): the same numbers as
    StarDist's ``predict``, without its per-call worker threads and its extra copies of the ray array (ray
    lengths are clipped at 1e-3 in place, as StarDist clips them).
    """
    if not (_untiled(n_tiles) and _plain_keras_model(model) and not model._is_multiclass()):
        probability, distances = model.predict(image, axes="ZYX", n_tiles=n_tiles, show_tile_progress=False)
        return np.asarray(probability, np.float32), np.asarray(distances, np.float32)
    (probability, distances), pads = _forward(model, np.asarray(image, np.float32), centred=False)
    grid = tuple(int(g) for g in model.config.grid)
    crop = tuple(slice(0, -(end // g) if end >= g else None) for (_, end), g in zip(pads, grid))
    probability = np.asarray(probability[0, ..., 0][crop], np.float32)
    distances = np.asarray(distances[0][crop], np.float32)
    np.maximum(distances, np.float32(1e-3), out=distances)
    return probability, distances


def stardist_candidates(probability, prob_thresh, *, border=2):
    """Grid cells with probability above ``prob_thresh`` (``border`` cells from the edges excluded), best first.

    The same candidates, in the same order, as StarDist's own 3D suppression takes.

    Returns
    -------
    cells : ndarray of int, shape (n, 3)
    scores : ndarray of float32, shape (n,)
    """
    above = probability > prob_thresh
    if border:
        inner = np.zeros_like(above)
        inner[tuple(slice(border, -border if border else None) for _ in range(3))] = True
        above &= inner
    cells = np.stack(np.nonzero(above), axis=1)
    scores = probability[above]
    order = np.argsort(scores)[::-1]
    return cells[order], scores[order]


def stardist_exact_instances(model, probability, distances, shape, *, prob_thresh, nms_thresh):
    """StarDist's own instances from its maps: compiled exact polyhedron suppression and rendering.

    Returns
    -------
    labels : ndarray of int32
    points : ndarray of float, shape (n, 3)
    scores : ndarray of float, shape (n,)
    """
    import warnings

    from volltrack.segmentation.interrupts import guard_stardist_compiled

    with warnings.catch_warnings(), guard_stardist_compiled():
        warnings.filterwarnings("ignore", message="Setting sparse to False")
        labels, details = model._instances_from_prediction(shape, probability, distances, prob_thresh=prob_thresh,
                                                           nms_thresh=nms_thresh)
    return np.asarray(labels, np.int32), np.asarray(details["points"], float), np.asarray(details["prob"], float)


def stardist_fast_instances(model, candidates, shape, *, nms_thresh, paint=True):
    """Instances from StarDist's candidates with the fast suppression (:func:`~volltrack.segmentation.suppression.suppress`).

    Parameters
    ----------
    model : stardist.models.StarDist3D
        For its rays and grid.
    candidates : tuple (cells, scores, dists)
        :func:`stardist_candidates` cells and scores (best first) and their ray lengths.
    shape : tuple of 3 int
        The image shape.
    nms_thresh : float
        Largest overlap of two kept candidates.
    paint : bool, optional
        Paint the kept polyhedra into a label volume (exact star-convex interior test of every voxel centre,
        :func:`~volltrack.segmentation.suppression.paint`). Default True.

    Returns
    -------
    labels : ndarray of int32 or None
    points : ndarray of float, shape (n, 3)
    scores : ndarray of float, shape (n,)
    """
    from volltrack.segmentation.suppression import paint as paint_polyhedra_fast, suppress

    _, geometry = model_rays(model)
    grid = tuple(int(g) for g in model.config.grid)
    cells, scores, dist = candidates
    kept = suppress(cells, dist, geometry, grid=grid, nms_thresh=nms_thresh)
    points = cells[kept] * np.asarray(grid)
    labels = paint_polyhedra_fast(points, dist[kept], geometry, shape) if paint else None
    return labels, points.astype(float), scores[kept].astype(float)


def model_rays(model):
    """The model's StarDist rays and their :func:`~volltrack.segmentation.suppression.ray_geometry` (cached)."""
    cached = getattr(model, "_volltrack_rays", None)
    if cached is None:
        from stardist import rays_from_json

        from volltrack.segmentation.suppression import ray_geometry

        rays = rays_from_json(model.config.rays_json)
        cached = (rays, ray_geometry(rays.vertices, rays.faces, ray_anisotropy(model, rays)))
        try:
            model._volltrack_rays = cached
        except AttributeError:  # pragma: no cover - objects without a __dict__
            pass
    return cached


def ray_anisotropy(model, rays):
    """The anisotropy (z, y, x) a StarDist model's rays were made for (its rays' or config's; else isotropic)."""
    found = (getattr(rays, "kwargs", None) or {}).get("anisotropy") or getattr(model.config, "anisotropy", None)
    return tuple(float(a) for a in found) if found is not None else (1.0, 1.0, 1.0)


def paint_polyhedra(dist, points, rays, scores, shape):
    """StarDist's rendering of the given polyhedra (best first) into labels 1..n, relabelled sequentially."""
    from skimage.segmentation import relabel_sequential
    from stardist.geometry import polyhedron_to_label

    if len(points) == 0:
        return np.zeros(shape, np.int32)
    labels = polyhedron_to_label(dist, points, rays=rays, prob=scores, shape=shape, verbose=False)
    return np.asarray(relabel_sequential(labels)[0], np.int32)


@dataclass
class StarDistMaps:
    """What the StarDist network predicted for one volume, on its output grid, as the seed paths need it.

    Attributes
    ----------
    probability : ndarray of float32
        Object probability.
    distance : ndarray of float32
        Mean ray length.
    candidates : tuple (cells, scores, dists) or None
        The cells above the probability threshold, best first, with their ray lengths (fast path).
    distances : ndarray of float32 or None
        All ray lengths (exact path).
    prob_thresh : float
        The threshold the candidates were taken at.
    """

    probability: np.ndarray
    distance: np.ndarray
    candidates: tuple | None
    distances: np.ndarray | None
    prob_thresh: float


def stardist_maps(image, model, *, n_tiles=None, prob_thresh=None, nms="fast"):
    """Run the StarDist network once and keep what the ``nms`` seed path needs (candidates only for "fast")."""
    check_nms_mode(nms)
    prob_thresh = float(model.thresholds.prob if prob_thresh is None else prob_thresh)
    probability, distances = predict_stardist_maps(image, model, n_tiles=n_tiles)
    # The mean ray length peaks at cell centres and falls towards the membranes, so it can be flooded like the
    # probability; the max over rays stays high near boundaries and lets a few seeds flood whole tissues.
    distance = np.mean(distances, axis=-1)
    if nms == "exact":
        return StarDistMaps(probability, distance, None, distances, prob_thresh)
    cells, scores = stardist_candidates(probability, prob_thresh)
    dists = np.ascontiguousarray(distances[tuple(cells.T)]) if len(cells) else np.zeros((0, distances.shape[-1]),
                                                                                         np.float32)
    return StarDistMaps(probability, distance, (cells, scores, dists), None, prob_thresh)


def stardist_instances(maps, model, shape, *, nms_thresh=None, paint=True, found=None):
    """Kept candidates (and their painted polyhedra) from :func:`stardist_maps` output.

    ``found`` is :func:`stardist_fast_instances`' (labels, points, scores) for these maps, ``nms_thresh`` and
    ``paint`` when already computed (fast path only); default None: computed here.

    Returns
    -------
    StarDistOutput
        At full resolution (``shape``).
    """
    nms_thresh = float(model.thresholds.nms if nms_thresh is None else nms_thresh)
    if found is not None and maps.distances is None:
        labels, points, scores = found
    elif maps.distances is not None:
        labels, points, scores = stardist_exact_instances(model, maps.probability, maps.distances, shape,
                                                          prob_thresh=maps.prob_thresh, nms_thresh=nms_thresh)
    else:
        labels, points, scores = stardist_fast_instances(model, maps.candidates, shape, nms_thresh=nms_thresh,
                                                         paint=paint)
    return StarDistOutput(labels=labels, probability=upsample_to_shape(maps.probability, shape),
                          distance=upsample_to_shape(maps.distance, shape), points=points, scores=scores)


def predict_stardist(image, model, *, n_tiles=None, prob_thresh=None, nms_thresh=None, nms="fast", paint=True):
    """Predict StarDist3D instances, with probability and distance upsampled to the image grid.

    Parameters
    ----------
    image : ndarray of shape (Z, Y, X)
        Normalised volume.
    model : stardist.models.StarDist3D
        The model.
    n_tiles : tuple of 3 int, optional
        Tiles per axis for the network (memory). Default: no tiling.
    prob_thresh, nms_thresh : float, optional
        Thresholds; default the model's (``thresholds.json``).
    nms : {"fast", "exact"}, optional
        Suppression of overlapping candidates: quadrature overlaps (default) or StarDist's exact intersection.
    paint : bool, optional
        Paint the kept polyhedra (StarDist labels; always done with ``nms="exact"``). Default True.

    Returns
    -------
    StarDistOutput
    """
    maps = stardist_maps(image, model, n_tiles=n_tiles, prob_thresh=prob_thresh, nms=nms)
    return stardist_instances(maps, model, image.shape, nms_thresh=nms_thresh, paint=paint)


def predict_unet(image, model, *, n_tiles=None):
    """Predict the U-Net (CARE, one output channel) foreground probability, float32, shape of ``image``."""
    if _untiled(n_tiles) and _plain_keras_model(model) and not model.config.probabilistic:
        output, pads = _forward(model, np.asarray(image, np.float32), centred=True)
        crop = tuple(slice(start, start + size) for (start, _), size in zip(pads, image.shape))
        output = np.asarray(output[0][crop], np.float32)
    else:
        output = np.asarray(model.predict(image, axes="ZYX", normalizer=None, n_tiles=n_tiles), np.float32)
    if output.ndim == 4:
        output = output[..., 0]
    return output
