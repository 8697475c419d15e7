"""Smooth random fields and the tissue shape used by the simulator.

A smooth field is white noise on a coarse grid, interpolated to the image grid with a Gaussian kernel: cheap to make
for any image size, and smooth on a chosen physical length scale.
"""

from __future__ import annotations

import numpy as np


def _interpolation_matrix(n_full, spacing_px, n_coarse):
    """Gaussian-kernel weights (n_full, n_coarse) from a coarse grid of the given spacing to the full grid."""
    full = np.arange(n_full, dtype=np.float64)[:, None]
    coarse = (np.arange(n_coarse, dtype=np.float64) - 1.0)[None, :] * spacing_px
    weights = np.exp(-0.5 * ((full - coarse) / (0.6 * spacing_px)) ** 2)
    return weights / weights.sum(axis=1, keepdims=True)


def smooth_field(shape, *, calibration, length_um, rng, n_components=1):
    """Return smooth zero-mean, unit-variance random fields on the image grid.

    White noise on a coarse grid of spacing ``length_um`` is interpolated with a Gaussian kernel, one axis at
    a time (separable, so the cost is a few matrix products).

    Parameters
    ----------
    shape : tuple of int
        Image shape (Z, Y, X).
    calibration : tuple of float
        Voxel size (dz, dy, dx) in µm.
    length_um : float
        Correlation length in µm (spacing of the coarse noise grid).
    rng : numpy.random.Generator
        Source of randomness.
    n_components : int, optional
        Number of independent fields. Default 1.

    Returns
    -------
    ndarray of shape (n_components, Z, Y, X), float32
    """
    spacing_px = [max(length_um / c, 1.0) for c in calibration]
    coarse = [int(np.ceil(n / s)) + 3 for n, s in zip(shape, spacing_px)]
    matrices = [_interpolation_matrix(n, s, m) for n, s, m in zip(shape, spacing_px, coarse)]
    fields = np.empty((n_components, *shape), np.float32)
    for k in range(n_components):
        values = rng.standard_normal(coarse)
        for axis, matrix in enumerate(matrices):
            values = np.moveaxis(np.tensordot(matrix, values, axes=([1], [axis])), 0, axis)
        values -= values.mean()
        fields[k] = values / (values.std() + 1e-12)
    return fields


def tissue_blob(shape, *, calibration, centre_um, semi_axes_um, roughness, surface_noise):
    """Return the tissue as a bool volume: a rough ellipsoid.

    Parameters
    ----------
    shape : tuple of int
        Image shape (Z, Y, X).
    calibration : tuple of float
        Voxel size (dz, dy, dx) in µm.
    centre_um : array-like of 3 float
        Centre of the ellipsoid in µm (z, y, x).
    semi_axes_um : array-like of 3 float
        Semi-axes in µm (z, y, x).
    roughness : float
        Amplitude of the surface perturbation, as a fraction of the normalised radius.
    surface_noise : ndarray of shape (Z, Y, X)
        Smooth unit-variance field that perturbs the surface.

    Returns
    -------
    ndarray of bool, shape (Z, Y, X)
    """
    grid = np.ogrid[tuple(slice(0, n) for n in shape)]
    radius2 = 0.0
    for g, c, m, a in zip(grid, calibration, centre_um, semi_axes_um):
        radius2 = radius2 + ((g * c - m) / a) ** 2
    return np.sqrt(radius2) + roughness * surface_noise < 1.0
