"""Render a membrane-labelled fluorescence volume from a tessellation: membranes, blur, photon noise."""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi


def membrane_voxels(labels):
    """Return voxels on a cell's boundary (bool, same shape): two voxels thick in Y/X, one in Z.

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)
        Cell labels, 0 = background.
    """
    membrane = np.zeros(labels.shape, bool)
    for axis in (1, 2):
        lower = [slice(None)] * 3
        upper = [slice(None)] * 3
        lower[axis], upper[axis] = slice(None, -1), slice(1, None)
        differs = labels[tuple(lower)] != labels[tuple(upper)]
        membrane[tuple(lower)] |= differs
        membrane[tuple(upper)] |= differs
    membrane[1:] |= labels[1:] != labels[:-1]
    return membrane & (labels > 0)


def photons_for_snr(snr, read_noise):
    """Return the membrane signal S (photons) with ``S / sqrt(S + read_noise**2) == snr``."""
    return 0.5 * (snr**2 + np.sqrt(snr**4 + 4.0 * snr**2 * read_noise**2))


def render(seed_image, brightness, *, calibration, blur_um, snr, read_noise, offset, cytoplasm, texture,
           attenuation_um, rng, appearance=None, factors=(None, None, None)):
    """Return a noisy float32 fluorescence volume of membrane-labelled cells.

    Parameters
    ----------
    seed_image : ndarray of int, shape (Z, Y, X)
        Owner of each voxel (seed index + 1; 0 = no cell, e.g. outside the tissue).
    brightness : ndarray of shape (n_seeds,)
        Per-cell brightness factor (about 1).
    calibration : tuple of float
        Voxel size (dz, dy, dx) in µm.
    blur_um : tuple of float
        Gaussian PSF sigma (z, y, x) in µm: anisotropic, larger along Z.
    snr : float
        Signal-to-noise ratio of an average membrane voxel (mean signal over noise std, Poisson + read noise).
    read_noise : float
        Gaussian camera noise in photons.
    offset : float
        Camera baseline added to every voxel.
    cytoplasm : float
        Cytoplasm signal as a fraction of membrane signal.
    texture : ndarray of shape (Z, Y, X)
        Smooth unit-variance field for uneven labelling.
    attenuation_um : float
        Depth (µm) over which the signal falls by a factor e.
    rng : numpy.random.Generator
        Source of randomness (noise).
    appearance : volltrack.synthetic.appearance.Appearance, optional
        Stain variability knobs; None (or all knobs off) renders the plain stain.
    factors : tuple, optional
        ``(cell, coverage, illumination)`` from :func:`volltrack.synthetic.appearance.signal_factors`.
    """
    from volltrack.synthetic.appearance import stained_membrane

    plain = appearance is None or appearance.is_plain
    cell_factor, coverage, illumination = factors
    lut = np.concatenate([[0.0], brightness]).astype(np.float32)
    if not plain and cell_factor is not None:
        lut *= cell_factor[: len(lut)]
    cell_brightness = lut[seed_image]
    membrane = membrane_voxels(seed_image)
    if not plain:
        membrane = stained_membrane(seed_image, membrane, thickness_um=appearance.membrane_thickness_um,
                                    calibration=calibration)
        if coverage is not None:
            membrane = membrane & coverage
    signal = cell_brightness * np.where(membrane, np.float32(1.0), np.float32(cytoplasm))
    signal *= np.clip(1.0 + 0.25 * texture, 0.2, None)
    depth = np.arange(seed_image.shape[0], dtype=np.float32) * calibration[0]
    signal *= np.exp(-depth / attenuation_um)[:, None, None]
    if not plain and illumination is not None:
        signal *= illumination
    sigma_px = [b / c for b, c in zip(blur_um, calibration)]
    blurred = ndi.gaussian_filter(signal, sigma_px, mode="nearest")
    # Scale so that the average blurred (stained) membrane voxel receives the photons of the requested SNR.
    reference = float(blurred[membrane].mean()) if membrane.any() else 1.0
    membrane_photons = photons_for_snr(snr, read_noise)
    photons = blurred * np.float32(membrane_photons / max(reference, 1e-6))
    if not plain and appearance.background > 0:
        photons += np.float32(appearance.background * membrane_photons)
    counts = rng.poisson(photons).astype(np.float32)
    counts += rng.standard_normal(counts.shape, dtype=np.float32) * np.float32(read_noise)
    counts += np.float32(offset)
    return counts
