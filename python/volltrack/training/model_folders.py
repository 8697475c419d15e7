"""StarDist/CSBDeep model folders: where weights live, whether a run can resume, and provenance records."""

from __future__ import annotations

import json
import logging
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from volltrack.io.atomic import atomic_write

logger = logging.getLogger(__name__)

#: Files that make a model folder loadable by StarDist/CSBDeep.
REQUIRED_FILES = ("config.json", "weights_best.h5")


def split_model_path(model_dir: str | Path) -> tuple[str, Path]:
    """Return ``(name, basedir)`` as StarDist/CSBDeep constructors expect them for a model folder path."""
    model_dir = Path(model_dir).resolve()
    if not model_dir.parent.is_dir():
        raise FileNotFoundError(f"cannot create model folder {model_dir}: {model_dir.parent} does not exist")
    return model_dir.name, model_dir.parent


def has_weights(model_dir: str | Path) -> bool:
    """True when ``model_dir`` holds at least one weights_*.h5 file."""
    return any(Path(model_dir).glob("weights_*.h5"))


def can_resume(model_dir: str | Path) -> bool:
    """True when ``model_dir`` holds a config.json and at least one weights file."""
    return (Path(model_dir) / "config.json").is_file() and has_weights(model_dir)


def check_new_model_dir(model_dir: str | Path, *, resume: bool) -> None:
    """Refuse to overwrite an existing model unless resuming; refuse to resume without one."""
    model_dir = Path(model_dir)
    if resume and not can_resume(model_dir):
        raise FileNotFoundError(f"--resume: {model_dir} holds no config.json and weights_*.h5 to resume from")
    if not resume and can_resume(model_dir):
        raise ValueError(f"{model_dir} already holds a trained model; pass --resume to continue training it "
                         f"or choose another --model folder")


@contextmanager
def new_entries_removed_on_failure(model_dir: str | Path, *, keep_if: Callable[[Path], bool],
                                   what: str) -> Iterator[None]:
    """On failure, remove what the run created in ``model_dir`` unless ``keep_if(model_dir)``.

    Entries that were there before the run are kept; so is the folder when it existed or still holds something.
    ``what`` starts the warning logged when something is removed.
    """
    model_dir = Path(model_dir)
    existed = model_dir.is_dir()
    before = {entry.name for entry in model_dir.iterdir()} if existed else set()
    try:
        yield
    except BaseException:
        if model_dir.is_dir() and not keep_if(model_dir):
            for entry in model_dir.iterdir():
                if entry.name in before:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            if not existed and not any(model_dir.iterdir()):
                model_dir.rmdir()
            logger.warning("%s; removed what it wrote to %s", what, model_dir)
        raise


@contextmanager
def cleaned_up_on_failure(model_dir: str | Path, *, resume: bool) -> Iterator[None]:
    """Remove what a failed new training run wrote to ``model_dir`` while it holds no weights yet.

    StarDist and CSBDeep write config.json (and TensorBoard logs) before the first epoch ends; a run that fails
    or is interrupted before any weights_*.h5 is saved would otherwise leave a folder that looks like a model but
    cannot be loaded or resumed. Entries that were there before the run are kept, and so is everything once a
    weights file exists (``--resume`` can continue from it). Resumed runs are never cleaned up.
    """
    if resume:
        yield
        return
    with new_entries_removed_on_failure(model_dir, keep_if=has_weights,
                                        what="training failed before any weights were saved"):
        yield


#: A key found only in the config.json of each kind of model folder.
_KIND_MARKERS = {"stardist": "n_rays", "n2v": "n2v_patch_shape", "unet": "probabilistic"}


def model_kind(model_dir: str | Path) -> str:
    """Return "stardist", "unet" (CSBDeep CARE) or "n2v": the kind of model whose config.json ``model_dir`` holds.

    Raises
    ------
    FileNotFoundError
        No config.json.
    ValueError
        The config.json is not JSON, or is none of the three kinds.
    """
    path = Path(model_dir) / "config.json"
    if not path.is_file():
        raise FileNotFoundError(f"{model_dir} holds no config.json (expected a StarDist/CSBDeep/N2V model folder)")
    try:
        config = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON ({exc})") from None
    for kind, key in _KIND_MARKERS.items():
        if isinstance(config, dict) and key in config:
            return kind
    raise ValueError(f"{path} is not the config of a StarDist3D, CSBDeep CARE or N2V model")


