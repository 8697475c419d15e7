"""``volltrack evaluate-seg``: compare segmentations with ground truth (matching over IoU, MSE/SSIM, plots)."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "compare segmentations (VollSeg, StarDist, U-Net, ...) with ground-truth labels: table and plots"

#: Method subfolders of a ``volltrack segment`` output folder.
SEGMENT_METHODS = ("VollSeg", "StarDist", "UNet")


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``volltrack evaluate-seg``."""
    parser.add_argument("--gt", required=True, help="ground-truth label image (ZYX or TZYX)")
    parser.add_argument("--pred", required=True, action="append", metavar="[NAME=]PATH",
                        help="a predicted label image, or a 'volltrack segment' output folder (its VollSeg, "
                             "StarDist and UNet results); repeatable")
    parser.add_argument("--name", help="file name to pick in a segment output folder holding several")
    parser.add_argument("--out", required=True, help="output folder for the CSV tables and the plots")
    parser.add_argument("--thresholds", default="0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9",
                        help="comma-separated IoU thresholds (default 0.1 ... 0.9)")


def _pick(folder, name):
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in (".tif", ".tiff", ".npy") and not p.name.startswith("."))
    if name is not None:
        chosen = [p for p in files if p.name == name or p.stem == name]
        if not chosen:
            raise FileNotFoundError(f"{folder} holds no label file named {name!r} (it has "
                                    f"{', '.join(p.name for p in files) or 'none'}); was that input segmented?")
        files = chosen
    if len(files) != 1:
        raise ValueError(f"{folder} holds {len(files)} label files ({', '.join(p.name for p in files) or 'none'}); "
                         "give --name to choose one")
    return files[0]


def _split_spec(spec):
    """``NAME=PATH`` -> (NAME, PATH); a path that itself holds '=' and exists is taken whole."""
    if "=" in spec and not Path(spec).exists():
        label, _, path = spec.partition("=")
        return label, Path(path)
    return "", Path(spec)


def expand_predictions(specs, *, name=None):
    """Turn ``--pred`` values into an ordered dict method name -> label file.

    Raises
    ------
    FileNotFoundError
        A path does not exist.
    ValueError
        A folder holds no segment output, or two predictions get the same method name.
    """
    found = {}

    def add(method, path, spec):
        if method in found:
            raise ValueError(f"--pred {spec}: the name {method!r} is already taken by {found[method]}; give each "
                             "prediction its own name as NAME=PATH")
        found[method] = path

    for spec in specs:
        label, path = _split_spec(spec)
        if not path.exists():
            raise FileNotFoundError(f"--pred {spec}: {path} does not exist")
        if path.is_dir():
            methods = [m for m in SEGMENT_METHODS if (path / m).is_dir()]
            if not methods:
                raise ValueError(f"--pred {spec}: folder {path} has none of {', '.join(SEGMENT_METHODS)}/")
            for method in methods:
                add(f"{label}{'-' if label else ''}{method}", _pick(path / method, name), spec)
        else:
            add(label or path.stem, path, spec)
    return found


def _read_labels(path, name):
    from volltrack.io import read_image
    from volltrack.metrics.segmentation import validate_labels

    image, _meta = read_image(path)
    return validate_labels(image, name=name)


def _score(value):
    """A score for the terminal: 3 decimals, or 'undefined' for NaN (e.g. recall on an empty ground truth)."""
    return "undefined" if value != value else f"{value:.3f}"


def run(args: argparse.Namespace) -> int:
    """Evaluate every prediction; write metrics CSVs and plots; print the F1 at IoU 0.5."""
    from volltrack.io import atomic_write_text
    from volltrack.metrics.segmentation import compare_methods
    from volltrack.metrics.segmentation_plots import plot_comparison

    try:
        thresholds = tuple(float(t) for t in args.thresholds.split(","))
    except ValueError as error:
        raise ValueError(f"--thresholds must be comma-separated numbers; got {args.thresholds!r}") from error
    if not thresholds or not all(0 < t <= 1 for t in thresholds):
        raise ValueError(f"--thresholds must lie in (0, 1]; got {args.thresholds!r}")
    truth = _read_labels(args.gt, f"--gt {args.gt}")
    files = expand_predictions(args.pred, name=args.name)
    predictions = {method: _read_labels(path, f"--pred {method} ({path})") for method, path in files.items()}
    for method, labels in predictions.items():
        if labels.shape != truth.shape:
            raise ValueError(f"prediction {method} ({files[method]}) has shape {labels.shape}; expected the shape "
                             f"{truth.shape} of the ground truth {args.gt}")
    matching, masks = compare_methods(truth, predictions, thresholds=thresholds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "segmentation_metrics.csv", matching.to_csv(index=False))
    atomic_write_text(out / "mask_metrics.csv", masks.to_csv(index=False))
    plot_comparison(matching, masks, out)
    at_half = matching[(matching.threshold - 0.5).abs() < 1e-9]
    for row in at_half.itertuples():
        print(f"{row.method}: F1 {_score(row.f1)} at IoU 0.5 (precision {_score(row.precision)}, recall "
              f"{_score(row.recall)}; {row.n_true} true and {row.n_pred} predicted cells)")
    print(f"wrote {out / 'segmentation_metrics.csv'}, {out / 'mask_metrics.csv'} and plots")
    return 0
