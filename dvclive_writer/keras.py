"""``DVCLiveCallback`` for Keras (``dvclive.keras``): one step per epoch.

Built on Keras 3 (any backend: ``KERAS_BACKEND=torch``, ``jax`` or ``tensorflow``); without the
``keras`` package it falls back to ``tensorflow.keras``, as dvclive uses. ``loss`` and other
training metrics go under ``train/``, ``val_*`` under ``eval/``.
"""

from __future__ import annotations

from typing import Any

try:
    from keras.callbacks import Callback
except ImportError:
    from tensorflow.keras.callbacks import Callback

from dvclive_writer.live import Live
from dvclive_writer.utils import standardize_metric_name


class DVCLiveCallback(Callback):
    """Log the epoch-end metrics of ``model.fit`` to a run; end it when training ends."""

    def __init__(
        self, save_weights_only: bool = False, live: Live | None = None, **kwargs: Any
    ) -> None:
        """Use ``live`` or make a ``Live(**kwargs)``.

        Args:
            save_weights_only: kept for dvclive's signature (it saves nothing either).
            live: an existing ``Live``.
            **kwargs: passed to ``Live`` when ``live`` is None.
        """
        super().__init__()
        self.save_weights_only = save_weights_only
        self.live = live if live is not None else Live(**kwargs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Log every value of ``logs``, then a step."""
        for metric, value in (logs or {}).items():
            self.live.log_metric(standardize_metric_name(metric, __name__), value)
        self.live.next_step()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """End the run."""
        self.live.end()
