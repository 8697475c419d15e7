"""Benchmark: vectorised seed pool + masked watershed against the paper-era per-box implementation.

Both run on the same simulated 22x512x512 volume with about 1,000 cells, from the same StarDist-like labels
(a fifth of the cells missed), StarDist-like probability map and U-Net-like mask, derived from the simulator's
ground truth. Reports: identical labels (yes/no), wall time of each stage and in total (median and minimum of
``--repeats`` runs, the two implementations alternating so that both see the same machine load), the speed-up
(ratio of medians), and the peak memory traced by tracemalloc (numpy allocations included).

The stages are not cut at the same place: ours labels the U-Net mask once (6-connected components for the
watershed, joined into the published 26-connected ones for the pool) in its first stage, so its watershed stage
only fills single-label components and floods the contested ones. Compare the totals.

Usage: python bench/segmentation/run.py [--shape 22,512,512] [--cells 800] [--seed 0] [--repeats 5]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paper_reference import paper_seed_pool, paper_watershed  # noqa: E402

from volltrack.segmentation.mask_connectivity import ConnectedMask  # noqa: E402
from volltrack.segmentation.seed_pool import seed_pool  # noqa: E402
from volltrack.segmentation.watershed import masked_watershed, paint_markers  # noqa: E402
from volltrack.synthetic import simulate_tissue  # noqa: E402
from volltrack.synthetic.imaging import membrane_voxels  # noqa: E402


#: 26-connectivity, the default of skimage.measure.label used by the published code.
FULL_CONNECTIVITY = np.ones((3, 3, 3), bool)


def make_inputs(shape, cells, seed):
    """Simulate a volume and derive StarDist-like labels, probability and a U-Net-like mask from its truth."""
    movie = simulate_tissue(n_frames=1, shape=shape, n_cells=cells, seed=seed)
    truth = movie.labels[0].astype(np.int32)
    rng = np.random.default_rng(seed)
    interior = (truth > 0) & ~membrane_voxels(truth)
    depth = ndi.distance_transform_edt(interior, sampling=movie.calibration)
    probability = (ndi.gaussian_filter(depth, 1.0) / max(depth.max(), 1e-6)).astype(np.float32)
    probability += rng.uniform(0, 1e-4, shape).astype(np.float32)
    star = np.where(ndi.binary_erosion(interior), truth, 0)
    present = np.unique(truth)[1:]
    star[np.isin(star, rng.choice(present, len(present) // 5, replace=False))] = 0
    unet_mask = ndi.binary_erosion(interior)
    return truth, star, probability, unet_mask


def ours(star, probability, unet_mask):
    """Mask components, vectorised pool (StarDist centroids + missed U-Net components), markers; watershed."""
    start = time.perf_counter()
    connected = ConnectedMask(unet_mask)   # 6-connected components and their 26-connected unions, one pass
    seeds = seed_pool(star, connected.full, snap=False)   # 26-connected, as published; centroids unmoved
    markers = paint_markers(seeds.points, star.shape, radius=2)
    pooled = time.perf_counter()
    labels = masked_watershed(probability, markers, connected)
    return labels, len(seeds.points), pooled - start, time.perf_counter() - pooled


def paper(star, probability, unet_mask):
    """The per-box loop implementation (seed list includes the published extra seed at the origin)."""
    start = time.perf_counter()
    seeds = paper_seed_pool(star, unet_mask)
    pooled = time.perf_counter()
    labels = paper_watershed(probability, seeds, unet_mask)
    return labels, len(seeds) - 1, pooled - start, time.perf_counter() - pooled


def peak_memory_mb(function, *args):
    """Peak traced allocation (MB) while running ``function``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def timed_runs(star, probability, unet_mask, repeats):
    """Alternate paper and ours ``repeats`` times; return both label volumes, seed counts and stage times."""
    times = {"paper": [], "ours": []}
    for _ in range(repeats):
        reference, n_paper, *paper_times = paper(star, probability, unet_mask)
        labels, n_ours, *our_times = ours(star, probability, unet_mask)
        times["paper"].append(paper_times)
        times["ours"].append(our_times)
    return reference, labels, n_paper, n_ours, {k: np.asarray(v) for k, v in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="22,512,512")
    parser.add_argument("--cells", type=int, default=800)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed runs of each implementation, alternating (medians reported); default 5")
    args = parser.parse_args(argv)
    shape = tuple(int(v) for v in args.shape.split(","))
    truth, star, probability, unet_mask = make_inputs(shape, args.cells, args.seed)
    print(f"volume {shape}: {len(np.unique(truth)) - 1} cells, {len(np.unique(star)) - 1} StarDist instances, "
          f"{ndi.label(unet_mask, structure=FULL_CONNECTIVITY)[1]} U-Net components, "
          f"{int(unet_mask.sum())} mask voxels")
    reference, labels, n_paper, n_ours, times = timed_runs(star, probability, unet_mask, max(1, args.repeats))
    identical = np.array_equal(labels, reference)
    memory_ours = peak_memory_mb(ours, star, probability, unet_mask)
    memory_paper = peak_memory_mb(paper, star, probability, unet_mask)
    print(f"seeds: ours {n_ours}, paper {n_paper}; identical labels: {identical}")
    print(f"{len(times['ours'])} alternating runs each; median (min) seconds")
    print(f"{'stage':<22}{'paper (s)':>18}{'ours (s)':>18}{'ratio':>9}")
    stages = {"seed pool + markers": lambda t: t[:, 0], "watershed": lambda t: t[:, 1],
              "total": lambda t: t.sum(axis=1)}
    for stage, select in stages.items():
        p, o = select(times["paper"]), select(times["ours"])
        print(f"{stage:<22}{np.median(p):>10.3f} ({p.min():.3f}){np.median(o):>10.3f} ({o.min():.3f})"
              f"{np.median(p) / np.median(o):>8.1f}x")
    print(f"peak traced memory: paper {memory_paper:.0f} MB, ours {memory_ours:.0f} MB")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
