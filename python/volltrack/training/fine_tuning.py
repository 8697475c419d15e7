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
from pathlib import Path
from typing import Any, Callable, ContextManager, Optional

from volltrack.training.model_folders import (check_new_model_dir, cleaned_up_on_failure, load_resume_weights,
                                              model_kind, new_entries_removed_on_failure, write_json_atomic)
from volltrack.training.progress import epoch_progress_callback

logger = logging.getLogger(__name__)

#: Weights a fine-tuning run starts from, in order of preference.
STARTING_WEIGHTS = ("weights_best.h5", "weights_last.h5", "weights_now.h5")
#: Files copied along with config and weights when present.
COPIED_FILES = ("thresholds.json", "volltrack.json", "input_scale.json")


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


def removed_unless_an_epoch_finished(model_dir: str | Path) -> ContextManager[None]:
    """Remove what a failed fine-tuning run created in ``model_dir`` if no epoch finished.

    Before the first epoch ends the folder holds only the copy of the source model; a failure then leaves
    nothing behind. Once an epoch saved ``weights_now.h5`` (or the run saved ``weights_last.h5``) the folder is
    kept, so that ``--resume`` can continue.
    """
    return new_entries_removed_on_failure(model_dir, keep_if=_an_epoch_finished,
                                          what="fine-tuning failed before an epoch finished")


def _an_epoch_finished(model_dir: Path) -> bool:
    return any((model_dir / name).is_file() for name in ("weights_now.h5", "weights_last.h5"))


def fitted_model(model_dir: str | Path, *, kind: str, from_model: Optional[str | Path], resume: bool,
                 patch_shape, opened: Callable[[], Any], new: Callable[[], Any], train: Callable[[Any], Any],
                 description: str, epochs: int, deadline: Optional[float]) -> tuple[Any, Any, bool, dict]:
    """Build a StarDist or CSBDeep model as a training run asks (fine-tuned, resumed or new), then fit it.

    Parameters
    ----------
    model_dir : str or Path
        The model folder the run writes.
    kind : str
        "stardist" or "unet": the kind of model ``from_model`` must hold.
    from_model : str or Path, optional
        Fine-tune from this model (copied into ``model_dir`` first); nothing is left behind if no epoch finishes.
    resume : bool
        Continue from the weights in ``model_dir`` (never with ``from_model``).
    patch_shape : tuple of int
        The run's training patch (checked against the source model when fine-tuning).
    opened, new : callable
        ``opened()`` returns the model of ``model_dir``'s config.json with this run's settings applied;
        ``new()`` returns a new model.
    train : callable
        ``train(model)`` calls the model's ``train`` and returns the Keras history; a progress bar over ``epochs``
        (named ``description``) and the time budget (``deadline``, a ``time.monotonic()``, or None) watch it.
    description : str
    epochs : int
    deadline : float, optional

    Returns
    -------
    model, history, stopped, extra
        ``extra`` holds what to record besides the parameters: ``{"from": source folder}`` when fine-tuning;
    ``stopped`` tells whether the time budget ended the run.
    """

    def fit(model):
        model.prepare_for_training()
        model.callbacks.append(epoch_progress_callback(epochs, description=description, deadline=deadline))
        budget = None
        if deadline is not None:
            budget = time_budget_callback(deadline, description=description)
            model.callbacks.append(budget)
        history = train(model)
        return history, bool(budget is not None and budget.stopped_early)

    if from_model is not None:
        with removed_unless_an_epoch_finished(model_dir):
            source = copy_for_fine_tuning(from_model, model_dir, kind, patch_shape=patch_shape)
            model = opened()
            history, stopped = fit(model)
        return model, history, stopped, {"from": str(source)}
    with cleaned_up_on_failure(model_dir, resume=resume):
        if resume:
            model = opened()
            load_resume_weights(model.keras_model, model_dir)
        else:
            model = new()
        history, stopped = fit(model)
    return model, history, stopped, {}


def apply_run_settings(config: Any, params: Any) -> None:
    """Set the settings of this run (learning rate, batch size, TensorBoard) on a model's config."""
    config.train_learning_rate = params.learning_rate
    config.train_batch_size = params.batch_size
    config.train_tensorboard = params.tensorboard


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
