"""Appearance variability of the simulated membrane stain: the ways real membrane data differs from the ideal.

Every knob of :class:`Appearance` defaults to "off", and a default Appearance leaves the rendered volume
bit-identical to the simulator without it (the bundled demo models and the tests depend on that): the knobs draw
their randomness from a generator of their own (seeded from the movie's seed), never from the movie's stream.

Knobs (all applied to the noise-free signal before the PSF blur, except ``background``):

* ``membrane_thickness_um`` -- stained membrane width; None = the default rim (2 voxels in Y/X, 1 in Z);
* ``brightness_spread`` -- extra log-normal sigma of the per-cell membrane brightness;
* ``membrane_coverage`` -- fraction of the membrane surface that is stained (patchy, partial labelling);
* ``illumination_gradient`` -- relative change of illumination from the first to the last X column
  (e.g. 0.6: 0.7x on the left, 1.3x on the right);
* ``dim_fraction`` / ``dim_factor`` -- fraction of the volume in smooth dim regions, and their brightness;
* ``background`` -- uniform autofluorescence in photons, as a fraction of the mean membrane signal.

Intensity inside cells (``cytoplasm``), SNR (``snr``), PSF blur (``blur_um``), anisotropy (``calibration`` or
``anisotropy``) and cell size (``n_cells`` or ``cell_size_um``) are arguments of
:func:`volltrack.synthetic.simulate_tissue`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional

import numpy as np
from scipy import ndimage as ndi

from volltrack.synthetic.fields import smooth_field


@dataclass(frozen=True)
class Appearance:
    """Appearance knobs of the membrane stain; the defaults reproduce the plain simulator exactly."""

    membrane_thickness_um: Optional[float] = None
    brightness_spread: float = 0.0
    membrane_coverage: float = 1.0
    illumination_gradient: float = 0.0
    dim_fraction: float = 0.0
    dim_factor: float = 0.3
    background: float = 0.0

    def __post_init__(self):
        checks = [
            ("membrane_thickness_um", self.membrane_thickness_um is None or self.membrane_thickness_um > 0, "> 0"),
            ("brightness_spread", self.brightness_spread >= 0, ">= 0"),
            ("membrane_coverage", 0 < self.membrane_coverage <= 1, "in (0, 1]"),
            ("illumination_gradient", 0 <= self.illumination_gradient < 2, "in [0, 2)"),
            ("dim_fraction", 0 <= self.dim_fraction < 1, "in [0, 1)"),
            ("dim_factor", 0 < self.dim_factor <= 1, "in (0, 1]"),
            ("background", self.background >= 0, ">= 0"),
        ]
        for name, ok, expected in checks:
            if not ok:
                raise ValueError(f"{name} must be {expected}; got {getattr(self, name)!r}")

    @property
    def is_plain(self) -> bool:
        """True when every knob is off (the plain simulator)."""
        return self == Appearance()

    def as_dict(self) -> dict:
        return asdict(self)


def stained_membrane(owner: np.ndarray, default: np.ndarray, *, thickness_um: Optional[float],
                     calibration) -> np.ndarray:
    """Membrane voxels of the given physical thickness (``default`` when ``thickness_um`` is None).

    A voxel is membrane when it lies in a cell and within ``thickness_um / 2`` of a voxel owned by another cell
    (or by no cell), measured in µm.
    """
    if thickness_um is None:
        return default
    boundary = default
    distance = ndi.distance_transform_edt(~boundary, sampling=calibration)
    # the default rim already marks both sides of each interface; widen it symmetrically
    return (distance <= max(thickness_um / 2.0 - min(calibration), 0.0)) & (owner > 0)


def signal_factors(shape, *, appearance: Appearance, calibration, n_cells: int, spacing_um: float,
                   rng: np.random.Generator):
    """Random factors of the knobs: per-cell brightness (n_cells + 1, index 0 = no cell), coverage field and
    illumination (a (Z, Y, X) multiplier), drawn from ``rng``; None where a knob is off."""
    # fields first, per-cell factors last: a cell keeps its factor when later frames have more cells
    coverage = None
    if appearance.membrane_coverage < 1:
        field = smooth_field(shape, calibration=calibration, length_um=max(spacing_um / 2, 1.0), rng=rng)[0]
        coverage = field <= np.quantile(field, appearance.membrane_coverage)
    illumination = np.ones(shape, np.float32)
    if appearance.illumination_gradient > 0:
        ramp = np.linspace(-0.5, 0.5, shape[2], dtype=np.float32) * np.float32(appearance.illumination_gradient)
        illumination *= (1.0 + ramp)[None, None, :]
    if appearance.dim_fraction > 0:
        field = smooth_field(shape, calibration=calibration, length_um=max(2 * spacing_um, 1.0), rng=rng)[0]
        dim = field <= np.quantile(field, appearance.dim_fraction)
        illumination[dim] *= np.float32(appearance.dim_factor)
    cell = None
    if appearance.brightness_spread > 0:
        cell = np.concatenate([[1.0], rng.lognormal(0.0, appearance.brightness_spread, n_cells)]).astype(np.float32)
    return cell, coverage, illumination
