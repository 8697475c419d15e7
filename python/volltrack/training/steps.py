"""The work behind each ``volltrack train`` sub-command (argument namespace in, exit code out)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def _parameters(args: argparse.Namespace, **extra):
    from volltrack.training.parameters import TrainingParameters

    return TrainingParameters(depth=args.depth, start_filters=args.filters, kernel_size=args.kernel,
                              learning_rate=args.lr, batch_size=args.batch, epochs=args.epochs,
                              steps_per_epoch=args.steps, patch_shape=args.patch, train_loss=args.loss,
                              seed=args.seed, tensorboard=args.tensorboard, **extra)


def _check_resume(args: argparse.Namespace, kind: str) -> None:
    """With --resume, refuse a model folder of another kind before any data is read."""
    if args.resume:
        from volltrack.training.model_folders import check_new_model_dir, check_resume_kind

        check_new_model_dir(args.model, resume=True)
        check_resume_kind(args.model, kind)


def _check_patch_fits(args: argparse.Namespace) -> None:
    """Refuse a training ``--patch`` larger than the patches stored in ``args.data`` (read from its header)."""
    from volltrack.training.dataset_checks import stored_patch_shape

    stored = stored_patch_shape(args.data)
    if stored is not None and any(p > d for p, d in zip(args.patch, stored)):
        raise ValueError(f"--patch {','.join(map(str, args.patch))} is larger than the patches of {args.data} "
                         f"{stored}; give a smaller --patch or prepare larger patches")


def run_prepare(args: argparse.Namespace) -> int:
    """``volltrack train prepare``: patches + augmentation -> .npz."""
    from volltrack.training.augmentation import AugmentationSettings
    from volltrack.training.patches import prepare_training_data

    denoiser = None
    if args.denoise_model is not None:
        from volltrack.training.n2v_training import n2v_denoiser

        denoiser = n2v_denoiser(args.denoise_model)
    augmentation = AugmentationSettings(flips=not args.no_flips, rotations=not args.no_rotations,
                                        poisson_photons=args.poisson, gaussian_sigma=args.gaussian)
    out = prepare_training_data(args.folder, args.out, patch_shape=args.patch,
                                n_patches_per_image=args.patches_per_image, n_augmented_copies=args.copies,
                                validation_fraction=args.validation, augmentation=augmentation, denoiser=denoiser,
                                raw_dir=args.raw_dir, mask_dir=args.mask_dir, seed=args.seed,
                                raw_dataset=args.raw_dataset, label_dataset=args.label_dataset,
                                merge_one_slice=args.merge_one_slice_labels, scale=args.scale)
    print(f"wrote {out}")
    return 0


def _check_from(args: argparse.Namespace, kind: str) -> None:
    """With --from, refuse --resume and a source that is no ``kind`` model before any data is read."""
    if args.from_model is not None:
        from volltrack.training.fine_tuning import source_model_dir

        if args.resume:
            raise ValueError("give either --from (start a new model from another) or --resume (continue --model)")
        source_model_dir(args.from_model, kind)


def run_stardist(args: argparse.Namespace) -> int:
    """``volltrack train stardist``."""
    from volltrack.training.fine_tuning import deadline_after
    from volltrack.training.patches import load_training_data
    from volltrack.training.stardist_training import train_stardist

    params = _parameters(args, n_rays=args.rays, grid=args.grid, anisotropy=args.anisotropy, backbone=args.backbone,
                         dist_loss=args.dist_loss)
    deadline = deadline_after(args.minutes)
    _check_resume(args, "stardist")
    _check_from(args, "stardist")
    _check_patch_fits(args)
    data = load_training_data(args.data)
    if params.anisotropy is None and args.from_model is None:
        params.anisotropy = _anisotropy_from_voxel_size(data)
    train_stardist(data, args.model, params=params, resume=args.resume, data_name=str(args.data),
                   from_model=args.from_model, deadline=deadline)
    print(f"StarDist3D model saved in {args.model}")
    return 0


def run_unet(args: argparse.Namespace) -> int:
    """``volltrack train unet``."""
    from volltrack.training.fine_tuning import deadline_after
    from volltrack.training.patches import load_training_data
    from volltrack.training.unet_training import train_unet

    deadline = deadline_after(args.minutes)
    _check_resume(args, "unet")
    _check_from(args, "unet")
    _check_patch_fits(args)
    if args.erosion is not None and args.erosion < 0:
        raise ValueError(f"--erosion must be >= 0 voxels, got {args.erosion}")
    data = load_training_data(args.data)
    train_unet(data, args.model, params=_parameters(args), resume=args.resume, data_name=str(args.data),
               erosion=args.erosion, from_model=args.from_model, deadline=deadline)
    print(f"U-Net model saved in {args.model}")
    return 0


def _anisotropy_from_voxel_size(data):
    """StarDist ray anisotropy from the voxel size recorded by ``train prepare`` (HDF5 ``element_size_um``),
    or None (then estimated from the label extents)."""
    voxel = data.parameters.get("voxel_size_um") if isinstance(data.parameters, dict) else None
    if not voxel:
        return None
    from volltrack.training.h5_volumes import anisotropy_from_voxel_size

    anisotropy = anisotropy_from_voxel_size(voxel)
    logger.info("StarDist anisotropy %s from the voxel size %s µm", anisotropy, voxel)
    return anisotropy


def run_n2v(args: argparse.Namespace) -> int:
    """``volltrack train n2v``."""
    from volltrack.training.n2v_training import raw_patches, train_n2v
    from volltrack.training.pairs import read_raw_images

    params = _parameters(args)
    _check_resume(args, "n2v")
    images = [image for _, image in read_raw_images(args.folder, raw_dir=args.raw_dir)]
    X, X_val = raw_patches(images, patch_shape=params.patch_shape, n_patches_per_image=args.patches_per_image,
                           validation_fraction=args.validation, seed=args.seed)
    train_n2v(X, X_val, args.model, params=params, resume=args.resume, data_name=str(args.folder))
    print(f"N2V model saved in {args.model}")
    return 0


def validation_volumes(path: Path, *, max_volumes: int | None = None, raw_dataset: str = "raw",
                       label_dataset: str = "label",
                       merge_one_slice: bool = False) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Validation images and labels from a prepared .npz (X_val/Y_val), a Raw/ + RealMask/ folder or HDF5 files.

    ``merge_one_slice`` repairs labels one Z slice thick inside other cells (see
    :mod:`volltrack.training.label_checks`) in the volumes read from a folder or HDF5 files.
    """
    from volltrack.training.h5_volumes import is_h5
    from volltrack.training.pairs import find_training_pairs, read_pair
    from volltrack.training.patches import load_training_data

    if path.is_dir() or is_h5(path):
        pairs = find_training_pairs(path, raw_dataset=raw_dataset, label_dataset=label_dataset)[:max_volumes]
        loaded = [read_pair(pair) for pair in pairs]
        if merge_one_slice:
            from volltrack.training.label_checks import merge_one_slice_labels

            loaded = [(raw, merge_one_slice_labels(labels)[0]) for raw, labels in loaded]
        return [raw for raw, _ in loaded], [labels for _, labels in loaded]
    data = load_training_data(path)
    return list(data.X_val[:max_volumes]), list(data.Y_val[:max_volumes])


