"""Fine-tune the bundled demo models on part of a real membrane stack; F1@0.5 on the part not used for training.

Usage::

    nice -n 10 python bench/finetune/run.py --data ../shared/data/real/membrane_patch/sample_patch.h5 \
        --work /tmp/finetune --stardist-minutes 20 --unet-minutes 7

The stack (PlantSeg-era plant tissue, 64x200x200, datasets ``raw``/``label``) is cut along X into a training half
(x < 100) and a held-out half (x >= 100). The training half goes through the user's path: ``volltrack train
prepare`` (.h5 input), ``train stardist --from demo --minutes``, ``train unet --from demo --minutes``, ``train
thresholds``. Both halves share no voxel; cells crossing the cut appear cut in both. Prints F1, precision and
recall at IoU 0.5 on the held-out half for VollSeg, StarDist only and U-Net only, bundled models against
fine-tuned ones, and the wall-clock and CPU time of every step.

The stack's ``label`` dataset carries 33 labels one Z slice thick inside other cells (31 of them on slice 31),
which split every cell crossing that slice; ``train prepare``/``train thresholds`` get
``--merge-one-slice-labels`` and F1 is reported against the repaired labels ("repaired") as well as the labels
as stored ("as stored"; 20 of the held-out half's 70 labels are such slices, which no 3D segmentation finds).
The plant cells are 40-60 voxels across, about twice the bundled models' cells: the volumes are resampled by
``--scale`` (default 0.25,0.5,0.5) for training and segmentation (recorded with the models).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np


def _cli(*args: str) -> float:
    """Run ``volltrack ARGS`` and return its wall-clock seconds."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "volltrack.cli", *args], check=True)
    return time.monotonic() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _scores(truth: np.ndarray, labels: np.ndarray) -> dict:
    from stardist.matching import matching

    m = matching(truth, labels, thresh=0.5)
    return dict(f1=round(float(m.f1), 3), precision=round(float(m.precision), 3), recall=round(float(m.recall), 3),
                n_true=int(m.n_true), n_pred=int(m.n_pred))


