"""Find and read paired training images: ``Raw/<name>.tif`` with ``RealMask/<name>.tif`` (instance labels).

This is the folder convention of the paper's training notebooks; the binary masks that the U-Net needs are
derived from the instance labels (``labels > 0``), so no ``BinaryMask/`` folder is required. HDF5 files in the
PlantSeg/ilastik layout (raw and labels as two datasets of one ``.h5``) are read too: give one ``.h5`` file, or a
folder of them instead of ``Raw/`` + ``RealMask/`` (see :mod:`volltrack.training.h5_volumes`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from volltrack.training.h5_volumes import H5_SUFFIXES, is_h5, read_h5_volume, read_h5_voxel_size

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".tif", ".tiff")


@dataclass(frozen=True)
class TrainingPair:
    """One raw image and its instance label image, matched by file name (or two datasets of one HDF5 file)."""

    name: str
    raw_path: Path
    mask_path: Path
    raw_dataset: Optional[str] = None
    mask_dataset: Optional[str] = None


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


def find_training_pairs(folder: str | Path, *, raw_dir: str = "Raw", mask_dir: str = "RealMask",
                        raw_dataset: str = "raw", label_dataset: str = "label") -> list[TrainingPair]:
    """List the raw/label image pairs of a training folder (or of HDF5 files).

    Parameters
    ----------
    folder : str or Path
        Folder holding ``raw_dir`` and ``mask_dir``; or one ``.h5`` file, or a folder of ``.h5`` files (when it
        has no ``raw_dir``), each holding ``raw_dataset`` and ``label_dataset``.
    raw_dir : str, default "Raw"
        Sub-folder of raw images (``.tif``/``.tiff``, one ZYX volume each).
    mask_dir : str, default "RealMask"
        Sub-folder of instance label images with the same file names.
    raw_dataset, label_dataset : str, default "raw" and "label"
        Datasets of the raw volume and the instance labels in HDF5 files (PlantSeg names).

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
    h5_files = _h5_files(folder, raw_dir)
    if h5_files is not None:
        return [TrainingPair(path.stem, path, path, raw_dataset, label_dataset) for path in h5_files]
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


def _h5_files(folder: Path, raw_dir: str) -> Optional[list[Path]]:
    """The HDF5 training files ``folder`` is or holds (None: a Raw/ + RealMask/ TIFF folder)."""
    if folder.is_file():
        if not is_h5(folder):
            raise ValueError(f"training data {folder} is a file but not HDF5 ({', '.join(H5_SUFFIXES)}); give a "
                             f"folder with {raw_dir}/ and label images, or an .h5 file")
        return [folder]
    if folder.is_dir() and not (folder / raw_dir).is_dir():
        files = sorted(p for p in folder.iterdir() if p.is_file() and is_h5(p) and not p.name.startswith("."))
        if files:
            return files
    return None


def read_volume(path: Path, dataset: Optional[str] = None) -> np.ndarray:
    """Read one ZYX volume from a TIFF file (or ``dataset`` of an HDF5 file), with a clear error for anything
    else (other shapes, NaN/inf)."""
    import tifffile

    if dataset is not None:
        image, _ = read_h5_volume(path, dataset)
        path = f"{path}:{dataset}"
    else:
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
    raw, labels = read_volume(pair.raw_path, pair.raw_dataset), read_volume(pair.mask_path, pair.mask_dataset)
    if raw.shape != labels.shape:
        raise ValueError(f"shape mismatch for '{pair.name}': raw {_where(pair.raw_path, pair.raw_dataset)} has shape "
                         f"{raw.shape}, labels {_where(pair.mask_path, pair.mask_dataset)} have shape {labels.shape}")
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


def _where(path: Path, dataset: Optional[str]) -> str:
    return str(path) if dataset is None else f"{path}:{dataset}"


def pair_voxel_size(pair: TrainingPair) -> Optional[tuple[float, float, float]]:
    """The voxel size (Z, Y, X µm) of a pair's raw volume when its file records one (HDF5 ``element_size_um``)."""
    if pair.raw_dataset is None:
        return None
    return read_h5_voxel_size(pair.raw_path, pair.raw_dataset)


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
