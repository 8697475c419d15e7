"""A Keras callback that shows training progress as a tqdm bar over epochs and logs each epoch's losses."""

from __future__ import annotations

import logging

from tqdm.auto import tqdm

logger = logging.getLogger(__name__)


def epoch_progress_callback(epochs: int, *, description: str):
    """Return a Keras callback showing a tqdm bar over ``epochs`` epochs.

    Parameters
    ----------
    epochs : int
        Number of epochs of the run.
    description : str
        Label of the bar (e.g. "StarDist").

    Returns
    -------
    tensorflow.keras.callbacks.Callback
    """
    from tensorflow.keras.callbacks import Callback

    class _EpochProgress(Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=epochs, desc=description, unit="epoch")

        def on_epoch_end(self, epoch, logs=None):
            losses = {k: round(float(v), 5) for k, v in (logs or {}).items() if "loss" in k}
            self.bar.set_postfix(losses)
            self.bar.update(1)
            logger.info("%s epoch %d/%d %s", description, epoch + 1, epochs, losses)

        def on_train_end(self, logs=None):
            self.bar.close()

    return _EpochProgress()
