"""``volltrack train``: build patch datasets and train StarDist3D, the U-Net and N2V; optimise thresholds.

Sub-commands: ``prepare``, ``stardist``, ``unet``, ``n2v``, ``thresholds``. Defaults are the paper's
(depth 3, 48 start filters, kernel 3, 192 rays, learning rate 1e-4, batch 5, 100 epochs, patch 16x128x128).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

HELP = "train StarDist3D / U-Net / N2V models and optimise their thresholds (sub-commands: prepare, stardist, unet, n2v, thresholds)"


def _int_triple(text: str) -> tuple[int, int, int]:
    parts = text.replace("x", ",").split(",")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"expected three integers Z,Y,X (e.g. 16,128,128), got '{text}'")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected three integers Z,Y,X, got '{text}'") from None
    if min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected three sizes Z,Y,X, each >= 1, got '{text}'")
    return values


def _float_list(text: str) -> list[float]:
    try:
        return [float(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got '{text}'") from None


def _scale(text: str) -> tuple[float, float, float]:
    values = _float_list(text)
    if len(values) == 1:
        values = values * 3
    if len(values) != 3 or not all(0 < v <= 4 for v in values):
        raise argparse.ArgumentTypeError(f"expected one factor or three factors Z,Y,X in (0, 4] (e.g. 0.5 or "
                                         f"0.25,0.5,0.5), got '{text}'")
    return values[0], values[1], values[2]


def _anisotropy(text: str):
    if text == "auto":
        return None
    values = _float_list(text)
    if len(values) != 3 or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"expected 'auto' or three positive numbers Z,Y,X, got '{text}'")
    return tuple(values)


def _int_at_least(minimum: int):
    """An argparse type: an integer >= ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got '{text}'") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got '{text}'")
        return value
    return parse


def _number_in(low: float, high: float, *, low_open: bool = True, high_open: bool = True):
    """An argparse type: a number in the interval from ``low`` to ``high`` (open or closed ends)."""
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        inside = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
        if not inside:
            raise argparse.ArgumentTypeError(f"expected a number in {interval}, got '{text}'")
        return value
    return parse


