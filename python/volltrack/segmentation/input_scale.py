"""Networks trained on resampled volumes: the scale factors a model folder records, and resampling by them.

Cells far larger (in voxels) than a network's receptive field and training patches are out of its reach: the
plant cells of issue 17 are 40-60 voxels across, the bundled models learnt cells of about 25. ``volltrack train
prepare --scale Z,Y,X`` resamples the annotated volumes by those factors before cutting patches (0.5 halves
an axis), and the networks trained on them record the factors in ``input_scale.json`` in their model folder.
VollSeg then resamples every volume by the same factors before the networks, segments at that scale, and
brings the labels (and maps) back to the volume's own grid by nearest-neighbour lookup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

#: File in a StarDist or U-Net model folder recording the factors its input volumes are resampled by.
SCALE_FILE = "input_scale.json"

Scale = tuple[float, float, float]


def check_scale(scale: Any, *, where: str = "scale") -> Scale:
    """Three factors (Z, Y, X), each in (0, 4]; raise ValueError naming ``where`` otherwise."""
    try:
        values = tuple(float(v) for v in scale)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected three scale factors Z,Y,X, got {scale!r}") from None
    if len(values) != 3 or not all(0 < v <= 4 for v in values):
        raise ValueError(f"{where}: expected three scale factors Z,Y,X in (0, 4], got {scale!r}")
    return values[0], values[1], values[2]


def is_identity(scale: Optional[Scale]) -> bool:
    """True for None or (1, 1, 1)."""
    return scale is None or all(v == 1 for v in scale)


def read_input_scale(model_dir: str | Path) -> Optional[Scale]:
    """The factors recorded in ``model_dir/input_scale.json``; None when there is no such file or they are 1, 1, 1."""
    path = Path(model_dir) / SCALE_FILE
    if not path.is_file():
        return None
    try:
        scale = json.loads(path.read_text())["input_scale"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: expected a JSON object with 'input_scale': [Z, Y, X], could not read it "
                         f"({error})") from None
    checked = check_scale(scale, where=str(path))
    return None if is_identity(checked) else checked


def scaled_shape(shape: Sequence[int], scale: Scale) -> tuple[int, int, int]:
    """The (Z, Y, X) shape of a volume of ``shape`` resampled by ``scale`` (at least 1 voxel per axis)."""
    z, y, x = (max(1, int(round(n * s))) for n, s in zip(shape, scale))
    return z, y, x


def resample_volume(volume: np.ndarray, scale: Scale) -> np.ndarray:
    """Resample an intensity volume by ``scale`` (linear interpolation, anti-aliased when shrinking), float32."""
    from skimage.transform import resize

    volume = np.asarray(volume, np.float32)
    shape = scaled_shape(volume.shape, scale)
    if shape == volume.shape:
        return volume
    resized: np.ndarray = resize(volume, shape, order=1, preserve_range=True,  # type: ignore[no-untyped-call]
                                 anti_aliasing=any(s < 1 for s in scale), mode="edge")
    return resized.astype(np.float32)


def resample_labels(labels: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Nearest-neighbour resampling of a label (or any) volume to ``shape`` (voxel centres matched)."""
    labels = np.asarray(labels)
    if tuple(labels.shape) == tuple(shape):
        return labels
    index = [np.minimum(((np.arange(n) + 0.5) * m / n).astype(np.intp), m - 1)
             for n, m in zip(shape, labels.shape)]
    return labels[np.ix_(*index)]


#: Key of ``input_scale.json`` holding the cell size (Z, Y, X voxels, on the resampled grid) the networks learnt,
#: as :func:`~volltrack.segmentation.cell_size.estimate_cell_size` measures it on their training volumes.
CELL_SIZE_KEY = "cell_size"


def read_cell_size(model_dir: str | Path) -> Optional[Scale]:
    """The training cell size recorded in ``model_dir/input_scale.json``; None when not recorded."""
    path = Path(model_dir) / SCALE_FILE
    if not path.is_file():
        return None
    try:
        size = json.loads(path.read_text()).get(CELL_SIZE_KEY)
    except (ValueError, AttributeError) as error:
        raise ValueError(f"{path}: expected a JSON object, could not read it ({error})") from None
    if size is None:
        return None
    try:
        values = tuple(float(v) for v in size)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 3 or not all(v > 0 for v in values):
        raise ValueError(f"{path}: '{CELL_SIZE_KEY}' must be three positive sizes Z,Y,X in voxels; got {size!r}")
    return values[0], values[1], values[2]


