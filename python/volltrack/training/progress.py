"""Training progress: tqdm's Keras callback as a bar over epochs, with each epoch's losses, ETA and time budget logged."""

from __future__ import annotations

import logging
import time
from typing import Any, Optional

logger = logging.getLogger(__name__)


def eta_seconds(*, epochs_done: int, epochs: int, elapsed: float, deadline_left: Optional[float] = None) -> float:
    """Estimated seconds to the end of training: the remaining epochs at the mean epoch time so far, capped by
    the time left of a budget (``deadline_left``, seconds) when there is one."""
    remaining = (epochs - epochs_done) * elapsed / max(epochs_done, 1)
    return remaining if deadline_left is None else max(0.0, min(remaining, deadline_left))


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def epoch_progress_callback(epochs: int, *, description: str, deadline: Optional[float] = None) -> Any:
    """Return a Keras callback showing a tqdm bar over ``epochs`` epochs, with the ETA in each epoch's log line.

    The bar is tqdm's own Keras callback (:class:`tqdm.keras.TqdmCallback`, epochs only); this adds the losses
    and the time budget left to the bar and one log line per epoch with the ETA.

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
    tqdm.keras.TqdmCallback
    """
    from tqdm.keras import TqdmCallback

    class _EpochProgress(TqdmCallback):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(epochs=epochs, verbose=0, desc=description)
            self.on_epoch_end = self._epoch_end     # TqdmCallback binds its own handler per instance
            self.start = time.monotonic()

        def on_train_begin(self, *args: Any, **kwargs: Any) -> None:
            super().on_train_begin(*args, **kwargs)
            self.start = time.monotonic()

        def _epoch_end(self, epoch: int, logs: Optional[dict[str, Any]] = None) -> None:
            losses = {k: round(float(v), 5) for k, v in (logs or {}).items() if "loss" in k}
            now = time.monotonic()
            left = None if deadline is None else deadline - now
            eta = eta_seconds(epochs_done=epoch + 1, epochs=epochs, elapsed=now - self.start, deadline_left=left)
            budget = {} if left is None else {"budget_left": _clock(max(left, 0.0))}
            self.epoch_bar.set_postfix({**losses, **budget}, refresh=False)
            self.epoch_bar.update(1)
            logger.info("%s epoch %d/%d %s ETA %s%s", description, epoch + 1, epochs, losses, _clock(eta),
                        "" if left is None else f" (time budget left {_clock(max(left, 0.0))})")

    return _EpochProgress()
