"""Benchmark: how the demo models generalise to tissue of an independent simulator (F1 at IoU 0.5).

For each volume of ``independent_sim.py`` (made on the fly, or read from ``--volumes`` written by it) the
networks run once, and the same predictions give:

* ``vollseg`` -- VollSeg as ``volltrack segment`` runs it (the models' thresholds, U-Net mask, seed pool, StarDist
  seeds flooding at most ``STARDIST_MARGIN`` past their polyhedra);
* ``vollseg_flood`` -- VollSeg as published: the StarDist seeds flood the whole U-Net mask (``stardist_margin=None``);
* ``stardist`` -- StarDist only (its kept polyhedra, the same thresholds);
* ``unet`` -- U-Net only (connected components of its mask);
* ``vollseg_nounet`` -- diagnostic: VollSeg with the mask from StarDist's probability (Otsu) instead of the U-Net
  mask, and so no U-Net seeds: where the U-Net mask / seed pool helps or hurts;
* ``vollseg_starseeds`` -- diagnostic: VollSeg with the U-Net mask but StarDist seeds only (U-Net components
  without a StarDist seed are left out of the pool);
* ``vollseg_near`` -- diagnostic: VollSeg with the U-Net mask cut to the StarDist polyhedra grown by 2 voxels in
  Y/X and 1 in Z, so that no seed floods a cell StarDist did not find.

Also reported per volume: seeds from StarDist / from the U-Net, and the fraction of the true cells' voxels that
the U-Net mask covers. Matching: stardist.matching, IoU 0.5.

Usage::

    python bench/segmentation/generalise.py [--models DIR[,DIR2]] [--volumes DIR] [--kinds a,b] [--json OUT]
        [--scale none|auto|oracle|Z,Y,X]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from independent_sim import TISSUES, make_volume  # noqa: E402

METHODS = ("vollseg", "stardist", "unet", "vollseg_flood", "vollseg_nounet", "vollseg_starseeds", "vollseg_near")


def volumes(folder: Path | None, kinds):
    """(name, raw, labels) of each kind: read from ``folder`` (independent_sim.py's output) or simulated."""
    import tifffile

    for name in kinds:
        if folder is not None and (folder / "raw" / f"{name}.tif").exists():
            yield name, tifffile.imread(folder / "raw" / f"{name}.tif"), tifffile.imread(folder / "labels" / f"{name}.tif")
        else:
            raw, gt, _ = make_volume(TISSUES[name])
            yield name, raw, gt


#: Median bounding box (Z, Y, X voxels) of the cells of the package simulator's demo geometry (seed 301), for
#: ``--scale oracle``: the factors that bring each volume's true median cell box to it (an upper bound on what an
#: estimated scale can do).
PACKAGE_CELL_BOX = (5.0, 24.0, 24.0)


def oracle_scale(gt):
    """Factors bringing the median bounding box of the true cells of ``gt`` to :data:`PACKAGE_CELL_BOX`."""
    from scipy import ndimage as ndi

    boxes = np.array([[s.stop - s.start for s in box] for box in ndi.find_objects(gt) if box is not None], float)
    return tuple(round(min(max(r / e, 0.2), 4.0), 3) for r, e in zip(PACKAGE_CELL_BOX, np.median(boxes, axis=0)))


def segment_all(raw, models, scale=None, *, near_margin=(1, 2, 2)):
    """Labels of every method from one run of the networks, the seed counts, the mask and the scale record."""
    from volltrack.segmentation.pipeline import (_maps_to_volume_grid, predict_networks, segment_from_predictions,
                                                 vollseg_from_predictions)
    from volltrack.segmentation.networks import stardist_instances

    predictions = predict_networks(raw.astype(np.float32), models, scale=scale)
    full = vollseg_from_predictions(predictions, models)
    out = {"vollseg": full.labels, "stardist": full.stardist_labels}
    out["unet"] = vollseg_from_predictions(replace(predictions, stardist=None), models).labels
    out["vollseg_flood"] = vollseg_from_predictions(predictions, models, stardist_margin=None).labels
    star = stardist_instances(predictions.stardist, models.stardist, predictions.shape, paint=True)
    unet_probability = predictions.unet_probability
    if predictions.input_shape is not None:
        star, unet_probability, _ = _maps_to_volume_grid(star, unet_probability, None, predictions.input_shape)
    out["vollseg_nounet"] = segment_from_predictions(star.labels, star.probability, None, distance=star.distance,
                                                     stardist_points=star.points).labels
    # StarDist seeds only: a U-Net probability whose components all hold a StarDist centre
    from volltrack.segmentation.pipeline import unet_instances

    from skimage.filters import threshold_otsu

    otsu = float(threshold_otsu(unet_probability))
    unet_labels, mask = unet_instances(unet_probability, threshold=otsu, growth=models.unet_erosion)
    seeded = np.unique(unet_labels[star.labels > 0])
    keep = np.isin(unet_labels, seeded[seeded > 0])
    out["vollseg_starseeds"] = segment_from_predictions(
        star.labels, star.probability, np.where(keep, unet_probability, 0).astype(np.float32),
        distance=star.distance, stardist_points=star.points, unet_threshold=otsu, mask_growth=models.unet_erosion,
    ).labels
    from scipy import ndimage as ndi

    structure = np.ones(tuple(2 * m + 1 for m in near_margin), bool)
    near = ndi.binary_dilation(star.labels > 0, structure=structure) & mask
    out["vollseg_near"] = segment_from_predictions(
        star.labels, star.probability, near.astype(np.float32), distance=star.distance,
        stardist_points=star.points, unet_threshold=0.5).labels
    seeds = dict(stardist=int(full.seeds.n_stardist), unet=int(full.seeds.from_unet.sum())) if full.seeds else {}
    return out, seeds, mask, predictions.scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="", help="models folder(s), comma-separated (default: the bundled demo)")
    parser.add_argument("--volumes", type=Path, default=None, help="output folder of independent_sim.py")
    parser.add_argument("--kinds", default=",".join(TISSUES))
    parser.add_argument("--json", type=Path, default=None, help="write the records here")
    parser.add_argument("--scale", default="none", help="input scale: none (the models' own), auto (estimated from "
                        "each volume), oracle (from the true cells: an upper bound) or factors Z,Y,X")
    args = parser.parse_args()
    from stardist.matching import matching

    from volltrack.segmentation import load_models

    folders = [f or None for f in args.models.split(",")]
    records = []
    for folder in folders:
        models = load_models(Path(folder) if folder else None, n2v=False)
        tag = folder or "bundled"
        for name, raw, gt in volumes(args.volumes, args.kinds.split(",")):
            start = time.perf_counter()
            if args.scale == "oracle":
                scale = oracle_scale(gt)
            else:
                from volltrack.segmentation.input_scale import parse_scale

                scale = None if args.scale == "none" else parse_scale(args.scale)
            labels, seeds, mask, scaled = segment_all(raw, models, scale)
            row = dict(models=tag, volume=name, cells=int(len(np.unique(gt)) - 1), seeds=seeds,
                       mask_covers=float(mask[gt > 0].mean()), mask_outside=float(mask[gt == 0].mean()),
                       seconds=round(time.perf_counter() - start, 1), scale=scaled)
            for method in METHODS:
                stats = matching(gt, labels[method], thresh=0.5)
                row[method] = dict(f1=round(float(stats.f1), 3), precision=round(float(stats.precision), 3),
                                   recall=round(float(stats.recall), 3), n_pred=int(stats.n_pred))
            records.append(row)
            print(f"{tag} {name:11s} cells {row['cells']:4d}  " + "  ".join(
                f"{m} {row[m]['f1']:.3f}" for m in METHODS)
                + f"  seeds {seeds}  mask covers {row['mask_covers']:.2f} / outside {row['mask_outside']:.2f}"
                + f"  factors {scaled.get('factors')} est {scaled.get('estimated_cell_size')}", flush=True)
        for method in METHODS:
            mean = np.mean([r[method]["f1"] for r in records if r["models"] == tag])
            print(f"{tag} mean {method} F1 {mean:.3f}")
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
