"""Data augmentation of training patches: flips, 90° rotations in XY, Poisson and Gaussian noise.

The paper grew 14 annotated stacks to 700 by "denoising, adding Poisson and Gaussian noise, random rotations
and flips"; these functions do the same on (Z, Y, X) patches whose intensities are already normalised to
roughly [0, 1] (see :func:`normalize_percentile`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AugmentationSettings:
    """Which augmentations to apply to each extra copy of a patch.

    Attributes
    ----------
    flips : bool, default True
        Random flips along Z, Y and X.
    rotations : bool, default True
        Random multiples of 90° in the YX plane (180° only when the patch is not square in YX).
    poisson_photons : float, default 30.0
        Poisson noise as if intensity 1.0 were this many photons; 0 disables it.
    gaussian_sigma : float, default 0.05
        Standard deviation of added Gaussian noise (in normalised intensity units); 0 disables it.
    """

    flips: bool = True
    rotations: bool = True
    poisson_photons: float = 30.0
    gaussian_sigma: float = 0.05

    def __post_init__(self) -> None:
        if self.poisson_photons < 0 or self.gaussian_sigma < 0:
            raise ValueError(f"noise levels must be >= 0, got poisson_photons={self.poisson_photons}, "
                             f"gaussian_sigma={self.gaussian_sigma}")


def normalize_percentile(image: np.ndarray, *, low: float = 1.0, high: float = 99.8) -> np.ndarray:
    """Scale intensities so that the ``low``/``high`` percentiles map to 0 and 1 (as StarDist/CSBDeep do).

    Parameters
    ----------
    image : ndarray
        Any shape.
    low, high : float, default 1.0 and 99.8
        Percentiles mapped to 0 and 1.

    Returns
    -------
    ndarray, float32
        Same shape; not clipped.

    Examples
    --------
    >>> out = normalize_percentile(np.arange(1000.0))
    >>> bool(-0.02 < out.min() < 0.0 and 1.0 < out.max() < 1.01)
    True
    """
    lo, hi = np.percentile(image, [low, high])
    scale = hi - lo if hi > lo else 1.0
    return ((image - lo) / scale).astype(np.float32)


def geometric_transform(raw: np.ndarray, labels: np.ndarray, *, rng: np.random.Generator,
                        settings: AugmentationSettings = AugmentationSettings()) -> tuple[np.ndarray, np.ndarray]:
    """Apply one random flip/rotation to a raw patch and its labels alike.

    Parameters
    ----------
    raw, labels : ndarray of shape (Z, Y, X)
    rng : numpy.random.Generator
    settings : AugmentationSettings, optional

    Returns
    -------
    raw, labels : ndarray of shape (Z, Y, X)
        Same shape as the input (rotations by 90° are used only when Y == X).
    """
    if settings.flips:
        axes = tuple(int(a) for a in np.flatnonzero(rng.random(3) < 0.5))
        if axes:
            raw, labels = np.flip(raw, axes), np.flip(labels, axes)
    if settings.rotations:
        k = int(rng.integers(4)) if raw.shape[1] == raw.shape[2] else 2 * int(rng.integers(2))
        raw, labels = np.rot90(raw, k, axes=(1, 2)), np.rot90(labels, k, axes=(1, 2))
    return np.ascontiguousarray(raw), np.ascontiguousarray(labels)


def add_noise(raw: np.ndarray, *, rng: np.random.Generator,
              settings: AugmentationSettings = AugmentationSettings()) -> np.ndarray:
    """Add Poisson (shot) and Gaussian (read-out) noise to a normalised patch.

    Parameters
    ----------
    raw : ndarray, float
        Normalised intensities (about 0..1).
    rng : numpy.random.Generator
    settings : AugmentationSettings, optional

    Returns
    -------
    ndarray, float32
        Noisy copy, same shape.
    """
    noisy = raw.astype(np.float32, copy=True)
    if settings.poisson_photons > 0:
        photons = settings.poisson_photons
        noisy = rng.poisson(np.clip(noisy, 0, None) * photons).astype(np.float32) / photons + np.minimum(noisy, 0)
    if settings.gaussian_sigma > 0:
        noisy += rng.normal(0.0, settings.gaussian_sigma, size=noisy.shape).astype(np.float32)
    return noisy


def augmented_copy(raw: np.ndarray, labels: np.ndarray, *, rng: np.random.Generator,
                   settings: AugmentationSettings = AugmentationSettings()) -> tuple[np.ndarray, np.ndarray]:
    """Return one augmented copy of a patch: a random flip/rotation, then noise on the raw patch."""
    raw, labels = geometric_transform(raw, labels, rng=rng, settings=settings)
    return add_noise(raw, rng=rng, settings=settings), labels
