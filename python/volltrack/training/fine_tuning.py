"""Fine-tuning: start a training run from an existing model folder (``--from``) within a time budget (``--minutes``).

A fine-tuning run copies the source model's config.json (with its checkpoint file names reset to the usual local
ones, so a config written on another machine, e.g. ``/content/drive/...``, does not send weights elsewhere) and
its weights (best, else last, else the per-epoch file) into the new model folder, then trains like ``--resume``:
the architecture comes from the source, only learning rate, batch size, epochs, steps and patch apply. The source
may be a model folder (``stardist/``, ``unet/``) or a folder of models holding one of that kind, such as the
bundled ``volltrack/models/demo``. ``thresholds.json`` (StarDist) and ``volltrack.json`` (U-Net target) are
copied too, so the fine-tuned model is usable at once; re-optimise thresholds with ``volltrack train thresholds``.

The time budget is a Keras callback that stops training after the batch at which the next batch and the
validation pass would no longer fit; Keras then validates, the checkpoints save the weights and StarDist/CSBDeep
write ``weights_last.h5`` as after a full run.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from volltrack.training.model_folders import check_new_model_dir, model_kind, write_json_atomic

logger = logging.getLogger(__name__)

#: Weights a fine-tuning run starts from, in order of preference.
STARTING_WEIGHTS = ("weights_best.h5", "weights_last.h5", "weights_now.h5")
#: Files copied along with config and weights when present.
COPIED_FILES = ("thresholds.json", "volltrack.json")


def source_model_dir(source: str | Path, kind: str) -> Path:
    """Return the model folder of ``kind`` ("stardist" or "unet") that ``source`` is or holds.

    Raises
    ------
    FileNotFoundError
        ``source`` is not a folder, has no config.json (nor ``<kind>/config.json``) or no weights.
    ValueError
        ``source`` holds a model of another kind.
    """
    source = Path(source)
    if not source.is_dir():
        raise FileNotFoundError(f"--from {source}: no such model folder")
    if not (source / "config.json").is_file() and (source / kind / "config.json").is_file():
        source = source / kind
    found = model_kind(source)
    if found != kind:
        raise ValueError(f"--from {source} holds a {found} model, not a {kind} model")
    starting_weights(source)
    return source


def starting_weights(source: Path) -> Path:
    """The weights file a fine-tuning run starts from (best, else last, else now)."""
    for name in STARTING_WEIGHTS:
        if (source / name).is_file():
            return source / name
    raise FileNotFoundError(f"--from {source} holds no {', '.join(STARTING_WEIGHTS)} to start from")


def divisor_of(config: dict, kind: str) -> tuple[int, int, int]:
    """The factor (Z, Y, X) every training patch size must be a multiple of, for a model config."""
    grid = tuple(int(g) for g in config.get("grid", (1, 1, 1))) if kind == "stardist" else (1, 1, 1)
    if kind == "stardist" and config.get("backbone", "unet") != "unet":
        return grid
    depth = int(config.get("unet_n_depth", 2))
    pool = tuple(int(p) for p in config.get("unet_pool", (2, 2, 2)))
    return tuple(g * p ** depth for g, p in zip(grid, pool))


def check_patch_for(config: dict, kind: str, patch_shape: tuple[int, int, int], source: Path) -> None:
    """Raise ValueError unless ``patch_shape`` suits the network of ``config``."""
    divisor = divisor_of(config, kind)
    bad = [f"{axis} {size} (multiple of {d} needed)" for axis, size, d in zip("ZYX", patch_shape, divisor) if size % d]
    if bad:
        raise ValueError(f"--patch {','.join(map(str, patch_shape))} does not suit the network of --from {source}: "
                         f"{'; '.join(bad)}; give --patch in multiples of {','.join(map(str, divisor))}")


def copy_for_fine_tuning(source: str | Path, model_dir: str | Path, kind: str, *,
                         patch_shape: tuple[int, int, int]) -> Path:
    """Create ``model_dir`` as a copy of the ``kind`` model in ``source``, ready to train further.

    Parameters
    ----------
    source : str or Path
        Model folder, or a folder holding ``<kind>/``.
    model_dir : str or Path
        New model folder; must not hold a model yet and must differ from the source.
    kind : {"stardist", "unet"}
    patch_shape : tuple of int
        Training patch (Z, Y, X), checked against the source network and stored in a StarDist config.

    Returns
    -------
    Path
        The resolved source model folder.
    """
    source = source_model_dir(source, kind)
    model_dir = Path(model_dir)
    if model_dir.resolve() == source.resolve():
        raise ValueError(f"--model {model_dir} is the --from folder; give a new folder for the fine-tuned model")
    check_new_model_dir(model_dir, resume=False)
    try:
        config = json.loads((source / "config.json").read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source / 'config.json'} is not valid JSON ({exc})") from None
    check_patch_for(config, kind, patch_shape, source)
    config.update(train_checkpoint="weights_best.h5", train_checkpoint_last="weights_last.h5",
                  train_checkpoint_epoch="weights_now.h5")
    if kind == "stardist":
        config.update(use_gpu=False, train_patch_size=list(patch_shape))
    model_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(model_dir / "config.json", config)
    shutil.copyfile(starting_weights(source), model_dir / "weights_best.h5")
    for name in COPIED_FILES:
        if (source / name).is_file():
            shutil.copyfile(source / name, model_dir / name)
    logger.info("fine-tuning %s from %s (%s)", model_dir, source, starting_weights(source).name)
    return source


@contextmanager
def removed_unless_an_epoch_finished(model_dir: str | Path) -> Iterator[None]:
    """Remove what a failed fine-tuning run created in ``model_dir`` if no epoch finished.

    Before the first epoch ends the folder holds only the copy of the source model; a failure then leaves
    nothing behind. Once an epoch saved ``weights_now.h5`` (or the run saved ``weights_last.h5``) the folder is
    kept, so that ``--resume`` can continue.
    """
    model_dir = Path(model_dir)
    existed = model_dir.is_dir()
    before = {entry.name for entry in model_dir.iterdir()} if existed else set()
    try:
        yield
    except BaseException:
        if model_dir.is_dir() and not any((model_dir / n).is_file() for n in ("weights_now.h5", "weights_last.h5")):
            for entry in model_dir.iterdir():
                if entry.name not in before:
                    shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
            if not existed and not any(model_dir.iterdir()):
                model_dir.rmdir()
            logger.warning("fine-tuning failed before an epoch finished; removed what it wrote to %s", model_dir)
        raise


def deadline_after(minutes: Optional[float], *, start: Optional[float] = None) -> Optional[float]:
    """The ``time.monotonic()`` at which a budget of ``minutes`` started at ``start`` (default: now) is spent."""
    if minutes is None:
        return None
    if not minutes > 0:
        raise ValueError(f"--minutes must be > 0, got {minutes}")
    return (time.monotonic() if start is None else start) + 60.0 * float(minutes)


def time_budget_callback(deadline: float, *, description: str):
    """Return a Keras callback that stops training when the next batch and the validation would pass ``deadline``.

    Checked after every batch and at the end of every epoch (no new epoch starts that could not train one batch
    and validate in time). At least one batch is trained. The callback's ``stopped_early`` tells whether the budget ended the run.
    """
    from tensorflow.keras.callbacks import Callback

    class _TimeBudget(Callback):
        stopped_early = False

        def on_train_begin(self, logs=None):
            self.batch_seconds, self.validation_seconds = [], 0.0
            self.batch_start = self.last_batch_end = time.monotonic()

        def on_train_batch_begin(self, batch, logs=None):
            self.batch_start = time.monotonic()

        def on_train_batch_end(self, batch, logs=None):
            now = time.monotonic()
            self.batch_seconds.append(now - self.batch_start)
            self.last_batch_end = now
            recent = self.batch_seconds[-20:]
            needed = sum(recent) / len(recent) + self.validation_seconds
            if now + needed > deadline and not self.model.stop_training:
                self.model.stop_training = True
                self.stopped_early = True
                logger.warning("%s: time budget spent; stopping after this batch (weights are saved)", description)

        def on_epoch_end(self, epoch, logs=None):
            # validation (and checkpointing) run between the last batch and here
            now = time.monotonic()
            self.validation_seconds = max(self.validation_seconds, now - self.last_batch_end)
            recent = self.batch_seconds[-20:]
            # no further epoch unless at least one batch and its validation fit
            if recent and now + sum(recent) / len(recent) + self.validation_seconds > deadline \
                    and not self.model.stop_training:
                self.model.stop_training = True
                self.stopped_early = True
                logger.warning("%s: time budget spent after epoch %d; stopping (weights are saved)", description,
                               epoch + 1)

    return _TimeBudget()
