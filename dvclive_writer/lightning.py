"""``DVCLiveLogger`` for PyTorch Lightning (``dvclive.lightning``): metrics, params, checkpoints.

Pass it as ``Trainer(logger=DVCLiveLogger(...))``. It syncs when Lightning logs the
train-step, train-epoch and evaluation-end metrics (not for every ``log_metrics`` call from
other callbacks), and with ``log_model`` it logs the checkpoint directory as an artifact
(``True``: at the end, or after each save with ``save_top_k=-1``; ``"all"``: after each save)
and the best checkpoint as the model artifact ``best``.

The sync check walks the caller frames by code name (dvclive calls ``inspect.stack()``, which
reads the source of every frame on every call).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

try:
    from lightning.pytorch.callbacks.model_checkpoint import ModelCheckpoint
    from lightning.pytorch.loggers.logger import Logger
    from lightning.pytorch.loggers.utilities import _scan_checkpoints
    from lightning.pytorch.utilities import rank_zero_only
except ImportError:
    from pytorch_lightning.callbacks.model_checkpoint import ModelCheckpoint
    from pytorch_lightning.loggers.logger import Logger
    from pytorch_lightning.utilities import rank_zero_only

    try:
        from pytorch_lightning.utilities.logger import _scan_checkpoints
    except ImportError:
        from pytorch_lightning.loggers.utilities import _scan_checkpoints

from dvclive_writer import env
from dvclive_writer.fabric import DVCLiveLogger as FabricDVCLiveLogger
from dvclive_writer.utils import env2bool

if TYPE_CHECKING:
    from dvclive_writer.live import Live

#: The Lightning functions whose ``log_metrics`` calls end a logging point (then: sync).
SYNCING_CALLERS = frozenset(
    ("update_train_step_metrics", "update_train_epoch_metrics", "log_eval_end_metrics")
)


def _should_sync() -> bool:
    """True when ``log_metrics`` is reached from one of :data:`SYNCING_CALLERS`."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name in SYNCING_CALLERS:
            return True
        frame = frame.f_back
    return False


class DVCLiveLogger(Logger, FabricDVCLiveLogger):
    """Lightning logger writing a DVCLive run (``**kwargs`` go to ``Live``)."""

    def __init__(
        self,
        run_name: str | None = "dvclive_run",
        prefix: str = "",
        log_model: str | bool = False,
        experiment: Live | None = None,
        **kwargs: Any,
    ) -> None:
        """Keep the settings; the ``Live`` is made on first use (rank zero only).

        Args:
            run_name: the logger's ``version``.
            prefix: prepended to every metric name (joined with ``/``).
            log_model: ``False``, ``True`` or ``"all"``: which checkpoints to log as artifacts.
            experiment: an existing ``Live`` to log to instead of creating one.
            **kwargs: passed to ``Live`` when this logger creates it.
        """
        super().__init__(run_name=run_name, prefix=prefix, experiment=experiment, **kwargs)
        self._log_model = log_model
        self._logged_model_time: dict[str, float] = {}
        self._checkpoint_callback: ModelCheckpoint | None = None
        self._all_checkpoint_paths: list[str] = []
        self._owns_experiment = experiment is None

    @rank_zero_only
    def log_metrics(
        self,
        metrics: Mapping[str, int | float | str | Any],
        step: int | None = None,
        sync: bool | None = False,
    ) -> None:
        """Log ``metrics``; sync when Lightning ends a logging point (see the module doc)."""
        if not sync and _should_sync():
            sync = True
        super().log_metrics(metrics, step, sync)

    def after_save_checkpoint(self, checkpoint_callback: ModelCheckpoint) -> None:
        """Record the new checkpoints; log the directory when ``log_model`` asks for it."""
        if self._log_model in (True, "all"):
            self._checkpoint_callback = checkpoint_callback
            self._scan_checkpoints(checkpoint_callback)
        if self._log_model == "all" or (
            self._log_model is True and checkpoint_callback.save_top_k == -1
        ):
            self._save_checkpoints(checkpoint_callback)

    @rank_zero_only
    def finalize(self, status: str) -> None:
        """Log the checkpoints and the best model (with ``log_model``), then end the run."""
        if self._checkpoint_callback:
            self._scan_checkpoints(self._checkpoint_callback)
            self._save_checkpoints(self._checkpoint_callback)
            best_model_path = self._checkpoint_callback.best_model_path
            self.experiment.log_artifact(best_model_path, name="best", type="model", copy=True)
        super().finalize(status)

    def _scan_checkpoints(self, checkpoint_callback: ModelCheckpoint) -> None:
        for mtime, path, _, _ in _scan_checkpoints(checkpoint_callback, self._logged_model_time):
            self._logged_model_time[path] = mtime
            self._all_checkpoint_paths.append(path)

    def _save_checkpoints(self, checkpoint_callback: ModelCheckpoint) -> None:
        dirpath = checkpoint_callback.dirpath
        if not self._resumed() and dirpath:
            kept = set(self._all_checkpoint_paths)
            for path in Path(dirpath).iterdir():
                if str(path) not in kept:
                    path.unlink(missing_ok=True)
        self.experiment.log_artifact(dirpath)

    def _resumed(self) -> bool:
        """Whether the run continues a previous one (then older checkpoints are kept).

        Known from the ``resume`` given to this logger (or ``DVCLIVE_RESUME``) when the
        logger makes its ``Live``. A ``Live`` passed in as ``experiment`` does not expose
        it, so older checkpoints are then kept (dvclive reads ``Live._resume``).
        """
        if self._owns_experiment:
            return bool(self._kwargs.get("resume")) or env2bool(env.DVCLIVE_RESUME)
        return True
