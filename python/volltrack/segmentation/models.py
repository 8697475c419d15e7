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
    unet_erosion : int
        Rim the U-Net was trained without (its ``volltrack.json``; 0 = the plain foreground mask).
    input_scale : tuple of 3 float or None
        Factors (Z, Y, X) the networks' input volumes are resampled by (their ``input_scale.json``); None = 1.
    cell_size : tuple of 3 float or None
        Cell size (Z, Y, X voxels, on the resampled grid) the networks learnt, as recorded in their
        ``input_scale.json`` (key ``cell_size``, StarDist's first); needed by ``vollseg(scale="auto")``.
    watershed_map : str or None
        What VollSeg's seeds flood by default ("stardist", "unet" or "membrane"), as ``volltrack train thresholds``
        chose it (key ``watershed_map`` of the StarDist model's ``thresholds.json``); None = "stardist".
    """

    stardist: object = None
    unet: object = None
    n2v: object = None
    folder: Path | None = None
    unet_erosion: int = 0
    input_scale: tuple | None = None
    watershed_map: str | None = None
    cell_size: tuple | None = None

    def describe(self):
        """Return a dict of which models are present, with their folders, for output records."""
        return {name: (str(self.folder / name) if getattr(self, name) is not None else None)
                for name in (STARDIST, UNET, N2V)}


#: Weights files looked for in a model folder, in order of preference.
WEIGHTS_FILES = ("weights_best.h5", "weights_last.h5", "weights_now.h5")
_KIND_NAMES = {STARDIST: "StarDist3D", UNET: "CSBDeep CARE (U-Net)", N2V: "Noise2Void"}


def _check_model_folder(kind, folder):
    """Raise FileNotFoundError unless ``folder`` holds config.json and a weights file; return the weights name."""
    expected = f"a {_KIND_NAMES[kind]} model folder with config.json and {' or '.join(WEIGHTS_FILES)}"
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"model folder {folder} lacks config.json; expected {expected}")
    for name in WEIGHTS_FILES:
        if (folder / name).is_file():
            return name
    raise FileNotFoundError(f"model folder {folder} has config.json but no weights file; expected {expected}")


def _load(kind, folder):
    from tensorflow import keras

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.WARNING)     # Keras logs each predict() at INFO through absl
    keras.utils.disable_interactive_logging()      # no Keras progress bars per prediction
    if kind == STARDIST:
        from stardist.models import StarDist3D as Model
    elif kind == UNET:
        from csbdeep.models import CARE as Model
    else:
        from volltrack.segmentation.n2v_package import n2v_models

        Model = n2v_models().N2V
    weights = _check_model_folder(kind, folder)
    try:
        model = Model(None, name=folder.name, basedir=str(folder.parent))
        if weights != "weights_best.h5":
            model.load_weights(weights)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 -- a user's model folder: any failure to load it is bad input
        raise ValueError(f"cannot load {folder} as a {_KIND_NAMES[kind]} model ({type(exc).__name__}: "
                         f"{exc}); expected config.json and {weights} as {_KIND_NAMES[kind]} saves them") from exc
    return model


def check_models_folder(folder=None, *, stardist=True, unet=True, n2v=True):
    """Check a models folder without loading TensorFlow; return the model subfolders to load.

    Parameters
    ----------
    folder : str or os.PathLike, optional
        A folder with ``stardist/``, ``unet/`` and/or ``n2v/`` model subfolders. Default: the bundled demo
        models (``volltrack/models/demo``).
    stardist, unet, n2v : bool, optional
        Consider that model. Default True.

    Returns
    -------
    dict of str -> pathlib.Path
        Kind ("stardist", "unet", "n2v") -> its model folder.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist, holds none of the models, or a model subfolder lacks config.json or
        weights (an incomplete model is never skipped silently: VollSeg would run without it).
    """
    folder = Path(DEMO_MODELS if folder is None else folder)
    if not folder.is_dir():
        hint = (" (the bundled demo models ship inside the volltrack package: reinstall it, or give --models DIR)"
                if folder == DEMO_MODELS else "")
        raise FileNotFoundError(f"models folder {folder} does not exist{hint}")
    wanted = {STARDIST: stardist, UNET: unet, N2V: n2v}
    found = {kind: folder / kind for kind, want in wanted.items() if want and (folder / kind).is_dir()}
    for kind, path in found.items():
        _check_model_folder(kind, path)
    if not found:
        hint = (f"; {folder} itself is one model folder: give the folder that holds it, renamed stardist/, "
                "unet/ or n2v/" if (folder / "config.json").is_file() else "")
        raise FileNotFoundError(f"models folder {folder} holds no model: expected subfolders stardist/, unet/ "
                                f"or n2v/ each with config.json and weights_best.h5{hint}")
    return found


def load_models(folder=None, *, stardist=True, unet=True, n2v=True):
    """Load the models present in ``folder``.

    Parameters
    ----------
    folder, stardist, unet, n2v
        As for :func:`check_models_folder`: the models folder (default the bundled demo models) and which of
        its models to load if present (default all).

    Returns
    -------
    Models

    Raises
    ------
    FileNotFoundError
        As :func:`check_models_folder`.
    ValueError
        If a model subfolder cannot be loaded (malformed config.json, corrupt weights, another kind of model).
    """
    from volltrack.segmentation.unet_target import read_unet_erosion

    found = check_models_folder(folder, stardist=stardist, unet=unet, n2v=n2v)
    loaded = {kind: _load(kind, path) for kind, path in found.items()}
    erosion = read_unet_erosion(found[UNET]) if UNET in found else 0
    folder = Path(DEMO_MODELS if folder is None else folder)
    _LOG.info("loaded models %s from %s", sorted(loaded), folder)
    watershed_map = read_watershed_map(found[STARDIST]) if STARDIST in found else None
    return Models(folder=folder, unet_erosion=erosion, input_scale=_input_scale(found), watershed_map=watershed_map,
                  cell_size=_cell_size(found), **loaded)


def read_watershed_map(stardist_dir):
    """The ``watershed_map`` key of a StarDist model folder's ``thresholds.json`` (None when absent)."""
    import json

    from volltrack.segmentation.watershed import WATERSHED_MAPS

    path = Path(stardist_dir) / "thresholds.json"
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text()).get("watershed_map")
    except (ValueError, AttributeError) as error:
        raise ValueError(f"{path}: expected a JSON object, could not read it ({error})") from None
    if value is not None and value not in WATERSHED_MAPS:
        raise ValueError(f"{path}: 'watershed_map' must be one of {', '.join(WATERSHED_MAPS)}; got {value!r}")
    return value


def _input_scale(found):
    """The one input scale of the StarDist and U-Net folders in ``found`` (None: not resampled)."""
    from volltrack.segmentation.input_scale import is_identity, read_input_scale

    scales = {kind: read_input_scale(found[kind]) for kind in (STARDIST, UNET) if kind in found}
    distinct = {None if is_identity(scale) else scale for scale in scales.values()}
    if len(distinct) > 1:
        told = ", ".join(f"{found[kind]}: {scale or 'none (1, 1, 1)'}" for kind, scale in scales.items())
        raise ValueError(f"the StarDist and U-Net models were trained at different input scales ({told}); "
                         "train both on patches prepared with the same --scale")
    return distinct.pop() if distinct else None


def _cell_size(found):
    """The training cell size recorded with the StarDist model, else with the U-Net (None: not recorded)."""
    from volltrack.segmentation.input_scale import read_cell_size

    for kind in (STARDIST, UNET):
        if kind in found:
            size = read_cell_size(found[kind])
            if size is not None:
                return size
    return None