def check_resume_kind(model_dir: str | Path, kind: str) -> None:
    """Raise ValueError unless the model in ``model_dir`` is of ``kind`` ("stardist", "unet", "n2v")."""
    found = model_kind(model_dir)
    if found != kind:
        raise ValueError(f"--resume: {model_dir} holds a {found} model, not a {kind} model; give the {kind} model "
                         f"folder as --model")


def load_resume_weights(keras_model, model_dir: str | Path) -> str:
    """Load the newest weights of a model folder (last, else best) into ``keras_model``; return the file name."""
    for name in ("weights_last.h5", "weights_now.h5", "weights_best.h5"):
        path = Path(model_dir) / name
        if path.is_file():
            keras_model.load_weights(str(path))
            logger.info("resuming from %s", path)
            return name
    raise FileNotFoundError(f"no weights_*.h5 in {model_dir}")


def write_json_atomic(path: str | Path, payload: dict | list) -> Path:
    """Write ``payload`` as JSON to ``path`` atomically (:func:`volltrack.io.atomic.atomic_write`)."""
    path = Path(path)
    with atomic_write(path) as handle:
        json.dump(payload, handle, indent=2)
    return path


def record_training(model_dir: str | Path, *, kind: str, parameters: dict, data: str, history: dict) -> Path:
    """Append this run's parameters, data and final losses to ``<model>/training_runs.json``."""
    from volltrack.io.versions import installed_versions

    path = Path(model_dir) / "training_runs.json"
    runs = _earlier_runs(path)
    last = {k: float(v[-1]) for k, v in history.items() if v}
    runs.append(dict(kind=kind, parameters=parameters, data=data, final=last,
                     versions={p: v for p, v in installed_versions(("volltrack", "stardist", "csbdeep", "n2v",
                                                                    "tensorflow", "tensorflow-cpu", "tf-keras")).items()
                               if v is not None}))
    return write_json_atomic(path, runs)


def _earlier_runs(path: Path) -> list:
    """The runs recorded so far; a damaged record is kept aside (``.damaged``) so the finished training still
    gets recorded instead of failing at its very end."""
    if not path.is_file():
        return []
    try:
        runs = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        runs = exc
    if isinstance(runs, list):
        return runs
    aside = path.with_name(path.name + ".damaged")
    os.replace(path, aside)
    logger.warning("%s is not a JSON list of runs (%s); moved it to %s and started a new record", path,
                   runs if isinstance(runs, Exception) else type(runs).__name__, aside)
    return []


def record_input_scale(model_dir: str | Path, data_parameters: dict) -> Optional[Path]:
    """Record the ``input_scale`` and ``cell_size`` of the training patches in ``model_dir/input_scale.json`` (or remove
    the file when there is neither).

    VollSeg resamples the volumes it segments by these factors (:mod:`volltrack.segmentation.input_scale`); a
    model fine-tuned on patches without a scale loses the one its source had (the file is copied with it).
    """
    from volltrack.segmentation.input_scale import CELL_SIZE_KEY, SCALE_FILE, check_scale, is_identity

    path = Path(model_dir) / SCALE_FILE
    scale = data_parameters.get("input_scale")
    cell_size = data_parameters.get(CELL_SIZE_KEY)
    identity = scale is None or is_identity(check_scale(scale, where="the training data's input_scale"))
    if identity and cell_size is None:
        path.unlink(missing_ok=True)
        return None
    record = {"input_scale": [float(v) for v in (scale or (1.0, 1.0, 1.0))],
              "note": "volumes are resampled by input_scale (Z, Y, X) before this network; cell_size is the cell size "
                      "(voxels, Z, Y, X) of its training volumes as vollseg(scale='auto') measures it"}
    if cell_size is not None:
        record[CELL_SIZE_KEY] = [float(v) for v in cell_size]
    return write_json_atomic(path, record)
