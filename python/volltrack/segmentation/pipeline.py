"""VollSeg: StarDist3D + U-Net seed pooling + marker-controlled watershed inside the U-Net mask."""

from __future__ import annotations

import inspect
import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from volltrack.segmentation.foreground import foreground_mask, mask_components
from volltrack.segmentation.label_voxels import LabelVoxels
from volltrack.segmentation.networks import denoise, normalize_percentiles, predict_unet
from volltrack.segmentation.seed_pool import SeedPool, seed_pool
from volltrack.segmentation.unet_target import grow_mask
from volltrack.segmentation.validation import is_constant, validate_same_shape, validate_volume
from volltrack.segmentation.watershed import (WATERSHED_MAPS, fill_label_holes, filter_sizes, masked_watershed,
                                              paint_markers, stardist_outside_mask)

_LOG = logging.getLogger(__name__)


@dataclass
class VollSegResult:
    """Everything VollSeg computes for one volume (ZYX arrays; None where the model was absent).

    Attributes
    ----------
    labels : ndarray of int32
        VollSeg instances.
    stardist_labels, unet_labels : ndarray of int32 or None
        StarDist instances; connected components of the U-Net mask.
    probability, distance : ndarray of float32 or None
        StarDist object probability and mean ray length (distance) at full resolution.
    unet_probability : ndarray of float32 or None
        U-Net foreground probability.
    markers : ndarray of int32 or None
        Watershed markers (seed k painted as k + 1).
    denoised : ndarray of float32 or None
        N2V output.
    seeds : SeedPool or None
        The seed pool.
    scale : dict or None
        How the volume was resampled for the networks (factors, and the cell sizes when estimated).
    """

    labels: np.ndarray
    stardist_labels: np.ndarray | None = None
    unet_labels: np.ndarray | None = None
    probability: np.ndarray | None = None
    distance: np.ndarray | None = None
    unet_probability: np.ndarray | None = None
    markers: np.ndarray | None = None
    denoised: np.ndarray | None = None
    seeds: SeedPool | None = None
    scale: dict | None = None


def blank_result(volume, models, *, segment_options=None):
    """The VollSeg result of a blank (constant) volume: no cell, with the outputs a segmented volume has.

    Parameters
    ----------
    volume : ndarray of shape (Z, Y, X)
        The blank volume.
    models : Models
        The networks (they decide which outputs exist: StarDist, Probability and Markers need StarDist,
        Denoised needs N2V).
    segment_options : dict, optional
        The options of the run (``block_shape`` means no Markers; Denoised only when ``denoise_first``, whose
        default is :func:`~volltrack.segmentation.pipeline.vollseg`'s).

    Returns
    -------
    VollSegResult
        All-zero labels and maps; ``denoised`` is the volume itself.
    """
    options = segment_options or {}
    labels, zeros = np.zeros(volume.shape, np.int32), np.zeros(volume.shape, np.float32)
    star = models.stardist is not None
    painted = star and options.get("stardist_labels", True)
    default_denoise = inspect.signature(vollseg).parameters["denoise_first"].default   # as vollseg would do
    denoised = models.n2v is not None and options.get("denoise_first", default_denoise)
    return VollSegResult(labels=labels, stardist_labels=labels.copy() if painted else None, unet_labels=labels.copy(),
                         probability=zeros if star else None, distance=zeros if star else None,
                         unet_probability=zeros if models.unet is not None else None,
                         markers=labels.copy() if star and "block_shape" not in options else None,
                         denoised=np.asarray(volume, np.float32) if denoised else None)


