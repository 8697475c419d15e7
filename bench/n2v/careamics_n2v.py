"""CAREamics side of ``compare.py``: train N2V on ``WORK/train.npy`` (SZYX), denoise ``WORK/test.npy`` (ZYX).

Runs in a separate environment with ``careamics`` installed (PyTorch); prints one JSON line with the training and
prediction seconds and writes ``WORK/careamics_denoised.npy``. Same recipe as the n2v side: U-Net depth 2,
``--filters`` first filters, blind-spot window 11 (radius 5), 0.2 % masked pixels, mean/std normalisation,
Adam at 4e-4, ``--epochs`` x ``--steps`` batches of ``--batch`` patches ``--patch``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--patch", required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--filters", type=int, required=True)
    args = parser.parse_args()
    from careamics import CAREamist
    from careamics.config.factories.n2v_factory import create_advanced_n2v_config

    work = Path(args.work)
    train = np.load(work / "train.npy").astype(np.float32)
    test = np.load(work / "test.npy").astype(np.float32)
    patch = [int(v) for v in args.patch.split(",")]
    config = create_advanced_n2v_config(
        experiment_name="volltrack_bench", data_type="array", axes="SZYX", patch_size=patch,
        batch_size=args.batch, num_epochs=args.epochs, num_steps=args.steps, roi_size=11,
        masked_pixel_percentage=0.2, num_workers=0, model_params={"depth": 2, "num_channels_init": args.filters},
        optimizer_params={"lr": 4e-4}, seed=1, augmentations=["x_flip", "y_flip"],
        )
    careamist = CAREamist(config, work_dir=work / "careamics", enable_progress_bar=False)
    start = time.perf_counter()
    careamist.train(train_data=train)
    train_seconds = time.perf_counter() - start
    # CAREamics predicts whole volumes only when every axis is a multiple of 2**depth: mirror-pad, then crop.
    pad = [(0, (-size) % 4) for size in test.shape]
    padded = np.pad(test, pad, mode="reflect")
    careamist.predict(padded, axes="ZYX")          # warm-up
    start = time.perf_counter()
    prediction = careamist.predict(padded, axes="ZYX")
    predict_seconds = time.perf_counter() - start
    out = prediction[0] if isinstance(prediction, tuple) else prediction
    out = np.asarray(out[0] if isinstance(out, list) else out, np.float32).reshape(padded.shape)
    out = out[tuple(slice(0, size) for size in test.shape)]
    np.save(work / "careamics_denoised.npy", out)
    print(json.dumps({"train_seconds": train_seconds, "predict_seconds": predict_seconds}))


if __name__ == "__main__":
    main()
