"""Benchmark: VollSeg per volume against the floor of its networks, the exact seed path and the paper-era pipeline.

For each simulated volume (``volltrack.synthetic.simulate_tissue`` with seeds not used to train the bundled models)
and each StarDist probability threshold, in one process on the same machine:

* **networks** -- the forward passes alone: StarDist ``predict`` (probability + ray distances) and the U-Net's
  ``predict``, on the normalised volume, same tiling (the floor);
* **fast** -- ``vollseg(..., nms="fast")`` (the default), from the raw volume to the labels;
* **exact** -- ``vollseg(..., nms="exact")`` (StarDist's compiled polyhedron suppression);
* **paper** -- the paper-era pipeline: StarDist ``predict_instances``, the U-Net, the per-box Python seed loop and
  a whole-volume watershed (``paper_reference.py``);

with F1 at IoU 0.5 of each against the simulator's ground truth (``stardist.matching``), the fast path's ratio
to the networks, how many StarDist seeds the fast and exact paths keep (and share), the CPU seconds of each run
(whole process, every thread) and its peak resident memory (the process's peak, reset before each run through
/proc/self/clear_refs on Linux; the models and the volume, loaded before, are part of it).

Usage: nice -n 10 python bench/segmentation/speed.py [--seeds 401,402] [--thresholds model,0.5]
       [--shape 22,256,256] [--cells 250] [--repeats 1] [--no-paper] [--no-exact]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paper_reference import paper_seed_pool, paper_watershed  # noqa: E402


def _timed(function, repeats):
    """Return (result of the last run, smallest wall time over ``repeats`` runs); the run's CPU seconds (whole
    process, every thread) and peak memory go to ``_LAST``."""
    best, result = float("inf"), None
    for _ in range(repeats):
        _reset_peak_memory()
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        best = min(best, time.perf_counter() - start)
        _LAST.update(cpu=time.process_time() - cpu, peak=_peak_memory())
    return result, best


#: CPU seconds and peak resident memory (MB) of the last :func:`_timed` run.
_LAST: dict = {}


def _reset_peak_memory():
    """Reset the process's peak resident set size (Linux: writing 5 to /proc/self/clear_refs), so that
    :func:`_peak_memory` reports the peak of what runs next."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_memory():
    """Peak resident set size in MB since the last reset (VmHWM), or NaN where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def networks_only(volume, models):
    """The forward passes alone (normalisation included, as both pipelines pay it)."""
    from volltrack.segmentation.networks import normalize_percentiles, predict_stardist_maps, predict_unet

    normalised = normalize_percentiles(volume)
    predict_stardist_maps(normalised, models.stardist)
    predict_unet(normalised, models.unet)


def paper_pipeline(volume, models, prob_thresh):
    """StarDist predict_instances + U-Net + per-box seed loop + watershed, as the paper-era code ran them."""
    import warnings

    from volltrack.segmentation.foreground import foreground_mask
    from volltrack.segmentation.networks import normalize_percentiles, predict_unet, upsample_to_shape

    normalised = normalize_percentiles(volume)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Setting sparse to False")
        (labels, _), (probability, _) = models.stardist.predict_instances(
            normalised, axes="ZYX", prob_thresh=prob_thresh, return_predict=True, show_tile_progress=False)
    unet_mask = foreground_mask(predict_unet(normalised, models.unet))
    seeds = paper_seed_pool(np.asarray(labels, np.int32), unet_mask)
    return paper_watershed(upsample_to_shape(probability, volume.shape), seeds, unet_mask)


def f1_at_half(truth, labels):
    from stardist.matching import matching

    return float(matching(truth, labels, thresh=0.5).f1)


def shared_seeds(fast, exact):
    """StarDist seeds (rounded centroids of the StarDist labels) found by both paths."""
    def points(result):
        return {tuple(p) for p in np.rint(result.seeds.points[~result.seeds.from_unet]).astype(int)}
    return len(points(fast) & points(exact)), len(points(fast)), len(points(exact))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="401,402", help="simulator seeds, one volume each (default 401,402)")
    parser.add_argument("--thresholds", default="model,0.5", help="probability thresholds ('model' = the model's)")
    parser.add_argument("--shape", default="22,256,256")
    parser.add_argument("--cells", type=int, default=250)
    parser.add_argument("--repeats", type=int, default=1, help="runs per measurement (smallest time kept)")
    parser.add_argument("--no-paper", action="store_true", help="skip the paper-era pipeline")
    parser.add_argument("--no-exact", action="store_true", help="skip the exact seed path")
    args = parser.parse_args(argv)

    from volltrack.segmentation import load_models, vollseg
    from volltrack.synthetic import simulate_tissue

    shape = tuple(int(v) for v in args.shape.split(","))
    models = load_models(None)
    thresholds = [float(models.stardist.thresholds.prob) if t == "model" else float(t)
                  for t in args.thresholds.split(",")]
    warm = simulate_tissue(n_frames=1, shape=shape, n_cells=args.cells, seed=999).raw[0]
    vollseg(warm, models)                      # compile the suppression, warm TensorFlow
    networks_only(warm, models)
    print(f"load average at start: {_load_average()}; TF_ENABLE_ONEDNN_OPTS={os.environ.get('TF_ENABLE_ONEDNN_OPTS')}")
    print("| seed | prob | networks s (CPU s) | fast s (CPU s) | fast/networks | exact s (CPU s) | exact/networks | "
          "paper s (CPU s) | F1 fast | F1 exact | F1 paper | seeds fast/exact/shared | peak MB fast/exact/paper | "
          "load |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|")
    for seed in (int(s) for s in args.seeds.split(",")):
        movie = simulate_tissue(n_frames=1, shape=shape, n_cells=args.cells, seed=seed)
        volume, truth = np.asarray(movie.raw[0], np.float32), np.asarray(movie.labels[0])
        del movie
        _, t_net = _timed(lambda: networks_only(volume, models), args.repeats)
        cpu_net = _LAST["cpu"]
        for prob in thresholds:
            fast, t_fast = _timed(lambda: vollseg(volume, models, prob_thresh=prob, nms="fast"), args.repeats)
            row = {"fast": (t_fast, f1_at_half(truth, fast.labels), _LAST["cpu"], _LAST["peak"])}
            if not args.no_exact:
                exact, t_exact = _timed(lambda: vollseg(volume, models, prob_thresh=prob, nms="exact"), 1)
                row["exact"] = (t_exact, f1_at_half(truth, exact.labels), _LAST["cpu"], _LAST["peak"])
                seeds = "%d/%d/%d" % (shared_seeds(fast, exact)[1], shared_seeds(fast, exact)[2],
                                      shared_seeds(fast, exact)[0])
                del exact
            else:
                seeds = "-"
            del fast
            if not args.no_paper:
                paper, t_paper = _timed(lambda: paper_pipeline(volume, models, prob), 1)
                row["paper"] = (t_paper, f1_at_half(truth, paper), _LAST["cpu"], _LAST["peak"])
                del paper

            def cell(key, index, fmt):
                return fmt % row[key][index] if key in row else "-"

            def timing(key):
                return f"{row[key][0]:.2f} ({row[key][2]:.1f})" if key in row else "-"

            peaks = "/".join(cell(key, 3, "%.0f") for key in ("fast", "exact", "paper"))
            print(f"| {seed} | {prob:.3f} | {t_net:.2f} ({cpu_net:.1f}) | {timing('fast')} | {t_fast / t_net:.2f}x | "
                  f"{timing('exact')} | "
                  f"{(row['exact'][0] / t_net) if 'exact' in row else float('nan'):.1f}x | "
                  f"{timing('paper')} | {cell('fast', 1, '%.3f')} | {cell('exact', 1, '%.3f')} | "
                  f"{cell('paper', 1, '%.3f')} | {seeds} | {peaks} | {_load_average()} |", flush=True)


def _load_average():
    try:
        return "%.1f" % os.getloadavg()[0]
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
