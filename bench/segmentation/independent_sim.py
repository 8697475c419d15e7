"""An independent membrane-tissue simulator, for evaluation only (never for training).

It shares no code and no construction with :mod:`volltrack.synthetic`, so that models trained on the package's
simulator are measured on tissue they have not seen the like of:

* **cells**: centres from random sequential addition (a hard-core point process with a minimum spacing), each
  cell with its own ellipsoidal metric (random orientation, axis ratios, size weight); a voxel belongs to the
  cell of smallest ellipsoidal distance (an anisotropic, multiplicatively weighted Voronoi diagram, not the
  package's additively weighted, domain-warped one). Optional intercellular gaps where two cells are nearly
  equidistant; disconnected fragments are dropped (left unlabelled);
* **tissue**: a dome, a curved sheet, a cluster of cells or the whole box, not an ellipsoid;
* **imaging**: rendered on an isotropic 0.5 µm grid (membranes = voxels with another label in their 3x3x3
  neighbourhood, per-cell brightness, punctate texture, optional unstained patches, per-cell cytoplasm), a PSF
  with a Cauchy (heavy-tailed) profile in Z and a Gaussian core + halo in Y/X, axial sampling by *averaging*
  bins of ``anisotropy`` fine slices (labels from the bin's middle slice), linear depth attenuation, a smooth
  additive background, and EMCCD-like noise: Gamma-distributed gain on Poisson photons, Gaussian read noise,
  a camera offset of 500 and a few hot pixels.

Usage (writes ``OUT/raw/*.tif``, ``OUT/labels/*.tif`` and ``OUT/volumes.json``)::

    python bench/segmentation/independent_sim.py OUT [--kinds meristem,epithelium,...] [--vary N]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi
from scipy.spatial import cKDTree

FINE_UM = 0.5   # the isotropic rendering grid and the Y/X pixel size


@dataclass(frozen=True)
class Tissue:
    """One kind of tissue and how it is imaged."""

    name: str
    seed: int
    extent_um: tuple = (40.0, 80.0, 80.0)   # Z, Y, X
    cell_um: float = 8.0                    # minimum spacing of the centres (about the cell diameter)
    size_spread: float = 0.12               # log-normal sigma of the per-cell size weight
    elongation: tuple = (1.0, 1.0, 1.0)     # mean axis ratios of the cells' metric (z, y, x)
    random_orientation: bool = True         # rotate each cell's metric at random (else only about Z)
    layout: str = "box"                     # box | dome | sheet | cluster
    gap: float = 0.0                        # relative distance margin left unlabelled between cells
    anisotropy: int = 2                     # Z voxel = anisotropy x 0.5 µm (bins of fine slices)
    psf_z_um: float = 1.2                   # Cauchy half-width in Z
    psf_xy_um: float = 0.3                  # Gaussian sigma of the Y/X core (halo: 3x, 15 % of the energy)
    photons: float = 30.0                   # mean photons on a membrane voxel at the top
    cytoplasm: tuple = (0.05, 0.2)          # per-cell range of the cytoplasm / membrane signal
    coverage: float = 1.0                   # fraction of membrane stained
    background: float = 0.1                 # smooth additive background, fraction of the membrane signal
    attenuation: float = 0.35               # signal lost from the top to the bottom slice (linear)


TISSUES = {
    "meristem": Tissue("meristem", seed=11, cell_um=8.0, layout="dome", anisotropy=2, photons=40.0),
    "epithelium": Tissue("epithelium", seed=12, cell_um=6.5, elongation=(2.3, 1.0, 1.0), random_orientation=False,
                         layout="sheet", anisotropy=3, photons=25.0, psf_z_um=1.6),
    "embryo": Tissue("embryo", seed=13, cell_um=13.0, size_spread=0.2, layout="cluster", gap=0.06, anisotropy=4,
                     photons=15.0, psf_z_um=2.0, psf_xy_um=0.4, cytoplasm=(0.1, 0.35), background=0.2),
    "dense": Tissue("dense", seed=14, extent_um=(32.0, 64.0, 64.0), cell_um=5.5, elongation=(1.0, 1.4, 1.0),
                    anisotropy=1, photons=60.0, psf_z_um=0.9, psf_xy_um=0.35),
    "ovule": Tissue("ovule", seed=15, cell_um=7.0, size_spread=0.25, elongation=(1.0, 1.6, 1.0), layout="dome",
                    anisotropy=5, photons=30.0, coverage=0.75, background=0.3, attenuation=0.5),
}


def _centres(extent, spacing, rng, *, attempts=40000):
    """Random sequential addition in a box grown by one spacing (so cells at the faces are cut)."""
    lower, upper = -spacing * np.ones(3), np.asarray(extent) + spacing
    accepted = np.empty((0, 3))
    tree = None
    for _ in range(attempts // 2000):
        candidates = rng.uniform(lower, upper, size=(2000, 3))
        for c in candidates:
            if tree is not None and tree.query_ball_point(c, spacing, return_length=True) > 0:
                continue
            if len(accepted) and np.any(np.sum((accepted[-64:] - c) ** 2, axis=1) < spacing**2):
                continue
            accepted = np.vstack([accepted, c])
            if len(accepted) % 64 == 0:
                tree = cKDTree(accepted)
    return accepted


def _rotations(n, rng, random_orientation):
    """n rotation matrices: uniform at random, or about the Z axis only."""
    if random_orientation:
        q = rng.standard_normal((n, 4))
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        w, x, y, z = q.T
        return np.stack([
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
            np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
            np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1)], 1)
    a = rng.uniform(0, 2 * np.pi, n)
    rot = np.zeros((n, 3, 3))
    rot[:, 0, 0] = 1
    rot[:, 1, 1], rot[:, 1, 2], rot[:, 2, 1], rot[:, 2, 2] = np.cos(a), -np.sin(a), np.sin(a), np.cos(a)
    return rot


def _layout_mask(kind: Tissue, coords, extent):
    """Voxels inside the tissue (coords: (..., 3) in µm)."""
    z, y, x = coords[..., 0], coords[..., 1], coords[..., 2]
    ez, ey, ex = extent
    if kind.layout == "dome":   # paraboloid dome whose top reaches 15 % below the first slice
        ry, rx = (y - ey / 2) / (0.55 * ey), (x - ex / 2) / (0.55 * ex)
        return z > 0.15 * ez + 0.85 * ez * (ry**2 + rx**2)
    if kind.layout == "sheet":  # a curved layer 60 % of the depth thick
        mid = 0.5 * ez + 0.15 * ez * np.sin(2 * np.pi * y / ey) * np.cos(np.pi * x / ex)
        return np.abs(z - mid) < 0.3 * ez
    if kind.layout == "cluster":   # a rounded cluster, squashed in Z
        r = ((z - ez / 2) / (0.55 * ez)) ** 2 + ((y - ey / 2) / (0.45 * ey)) ** 2 + ((x - ex / 2) / (0.45 * ex)) ** 2
        return r < 1.0
    return np.ones(z.shape, bool)


def tessellate(kind: Tissue, rng):
    """Labels on the fine isotropic grid (0 = no cell)."""
    extent = np.asarray(kind.extent_um)
    shape = tuple(int(round(e / FINE_UM)) for e in extent)
    centres = _centres(extent, kind.cell_um, rng)
    n = len(centres)
    rot = _rotations(n, rng, kind.random_orientation)
    axes = np.asarray(kind.elongation)[None, :] * np.exp(rng.normal(0, 0.1, (n, 3)))
    axes /= np.cbrt(axes.prod(axis=1, keepdims=True))   # volume-preserving axis ratios
    weight = np.exp(rng.normal(0, kind.size_spread, n))
    # metric matrices M_k = diag(1/axes) R_k^T / weight: distance = |M_k (x - c_k)|
    metric = np.einsum("ki,kji->kij", 1.0 / axes, rot) / weight[:, None, None]
    grid = np.stack(np.meshgrid(*[(np.arange(s) + 0.5) * FINE_UM for s in shape], indexing="ij"), -1)
    flat = grid.reshape(-1, 3)
    k = min(12, n)
    _, near = cKDTree(centres).query(flat, k=k)
    best = np.full(len(flat), np.inf)
    second = np.full(len(flat), np.inf)
    owner = np.zeros(len(flat), np.int64)
    for j in range(k):
        idx = near[:, j]
        d = np.einsum("nij,nj->ni", metric[idx], flat - centres[idx])
        d = np.sqrt((d * d).sum(axis=1))
        closer = d < best
        second = np.where(closer, best, np.minimum(second, d))
        owner = np.where(closer, idx + 1, owner)
        best = np.where(closer, d, best)
    if kind.gap > 0:
        owner[(second - best) < kind.gap * second] = 0
    owner[~_layout_mask(kind, flat, extent)] = 0
    labels = owner.reshape(shape)
    # keep the largest connected piece of every cell; drop cells under 15 % of a nominal cell
    out = np.zeros(shape, np.int32)
    min_voxels = 0.15 * (kind.cell_um / FINE_UM) ** 3 * np.pi / 6
    next_label = 1
    for lab, box in enumerate(ndi.find_objects(labels), start=1):
        if box is None:
            continue
        cell = labels[box] == lab
        pieces, count = ndi.label(cell)
        if count > 1:
            sizes = np.bincount(pieces.ravel())[1:]
            cell = pieces == (np.argmax(sizes) + 1)
        if cell.sum() >= min_voxels:
            out[box][cell] = next_label
            next_label += 1
    return out


def _cauchy_kernel(half_width_px):
    r = int(np.ceil(6 * half_width_px)) + 1
    x = np.arange(-r, r + 1, dtype=float)
    k = 1.0 / (1.0 + (x / half_width_px) ** 2)
    return k / k.sum()


def image(kind: Tissue, labels, rng):
    """Render the fine labels and sample them: (raw float32, labels uint16) at (anisotropy x 0.5, 0.5, 0.5) µm."""
    n = int(labels.max())
    boundary = (ndi.maximum_filter(labels, size=3) != ndi.minimum_filter(labels, size=3)) & (labels > 0)
    brightness = np.concatenate([[0.0], np.exp(rng.normal(0, 0.3, n))])
    cyto = np.concatenate([[0.0], rng.uniform(*kind.cytoplasm, n)])
    punctate = 1.0 + 0.5 * ndi.gaussian_filter(rng.standard_normal(labels.shape), 1.0) / 0.13
    membrane = boundary.copy()
    if kind.coverage < 1:
        patches = ndi.gaussian_filter(rng.standard_normal(labels.shape), 4.0)
        membrane &= patches > np.quantile(patches, 1 - kind.coverage)
    signal = np.where(membrane, brightness[labels] * np.clip(punctate, 0.2, None), brightness[labels] * cyto[labels])
    signal = signal.astype(np.float32)
    # PSF: Cauchy in Z, Gaussian core + 3x halo in Y/X
    signal = ndi.convolve1d(signal, _cauchy_kernel(kind.psf_z_um / FINE_UM), axis=0, mode="nearest")
    sxy = kind.psf_xy_um / FINE_UM
    signal = 0.85 * ndi.gaussian_filter(signal, (0, sxy, sxy)) + 0.15 * ndi.gaussian_filter(signal, (0, 3 * sxy, 3 * sxy))
    # axial sampling: average bins of `anisotropy` fine slices; labels from each bin's middle slice
    a = int(kind.anisotropy)
    nz = labels.shape[0] // a
    raw = signal[: nz * a].reshape(nz, a, *labels.shape[1:]).mean(axis=1)
    gt = labels[a // 2: nz * a: a][:nz]
    depth = np.linspace(1.0, 1.0 - kind.attenuation, nz)[:, None, None]
    scale = kind.photons / max(float(raw[boundary[a // 2: nz * a: a][:nz]].mean()), 1e-6)
    photons = raw * scale * depth
    yy, xx = np.meshgrid(np.linspace(0, 1, raw.shape[1]), np.linspace(0, 1, raw.shape[2]), indexing="ij")
    phase = rng.uniform(0, 2 * np.pi, 2)
    background = kind.background * kind.photons * (1 + 0.5 * np.sin(2 * np.pi * yy + phase[0]) * np.cos(np.pi * xx + phase[1]))
    photons = photons + background[None]
    detected = rng.poisson(np.clip(photons, 0, None)).astype(np.float64)
    gain = 10.0
    counts = rng.gamma(np.maximum(detected, 1e-3), gain) * (detected > 0)   # EM gain: excess noise factor ~2
    counts += rng.normal(0, 2.0 * gain, counts.shape) + 500.0
    hot = rng.uniform(size=counts.shape) < 1e-4
    counts[hot] += rng.uniform(5, 20, hot.sum()) * kind.photons * gain
    return counts.astype(np.float32), gt.astype(np.uint16)


def make_volume(kind: Tissue):
    """(raw, labels, calibration) of one tissue kind, reproducible from its seed."""
    rng = np.random.default_rng(kind.seed)
    labels = tessellate(kind, rng)
    raw, gt = image(kind, labels, rng)
    return raw, gt, (kind.anisotropy * FINE_UM, FINE_UM, FINE_UM)


def varied(kind: Tissue, vary: int) -> Tissue:
    """Another tissue of the same kind (for generality checks): a new seed and its parameters drawn around the kind's
    (cell size x0.7-1.4, Z voxel anisotropy +-1-2, photons x0.6-1.5, PSF x0.8-1.3, elongation and stained share
    perturbed), reproducible from ``vary``."""
    from dataclasses import replace

    rng = np.random.default_rng(1000 * vary + kind.seed)
    elongation = tuple(float(e * np.exp(rng.normal(0, 0.15))) for e in kind.elongation)
    return replace(kind, name=f"{kind.name}_v{vary}", seed=kind.seed + 100 * vary,
                   cell_um=float(kind.cell_um * rng.uniform(0.7, 1.4)), elongation=elongation,
                   anisotropy=int(np.clip(kind.anisotropy + rng.integers(-2, 3), 1, 6)),
                   photons=float(kind.photons * rng.uniform(0.6, 1.5)),
                   psf_z_um=float(kind.psf_z_um * rng.uniform(0.8, 1.3)),
                   psf_xy_um=float(kind.psf_xy_um * rng.uniform(0.8, 1.3)),
                   coverage=float(min(1.0, kind.coverage * rng.uniform(0.85, 1.15))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--kinds", default=",".join(TISSUES))
    parser.add_argument("--vary", type=int, default=0, help="N > 0: tissues varied from each kind (new seed and "
                        "parameters, see varied()), written as KIND_vN")
    args = parser.parse_args()
    import tifffile

    (args.out / "raw").mkdir(parents=True, exist_ok=True)
    (args.out / "labels").mkdir(parents=True, exist_ok=True)
    record = {}
    for name in args.kinds.split(","):
        kind = TISSUES[name] if args.vary <= 0 else varied(TISSUES[name], args.vary)
        name = kind.name
        raw, gt, calibration = make_volume(kind)
        tifffile.imwrite(args.out / "raw" / f"{name}.tif", raw)
        tifffile.imwrite(args.out / "labels" / f"{name}.tif", gt)
        record[name] = dict(asdict(kind), shape=list(raw.shape), calibration=calibration,
                            cells=int(len(np.unique(gt)) - 1))
        print(f"{name}: {raw.shape} at {calibration} µm, {record[name]['cells']} cells")
    (args.out / "volumes.json").write_text(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
