"""``simulate_tissue``: a seeded simulator of membrane-labelled epithelial tissue in 3D+t.

Cells are the regions of a perturbed, additively weighted Voronoi tessellation (see
:mod:`volltrack.synthetic.tessellation`) inside a rough ellipsoidal tissue. Cell centres follow a persistent
random walk on top of a common flow (including motion across Z), while the tissue drifts differently, so cells
enter and leave it. Cells divide with a given probability. The raw image has signal on the membranes, blurred by
an anisotropic Gaussian PSF, with Poisson and Gaussian noise at a chosen SNR.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from volltrack.synthetic.fields import smooth_field, tissue_blob
from volltrack.synthetic.imaging import render
from volltrack.synthetic.lineage import LineageBook
from volltrack.synthetic.population import CellPopulation
from volltrack.synthetic.tessellation import reassign_fragments, tessellate, warp_sample_index


@dataclass(frozen=True)
class SyntheticMovie:
    """A simulated movie with its ground truth.

    Attributes
    ----------
    raw : ndarray of float32, shape (T, Z, Y, X)
        Noisy fluorescence (camera counts, baseline included).
    labels : ndarray of uint16 or uint32, shape (T, Z, Y, X)
        Ground-truth cells; a cell keeps its label across frames, daughters get new labels (CTC convention).
    tissue_mask : ndarray of bool, shape (T, Z, Y, X)
        The tissue (union of its cells).
    lineage : pandas.DataFrame
        CTC ``man_track`` table: columns label, begin, end, parent (0 = none).
    calibration : tuple of float
        Voxel size (dz, dy, dx) in µm.
    frame_interval : float
        Time between frames in seconds.
    parameters : dict
        The parameters that made the movie.
    """

    raw: np.ndarray
    labels: np.ndarray
    tissue_mask: np.ndarray
    lineage: pd.DataFrame
    calibration: tuple
    frame_interval: float
    parameters: dict = field(default_factory=dict)


def _validate(shape, calibration, n_frames, n_cells, snr, division_rate):
    if len(shape) != 3 or any(int(n) < 1 for n in shape):
        raise ValueError(f"shape must be 3 positive sizes (Z, Y, X); got {shape!r}")
    if len(calibration) != 3 or any(not float(c) > 0 for c in calibration):
        raise ValueError(f"calibration must be 3 positive voxel sizes (dz, dy, dx) in µm; got {calibration!r}")
    if int(n_frames) < 1 or int(n_cells) < 1:
        raise ValueError(f"n_frames and n_cells must be >= 1; got n_frames={n_frames}, n_cells={n_cells}")
    if not snr > 0:
        raise ValueError(f"snr must be > 0; got {snr!r}")
    if not 0 <= division_rate <= 1:
        raise ValueError(f"division_rate must be a probability in [0, 1]; got {division_rate!r}")


def _owner_in_tissue(population, inside, *, calibration, warp_px, pad):
    """Tessellate only the bounding box of the tissue; return seed index + 1 per voxel, 0 outside."""
    owner = np.zeros(inside.shape, np.int32)
    if not inside.any():
        return owner
    box = tuple(slice(int(np.flatnonzero(np.any(inside, axis=other))[0]),
                      int(np.flatnonzero(np.any(inside, axis=other))[-1]) + 1)
                for other in ((1, 2), (0, 2), (0, 1)))
    origin_um = np.array([b.start for b in box]) * np.asarray(calibration)
    sample_index = warp_sample_index([w[box] for w in warp_px], pad=pad)
    owner[box] = tessellate(population.positions - origin_um, population.weights, calibration=calibration,
                            sample_index=sample_index, pad=pad)
    owner[~inside] = 0
    return owner


def simulate_tissue(*, n_frames=5, shape=(22, 128, 128), n_cells=60, calibration=(2.0, 0.5, 0.5), snr=5.0,
                    division_rate=0.02, seed=0, frame_interval=1.0, speed_um=0.5, flow_um=(0.3, 0.4, -0.2),
                    tissue_drift_um=(0.0, -0.3, 0.4), irregularity=0.08, blur_um=(1.0, 0.35, 0.35),
                    read_noise=3.0, offset=100.0, cytoplasm=0.15, attenuation_um=150.0, anisotropy=None,
                    cell_size_um=None, tissue_fraction=1.0, appearance=None):
    """Simulate a membrane-labelled tissue movie with ground-truth labels, tissue mask and lineage.

    Parameters
    ----------
    n_frames : int, optional
        Number of time points. Default 5.
    shape : tuple of int, optional
        Volume shape (Z, Y, X). Default (22, 128, 128).
    n_cells : int, optional
        Approximate number of cells in the tissue in the first frame. Default 60.
    calibration : tuple of float, optional
        Voxel size (dz, dy, dx) in µm. Default (2.0, 0.5, 0.5).
    snr : float, optional
        Mean membrane signal over noise std (Poisson + read noise). Default 5.
    division_rate : float, optional
        Probability that a cell divides per frame. Default 0.02.
    seed : int, optional
        Seed of the random generator; the same seed gives the same movie. Default 0.
    frame_interval : float, optional
        Time between frames in seconds. Default 1.
    speed_um : float, optional
        Std of the per-frame random displacement of a cell in µm. Default 0.5.
    flow_um : tuple of float, optional
        Common cell displacement per frame (z, y, x) in µm (motion across Z). Default (0.3, 0.4, -0.2).
    tissue_drift_um : tuple of float, optional
        Displacement of the tissue per frame (z, y, x) in µm; it differs from the cell flow, so cells enter and
        leave the tissue. Default (0, -0.3, 0.4).
    irregularity : float, optional
        Std of the domain warp as a fraction of the cell spacing; 0 gives polyhedral cells. Default 0.08.
    blur_um : tuple of float, optional
        Sigma of the Gaussian PSF (z, y, x) in µm. Default (1.0, 0.35, 0.35).
    read_noise, offset : float, optional
        Camera read noise (photons) and baseline. Defaults 3 and 100.
    cytoplasm : float, optional
        Cytoplasm signal relative to membranes. Default 0.15.
    attenuation_um : float, optional
        Depth over which the signal falls by e. Default 150.
    anisotropy : float, optional
        Z voxel size as a multiple of the Y voxel size (e.g. 1 to 5); overrides ``calibration[0]``. Default:
        ``calibration`` as given.
    cell_size_um : float, optional
        Typical cell diameter (the seed spacing) in µm; overrides ``n_cells``. Default: from ``n_cells``.
    tissue_fraction : float, optional
        Scale of the tissue's semi-axes (packing of the field of view: 0.5 gives a small tissue with much empty
        space, 1.2 a tissue filling the volume). Default 1.
    appearance : volltrack.synthetic.appearance.Appearance or dict, optional
        Stain variability (membrane thickness, brightness spread, partial labelling, uneven illumination, dim
        regions, background); default off. Its randomness comes from a generator of its own.

    Returns
    -------
    SyntheticMovie

    Examples
    --------
    >>> movie = simulate_tissue(n_frames=2, shape=(8, 48, 48), n_cells=10, seed=1)
    >>> movie.raw.shape, movie.labels.shape
    ((2, 8, 48, 48), (2, 8, 48, 48))
    >>> list(movie.lineage.columns)
    ['label', 'begin', 'end', 'parent']
    """
    from volltrack.synthetic.appearance import Appearance, signal_factors

    _validate(shape, calibration, n_frames, n_cells, snr, division_rate)
    if anisotropy is not None:
        if not 0 < anisotropy <= 20:
            raise ValueError(f"anisotropy must be in (0, 20]; got {anisotropy!r}")
        calibration = (float(anisotropy) * float(calibration[1]), calibration[1], calibration[2])
    if cell_size_um is not None and not cell_size_um > 0:
        raise ValueError(f"cell_size_um must be > 0; got {cell_size_um!r}")
    if not 0 < tissue_fraction <= 1.5:
        raise ValueError(f"tissue_fraction must be in (0, 1.5]; got {tissue_fraction!r}")
    if isinstance(appearance, dict):
        appearance = Appearance(**appearance)
    appearance = appearance or Appearance()
    shape = tuple(int(n) for n in shape)
    calibration = tuple(float(c) for c in calibration)
    parameters = {k: v for k, v in locals().items() if k not in ("parameters", "Appearance", "signal_factors")}
    parameters["appearance"] = appearance.as_dict()
    rng = np.random.default_rng(seed)
    cal = np.asarray(calibration)
    extent = np.asarray(shape) * cal
    surface, texture = smooth_field(shape, calibration=calibration,
                                                  length_um=max(extent.max() / 4, 1.0), rng=rng, n_components=2)
    semi_axes = extent * np.array([0.42, 0.4, 0.4])
    if tissue_fraction != 1.0:
        semi_axes = semi_axes * float(tissue_fraction)
    blob_args = dict(calibration=calibration, semi_axes_um=semi_axes, roughness=0.08,
                     surface_noise=surface)
    centre0 = extent / 2
    tissue_volume = tissue_blob(shape, centre_um=centre0, **blob_args).sum() * cal.prod()
    spacing = float(np.cbrt(max(tissue_volume, cal.prod()) / n_cells)) if cell_size_um is None else float(cell_size_um)
    warp = smooth_field(shape, calibration=calibration, length_um=spacing, rng=rng, n_components=3)
    amplitude_px = irregularity * spacing / cal
    pad = tuple(int(np.ceil(2.5 * a)) + 1 for a in amplitude_px)
    warp_px = [np.clip(np.rint(w * a), -p, p).astype(np.intp) for w, a, p in zip(warp, amplitude_px, pad)]
    del warp
    margin = np.array(pad) * cal + spacing
    population = CellPopulation.seeded(lower=-margin, upper=extent + margin, spacing=spacing, rng=rng)
    min_voxels = 0.15 * spacing**3 / cal.prod()
    book = LineageBook()
    raw = np.empty((n_frames, *shape), np.float32)
    labels = np.empty((n_frames, *shape), np.int64)
    present_ids = np.empty(0, np.int64)
    for t in range(n_frames):
        if t > 0:
            population.move(rng=rng, flow_um=flow_um, speed_um=speed_um, persistence=0.7)
            population.divide(np.isin(population.ids, present_ids), rng=rng, probability=division_rate)
        inside = tissue_blob(shape, centre_um=centre0 + t * np.asarray(tissue_drift_um), **blob_args)
        owner = _owner_in_tissue(population, inside, calibration=calibration, warp_px=warp_px, pad=pad)
        reassign_fragments(owner)
        present = np.bincount(owner.ravel(), minlength=len(population.ids) + 1)[1:] >= min_voxels
        owner = np.where(np.concatenate([[False], present])[owner], owner, 0)
        present_ids = population.ids[present]
        lookup = np.zeros(len(population.ids) + 1, np.int64)
        lookup[1:][present] = book.assign(t, present_ids, population.new_daughters)
        labels[t] = lookup[owner]
        factors = (None, None, None)
        if not appearance.is_plain:
            # the same fields every frame (a generator of their own, so the movie's stream is untouched)
            factors = signal_factors(shape, appearance=appearance, calibration=calibration,
                                     n_cells=len(population.brightness), spacing_um=spacing,
                                     rng=np.random.default_rng([int(seed), 7919]))
        raw[t] = render(owner, population.brightness, calibration=calibration, blur_um=blur_um, snr=snr,
                        read_noise=read_noise, offset=offset, cytoplasm=cytoplasm, texture=texture,
                        attenuation_um=attenuation_um, rng=rng, appearance=appearance, factors=factors)
    lineage = book.table()
    dtype = np.uint16 if len(lineage) == 0 or lineage["label"].max() < 65536 else np.uint32
    labels = labels.astype(dtype)
    return SyntheticMovie(raw=raw, labels=labels, tissue_mask=labels > 0, lineage=lineage,
                          calibration=calibration, frame_interval=float(frame_interval), parameters=parameters)
