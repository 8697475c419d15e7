"""A Keras callback that shows training progress as a tqdm bar over epochs and logs each epoch's losses."""

from __future__ import annotations

import logging
import time
from typing import Optional

from tqdm.auto import tqdm

logger = logging.getLogger(__name__)


def eta_seconds(*, epochs_done: int, epochs: int, elapsed: float, deadline_left: Optional[float] = None) -> float:
    """Estimated seconds to the end of training: the remaining epochs at the mean epoch time so far, capped by
    the time left of a budget (``deadline_left``, seconds) when there is one."""
    remaining = (epochs - epochs_done) * elapsed / max(epochs_done, 1)
    return remaining if deadline_left is None else max(0.0, min(remaining, deadline_left))


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def epoch_progress_callback(epochs: int, *, description: str, deadline: Optional[float] = None):
    """Return a Keras callback showing a tqdm bar over ``epochs`` epochs, with the ETA in each epoch's log line.

    Parameters
    ----------
    epochs : int
        Number of epochs of the run.
    description : str
        Label of the bar (e.g. "StarDist").
    deadline : float, optional
        ``time.monotonic()`` at which a time budget ends (``--minutes``); the ETA is capped by it.

    Returns
    -------
    tensorflow.keras.callbacks.Callback
    """
    from tensorflow.keras.callbacks import Callback

    class _EpochProgress(Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=epochs, desc=description, unit="epoch")
            self.start = time.monotonic()

        def on_epoch_end(self, epoch, logs=None):
            losses = {k: round(float(v), 5) for k, v in (logs or {}).items() if "loss" in k}
            now = time.monotonic()
            left = None if deadline is None else deadline - now
            eta = eta_seconds(epochs_done=epoch + 1, epochs=epochs, elapsed=now - self.start, deadline_left=left)
            budget = {} if left is None else {"budget_left": _clock(max(left, 0.0))}
            self.bar.set_postfix({**losses, **budget})
            self.bar.update(1)
            logger.info("%s epoch %d/%d %s ETA %s%s", description, epoch + 1, epochs, losses, _clock(eta),
                        "" if left is None else f" (time budget left {_clock(max(left, 0.0))})")

        def on_train_end(self, logs=None):
            self.bar.close()

    return _EpochProgress()
