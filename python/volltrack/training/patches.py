"""Training patch datasets: sample (Z, Y, X) patches from Raw/RealMask pairs, augment them, save one .npz.

The dataset is written image by image into memory-mapped arrays in a temporary folder beside the output and
then streamed into the .npz, so only one image and its patches are in memory at a time. A patch and its
augmented copies always go to the same split (training or validation), so validation never sees a noisy copy
of a training patch.

The .npz holds ``X``/``X_val`` (float32, percentile-normalised raw), ``Y``/``Y_val`` (int32 instance labels),
``names``/``names_val`` (source image of each patch), ``axes`` ("SZYX") and ``parameters`` (JSON).
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np
from tqdm.auto import tqdm

from volltrack.io.atomic import atomic_write
from volltrack.training.augmentation import AugmentationSettings, augmented_copy, normalize_percentile
from volltrack.training.dataset_checks import check_training_arrays, read_training_arrays
from volltrack.training.pairs import find_training_pairs, pair_voxel_size, read_pair

logger = logging.getLogger(__name__)

Denoiser = Callable[[np.ndarray], np.ndarray]


@dataclass
class TrainingData:
    """Training and validation patches as loaded from a prepared .npz."""

    X: np.ndarray
    Y: np.ndarray
    X_val: np.ndarray
    Y_val: np.ndarray
    parameters: dict = field(default_factory=dict)

    @property
    def patch_shape(self) -> tuple[int, int, int]:
        """Shape (Z, Y, X) of one patch."""
        return tuple(self.X.shape[1:])


def sample_patch_corners(labels: np.ndarray, *, patch_shape: tuple[int, int, int], n_patches: int,
                         rng: np.random.Generator, foreground_fraction: float = 0.9) -> np.ndarray:
    """Pick patch origins, most of them centred on a random foreground voxel.

    Parameters
    ----------
    labels : ndarray of shape (Z, Y, X)
    patch_shape : tuple of int
        Patch (Z, Y, X); must fit inside ``labels``.
    n_patches : int
    rng : numpy.random.Generator
    foreground_fraction : float, default 0.9
        Fraction of patches centred on a labelled voxel (when there is one); the rest are uniform.

    Returns
    -------
    ndarray of shape (n_patches, 3), int
    """
    shape, patch = np.array(labels.shape), np.array(patch_shape)
    if np.any(patch > shape):
        raise ValueError(f"patch {tuple(patch_shape)} is larger than the image {tuple(labels.shape)}; "
                         f"choose a smaller --patch (Z, Y, X)")
    high = shape - patch + 1
    corners = np.stack([rng.integers(0, h, n_patches) for h in high], axis=1)
    foreground = np.flatnonzero(labels)
    if foreground.size:
        use = rng.random(n_patches) < foreground_fraction
        centres = np.stack(np.unravel_index(rng.choice(foreground, int(use.sum())), labels.shape), axis=1)
        corners[use] = np.clip(centres - patch // 2, 0, high - 1)
    return corners


def _patch_count(n_images: int, n_sources: int, n_patches: int, n_copies: int,
                 validation_fraction: float) -> tuple[int, int]:
    groups = n_images * n_sources * n_patches
    n_val = int(round(groups * validation_fraction))
    if validation_fraction > 0:
        n_val = min(max(n_val, 1), groups - 1)
    if groups - n_val < 1:
        raise ValueError(f"only {groups} patch group(s): too few for a validation split of {validation_fraction}")
    return (groups - n_val) * (1 + n_copies), n_val * (1 + n_copies)


class _PatchWriter:
    """Memory-mapped training/validation arrays filled group by group."""

    def __init__(self, folder: Path, n_train: int, n_val: int, patch_shape: tuple[int, int, int]):
        self.arrays = {}
        for key, n, dtype in (("X", n_train, np.float32), ("Y", n_train, np.int32),
                              ("X_val", n_val, np.float32), ("Y_val", n_val, np.int32)):
            self.arrays[key] = np.lib.format.open_memmap(folder / f"{key}.npy", mode="w+", dtype=dtype,
                                                         shape=(n,) + tuple(patch_shape))
        self.names = {"": [], "_val": []}

    def add(self, raw: np.ndarray, labels: np.ndarray, *, name: str, validation: bool) -> None:
        suffix = "_val" if validation else ""
        index = len(self.names[suffix])
        self.arrays["X" + suffix][index] = raw
        self.arrays["Y" + suffix][index] = labels
        self.names[suffix].append(name)

    def save(self, out_path: Path, parameters: dict) -> None:
        for array in self.arrays.values():
            array.flush()
        with atomic_write(out_path, "wb") as handle:
            np.savez(handle, **self.arrays, names=np.array(self.names[""]), names_val=np.array(self.names["_val"]),
                     axes=np.array("SZYX"), parameters=np.array(json.dumps(parameters)))


def prepare_training_data(folder: str | Path, out_path: str | Path, *,
                          patch_shape: tuple[int, int, int] = (16, 128, 128), n_patches_per_image: int = 16,
                          n_augmented_copies: int = 1, validation_fraction: float = 0.1,
                          augmentation: AugmentationSettings = AugmentationSettings(),
                          denoiser: Optional[Denoiser] = None, raw_dir: str = "Raw", mask_dir: str = "RealMask",
                          seed: int = 0, raw_dataset: str = "raw", label_dataset: str = "label",
                          merge_one_slice: bool = False, scale: Optional[tuple[float, float, float]] = None) -> Path:
    """Build an augmented patch dataset from ``folder/Raw`` and ``folder/RealMask`` into one .npz.

    Parameters
    ----------
    folder : str or Path
        Training folder with ``raw_dir`` and ``mask_dir`` of paired ZYX TIFFs; or an HDF5 file, or a folder of
        them, holding ``raw_dataset`` and ``label_dataset`` (PlantSeg/ilastik layout).
    out_path : str or Path
        The .npz to write (atomically).
    patch_shape : tuple of int, default (16, 128, 128)
        Patch (Z, Y, X), the paper's value.
    n_patches_per_image : int, default 16
        Patches sampled per image (and per denoised copy), the paper's value.
    n_augmented_copies : int, default 1
        Augmented copies (flip/rotation + noise) stored beside each patch.
    validation_fraction : float, default 0.1
        Fraction of patch groups held out for validation, in (0, 1); at least one group.
    augmentation : AugmentationSettings, optional
    denoiser : callable, optional
        ``denoiser(raw) -> denoised``; when given, each image's denoised version is a further source of
        patches with the same labels (the paper's "denoised copies").
    raw_dir, mask_dir : str, default "Raw" and "RealMask"
    seed : int, default 0
    raw_dataset, label_dataset : str, default "raw" and "label"
        HDF5 dataset names. The voxel size (``element_size_um``) of HDF5 volumes is recorded as
        ``voxel_size_um`` in the dataset parameters when all volumes agree; StarDist training takes its
        anisotropy from it.
    merge_one_slice : bool, default False
        Give labels that are one Z slice thick inside other cells (an annotation artefact, see
        :mod:`volltrack.training.label_checks`) to the cell above them; without it they are only reported.
    scale : tuple of 3 float, optional
        Resample every volume by these factors (Z, Y, X) before cutting patches (raw: linear, labels: nearest),
        e.g. (0.5, 0.5, 0.5) for cells too large for the network; recorded as ``input_scale`` and passed on to
        the models trained on the patches, so that VollSeg resamples the volumes it segments the same way
        (:mod:`volltrack.segmentation.input_scale`). ``patch_shape`` is in resampled voxels.

    Returns
    -------
    Path
        The written .npz.
    """
    if n_patches_per_image < 1 or n_augmented_copies < 0:
        raise ValueError(f"need --patches-per-image >= 1 and --copies >= 0; got {n_patches_per_image} and "
                         f"{n_augmented_copies}")
    if not 0 < validation_fraction < 1:
        raise ValueError(f"--validation must lie strictly between 0 and 1 (StarDist and CSBDeep training need "
                         f"held-out patches); got {validation_fraction}")
    if min(patch_shape) < 1:
        raise ValueError(f"--patch must be three sizes >= 1 (Z, Y, X); got {tuple(patch_shape)}")
    out_path = Path(out_path)
    if not out_path.parent.is_dir():
        raise FileNotFoundError(f"output folder {out_path.parent} does not exist")
    pairs = find_training_pairs(folder, raw_dir=raw_dir, mask_dir=mask_dir, raw_dataset=raw_dataset,
                                label_dataset=label_dataset)
    n_sources = 2 if denoiser is not None else 1
    n_train, n_val = _patch_count(len(pairs), n_sources, n_patches_per_image, n_augmented_copies,
                                  validation_fraction)
    rng = np.random.default_rng(seed)
    n_groups = len(pairs) * n_sources * n_patches_per_image
    val_groups = set(rng.permutation(n_groups)[: n_val // (1 + n_augmented_copies)].tolist())
    parameters = dict(folder=str(folder), patch_shape=list(patch_shape), n_patches_per_image=n_patches_per_image,
                      n_augmented_copies=n_augmented_copies, validation_fraction=validation_fraction,
                      augmentation=asdict(augmentation), denoised_copies=denoiser is not None, seed=seed,
                      normalization="percentile 1-99.8 per image", images=[p.name for p in pairs])
    if scale is not None:
        from volltrack.segmentation.input_scale import check_scale, is_identity

        scale = None if is_identity(check_scale(scale, where="--scale")) else check_scale(scale)
        if scale is not None:
            parameters["input_scale"] = list(scale)
    voxel_sizes = {pair_voxel_size(pair) for pair in pairs}
    if len(voxel_sizes) == 1 and None not in voxel_sizes:
        voxel = voxel_sizes.pop()
        parameters["voxel_size_um"] = list(voxel if scale is None else (v / s for v, s in zip(voxel, scale)))
    elif len(voxel_sizes) > 1:
        logger.warning("the training volumes have different voxel sizes %s; not recording one (StarDist "
                       "anisotropy will be estimated from the label extents)", sorted(map(str, voxel_sizes)))
    with tempfile.TemporaryDirectory(prefix=".prepare-", dir=out_path.parent) as scratch:
        writer = _PatchWriter(Path(scratch), n_train, n_val, patch_shape)
        group, labelled, cell_sizes = 0, False, []
        for pair in tqdm(pairs, desc="training patches", unit="image"):
            raw, labels = read_pair(pair)
            labels = _checked_labels(labels, pair.name, merge=merge_one_slice, record=parameters)
            labelled = labelled or bool(labels.any())
            sources = [raw] if denoiser is None else [raw, denoiser(raw)]
            if scale is not None:
                sources, labels = _resampled(sources, labels, scale, name=pair.name, patch_shape=patch_shape)
            cell_sizes.append(_cell_size(sources[0]))
            for source in sources:
                normalized = normalize_percentile(source)
                corners = sample_patch_corners(labels, patch_shape=patch_shape, n_patches=n_patches_per_image,
                                               rng=rng)
                for corner in corners:
                    window = tuple(slice(c, c + p) for c, p in zip(corner, patch_shape))
                    patch_raw, patch_labels = normalized[window], labels[window]
                    validation = group in val_groups
                    writer.add(patch_raw, patch_labels, name=pair.name, validation=validation)
                    for _ in range(n_augmented_copies):
                        copy_raw, copy_labels = augmented_copy(patch_raw, patch_labels, rng=rng, settings=augmentation)
                        writer.add(copy_raw, copy_labels, name=pair.name, validation=validation)
                    group += 1
        if not labelled:
            raise ValueError(f"no image in {Path(folder) / mask_dir} holds a labelled cell; expected instance labels "
                             "(1, 2, ... per cell, 0 = background)")
        measured = np.array([size for size in cell_sizes if None not in size], float)
        if len(measured):
            parameters["cell_size"] = [round(float(v), 2) for v in np.median(measured, axis=0)]
        writer.save(out_path, parameters)
        del writer
    logger.info("wrote %d training and %d validation patches to %s", n_train, n_val, out_path)
    return out_path


def _cell_size(raw):
    """The cell size of one (resampled) training volume as ``vollseg(scale="auto")`` measures it (recorded with the
    models trained on the patches, as the size the volumes they segment are brought to)."""
    from volltrack.segmentation.cell_size import estimate_cell_size

    return estimate_cell_size(raw).size


def _resampled(sources, labels, scale, *, name, patch_shape):
    """Resample raw sources (linear) and labels (nearest) by ``scale``; the patch must still fit."""
    from volltrack.segmentation.input_scale import resample_labels, resample_volume, scaled_shape

    shape = scaled_shape(labels.shape, scale)
    if any(p > n for p, n in zip(patch_shape, shape)):
        raise ValueError(f"{name}: resampled by --scale {','.join(map(str, scale))} the volume is {shape}, smaller "
                         f"than the patch {tuple(patch_shape)}; give a smaller --patch")
    return [resample_volume(source, scale) for source in sources], resample_labels(labels, shape)


def _checked_labels(labels: np.ndarray, name: str, *, merge: bool, record: dict) -> np.ndarray:
    """Report (and with ``merge`` repair) labels one Z slice thick inside other cells."""
    from volltrack.training.label_checks import describe_one_slice_labels, merge_one_slice_labels, one_slice_labels

    if not merge:
        found = one_slice_labels(labels)
        if found:
            logger.warning("%s: %d labels are one Z slice thick and lie inside other cells (%s), an annotation "
                           "artefact that splits those cells; --merge-one-slice-labels gives them to the cell "
                           "above", name, len(found), describe_one_slice_labels(found))
        return labels
    labels, merged = merge_one_slice_labels(labels)
    if merged:
        logger.warning("%s: merged %d labels one Z slice thick into the cells above or below them (%s)", name,
                       len(merged), describe_one_slice_labels(merged))
        record.setdefault("merged_one_slice_labels", {})[name] = len(merged)
    return labels


def load_training_data(path: str | Path) -> TrainingData:
    """Load a dataset written by :func:`prepare_training_data`.

    Raises
    ------
    FileNotFoundError, ValueError
        Missing file; not an .npz, truncated or corrupt; missing arrays; shapes that disagree; non-finite raw
        patches; labels that are not non-negative integers. The one-line message names the file and what was
        expected.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"training data {path} does not exist (make it with `volltrack train prepare`)")
    arrays, parameters = read_training_arrays(path)
    return TrainingData(**check_training_arrays(arrays, path), parameters=parameters)
