"""What a U-Net model folder was trained to predict, and growing its mask back to whole cells.

``volltrack train unet --erosion N`` trains the U-Net on cell interiors (every cell minus a rim of N voxels) and
records N in the model folder's ``volltrack.json``; a U-Net without that file predicts the plain foreground
(N = 0). VollSeg takes the connected components of the thresholded U-Net output as they are (one per cell), and
grows the components and the mask by N voxels before the watershed, so that cells reach their membranes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

#: File in a U-Net model folder that records what the network was trained to predict.
TARGET_FILE = "volltrack.json"


def grow_mask(mask: np.ndarray, *, voxels: int) -> np.ndarray:
    """Dilate a boolean (Z, Y, X) mask by ``voxels`` steps of the 3x3x3 cube and fill its holes (0: unchanged).

    A rim removed by 6-connected erosion (:func:`volltrack.training.unet_targets.cell_interiors`) lies within
    that many cube steps of the interior, cell edges and corners included.
    """
    if voxels <= 0:
        return mask
    cube = np.ones((3, 3, 3), bool)
    return ndi.binary_fill_holes(ndi.binary_dilation(mask, structure=cube, iterations=int(voxels)))


def read_unet_erosion(model_dir: str | Path) -> int:
    """Return the rim width the U-Net in ``model_dir`` was trained with (0 when not recorded: a plain mask)."""
    path = Path(model_dir) / TARGET_FILE
    if not path.is_file():
        return 0
    try:
        erosion = json.loads(path.read_text())["erosion"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: expected a JSON object with an integer 'erosion', could not read it "
                         f"({error})") from None
    if not isinstance(erosion, int) or erosion < 0:
        raise ValueError(f"{path}: 'erosion' must be an integer >= 0, got {erosion!r}")
    return erosion
