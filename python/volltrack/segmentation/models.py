"""Load a models folder: ``stardist/`` (StarDist3D), ``unet/`` (CSBDeep CARE), ``n2v/`` (Noise2Void).

Each subfolder is a model exactly as StarDist/CSBDeep save it (``config.json``, ``weights_best.h5``, and for
StarDist ``thresholds.json``), so models trained here open in their tools and theirs open here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

_LOG = logging.getLogger(__name__)

#: Subfolder names of a models folder.
STARDIST, UNET, N2V = "stardist", "unet", "n2v"

#: The bundled demo models (made by ``volltrack train``), used when no folder is given.
DEMO_MODELS = Path(__file__).resolve().parents[1] / "models" / "demo"


@dataclass
class Models:
    """The networks VollSeg uses; any of them may be None.

    Attributes
    ----------
    stardist : stardist.models.StarDist3D or None
    unet : csbdeep.models.CARE or None
        One output channel: foreground probability.
    n2v : n2v.models.N2V or None
    folder : pathlib.Path or None
    """

    stardist: object = None
    unet: object = None
    n2v: object = None
    folder: Path | None = None

    def describe(self):
        """Return a dict of which models are present, with their folders, for output records."""
        return {name: (str(self.folder / name) if getattr(self, name) is not None else None)
                for name in (STARDIST, UNET, N2V)}


def _has_model(folder):
    return (folder / "config.json").is_file() and any(folder.glob("weights*.h5"))


def _weights_name(folder):
    for name in ("weights_best.h5", "weights_last.h5", "weights_now.h5"):
        if (folder / name).is_file():
            return name
    raise FileNotFoundError(f"model folder {folder} has config.json but no weights_best/last/now.h5")


def _load(kind, folder):
    from tensorflow import keras

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    keras.utils.disable_interactive_logging()      # no Keras progress bars per prediction
    if kind == STARDIST:
        from stardist.models import StarDist3D as Model
    elif kind == UNET:
        from csbdeep.models import CARE as Model
    else:
        from n2v.models import N2V as Model
    model = Model(None, name=folder.name, basedir=str(folder.parent))
    weights = _weights_name(folder)
    if weights != "weights_best.h5":
        model.load_weights(weights)
    return model


def load_models(folder=None, *, stardist=True, unet=True, n2v=True):
    """Load the models present in ``folder``.

    Parameters
    ----------
    folder : str or os.PathLike, optional
        A folder with ``stardist/``, ``unet/`` and/or ``n2v/`` model subfolders. Default: the bundled demo
        models (``volltrack/models/demo``).
    stardist, unet, n2v : bool, optional
        Load that model if present. Default True.

    Returns
    -------
    Models

    Raises
    ------
    FileNotFoundError
        If the folder does not exist or holds none of the models.
    """
    folder = Path(DEMO_MODELS if folder is None else folder)
    if not folder.is_dir():
        hint = (" (the bundled demo models are made by 'volltrack train --demo'; give --models DIR)"
                if folder == DEMO_MODELS else "")
        raise FileNotFoundError(f"models folder {folder} does not exist{hint}")
    wanted = {STARDIST: stardist, UNET: unet, N2V: n2v}
    found = {kind: folder / kind for kind, want in wanted.items() if want and _has_model(folder / kind)}
    if not found:
        raise FileNotFoundError(f"models folder {folder} holds no model: expected subfolders stardist/, unet/ "
                                "or n2v/ each with config.json and weights_best.h5")
    loaded = {kind: _load(kind, path) for kind, path in found.items()}
    _LOG.info("loaded models %s from %s", sorted(loaded), folder)
    return Models(folder=folder, **loaded)
