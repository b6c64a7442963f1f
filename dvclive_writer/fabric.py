"""``DVCLiveLogger`` for Lightning Fabric (``dvclive.fabric``): metrics and hyperparameters.

Writes from global rank zero only; ``live``/``experiment`` is created lazily there, so
``Live.__init__`` never runs on another rank. Metric names follow dvclive's Lightning
convention (``train_loss_epoch`` → ``train/epoch/loss``).
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

try:
    from lightning.fabric.loggers.logger import Logger, rank_zero_experiment
    from lightning.fabric.utilities.logger import (
        _add_prefix,
        _convert_params,
        _sanitize_callable_params,
    )
    from lightning.fabric.utilities.rank_zero import rank_zero_only
except ImportError:
    from lightning_fabric.loggers.logger import Logger, rank_zero_experiment
    from lightning_fabric.utilities.logger import (
        _add_prefix,
        _convert_params,
        _sanitize_callable_params,
    )
    from lightning_fabric.utilities.rank_zero import rank_zero_only

from torch import is_tensor

from dvclive_writer.metrics import could_log
from dvclive_writer.utils import standardize_metric_name

if TYPE_CHECKING:
    from dvclive_writer.live import Live


class DVCLiveLogger(Logger):
    """Log Fabric metrics and hyperparameters to a DVCLive run (``**kwargs`` go to ``Live``)."""

    LOGGER_JOIN_CHAR = "/"

    def __init__(
        self,
        run_name: str | None = None,
        prefix: str = "",
        experiment: Live | None = None,
        **kwargs: Any,
    ) -> None:
        """Keep the settings; the ``Live`` is made on first use (rank zero only).

        Args:
            run_name: the logger's ``version``.
            prefix: prepended to every metric name (joined with ``/``).
            experiment: an existing ``Live`` to log to instead of creating one.
            **kwargs: passed to ``Live`` when this logger creates it.
        """
        super().__init__()
        self._version = run_name
        self._prefix = prefix
        self._experiment = experiment
        self._kwargs = kwargs
        self._names: dict[str, str] = {}

    @property
    def name(self) -> str:
        """The logger's name, as dvclive's."""
        return "DvcLiveLogger"

    @property
    def version(self) -> int | str:
        """``run_name``, or ``""``."""
        if self._version is None:
            self._version = ""
        return self._version

    @property
    @rank_zero_experiment
    def experiment(self) -> Live:
        """The ``Live`` of this logger, created on first use (on rank zero)."""
        if self._experiment is not None:
            return self._experiment
        assert rank_zero_only.rank == 0, "tried to init DVCLive in non global_rank=0"

        import dvclive_writer

        self._experiment = dvclive_writer.Live(**self._kwargs)
        return self._experiment

    def _metric_name(self, key: str) -> str:
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = standardize_metric_name(key, __name__)
        return name

    @rank_zero_only
    def log_metrics(
        self,
        metrics: Mapping[str, int | float | str | Any],
        step: int | None = None,
        sync: bool | None = True,
    ) -> None:
        """Log ``metrics`` at ``step`` (the next step when ``step`` is falsy), then sync.

        Raises:
            ValueError: a value is neither a scalar nor a one-element tensor.
        """
        assert rank_zero_only.rank == 0, "experiment tried to log from global_rank != 0"
        live = self.experiment
        live.step = step if step else live.step + 1
        for key, value in _add_prefix(metrics, self._prefix, self.LOGGER_JOIN_CHAR).items():
            val = value.item() if is_tensor(value) else value
            if not could_log(val):
                raise ValueError(
                    f"\n you tried to log {val} which is currently not supported."
                    "Try a scalar/tensor."
                )
            live.log_metric(name=self._metric_name(key), val=val)
        if sync:
            live.sync()

    @rank_zero_only
    def log_hyperparams(self, params: dict[str, Any] | Namespace) -> None:
        """Log hyperparameters to ``params.yaml`` (arrays and namespaces as strings)."""
        converted = _sanitize_callable_params(_convert_params(params))
        self.experiment.log_params(sanitize_params(converted))

    @rank_zero_only
    def finalize(self, status: str) -> None:
        """End the run, if one was started."""
        if self._experiment is not None:
            self.experiment.end()

    @staticmethod
    def _sanitize_params(params: dict[str, Any]) -> dict[str, Any]:
        return sanitize_params(params)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its ``Live`` (spawned workers make none)."""
        state = self.__dict__.copy()
        state["_experiment"] = None
        return state


def sanitize_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Arrays of more than one dimension and ``Namespace`` values become strings."""
    return {
        key: str(value)
        if (hasattr(value, "ndim") and value.ndim > 1) or isinstance(value, Namespace)
        else value
        for key, value in params.items()
    }
