"""``DVCLiveCallback`` for Optuna (``dvclive.optuna``): one run per trial.

After each trial a ``Live`` (default ``dir="dvclive-optuna"``) records the trial's params and
objective values (as summary metrics, no plots) and ends, saving one DVC experiment per trial
inside a Git repository with commits. ``save_dvc_exp`` is not accepted (always on).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dvclive_writer.live import Live


class DVCLiveCallback:
    """An Optuna study callback (``study.optimize(..., callbacks=[DVCLiveCallback()])``)."""

    def __init__(self, metric_name: str | Sequence[str] = "metric", **kwargs: Any) -> None:
        """Keep the metric name(s) and the ``Live`` arguments for every trial.

        Args:
            metric_name: the objective's name; for several objectives, one name (numbered
                ``name_0``, ``name_1`` ...) or one name per objective.
            **kwargs: passed to ``Live`` for each trial (``save_dvc_exp`` is dropped).
        """
        kwargs["dir"] = kwargs.get("dir", "dvclive-optuna")
        kwargs.pop("save_dvc_exp", None)
        self.metric_name = metric_name
        self.live_kwargs = kwargs

    def __call__(self, study: Any, trial: Any) -> None:
        """Write the trial as one run."""
        with Live(**self.live_kwargs) as live:
            self._log_metrics(trial.values, live)
            live.log_params(trial.params)

    def _log_metrics(self, values: Sequence[float] | None, live: Live) -> None:
        if values is None:
            return
        if isinstance(self.metric_name, str):
            if len(values) > 1:
                names = [f"{self.metric_name}_{i}" for i in range(len(values))]
            else:
                names = [self.metric_name]
        elif len(self.metric_name) != len(values):
            raise ValueError(
                "Running multi-objective optimization "
                f"with {len(values)} objective values, "
                f"but {len(self.metric_name)} names specified. "
                "Match objective values and names,"
                "or use default broadcasting."
            )
        else:
            names = [*self.metric_name]
        for name, value in zip(names, values, strict=True):
            live.summary[name] = value