def segment_from_predictions(stardist_labels, probability, unet_probability, *, distance=None,
                             use_probability=True, unet_threshold=None, min_size_mask=10, min_size=10,
                             max_size=None, marker_radius=2, unite_stardist=True, fill_holes=True,
                             snap_seeds=True, mask_growth=0, stardist_points=None, watershed_map="stardist",
                             image=None, reach=None, unet_components=None):
    """The post-network half of VollSeg: mask, components, seed pool, masked watershed, clean-up.

    Parameters
    ----------
    stardist_labels : ndarray of int, shape (Z, Y, X), or None
        StarDist instances (their centroids are the StarDist seeds); None uses ``stardist_points`` instead.
    probability : ndarray of float, shape (Z, Y, X)
        StarDist object probability at full resolution.
    unet_probability : ndarray of float, shape (Z, Y, X) or None
        U-Net foreground probability; None uses Otsu's mask of ``probability``.
    distance : ndarray of float, optional
        StarDist mean ray length; needed when ``use_probability`` is False.
    use_probability : bool, optional
        Flood ``-probability`` (True, default) or ``-distance``.
    unet_threshold : float, optional
        Mask threshold; default Otsu's.
    min_size_mask : int, optional
        Smallest U-Net component kept (voxels). Default 10.
    min_size, max_size : int, optional
        Size range of final labels (voxels). Defaults 10 and unbounded.
    marker_radius : int, optional
        Seeds are painted as balls of this radius (voxels). Default 2 (as published).
    unite_stardist : bool, optional
        Add to the mask the StarDist instances whose centroid lies outside it, so StarDist-only cells are not
        lost. Default True.
    fill_holes : bool, optional
        Fill background pockets enclosed by one label. Default True.
    snap_seeds : bool, optional
        Move U-Net seeds that fall outside their curved component into it. Default True.
    mask_growth : int, optional
        For a U-Net trained on cell interiors (``volltrack train unet --erosion N``): grow each component by
        this many voxels, and the mask by as many steps of the 3x3x3 cube (holes filled), so that the components are
        whole cells and the watershed reaches the membranes. Default 0 (a U-Net trained on the plain mask).
    stardist_points : ndarray of float, shape (n, 3), optional
        Centres of the kept StarDist candidates; the StarDist seeds when ``stardist_labels`` is None (and then
        ``unite_stardist`` has no polyhedra to add).
    watershed_map : {"stardist", "unet", "membrane"}, optional
        What the seeds flood (:func:`watershed_landscape`): StarDist's probability or distance (``use_probability``;
        default, as published), the U-Net's probability (for a U-Net trained on cell interiors, whose map is low
        on the membranes), or the membrane image itself (``image``, bright membranes, smoothed).
    image : ndarray of float, shape (Z, Y, X), optional
        The normalised volume the networks saw; needed by ``watershed_map="membrane"``.
    reach : ndarray of bool, shape (Z, Y, X), optional
        Where StarDist-seeded cells may grow (:func:`stardist_reach`: their polyhedra grown by a margin); the
        mask is cut to it, except the U-Net components that hold a U-Net seed (cells StarDist missed), so that a
        seed does not flood the cells StarDist did not find nor the gaps around them. Default None: the whole mask.
    unet_components : tuple (components, mask), optional
        :func:`unet_instances` of ``unet_probability`` with this call's ``unet_threshold``, ``min_size_mask`` and
        ``mask_growth``, when already computed (VollSeg computes them while StarDist's candidates are being
        suppressed). Default None: computed here.

    Returns
    -------
    VollSegResult
        With labels, unet_labels, markers and seeds filled in.
    """
    landscape = watershed_landscape(watershed_map, probability=probability, distance=distance,
                                    use_probability=use_probability, unet_probability=unet_probability, image=image)
    if stardist_labels is None and stardist_points is None:
        raise ValueError("segment_from_predictions needs StarDist labels or StarDist points; got neither")
    validate_same_shape(probability, stardist_labels=stardist_labels, unet_probability=unet_probability,
                        distance=distance)
    if unet_components is not None:
        unet_labels, mask = unet_components
    else:
        source = unet_probability if unet_probability is not None else probability
        unet_labels, mask = unet_instances(source, threshold=unet_threshold, min_size=min_size_mask,
                                           growth=mask_growth)
    star_voxels = LabelVoxels(stardist_labels) if stardist_labels is not None else None   # one pass, used twice
    seeds = seed_pool(star_voxels if star_voxels is not None else stardist_points, unet_labels, snap=snap_seeds)
    if unite_stardist and star_voxels is not None:
        mask = mask | stardist_outside_mask(star_voxels, mask)
    if reach is not None:
        mask = mask & (reach | _unet_seeded(unet_labels, seeds))
    markers = paint_markers(seeds.points, mask.shape, radius=marker_radius)
    labels = masked_watershed(landscape, markers, mask)
    if fill_holes:
        fill_label_holes(labels)
    filter_sizes(labels, min_size=min_size, max_size=max_size)
    return VollSegResult(labels=labels, stardist_labels=stardist_labels, unet_labels=unet_labels,
                         probability=probability, distance=distance, unet_probability=unet_probability,
                         markers=markers, seeds=seeds)


#: Defaults of :func:`segment_from_predictions`'s keywords (for the U-Net components computed ahead of it).
_SEGMENT_DEFAULTS = {name: parameter.default
                     for name, parameter in inspect.signature(segment_from_predictions).parameters.items()}


