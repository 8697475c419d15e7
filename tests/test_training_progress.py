"""The training progress bar is tqdm's Keras callback, with the ETA and the time budget logged per epoch."""

from __future__ import annotations

import logging
import re
import time

import numpy as np


def test_the_epoch_bar_counts_epochs_and_logs_losses_and_the_budget(caplog):
    from csbdeep.utils.tf import keras_import
    from tqdm.keras import TqdmCallback

    from volltrack.training.progress import epoch_progress_callback

    keras = keras_import()
    model = keras.Sequential([keras.layers.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    callback = epoch_progress_callback(3, description="U-Net", deadline=time.monotonic() + 3600)
    assert isinstance(callback, TqdmCallback)
    with caplog.at_level(logging.INFO, logger="volltrack.training.progress"):
        model.fit(np.zeros((4, 3)), np.zeros((4, 1)), epochs=3, verbose=0, callbacks=[callback])
    lines = [r.getMessage() for r in caplog.records if r.name == "volltrack.training.progress"]
    assert [line.split(" {")[0] for line in lines] == ["U-Net epoch 1/3", "U-Net epoch 2/3", "U-Net epoch 3/3"]
    # about an hour left: 0:59:xx, or 1:00:00 when the epochs take less than half a second (rounded)
    assert all("'loss'" in line and "ETA" in line and re.search(r"time budget left (0:59:\d\d|1:00:00)\)", line)
               for line in lines), lines
    assert callback.epoch_bar.n == 3 and callback.epoch_bar.total == 3
    assert "loss=" in callback.epoch_bar.postfix
    assert re.search(r"budget_left=(0:59:\d\d|1:00:00)", callback.epoch_bar.postfix), callback.epoch_bar.postfix