def _thresholds(text: str) -> list[float]:
    """An argparse type: one or more comma-separated thresholds in (0, 1)."""
    values = _float_list(text)
    if not values or not all(0 < v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected one or more comma-separated numbers in (0, 1), got '{text}'")
    return values


def _add_network_options(parser: argparse.ArgumentParser) -> None:
    from volltrack.training.parameters import PAPER_DEFAULTS as P

    group = parser.add_argument_group("network and training (paper defaults)")
    group.add_argument("--model", type=Path, required=True, help="model folder to create (or to continue with --resume)")
    group.add_argument("--depth", type=_int_at_least(1), default=P["depth"], help="U-Net depth (patch / 2**depth must be integer)")
    group.add_argument("--filters", type=_int_at_least(1), default=P["start_filters"], help="filters of the first U-Net level")
    group.add_argument("--kernel", type=_int_at_least(1), default=P["kernel_size"], help="convolution kernel size")
    group.add_argument("--lr", type=_number_in(0, 1), default=P["learning_rate"], help="learning rate (Adam)")
    group.add_argument("--batch", type=_int_at_least(1), default=P["batch_size"], help="batch size")
    group.add_argument("--epochs", type=_int_at_least(1), default=P["epochs"], help="training epochs")
    group.add_argument("--steps", type=_int_at_least(1), default=None, help="steps per epoch (default: one pass over the patches)")
    group.add_argument("--patch", type=_int_triple, default=P["patch_shape"], help="training patch Z,Y,X")
    group.add_argument("--loss", choices=("mse", "mae"), default="mse", help="U-Net / N2V loss")
    group.add_argument("--seed", type=int, default=0, help="random seed")
    group.add_argument("--resume", action="store_true", help="continue training the model in --model from its weights")
    group.add_argument("--tensorboard", action="store_true", help="write TensorBoard logs into <model>/logs")


def _add_h5_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-dataset", default="raw", help="HDF5 input: dataset of the raw volume")
    parser.add_argument("--label-dataset", default="label", help="HDF5 input: dataset of the instance labels")


def _add_fine_tuning_options(parser: argparse.ArgumentParser, kind: str) -> None:
    group = parser.add_argument_group("fine-tuning and time budget")
    group.add_argument("--from", dest="from_model", type=Path, default=None, metavar="MODEL_FOLDER",
                       help=f"start from this {kind} model folder (or a models folder holding {kind}/, e.g. the "
                            "bundled demo models) instead of random weights; its architecture is kept and --model "
                            "is created as the fine-tuned copy")
    group.add_argument("--minutes", type=_number_in(0, float("inf")), default=None,
                       help="time budget of the whole command: stop training cleanly (weights saved) when it is "
                            "spent; --epochs is then the maximum")


def _parser(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_text, description=help_text,
                          formatter_class=argparse.ArgumentDefaultsHelpFormatter)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the ``prepare``, ``stardist``, ``unet``, ``n2v`` and ``thresholds`` sub-commands."""
    sub = parser.add_subparsers(dest="train_command", metavar="STEP", required=True)
    prepare = _parser(sub, "prepare", "cut augmented training patches from Raw/ + RealMask/ into an .npz")
    prepare.add_argument("folder", type=Path, help="folder with Raw/ and RealMask/ (same file names), or an .h5 file "
                                                   "or a folder of .h5 files (PlantSeg/ilastik: raw + label datasets)")
    prepare.add_argument("--out", type=Path, required=True, help="the .npz to write")
    prepare.add_argument("--patch", type=_int_triple, default=(16, 128, 128), help="patch Z,Y,X")
    prepare.add_argument("--patches-per-image", type=_int_at_least(1), default=16, help="patches per image (and per denoised copy)")
    prepare.add_argument("--copies", type=_int_at_least(0), default=1, help="augmented copies (flip/rotation + noise) per patch")
    prepare.add_argument("--validation", type=_number_in(0, 1), default=0.1, help="fraction of patches held out for validation")
    prepare.add_argument("--poisson", type=_number_in(0, float("inf"), low_open=False), default=30.0, help="Poisson noise: photons at intensity 1 (0 = off)")
    prepare.add_argument("--gaussian", type=_number_in(0, float("inf"), low_open=False), default=0.05, help="Gaussian noise sigma (0 = off)")
    prepare.add_argument("--no-flips", action="store_true", help="do not flip augmented copies")
    prepare.add_argument("--no-rotations", action="store_true", help="do not rotate augmented copies in XY")
    prepare.add_argument("--denoise-model", type=Path, help="N2V model folder: add denoised copies of every image")
    prepare.add_argument("--raw-dir", default="Raw", help="sub-folder of raw images")
    prepare.add_argument("--mask-dir", default="RealMask", help="sub-folder of instance label images")
    prepare.add_argument("--seed", type=int, default=0, help="random seed")
    prepare.add_argument("--scale", type=_scale, default=None,
                         help="resample the volumes by these factors Z,Y,X (or one for all) before cutting patches, "
                              "e.g. 0.5 for cells too large for the network (over ~30 voxels across); the models "
                              "trained on the patches record it and VollSeg resamples what it segments alike")
    prepare.add_argument("--merge-one-slice-labels", action="store_true",
                         help="give labels one Z slice thick that lie inside other cells (an annotation artefact "
                              "splitting them) to the cell above; without it they are only reported")
    _add_h5_options(prepare)

    stardist = _parser(sub, "stardist", "train a StarDist3D model on a prepared .npz")
    stardist.add_argument("data", type=Path, help=".npz from `volltrack train prepare`")
    _add_network_options(stardist)
    stardist.add_argument("--rays", type=_int_at_least(6), default=192, help="number of StarDist rays")
    stardist.add_argument("--grid", type=_int_triple, default=(1, 1, 1), help="StarDist output grid Z,Y,X")
    stardist.add_argument("--anisotropy", type=_anisotropy, default=None,
                          help="ray anisotropy Z,Y,X or 'auto' (from label extents) [default: auto]")
    stardist.add_argument("--dist-loss", choices=("mse", "mae"), default="mse",
                          help="distance loss (the paper: mse; StarDist's default: mae)")
    stardist.add_argument("--backbone", choices=("unet", "resnet"), default="unet", help="StarDist backbone")
    _add_fine_tuning_options(stardist, "stardist")

    unet = _parser(sub, "unet", "train the foreground U-Net (CSBDeep CARE, 1 channel) on a prepared .npz")
    unet.add_argument("data", type=Path, help=".npz from `volltrack train prepare`")
    _add_network_options(unet)
    unet.add_argument("--erosion", type=int, default=None,
                      help="train on cell interiors: every cell minus a rim of this many voxels, so touching cells "
                           "give separate U-Net components (0 = the plain mask labels > 0, as in the paper) "
                           "[default: as the --resume/--from model was trained, else 0]")
    _add_fine_tuning_options(unet, "unet")

    n2v = _parser(sub, "n2v", "train an N2V denoiser on the raw images of a folder (no labels needed)")
    n2v.add_argument("folder", type=Path, help="folder with Raw/ (or --raw-dir)")
    n2v.add_argument("--raw-dir", default="Raw", help="sub-folder of raw images")
    n2v.add_argument("--patches-per-image", type=_int_at_least(1), default=16, help="patches sampled per image")
    n2v.add_argument("--validation", type=_number_in(0, 1), default=0.1, help="fraction of patches held out for validation")
    _add_network_options(n2v)

    thresholds = _parser(sub, "thresholds", "optimise prob/NMS thresholds on validation data -> thresholds.json")
    thresholds.add_argument("data", type=Path, help="validation .npz (X_val/Y_val), a folder with Raw/ + RealMask/, "
                                                    "or .h5 file(s) with raw + label datasets")
    thresholds.add_argument("--models", type=Path, required=True,
                            help="models folder with stardist/ (and unet/, n2v/ for --target vollseg)")
    thresholds.add_argument("--target", choices=("vollseg", "stardist"), default="vollseg",
                            help="optimise for the full VollSeg output or for StarDist alone")
    thresholds.add_argument("--nms", type=_thresholds, default=[0.3, 0.4, 0.5], help="NMS thresholds to try")
    thresholds.add_argument("--iou", type=_number_in(0, 1, high_open=False), default=0.5, help="IoU for a match (vollseg target)")
    thresholds.add_argument("--prob-range", type=_float_list, default=[0.05, 0.95],
                            help="interval LOW,HIGH of the probability-threshold search (vollseg)")
    thresholds.add_argument("--evaluations", type=_int_at_least(1), default=8, help="segmentations per NMS threshold (vollseg)")
    thresholds.add_argument("--max-volumes", type=_int_at_least(1), default=None, help="use at most this many validation volumes")
    thresholds.add_argument("--merge-one-slice-labels", action="store_true",
                            help="repair labels one Z slice thick inside other cells first (as train prepare does)")
    thresholds.add_argument("--watershed-maps", default="stardist,unet,membrane",
                            help="what VollSeg's seeds may flood, compared (vollseg target): stardist (the StarDist "
                            "probability, as published), unet (the U-Net probability; for a U-Net trained with "
                            "--erosion), membrane (the image); the best is recorded as the models' default "
                            "(default: all three; unet only when there is a U-Net)")
    thresholds.add_argument("--suppression", choices=("fast", "exact"), default="fast",
                            help="StarDist's suppression of overlapping candidates during the search, as `volltrack "
                            "segment --nms` (default fast, segment's default; exact is many times slower)")
    _add_h5_options(thresholds)


def run(args: argparse.Namespace) -> int:
    """Run one ``volltrack train`` step."""
    from volltrack.training import steps

    return getattr(steps, f"run_{args.train_command}")(args)