def parse_scale(text: Any, *, where: str = "--scale") -> Optional[Scale | str]:
    """``"auto"``, three factors (``"Z,Y,X"`` or a sequence) or None (also ``"models"``: the models' own input
    scale); raise ValueError naming ``where`` otherwise."""
    if text is None or (isinstance(text, str) and text.strip().lower() in ("auto", "models")):
        return None if text is None or text.strip().lower() == "models" else "auto"
    if isinstance(text, str):
        parts = text.split(",")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"{where}: expected 'auto', 'models' or three scale factors Z,Y,X (e.g. 0.5,1,1), "
                             f"got {text!r}") from None
        return check_scale(values, where=where)
    return check_scale(text, where=where)


def resolve_scale(volume: np.ndarray, models: Any, scale: Any = None) -> tuple[Optional[Scale], dict[str, Any]]:
    """The factors a volume is resampled by before the networks, and a record of how they were chosen.

    ``scale`` None: the models' ``input_scale`` (their ``input_scale.json``; None = not resampled); three
    factors: those; ``"auto"``: the factors bringing the cell size of the volume
    (:func:`~volltrack.segmentation.cell_size.estimate_cell_size`) to the models' training ``cell_size``
    (:func:`~volltrack.segmentation.cell_size.auto_factors`; factors all within 20 % of 1 are taken as 1); models
    that record no cell size (trained before it was recorded, or from elsewhere) keep their own input scale, with a
    warning and the reason in the record (key ``auto``).
    """
    if scale is None:
        factors = getattr(models, "input_scale", None)
        return factors, {"source": "models", "factors": list(factors or (1.0, 1.0, 1.0))}
    if isinstance(scale, str):
        if scale != "auto":
            raise ValueError(f"scale: expected 'auto', three factors Z,Y,X or None; got {scale!r}")
        from volltrack.segmentation.cell_size import auto_factors, estimate_cell_size

        reference = getattr(models, "cell_size", None)
        if reference is None:
            import logging

            factors = getattr(models, "input_scale", None)
            why = (f"the models record no training cell size ('{CELL_SIZE_KEY}' in their {SCALE_FILE}): their own "
                   "input scale is used; give factors Z,Y,X to resample")
            logging.getLogger(__name__).warning("scale 'auto': %s", why)
            return factors, {"source": "models", "factors": list(factors or (1.0, 1.0, 1.0)), "auto": why}
        estimated = estimate_cell_size(volume)
        fallback = getattr(models, "input_scale", None) or (1.0, 1.0, 1.0)
        factors = auto_factors(estimated, reference, fallback=fallback)
        record = {"source": "auto", "factors": list(factors), "estimated_cell_size": estimated.as_dict()[CELL_SIZE_KEY],
                  "chords": list(estimated.chords), "models_cell_size": [float(v) for v in reference]}
        return (None if is_identity(factors) else factors), record
    factors = check_scale(scale)
    return factors, {"source": "given", "factors": list(factors)}


def resize_map(volume: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Linear resampling of a float map (a probability, the normalised image) to ``shape`` (voxel centres matched)."""
    from skimage.transform import resize

    volume = np.asarray(volume, np.float32)
    if tuple(volume.shape) == tuple(shape):
        return volume
    shrinking = any(n < m for n, m in zip(shape, volume.shape))
    resized: np.ndarray = resize(volume, tuple(shape), order=1, preserve_range=True,  # type: ignore[no-untyped-call]
                                 anti_aliasing=shrinking, mode="edge")
    return resized.astype(np.float32)


def points_to_shape(points: Optional[np.ndarray], source: Sequence[int], shape: Sequence[int]) -> Optional[np.ndarray]:
    """Voxel coordinates (n, 3) on a grid of ``source`` shape, moved to the grid of ``shape`` (centres matched)."""
    if points is None:
        return None
    ratio = np.asarray(shape, float) / np.asarray(source, float)
    moved: np.ndarray = (np.asarray(points, float) + 0.5) * ratio - 0.5
    return moved