def _prob_range(values: list[float]) -> tuple[float, float]:
    if len(values) != 2 or not 0 < values[0] < values[1] < 1:
        raise ValueError(f"--prob-range must be LOW,HIGH with 0 < LOW < HIGH < 1, got {values}")
    return values[0], values[1]


def run_thresholds(args: argparse.Namespace) -> int:
    """``volltrack train thresholds``: optimise (prob, nms) and write stardist/thresholds.json."""
    from volltrack.training import thresholds as th
    from volltrack.training.augmentation import normalize_percentile

    prob_range = _prob_range(args.prob_range)
    star_dir = Path(args.models) / "stardist"
    if not (star_dir / "config.json").is_file():
        raise FileNotFoundError(f"{args.models} holds no StarDist model folder stardist/ with a config.json")
    from volltrack.segmentation.models import check_models_folder

    # every model used must be complete: a StarDist folder without weights would load random weights
    check_models_folder(args.models, unet=args.target == "vollseg", n2v=False)   # VollSeg's default: no N2V
    images, labels = validation_volumes(Path(args.data), max_volumes=args.max_volumes,
                                        raw_dataset=args.raw_dataset, label_dataset=args.label_dataset,
                                        merge_one_slice=args.merge_one_slice_labels)
    if args.target == "stardist":
        from stardist.models import StarDist3D

        model = StarDist3D(None, name=star_dir.name, basedir=str(star_dir.parent))
        result = th.optimize_stardist_thresholds(model, [normalize_percentile(x) for x in images], labels,
                                                 nms_threshs=args.nms)
    else:
        from volltrack.training.vollseg_adapter import vollseg_segmenters

        segmenters = vollseg_segmenters(args.models, _watershed_maps(args), suppression=args.suppression)
        by_map = {}
        for watershed_map, segment in segmenters.items():     # the networks run once per volume for all maps
            found = th.optimize_vollseg_thresholds(images, labels, segment=segment, nms_threshs=args.nms,
                                                   iou_thresh=args.iou, prob_range=prob_range,
                                                   max_evaluations=args.evaluations)
            print(f"watershed map {watershed_map}: prob_thresh={found.prob:.3f} nms_thresh={found.nms:.2f} "
                  f"(F1 {found.score:.3f})")
            by_map[watershed_map] = found
        chosen = max(by_map, key=lambda m: by_map[m].score)     # ties: the first (stardist, the published map)
        result = by_map[chosen]
        extra = dict(watershed_map=chosen, suppression=args.suppression,
                     scores_by_watershed_map={m: round(r.score, 4) for m, r in by_map.items()})
        path = th.write_thresholds(star_dir, result, target=args.target, iou_thresh=args.iou,
                                   n_validation=len(images), **extra)
        print(f"prob_thresh={result.prob:.3f} nms_thresh={result.nms:.2f} watershed_map={chosen} "
              f"(F1 {result.score:.3f}) written to {path}")
        return 0
    path = th.write_thresholds(star_dir, result, target=args.target, iou_thresh=args.iou, n_validation=len(images))
    print(f"prob_thresh={result.prob:.3f} nms_thresh={result.nms:.2f} (F1 {result.score:.3f}) written to {path}")
    return 0


def _watershed_maps(args: argparse.Namespace) -> list[str]:
    """The watershed maps ``train thresholds`` compares: --watershed-maps, without "unet" when there is no U-Net."""
    from volltrack.segmentation.watershed import WATERSHED_MAPS

    maps = [m.strip() for m in args.watershed_maps.split(",") if m.strip()]
    unknown = [m for m in maps if m not in WATERSHED_MAPS]
    if not maps or unknown:
        raise ValueError(f"--watershed-maps: expected one or more of {', '.join(WATERSHED_MAPS)} separated by "
                         f"commas, got {args.watershed_maps!r}")
    if "unet" in maps and not (Path(args.models) / "unet" / "config.json").is_file():
        if maps == ["unet"]:
            raise ValueError(f"--watershed-maps unet needs a U-Net: {args.models} has no unet/ model folder")
        maps.remove("unet")
    return list(dict.fromkeys(maps))
