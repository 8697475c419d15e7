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
    """The factors recorded in ``model_dir/input_scale.json``; None when there is no such file."""
    path = Path(model_dir) / SCALE_FILE
    if not path.is_file():
        return None
    try:
        scale = json.loads(path.read_text())["input_scale"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: expected a JSON object with 'input_scale': [Z, Y, X], could not read it "
                         f"({error})") from None
    return check_scale(scale, where=str(path))


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
