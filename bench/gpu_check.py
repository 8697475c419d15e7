"""Time the networks and VollSeg per volume on the devices TensorFlow sees (GPU check).

Run it on a machine with a GPU after ``pip install "volltrack[gpu]"``:

    python bench/gpu_check.py                       # demo models, 3 simulated volumes of 22x256x256
    python bench/gpu_check.py --models DIR --shape 40,512,512 --volumes 5 --n-tiles 1,2,2

It prints what ``volltrack doctor`` says about the GPU, then the median seconds per volume of each network
(Noise2Void, U-Net, StarDist network pass without NMS) and of the whole VollSeg (networks, NMS, watershed) on
the default device and, unless ``--no-cpu``, the same on the CPU alone, with the CPU/default ratio: on a GPU
machine that ratio is the GPU speed-up measured in the same run; on a CPU-only machine both rows are the CPU
(ratio about 1). Without a GPU it still runs (slowly), which is how it is tested here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path


def _shape(text: str) -> tuple[int, int, int]:
    values = tuple(int(v) for v in text.split(","))
    if len(values) != 3 or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected Z,Y,X (three positive integers), got {text!r}")
    return values


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", help="models folder (stardist/ unet/ n2v/); default the bundled demo models")
    parser.add_argument("--shape", type=_shape, default=(22, 256, 256), help="volume shape Z,Y,X (default 22,256,256)")
    parser.add_argument("--volumes", type=int, default=3, help="simulated volumes to time (default 3)")
    parser.add_argument("--n-tiles", type=_shape, default=None, help="network tiles Z,Y,X (default none)")
    parser.add_argument("--no-cpu", action="store_true", help="do not repeat the timings on the CPU alone")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    return parser.parse_args(argv)


def _time_per_volume(volumes, step) -> list[float]:
    """Run ``step`` on the first volume once (warm-up, graph building), then time it on each volume."""
    step(volumes[0])
    times = []
    for volume in volumes:
        start = time.perf_counter()
        step(volume)
        times.append(time.perf_counter() - start)
    return times


def _steps(models, n_tiles):
    from volltrack.segmentation import vollseg
    from volltrack.segmentation.networks import denoise, normalize_percentiles, predict_unet

    steps = {}
    if models.n2v is not None:
        steps["n2v network"] = lambda v: denoise(v, models.n2v, n_tiles=n_tiles)
    if models.unet is not None:
        steps["unet network"] = lambda v: predict_unet(normalize_percentiles(v), models.unet, n_tiles=n_tiles)
    if models.stardist is not None:
        steps["stardist network"] = lambda v: models.stardist.predict(normalize_percentiles(v), axes="ZYX",
                                                                     n_tiles=n_tiles, show_tile_progress=False)
    steps["vollseg (whole)"] = lambda v: vollseg(v, models, n_tiles=n_tiles)
    return steps


def main(argv=None) -> int:
    args = _parse(argv)
    if args.volumes < 1:
        print("gpu_check: --volumes must be at least 1", file=sys.stderr)
        return 2
    from volltrack.commands.doctor import _check_gpu, _check_tensorflow
    from volltrack.segmentation import load_models
    from volltrack.synthetic import simulate_tissue

    for name, check in (("tensorflow", _check_tensorflow), ("gpu", _check_gpu)):
        ok, text = check()
        print(f"{'OK  ' if ok else 'FAIL'} {name:<10} {text}", flush=True)
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    n_cells = max(10, int(60 * (args.shape[1] * args.shape[2]) / (128 * 128)))
    print(f"simulating {args.volumes} volume(s) of {'x'.join(map(str, args.shape))} ({n_cells} cells)", flush=True)
    movie = simulate_tissue(n_frames=args.volumes, shape=args.shape, n_cells=n_cells, seed=11)
    volumes = list(movie.raw)
    models = load_models(args.models)
    devices = [("default" + (f" ({len(gpus)} GPU)" if gpus else " (CPU)"), None)]
    if not args.no_cpu:
        devices.append(("CPU only", "/CPU:0"))
    results: dict[str, dict[str, float]] = {}
    for label, device in devices:
        results[label] = {}
        for name, step in _steps(models, args.n_tiles).items():
            if device is None:
                times = _time_per_volume(volumes, step)
            else:
                with tf.device(device):
                    times = _time_per_volume(volumes, step)
            results[label][name] = statistics.median(times)
            print(f"{label:<18} {name:<18} {results[label][name]:8.2f} s/volume (median of {len(times)})", flush=True)
    print()
    header = f"{'step':<18} " + " ".join(f"{label:>18}" for label, _ in devices)
    if len(devices) == 2:
        header += f" {'CPU / default':>14}"
    print(header)
    for name in results[devices[0][0]]:
        row = f"{name:<18} " + " ".join(f"{results[label][name]:>16.2f} s" for label, _ in devices)
        if len(devices) == 2:
            row += f" {results[devices[1][0]][name] / results[devices[0][0]][name]:>13.2f}x"
        print(row)
    if args.json:
        Path(args.json).write_text(json.dumps({"shape": args.shape, "volumes": args.volumes, "gpus": len(gpus),
                                               "tensorflow": tf.__version__, "seconds_per_volume": results},
                                              indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
