"""Find and read paired training images: ``Raw/<name>.tif`` with ``RealMask/<name>.tif`` (instance labels).

This is the folder convention of the paper's training notebooks; the binary masks that the U-Net needs are
derived from the instance labels (``labels > 0``), so no ``BinaryMask/`` folder is required.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".tif", ".tiff")


@dataclass(frozen=True)
class TrainingPair:
    """One raw image and its instance label image, matched by file name."""

    name: str
    raw_path: Path
    mask_path: Path


def _images_in(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"training folder {folder} does not exist (expected a folder of .tif images)")
    # hidden files are skipped: macOS "._name.tif" resource forks, temporary files of interrupted writes
    images = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith("."):
            if path.stem in images:
                raise ValueError(f"{images[path.stem]} and {path} have one name; keep one of them (images are "
                                 "paired with their labels by name)")
            images[path.stem] = path
    if not images:
        others = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise FileNotFoundError(f"no .tif/.tiff images in {folder}" + (f" (it holds {shown}: save them as TIFF)"
                                                                        if others else ""))
    return images


def find_training_pairs(folder: str | Path, *, raw_dir: str = "Raw", mask_dir: str = "RealMask") -> list[TrainingPair]:
    """List the raw/label image pairs of a training folder.

    Parameters
    ----------
    folder : str or Path
        Folder holding ``raw_dir`` and ``mask_dir``.
    raw_dir : str, default "Raw"
        Sub-folder of raw images (``.tif``/``.tiff``, one ZYX volume each).
    mask_dir : str, default "RealMask"
        Sub-folder of instance label images with the same file names.

    Returns
    -------
    list of TrainingPair
        Sorted by name.

    Raises
    ------
    FileNotFoundError
        A folder is missing or holds no images.
    ValueError
        Some images have no partner; the message lists them.
    """
    folder = Path(folder)
    raws, masks = _images_in(folder / raw_dir), _images_in(folder / mask_dir)
    only_raw, only_mask = sorted(set(raws) - set(masks)), sorted(set(masks) - set(raws))
    if only_raw or only_mask:
        parts = []
        if only_raw:
            parts.append(f"in {raw_dir}/ without a label image in {mask_dir}/: {', '.join(only_raw)}")
        if only_mask:
            parts.append(f"in {mask_dir}/ without a raw image in {raw_dir}/: {', '.join(only_mask)}")
        raise ValueError(f"unpaired training images in {folder}: " + "; ".join(parts))
    return [TrainingPair(name, raws[name], masks[name]) for name in sorted(raws)]


def read_volume(path: Path) -> np.ndarray:
    """Read one ZYX volume from a TIFF file, with a clear error for anything else (other shapes, NaN/inf)."""
    import tifffile

    try:
        image = tifffile.imread(path)
    except Exception as exc:  # tifffile raises many types for corrupt files
        raise ValueError(f"cannot read {path}: {exc}") from exc
    image = np.squeeze(image)
    if image.ndim != 3:
        raise ValueError(f"{path}: expected one 3D volume (Z, Y, X), got an image of shape {image.shape}")
    if image.dtype.kind not in "biuf":
        raise ValueError(f"{path}: expected a numeric (integer or float) volume, got dtype {image.dtype}")
    if image.dtype.kind == "f" and not np.isfinite(image).all():
        bad = int(image.size - np.count_nonzero(np.isfinite(image)))
        raise ValueError(f"{path}: holds {bad} NaN or infinite voxels; expected finite intensities (fill or crop "
                         "them before training)")
    return image


def read_pair(pair: TrainingPair) -> tuple[np.ndarray, np.ndarray]:
    """Read a raw volume and its labels, checking that they match.

    Returns
    -------
    raw : ndarray of shape (Z, Y, X), float32
    labels : ndarray of shape (Z, Y, X), int32
        Instance labels, 0 = background.
    """
    raw, labels = read_volume(pair.raw_path), read_volume(pair.mask_path)
    if raw.shape != labels.shape:
        raise ValueError(f"shape mismatch for '{pair.name}': raw {pair.raw_path} has shape {raw.shape}, "
                         f"labels {pair.mask_path} have shape {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.all(np.equal(np.mod(labels, 1), 0)):
            raise ValueError(f"{pair.mask_path}: expected integer instance labels, got {labels.dtype} with fractions")
    if labels.min() < 0:
        raise ValueError(f"{pair.mask_path}: labels must be >= 0, found {labels.min()}")
    if labels.max() == 0:
        logger.warning("%s holds no labelled cell", pair.mask_path)
    elif labels.max() == 1:
        _warn_if_binary_mask(labels, pair.mask_path)
    return raw.astype(np.float32, copy=False), labels.astype(np.int32, copy=False)


def _warn_if_binary_mask(labels: np.ndarray, path: Path) -> None:
    """Warn when label 1 covers several separate objects: a binary mask given where instance labels belong."""
    from scipy import ndimage as ndi

    _, n_objects = ndi.label(labels > 0)
    if n_objects > 1:
        logger.warning("%s holds only label 1, on %d separate objects: a binary mask? StarDist learns one "
                       "instance per label, so give one label per cell (e.g. skimage.measure.label of the mask, "
                       "if no cells touch)", path, n_objects)


def read_raw_images(folder: str | Path, *, raw_dir: str = "Raw") -> list[tuple[str, np.ndarray]]:
    """Read every raw volume of ``folder/raw_dir`` (for N2V, which needs no labels)."""
    raws = _images_in(Path(folder) / raw_dir)
    return [(name, read_volume(path).astype(np.float32, copy=False)) for name, path in raws.items()]