def _unet_seeded(unet_labels, seeds):
    """The U-Net components that hold a U-Net seed (a cell StarDist missed)."""
    points = seeds.points[seeds.from_unet]
    if len(points) == 0:
        return np.zeros(unet_labels.shape, bool)
    voxels = np.clip(np.rint(points).astype(np.int64), 0, np.asarray(unet_labels.shape) - 1)
    ids = np.unique(unet_labels[tuple(voxels.T)])
    return np.isin(unet_labels, ids[ids > 0])


#: Default margin (Z, Y, X voxels on the networks' grid) by which a StarDist-seeded cell may grow past its
#: polyhedron (``stardist_margin``); measured in bench/README.md, section "generalise".
STARDIST_MARGIN = (0, 1, 1)


def parse_margin(value: Any, *, where: str = "stardist_margin") -> Any:
    """``stardist_margin`` checked: three voxel counts Z, Y, X (``(0, 1, 1)``, ``"0,1,1"``), a relative form
    ``"x1.3"`` / ``"x1,1.3,1.3"`` (each polyhedron scaled about its centre by these factors, Z, Y, X, in [1, 4]) or
    None (the whole mask). Returns a tuple of 3 int, ``("x", (fz, fy, fx))`` or None; raises ValueError naming
    ``where`` otherwise."""
    expected = (f"{where}: expected three voxel counts Z,Y,X >= 0 (e.g. 0,1,1), a relative form x1.3 or x1,1.3,1.3 "
                f"(polyhedra scaled by factors in [1, 4]) or null")
    if value is None:
        return None
    original = value
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "x":
        value = "x" + ",".join(str(v) for v in value[1])
    if isinstance(value, str) and value.strip().lower().startswith("x"):
        try:
            factors = [float(v) for v in value.strip()[1:].split(",")]
        except ValueError:
            raise ValueError(f"{expected}; got {original!r}") from None
        if len(factors) == 1:
            factors = factors * 3
        if len(factors) != 3 or not all(1.0 <= f <= 4.0 for f in factors):
            raise ValueError(f"{expected}; got {original!r}")
        return ("x", tuple(factors))
    if isinstance(value, str):
        value = value.split(",")
    try:
        counts = [float(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError(f"{expected}; got {original!r}") from None
    if len(counts) != 3 or not all(c >= 0 and c == int(c) for c in counts):
        raise ValueError(f"{expected}; got {original!r}")
    return tuple(int(c) for c in counts)


def stardist_reach(stardist_labels, margin):
    """Where the StarDist seeds may flood: the polyhedra grown by ``margin`` (:func:`parse_margin`): Z, Y, X
    voxels (a box), or ``"x..."`` each polyhedron scaled about its centroid by the factors (a reach relative to the
    cell's size)."""
    from scipy import ndimage as ndi

    margin = parse_margin(margin)
    labels = np.asarray(stardist_labels)
    inside = labels > 0
    if margin is None:
        return np.ones(labels.shape, bool)
    if margin[0] == "x":
        return _scaled_polyhedra(labels, np.asarray(margin[1], float))
    if not any(margin):
        return inside
    return ndi.binary_dilation(inside, structure=np.ones(tuple(2 * int(m) + 1 for m in margin), bool))


def _scaled_polyhedra(labels, factors):
    """The union of each label scaled about its centroid by ``factors`` (Z, Y, X): a voxel is inside when the point
    it comes from (centroid + offset / factor) rounds to a voxel of that label."""
    from scipy import ndimage as ndi

    out = labels > 0
    shape = np.asarray(labels.shape)
    for index, box in enumerate(ndi.find_objects(labels), start=1):
        if box is None:
            continue
        start = np.array([b.start for b in box])
        stop = np.array([b.stop for b in box])
        local = labels[box] == index
        centre = start + np.array(ndi.center_of_mass(local))
        low = np.maximum(np.floor(centre - (centre - start) * factors).astype(int), 0)
        high = np.minimum(np.ceil(centre + (stop - centre) * factors).astype(int) + 1, shape)
        grids = np.ogrid[tuple(slice(a, b) for a, b in zip(low, high))]
        source = [np.rint(c + (g - c) / f).astype(np.int64) - s0
                  for g, c, f, s0 in zip(grids, centre, factors, start)]
        valid = [(s >= 0) & (s < n) for s, n in zip(source, local.shape)]
        clipped = [np.clip(s, 0, n - 1) for s, n in zip(source, local.shape)]
        hit = local[np.ix_(clipped[0].ravel(), clipped[1].ravel(), clipped[2].ravel())]
        hit &= valid[0].reshape(-1, 1, 1) & valid[1].reshape(1, -1, 1) & valid[2].reshape(1, 1, -1)
        out[tuple(slice(a, b) for a, b in zip(low, high))] |= hit
    return out


#: Gaussian sigma (voxels) of the membrane image flooded by ``watershed_map="membrane"``.
MEMBRANE_SIGMA = 1.0


def watershed_landscape(watershed_map, *, probability, distance=None, use_probability=True, unet_probability=None,
                        image=None):
    """The map the seeds flood from high to low values, for ``watershed_map`` (see :data:`WATERSHED_MAPS`).

    * ``"stardist"``: StarDist's probability (``use_probability``) or mean ray length, high at cell centres;
    * ``"unet"``: the U-Net's probability, high inside cells when the U-Net was trained on cell interiors
      (``volltrack train unet --erosion N``), so that neighbouring cells meet on the membranes;
    * ``"membrane"``: the negated, smoothed (sigma :data:`MEMBRANE_SIGMA`) membrane image, so that cells meet where
      the membrane signal is brightest.
    """
    if watershed_map == "stardist":
        landscape = probability if use_probability else distance
        if landscape is None:
            raise ValueError("use_probability=False needs the StarDist distance map; got distance=None")
        return landscape
    if watershed_map == "unet":
        if unet_probability is None:
            raise ValueError("watershed_map='unet' needs a U-Net model (the models folder has no unet/)")
        return unet_probability
    if watershed_map == "membrane":
        if image is None:
            raise ValueError("watershed_map='membrane' needs the normalised image; got image=None")
        from scipy import ndimage as ndi

        return -ndi.gaussian_filter(np.asarray(image, np.float32), MEMBRANE_SIGMA)
    raise ValueError(f"watershed_map must be one of {', '.join(WATERSHED_MAPS)}; got {watershed_map!r}")


def unet_instances(probability, *, threshold=None, min_size=10, growth=0):
    """U-Net components and the watershed mask, both grown by the ``growth`` voxels the U-Net was trained without.

    Parameters
    ----------
    probability : ndarray of float, shape (Z, Y, X)
        U-Net output (or StarDist probability when there is no U-Net).
    threshold : float, optional
        Mask threshold; default Otsu's.
    min_size : int, optional
        Smallest component kept, in voxels before growing. Default 10.
    growth : int, optional
        Rim the U-Net was trained without (its ``volltrack.json`` erosion). Default 0.

    Returns
    -------
    components : ndarray of int32
    mask : ndarray of bool
    """
    components = mask_components(foreground_mask(probability, threshold=threshold), min_size=min_size)
    if growth <= 0:
        return components, components > 0
    from skimage.segmentation import expand_labels

    mask = grow_mask(components > 0, voxels=growth)
    grown = expand_labels(components, distance=growth * np.sqrt(3.0)).astype(np.int32)
    grown[~mask] = 0
    return grown, mask


@dataclass
class NetworkPredictions:
    """The networks' outputs for one volume (each network run once, on the volume normalised once).

    Attributes
    ----------
    shape : tuple of 3 int
        Volume shape.
    unet_probability : ndarray of float32 or None
        U-Net foreground probability.
    stardist : StarDistMaps or None
        StarDist's maps on its output grid (candidates for the fast seed path, all rays for the exact one).
    denoised : ndarray of float32 or None
        N2V output.
    input_shape : tuple of 3 int or None
        The volume's shape when it was resampled by the models' input scale.
    normalised : ndarray of float32 or None
        The (resampled, denoised) normalised volume the networks saw (flooded by ``watershed_map="membrane"``).
    scale : dict or None
        How the volume was resampled (:func:`~volltrack.segmentation.input_scale.resolve_scale`): ``factors``,
        ``source`` ("models", "given" or "auto") and, for "auto", the estimated and the models' cell size.
    instances : EarlyInstances or None
        StarDist's kept candidates (fast path), being computed in a background thread since StarDist's maps
        were ready (:func:`predict_networks`).
    """

    shape: tuple
    unet_probability: np.ndarray | None
    stardist: object | None
    denoised: np.ndarray | None = None
    input_shape: tuple | None = None
    normalised: np.ndarray | None = None
    scale: dict | None = None
    instances: EarlyInstances | None = None

    @property
    def volume_shape(self):
        """Shape of the volume these predictions are for (``shape`` is that of the resampled volume, if any)."""
        return self.shape if self.input_shape is None else self.input_shape


@dataclass
class EarlyInstances:
    """StarDist's kept candidates (and painted polyhedra) being computed in a background thread.

    Attributes
    ----------
    nms_thresh : float
        The suppression threshold they are computed with.
    paint : bool
        Whether the kept polyhedra are painted.
    future : concurrent.futures.Future
        Gives (labels or None, points, scores) as :func:`~volltrack.segmentation.networks.stardist_fast_instances`.
    """

    nms_thresh: float
    paint: bool
    future: object

    def result_for(self, nms_thresh, paint):
        """The kept candidates if they were computed with ``nms_thresh`` and ``paint``, else None."""
        if self.nms_thresh != nms_thresh or self.paint != paint:
            return None
        return self.future.result()


#: Threads that suppress StarDist's candidates while the U-Net runs (:func:`predict_networks`); created lazily.
_BACKGROUND = []
_BACKGROUND_LOCK = threading.Lock()


def _background_pool():
    with _BACKGROUND_LOCK:
        if not _BACKGROUND:
            from concurrent.futures import ThreadPoolExecutor

            _BACKGROUND.append(ThreadPoolExecutor(max_workers=2, thread_name_prefix="volltrack-suppression"))
        return _BACKGROUND[0]


def predict_networks(image, models, *, n_tiles=None, denoise_first=False, normalization=None, prob_thresh=None,
                     nms="fast", scale="auto", nms_thresh=None, stardist_labels=True):
    """Run the networks on one (validated, not blank) ZYX volume: N2V if asked, then StarDist and the U-Net.

    Parameters are those of :func:`vollseg`. Thread-safe with respect to the post-processing
    (:func:`vollseg_from_predictions`), so the next volume's prediction can run while this one is post-processed.

    With the fast seed path, StarDist's candidates are suppressed (and the kept polyhedra painted, per
    ``stardist_labels``, with ``nms_thresh``) in a background thread as soon as StarDist's maps are ready, while
    the U-Net runs (the compiled suppression releases the GIL); :func:`vollseg_from_predictions` takes them from
    there when called with the same ``nms_thresh`` and ``stardist_labels``.

    The volume is first resampled by ``scale`` (:func:`~volltrack.segmentation.input_scale.resolve_scale`: "auto"
    (default) = estimated from the volume's cells, None = the models' ``input_scale`` when they record one, or three
    factors); ``shape`` is then the resampled one and ``input_shape`` the volume's.

    Returns
    -------
    NetworkPredictions
    """
    from volltrack.segmentation.input_scale import is_identity, resample_volume, resolve_scale
    from volltrack.segmentation.networks import check_nms_mode, stardist_maps

    check_nms_mode(nms)
    if models.stardist is None and models.unet is None:
        raise ValueError("VollSeg needs a StarDist or a U-Net model; the models folder has neither")
    input_shape = None
    factors, scale_record = resolve_scale(image, models, scale)
    if not is_identity(factors):
        input_shape = tuple(image.shape)
        image = resample_volume(image, factors)
    denoised = None
    if denoise_first and models.n2v is not None:
        denoised = denoise(image, models.n2v, n_tiles=n_tiles)
    normalised = normalize_percentiles(denoised if denoised is not None else image, values=normalization)
    star, early = None, None
    if models.stardist is not None:
        star = stardist_maps(normalised, models.stardist, n_tiles=n_tiles, prob_thresh=prob_thresh, nms=nms)
        if star.candidates is not None:
            early = _suppress_in_background(star, models.stardist, tuple(image.shape), nms_thresh, stardist_labels)
    unet_probability = predict_unet(normalised, models.unet, n_tiles=n_tiles) if models.unet is not None else None
    return NetworkPredictions(shape=tuple(image.shape), unet_probability=unet_probability, stardist=star,
                              denoised=denoised, input_shape=input_shape, normalised=normalised, scale=scale_record,
                              instances=early)


def _nms_threshold(model, nms_thresh):
    return float(model.thresholds.nms if nms_thresh is None else nms_thresh)


def _suppress_in_background(maps, model, shape, nms_thresh, paint):
    """Start the fast suppression (and painting) of StarDist's candidates in a background thread."""
    from volltrack.segmentation.networks import model_rays, stardist_fast_instances

    nms_thresh = _nms_threshold(model, nms_thresh)
    model_rays(model)                      # the rays' tables are cached on the model: made here, not in two threads
    future = _background_pool().submit(stardist_fast_instances, model, maps.candidates, shape, nms_thresh=nms_thresh,
                                       paint=bool(paint))
    return EarlyInstances(nms_thresh=nms_thresh, paint=bool(paint), future=future)


def vollseg_from_predictions(predictions, models, *, nms_thresh=None, stardist_labels=True,
                             stardist_margin=STARDIST_MARGIN, **options):
    """The post-network half of :func:`vollseg`: seeds from StarDist's candidates, then the seeded watershed.

    Parameters
    ----------
    predictions : NetworkPredictions
        From :func:`predict_networks`.
    models : Models
        The networks (StarDist's rays and thresholds; the U-Net's erosion).
    nms_thresh : float, optional
        StarDist's suppression threshold; default the model's.
    stardist_labels : bool, optional
        Paint the kept StarDist polyhedra (the StarDist output, whose centroids are the seeds; always done by the
        exact path). False seeds the watershed from the kept candidates' centres and skips the painting.
        Default True.
    stardist_margin : tuple of 3 int, str or None, optional
        How far (Z, Y, X voxels on the networks' grid) a StarDist-seeded cell may grow past its polyhedron, or
        ``"x1.3"`` / ``"x1,1.3,1.3"``: within its polyhedron scaled about its centre by these factors
        (:func:`parse_margin`, :func:`stardist_reach`); None floods the whole U-Net mask (as published). Needs the painted polyhedra
        (ignored with ``stardist_labels=False``). Default :data:`STARDIST_MARGIN`.
    **options
        Passed to :func:`segment_from_predictions`.

    Returns
    -------
    VollSegResult
    """
    from volltrack.segmentation.networks import stardist_instances

    if models.unet is not None:
        options.setdefault("mask_growth", models.unet_erosion)
    if options.get("watershed_map") is None:
        options["watershed_map"] = default_watershed_map(models)
    if predictions.stardist is None:
        result = _unet_only(predictions.unet_probability, predictions.denoised, options)
    else:
        early = predictions.instances
        if predictions.unet_probability is not None and early is not None and predictions.input_shape is None:
            # the U-Net's components while the background thread may still be suppressing StarDist's candidates
            options["unet_components"] = unet_instances(
                predictions.unet_probability, threshold=options.get("unet_threshold"),
                min_size=options.get("min_size_mask", _SEGMENT_DEFAULTS["min_size_mask"]),
                growth=options.get("mask_growth", _SEGMENT_DEFAULTS["mask_growth"]))
        found = None
        if early is not None:
            found = early.result_for(_nms_threshold(models.stardist, nms_thresh), bool(stardist_labels))
        star = stardist_instances(predictions.stardist, models.stardist, predictions.shape, nms_thresh=nms_thresh,
                                  paint=stardist_labels, found=found)
        unet_probability, image = predictions.unet_probability, predictions.normalised
        reach = None
        if stardist_margin is not None and star.labels is not None:
            reach = stardist_reach(star.labels, stardist_margin)
        if predictions.input_shape is not None:     # the watershed on the volume's own grid
            star, unet_probability, image = _maps_to_volume_grid(star, unet_probability, image,
                                                                 predictions.input_shape)
            if reach is not None:
                from volltrack.segmentation.input_scale import resample_labels

                reach = np.ascontiguousarray(resample_labels(reach, predictions.input_shape))
        options["reach"] = reach
        result = segment_from_predictions(star.labels, star.probability, unet_probability,
                                          distance=star.distance, stardist_points=star.points,
                                          image=image, **options)
        result.denoised = predictions.denoised
    if predictions.input_shape is not None:
        result = _to_volume_grid(result, predictions.input_shape)
    result.scale = predictions.scale
    return result


def default_watershed_map(models):
    """The ``watershed_map`` recorded with the models (``train thresholds``), when its map is there; else "stardist"."""
    recorded = getattr(models, "watershed_map", None)
    if recorded == "unet" and getattr(models, "unet", None) is None:
        return "stardist"
    return recorded or "stardist"


def _maps_to_volume_grid(star, unet_probability, image, shape):
    """StarDist's output, the U-Net probability and the normalised image, from the networks' (resampled) grid to
    the volume's ``shape``: labels by nearest neighbour, maps linearly, centres moved (so that the seeds flood the
    volume at its own resolution)."""
    from dataclasses import replace as replaced

    from volltrack.segmentation.input_scale import points_to_shape, resample_labels, resize_map

    source = star.probability.shape
    labels = None if star.labels is None else np.ascontiguousarray(resample_labels(star.labels, shape))
    star = replaced(star, labels=labels, probability=resize_map(star.probability, shape),
                    distance=resize_map(star.distance, shape), points=points_to_shape(star.points, source, shape))
    unet_probability = None if unet_probability is None else resize_map(unet_probability, shape)
    image = None if image is None else resize_map(image, shape)
    return star, unet_probability, image


def _to_volume_grid(result, shape):
    """Bring every array of a result segmented on a resampled grid back to the volume's ``shape``."""
    from dataclasses import fields

    from volltrack.segmentation.input_scale import resample_labels

    moved = False
    for field in fields(result):
        value = getattr(result, field.name)
        if isinstance(value, np.ndarray) and value.ndim == 3 and tuple(value.shape) != tuple(shape):
            setattr(result, field.name, np.ascontiguousarray(resample_labels(value, shape)))
            moved = moved or field.name in ("labels", "markers")
    if moved and result.seeds is not None:
        result.seeds = None          # seed coordinates are on the resampled grid
    return result


def vollseg(image, models, *, n_tiles=None, denoise_first=False, normalization=None, prob_thresh=None,
            nms_thresh=None, nms="fast", stardist_labels=True, predictions=None, scale="auto", **options):
    """Segment one ZYX volume with VollSeg.

    Parameters
    ----------
    image : ndarray of shape (Z, Y, X)
        Raw volume.
    models : Models
        From :func:`~volltrack.segmentation.models.load_models`; needs at least a StarDist or a U-Net model.
    n_tiles : tuple of 3 int, optional
        Tiles per axis for the networks (memory). Default: no tiling.
    denoise_first : bool, optional
        Run the N2V model first if there is one. Default False: StarDist and the U-Net are trained on raw and
        denoised patches alike, and a poor denoiser costs more than it gains (measure it on your data).
    normalization : tuple of 2 float, optional
        Intensity values mapped to 0 and 1 (default the volume's 1st and 99.8th percentiles).
    prob_thresh, nms_thresh : float, optional
        StarDist thresholds; default the model's.
    nms : {"fast", "exact"}, optional
        How StarDist's overlapping candidates are suppressed: "fast" (default) estimates each undecided pair's
        overlap by quadrature (:mod:`~volltrack.segmentation.suppression`); "exact" is StarDist's own compiled
        polyhedron intersection (many times slower, most of all at low ``prob_thresh``).
    stardist_labels : bool, optional
        Paint the kept StarDist polyhedra (see :func:`vollseg_from_predictions`). Default True.
    predictions : NetworkPredictions, optional
        The networks' outputs for this volume when already computed (:func:`predict_networks` with the same
        network options); the networks are then not run again. Default None.
    scale : "auto", tuple of 3 float or None, optional
        Factors (Z, Y, X) the volume is resampled by before the networks (labels are returned on its own grid):
        "auto" (default) = the factors that bring the volume's cells, as measured by
        :func:`~volltrack.segmentation.cell_size.estimate_cell_size`, to the size the models were trained on
        (their recorded ``cell_size``; none when all three are within 20 % of 1, and the models' own input scale
        when they record no cell size); None = the models' ``input_scale.json``; ``result.scale`` records what
        was done.
    **options
        Passed to :func:`segment_from_predictions` (``use_probability``, ``unet_threshold``, ``min_size`` ...).
        ``mask_growth`` defaults to the erosion recorded with the U-Net model (its ``volltrack.json``),
        ``watershed_map`` to the one ``volltrack train thresholds`` recorded with the StarDist model (its
        ``thresholds.json``), else "stardist".

    Returns
    -------
    VollSegResult
    """
    image = validate_volume(image)
    if models.stardist is None and models.unet is None:
        raise ValueError("VollSeg needs a StarDist or a U-Net model; the models folder has neither")
    if is_constant(image):
        _LOG.warning("the volume is blank (every voxel %s): no cell to segment, empty labels returned",
                     image.flat[0] if image.size else "-")
        return blank_result(image, models, segment_options={"denoise_first": denoise_first})
    if predictions is None:
        predictions = predict_networks(image, models, n_tiles=n_tiles, denoise_first=denoise_first,
                                       normalization=normalization, prob_thresh=prob_thresh, nms=nms, scale=scale,
                                       nms_thresh=nms_thresh, stardist_labels=stardist_labels)
    elif tuple(predictions.volume_shape) != tuple(image.shape):
        raise ValueError(f"predictions are for shape {predictions.volume_shape}, the volume has {image.shape}")
    return vollseg_from_predictions(predictions, models, nms_thresh=nms_thresh, stardist_labels=stardist_labels,
                                    **options)


def _unet_only(unet_probability, denoised, options):
    """VollSeg without StarDist: the (grown) U-Net components are the instances."""
    options.pop("watershed_map", None)     # nothing to flood without StarDist seeds
    unet_labels, _ = unet_instances(unet_probability, threshold=options.get("unet_threshold"),
                                    min_size=options.get("min_size_mask", 10), growth=options.get("mask_growth", 0))
    labels = filter_sizes(unet_labels.copy(), min_size=options.get("min_size", 10), max_size=options.get("max_size"))
    return VollSegResult(labels=labels, unet_labels=unet_labels, unet_probability=unet_probability,
                         denoised=denoised)


def vollseg_in_blocks(image, models, *, block_shape, halo, n_tiles=None, unet_threshold=0.5, progress=False,
                      **options):
    """VollSeg on overlapping blocks, stitched label-safely (for volumes too large for one pass).

    Normalisation uses the whole volume's percentiles and the U-Net mask a fixed threshold, so every block sees
    the same intensities and the same mask as an untiled run would.

    Parameters
    ----------
    image : ndarray of shape (Z, Y, X)
        Raw volume.
    models : Models
        The networks.
    block_shape, halo : tuple of 3 int
        Core size and context per axis; the halo should exceed the largest cell.
    n_tiles : tuple of 3 int, optional
        Network tiles within each block. Default None.
    unet_threshold : float, optional
        Fixed mask threshold (Otsu's is not block-safe). Default 0.5.
    progress : bool, optional
        Show a progress bar. Default False.
    **options
        Passed to :func:`vollseg`.

    Returns
    -------
    VollSegResult
        ``labels``, ``stardist_labels`` and ``unet_labels`` stitched, maps
        copied core by core; ``markers`` and ``seeds`` are None.
    """
    image = validate_volume(image)
    from volltrack.segmentation.input_scale import resolve_scale

    factors, _ = resolve_scale(image, models, options.pop("scale", "auto"))   # one scale for every block
    options["scale"] = tuple(factors or (1.0, 1.0, 1.0))
    step = sample_step(image.shape)
    values = block_normalization(image[::step, ::step, ::step])

    def segment_block(crops):
        return segment_one_block(crops["image"], models, values, n_tiles=n_tiles, unet_threshold=unet_threshold,
                                 **options)

    from volltrack.segmentation.tiling import segment_in_blocks

    out = segment_in_blocks({"image": image}, segment_block, block_shape=block_shape, halo=halo,
                            label_keys=("labels", "stardist_labels", "unet_labels"), progress=progress)
    return VollSegResult(labels=out["labels"], stardist_labels=out.get("stardist_labels"),
                         unet_labels=out.get("unet_labels"),
                         probability=out.get("probability"), distance=out.get("distance"),
                         unet_probability=out.get("unet_probability"), denoised=out.get("denoised"))


#: Percentiles of the whole volume mapped to 0 and 1 when a volume is segmented in blocks.
BLOCK_PERCENTILES = (1.0, 99.8)


def sample_step(shape) -> int:
    """Stride per axis of the voxel sample whose percentiles normalise a volume segmented in blocks (~2 M voxels)."""
    return max(1, int(np.cbrt(float(np.prod(shape, dtype=np.float64)) / 2e6)))


def block_normalization(sample, *, overwrite=False) -> tuple[float, float]:
    """The intensities mapped to 0 and 1 in every block: :data:`BLOCK_PERCENTILES` of ``sample`` (the volume taken
    every :func:`sample_step` voxels along each axis, so that a block task sees the values of the whole volume).
    ``overwrite=True`` lets the percentiles reorder ``sample`` in place instead of copying it (same values)."""
    return tuple(float(v) for v in np.percentile(sample, BLOCK_PERCENTILES, overwrite_input=overwrite))


def segment_one_block(crop, models, normalization, *, n_tiles=None, unet_threshold=0.5, **options) -> dict:
    """VollSeg of one block (its core plus halo) with the whole volume's ``normalization``.

    Returns
    -------
    dict
        ``labels``, ``stardist_labels``, ``unet_labels`` (stitched label-safely by the caller) and the maps
        ``probability``, ``distance``, ``unet_probability``, ``denoised`` (copied core by core); None where absent.
    """
    result = vollseg(crop, models, n_tiles=n_tiles, normalization=normalization, unet_threshold=unet_threshold,
                     **options)
    return {"labels": result.labels, "stardist_labels": result.stardist_labels, "unet_labels": result.unet_labels,
            "probability": result.probability, "distance": result.distance,
            "unet_probability": result.unet_probability, "denoised": result.denoised}