def evaluate(models_folder: Path, raw: np.ndarray, truths: dict[str, np.ndarray]) -> dict:
    """F1@0.5 of VollSeg, StarDist alone and the U-Net alone on one volume, against each labelling in ``truths``.

    "VollSeg" floods the models' default map (the one ``train thresholds`` recorded, else StarDist's); "VollSeg
    <map>" each watershed map in turn, at the same thresholds (networks run once).
    """
    from volltrack.segmentation import load_models, vollseg
    from volltrack.segmentation.pipeline import default_watershed_map, predict_networks

    models = load_models(models_folder, n2v=False)
    predictions = predict_networks(raw, models)
    result = vollseg(raw, models, predictions=predictions)
    by_map = {m: vollseg(raw, models, predictions=predictions, watershed_map=m).labels
              for m in ("stardist", "unet", "membrane")}
    unet_only = vollseg(raw, load_models(models_folder, stardist=False, n2v=False))
    scores = {}
    for name, truth in truths.items():
        scores[name] = {"VollSeg": _scores(truth, result.labels), "StarDist": _scores(truth, result.stardist_labels),
                        "U-Net": _scores(truth, unet_only.labels),
                        **{f"VollSeg {m}": _scores(truth, labels) for m, labels in by_map.items()}}
        scores[name]["VollSeg"]["watershed_map"] = default_watershed_map(models)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--stardist-minutes", type=float, default=8.0)
    parser.add_argument("--unet-minutes", type=float, default=4.0)
    parser.add_argument("--patch", default="16,48,48")
    parser.add_argument("--scale", default="0.25,0.5,0.5", help="train prepare --scale (1 = none)")
    parser.add_argument("--erosion", default="1", help="train unet --erosion (cell interiors)")
    parser.add_argument("--stardist-lr", default="0.0005")
    parser.add_argument("--skip-thresholds", action="store_true", help="keep the copied thresholds")
    parser.add_argument("--watershed-maps", default="stardist,unet,membrane",
                        help="train thresholds --watershed-maps: the maps compared; the best becomes the default")
    parser.add_argument("--evaluations", default="6", help="train thresholds --evaluations (per map and NMS value)")
    parser.add_argument("--trained", type=Path, help="evaluate this already fine-tuned models folder (thresholds "
                        "searched again unless --skip-thresholds) instead of training")
    args = parser.parse_args()
    from volltrack.models.demo import __file__ as demo_init

    demo = Path(demo_init).parent
    args.work.mkdir(parents=True, exist_ok=True)
    with h5py.File(args.data) as handle:
        raw, truth = handle["raw"][()], handle["label"][()].astype(np.int32)
    cut = raw.shape[2] // 2
    train_file = args.work / "train_half.h5"
    with h5py.File(train_file, "w") as handle:
        handle["raw"], handle["label"] = raw[..., :cut], truth[..., :cut]
    test_raw, test_truth = raw[..., cut:], truth[..., cut:]
    from skimage.segmentation import relabel_sequential

    from volltrack.training.label_checks import merge_one_slice_labels

    truths = {"repaired": relabel_sequential(merge_one_slice_labels(test_truth)[0])[0],
              "as stored": relabel_sequential(test_truth)[0]}
    timings = {}
    t0, cpu0 = time.monotonic(), _children_cpu()
    results = {"bundled": evaluate(demo, test_raw, truths)}
    print("bundled", json.dumps(results["bundled"]), flush=True)
    timings["evaluate bundled"] = round(time.monotonic() - t0, 1)
    tuned = args.trained or args.work / "models"
    if args.trained is None:
        cpu0 = _train(args, demo, train_file, tuned, timings)
    if not args.skip_thresholds:
        timings["thresholds"] = _cli("train", "thresholds", str(train_file), "--models", str(tuned),
                                     "--evaluations", args.evaluations, "--prob-range", "0.2,0.8", "--nms", "0.3,0.4",
                                     "--watershed-maps", args.watershed_maps, "--suppression", "fast",
                                     "--merge-one-slice-labels")
    cpu_training = _children_cpu() - cpu0
    t1 = time.monotonic()
    results["fine-tuned"] = evaluate(tuned, test_raw, truths)
    timings["evaluate fine-tuned"] = round(time.monotonic() - t1, 1)
    runs = {kind: json.loads((tuned / kind / "training_runs.json").read_text())[-1] for kind in ("stardist", "unet")}
    report = dict(results=results, timings_s={k: round(v, 1) for k, v in timings.items()},
                  cpu_s_training_steps=round(cpu_training, 1),
                  epochs={k: len(r.get("final", {})) and r["parameters"].get("epochs") for k, r in runs.items()},
                  stopped_by_time_budget={k: r["parameters"]["stopped_by_time_budget"] for k, r in runs.items()},
                  thresholds=json.loads((tuned / "stardist" / "thresholds.json").read_text()),
                  held_out_cells={name: int(truth.max()) for name, truth in truths.items()})
    (args.work / "report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    for models, by_truth in results.items():
        for truth, scores in by_truth.items():
            print(f"{models:>10} ({truth}): " + "  ".join(f"{k} F1 {v['f1']:.3f}" for k, v in scores.items()))
    return 0


def _train(args, demo: Path, train_file: Path, tuned: Path, timings: dict) -> float:
    """Prepare patches and fine-tune both networks into ``tuned``; return the children's CPU seconds before."""
    cpu0 = _children_cpu()
    if tuned.exists():
        shutil.rmtree(tuned)
    tuned.mkdir()
    npz = args.work / "patches.npz"
    timings["prepare"] = _cli("train", "prepare", str(train_file), "--out", str(npz), "--patch", args.patch,
                              "--patches-per-image", "48", "--copies", "1", "--validation", "0.15",
                              "--scale", args.scale, "--merge-one-slice-labels")
    common = ["--patch", args.patch, "--batch", "2", "--epochs", "1000", "--steps", "10"]
    timings["stardist fine-tuning"] = _cli("train", "stardist", str(npz), "--model", str(tuned / "stardist"),
                                           "--from", str(demo), "--minutes", str(args.stardist_minutes), *common,
                                           "--lr", args.stardist_lr)
    timings["unet fine-tuning"] = _cli("train", "unet", str(npz), "--model", str(tuned / "unet"), "--from", str(demo),
                                       "--minutes", str(args.unet_minutes), *common, "--lr", "0.0003",
                                       "--erosion", args.erosion)
    return cpu0


if __name__ == "__main__":
    raise SystemExit(main())
