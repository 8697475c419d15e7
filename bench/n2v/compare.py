"""Noise2Void on the current stack: the n2v package (TensorFlow, Keras 2) against CAREamics (PyTorch).

Both train the same blind-spot U-Net recipe on the same simulated raw volumes (Poisson + read noise, membrane
signal) and denoise a held-out volume whose noise-free image is known, so quality is measured, not guessed:

* data: ``--train-volumes`` volumes of ``--shape`` from ``volltrack.synthetic.simulate_tissue`` (one frame each,
  seeds 1..N, ``--snr``), and a test volume (seed 100) rendered twice with the same geometry: noisy, and the
  noise-free expectation (the Poisson mean plus the camera offset);
* n2v: ``volltrack.training.n2v_training.train_n2v`` (the code behind ``volltrack train n2v``), depth 2,
  ``--filters`` first filters, patches ``--patch``, batch ``--batch``, ``--epochs`` x ``--steps`` steps;
* CAREamics (only with ``--careamics-python``, a Python of a separate environment with ``careamics``
  installed): ``careamics_n2v.py`` in that environment with the same depth, filters, patch, batch, epochs and
  steps per epoch (its random-patch dataset is sized to ``steps x batch`` patches);
* floor, measured in the same run: the raw noisy volume and a Gaussian filter (sigma 0.5, 1, 1 voxels).

Prints PSNR and SSIM (data range of the clean volume) and training/prediction time, with ratios.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _triple(text):
    values = tuple(int(v) for v in text.split(","))
    if len(values) != 3:
        raise argparse.ArgumentTypeError(f"expected Z,Y,X, got {text!r}")
    return values


class _ExpectationRNG:
    """Stands in for the simulator's random generator when rendering: noise-free (Poisson mean, no read noise)."""

    @staticmethod
    def poisson(lam):
        return np.asarray(lam, np.float64)

    @staticmethod
    def standard_normal(shape, dtype=np.float64):
        return np.zeros(shape, dtype)


def simulate(seed, shape, snr, n_cells, *, clean=False):
    """One simulated raw volume; ``clean=True`` gives the noise-free image of the same geometry."""
    import volltrack.synthetic.movie as movie_module
    from volltrack.synthetic import simulate_tissue

    real_render = movie_module.render
    if clean:
        movie_module.render = lambda *a, **k: real_render(*a, **{**k, "rng": _ExpectationRNG()})
    try:
        movie = simulate_tissue(n_frames=1, shape=shape, n_cells=n_cells, seed=seed, snr=snr)
    finally:
        movie_module.render = real_render
    return movie.raw[0].astype(np.float32)


def quality(clean, image):
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    data_range = float(clean.max() - clean.min())
    return (peak_signal_noise_ratio(clean, image, data_range=data_range),
            structural_similarity(clean, image, data_range=data_range))


def run_n2v(train, test, args, work):
    from volltrack.training.n2v_training import n2v_denoiser, raw_patches, train_n2v
    from volltrack.training.parameters import TrainingParameters

    X, X_val = raw_patches(train, patch_shape=args.patch, n_patches_per_image=args.patches_per_volume, seed=1)
    params = TrainingParameters(depth=2, start_filters=args.filters, kernel_size=3, batch_size=args.batch,
                                epochs=args.epochs, steps_per_epoch=args.steps, patch_shape=args.patch,
                                learning_rate=4e-4, seed=1)
    start = time.perf_counter()
    train_n2v(X, X_val, work / "n2v", params=params)
    train_seconds = time.perf_counter() - start
    denoise = n2v_denoiser(work / "n2v")
    denoise(test)                                    # warm-up (graph building)
    start = time.perf_counter()
    out = denoise(test)
    return out, train_seconds, time.perf_counter() - start


def run_careamics(train, test, args, work):
    np.save(work / "train.npy", np.stack(train))
    np.save(work / "test.npy", test)
    cmd = [args.careamics_python, str(HERE / "careamics_n2v.py"), "--work", str(work), "--patch",
           ",".join(map(str, args.patch)), "--batch", str(args.batch), "--epochs", str(args.epochs), "--steps",
           str(args.steps), "--filters", str(args.filters)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"CAREamics run failed:\n{proc.stderr[-3000:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    return np.load(work / "careamics_denoised.npy"), figures["train_seconds"], figures["predict_seconds"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--careamics-python", help="python of an environment with careamics installed")
    parser.add_argument("--shape", type=_triple, default=(22, 128, 128))
    parser.add_argument("--cells", type=int, default=60)
    parser.add_argument("--snr", type=float, default=3.0)
    parser.add_argument("--train-volumes", type=int, default=4)
    parser.add_argument("--patches-per-volume", type=int, default=40)
    parser.add_argument("--patch", type=_triple, default=(16, 64, 64))
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)

    from scipy import ndimage as ndi

    train = [simulate(seed, args.shape, args.snr, args.cells) for seed in range(1, args.train_volumes + 1)]
    test = simulate(100, args.shape, args.snr, args.cells)
    clean = simulate(100, args.shape, args.snr, args.cells, clean=True)
    rows = {"raw (no denoising)": (test, None, None),
            "gaussian filter (floor)": (ndi.gaussian_filter(test, (0.5, 1.0, 1.0)), None, None)}
    with tempfile.TemporaryDirectory(prefix="n2v-bench-") as tmp:
        work = Path(tmp)
        rows["n2v 0.3.3 (TensorFlow)"] = run_n2v(train, test, args, work)
        if args.careamics_python:
            rows["CAREamics (PyTorch)"] = run_careamics(train, test, args, work)
    results = {}
    print(f"{args.train_volumes} training volumes of {args.shape}, SNR {args.snr}; {args.epochs} epochs x "
          f"{args.steps} steps, batch {args.batch}, patch {args.patch}, depth 2, {args.filters} first filters")
    print(f"{'method':<26} {'PSNR dB':>8} {'SSIM':>6} {'train s':>8} {'s/step':>7} {'predict s':>9}")
    for name, (image, train_s, predict_s) in rows.items():
        psnr, ssim = quality(clean, image)
        steps = args.epochs * args.steps
        results[name] = {"psnr": psnr, "ssim": ssim, "train_seconds": train_s, "predict_seconds": predict_s}
        print(f"{name:<26} {psnr:8.2f} {ssim:6.3f} " + (f"{train_s:8.1f} {train_s / steps:7.3f} {predict_s:9.2f}"
                                                         if train_s is not None else f"{'':8} {'':7} {'':9}"))
    if "CAREamics (PyTorch)" in results:
        a, b = results["n2v 0.3.3 (TensorFlow)"], results["CAREamics (PyTorch)"]
        print(f"n2v / CAREamics: training time {a['train_seconds'] / b['train_seconds']:.2f}x, prediction time "
              f"{a['predict_seconds'] / b['predict_seconds']:.2f}x, PSNR difference {a['psnr'] - b['psnr']:+.2f} dB")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": {k: v for k, v in vars(args).items()}, "results": results},
                                              indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
