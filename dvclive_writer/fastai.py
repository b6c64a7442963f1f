"""``DVCLiveCallback`` for fastai (``dvclive.fastai``): one step per epoch.

Params describe the learner at the start of ``fit``; ``train_``/``valid_`` metrics go under
``train/``/``eval/``. During ``fine_tune`` the run ends after the unfrozen stage only; with
``SaveModelCallback`` the saved model is logged as an artifact at the end.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

from fastai.callback.core import Callback

from dvclive_writer.live import Live
from dvclive_writer.utils import standardize_metric_name


def _inside_fine_tune() -> bool:
    """True when ``after_fit`` ends the frozen stage of ``learn.fine_tune``."""
    names: set[str] = set()
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        names.add(frame.f_code.co_name)
        frame = frame.f_back
    return {"fine_tune", "fit_one_cycle"} <= names


class DVCLiveCallback(Callback):
    """Log a ``Learner``'s params and epoch metrics to a run (``cbs=[DVCLiveCallback()]``)."""

    def __init__(self, with_opt: bool = False, live: Live | None = None, **kwargs: Any) -> None:
        """Use ``live`` or make a ``Live(**kwargs)``.

        Args:
            with_opt: kept for dvclive's signature.
            live: an existing ``Live``.
            **kwargs: passed to ``Live`` when ``live`` is None.
        """
        super().__init__()
        self.with_opt = with_opt
        self.live = live if live is not None else Live(**kwargs)
        self.freeze_stage_ended = False

    def _skipped(self) -> bool:
        return hasattr(self, "lr_finder") or hasattr(self, "gather_preds")

    def before_fit(self) -> None:
        """Log the model class, batch size and freezing state as params."""
        if self._skipped():
            return
        params: dict[str, Any] = {
            "model": type(self.learn.model).__qualname__,
            "batch_size": getattr(self.dls, "bs", None),
            "batch_per_epoch": len(getattr(self.dls, "train", [])),
            "frozen": bool(getattr(self.opt, "frozen_idx", -1)),
            "frozen_idx": getattr(self.opt, "frozen_idx", -1),
            "transforms": f"{getattr(self.dls, 'tfms', None)}",
        }
        self.live.log_params(params)

    def after_epoch(self) -> None:
        """Log the recorder's values of this epoch, then a step (none when nothing logged)."""
        if self._skipped():
            return
        logged = False
        for key, value in zip(
            self.learn.recorder.metric_names, self.learn.recorder.log, strict=False
        ):
            if key == "epoch":
                continue
            self.live.log_metric(standardize_metric_name(key, __name__), float(value))
            logged = True
        if logged:
            self.live.next_step()

    def after_fit(self) -> None:
        """End the run, except after the frozen stage of ``fine_tune``."""
        if self._skipped():
            return
        if _inside_fine_tune() and not self.freeze_stage_ended:
            self.freeze_stage_ended = True
            return
        if hasattr(self, "save_model") and self.save_model.last_saved_path:
            self.live.log_artifact(str(self.save_model.last_saved_path))
        self.live.end()
