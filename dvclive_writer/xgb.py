"""``DVCLiveCallback`` for XGBoost (``dvclive.xgb``): one step per boosting round.

Every evaluation set's metrics are logged as ``<set>/<metric>`` (``train/mlogloss``); the
deprecated ``metric_data`` keeps one set, logged without the folder.
"""

from __future__ import annotations

from typing import Any
from warnings import warn

from xgboost.callback import TrainingCallback

from dvclive_writer.live import Live


class DVCLiveCallback(TrainingCallback):
    """Log ``evals`` results after every round of ``xgb.train``; end the run after training."""

    def __init__(
        self, metric_data: str | None = None, live: Live | None = None, **kwargs: Any
    ) -> None:
        """Use ``live`` or make a ``Live(**kwargs)``.

        Args:
            metric_data: deprecated: log only this evaluation set, without a folder.
            live: an existing ``Live``.
            **kwargs: passed to ``Live`` when ``live`` is None.
        """
        super().__init__()
        if metric_data is not None:
            warn(
                "`metric_data` is deprecated and will be removed",
                category=DeprecationWarning,
                stacklevel=2,
            )
        self._metric_data = metric_data
        self.live = live if live is not None else Live(**kwargs)

    def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
        """Log the last value of every metric of every set, then a step; never stop."""
        if self._metric_data:
            evals_log = {"": evals_log[self._metric_data]}
        for subdir, data in evals_log.items():
            for key, values in data.items():
                self.live.log_metric(f"{subdir}/{key}" if subdir else key, values[-1])
        self.live.next_step()
        return False

    def after_training(self, model: Any) -> Any:
        """End the run; return ``model`` unchanged."""
        self.live.end()
        return model
