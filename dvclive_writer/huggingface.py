"""``DVCLiveCallback`` for Hugging Face ``Trainer`` (``dvclive.huggingface``), deprecated there.

dvclive deprecates it in favour of transformers' own ``DVCLiveCallback`` (``report_to=
"dvclive"``); that one imports ``dvclive`` itself and reaches this package through the opt-in
of :mod:`dvclive_writer.alias` (``python -m dvclive_writer.run train.py``). This one keeps
dvclive's deprecation warning and behaviour: params from ``TrainingArguments`` at the start,
every ``on_log`` as one step, ``log_model`` as dvclive's.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Literal

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments
from transformers.trainer import Trainer

from dvclive_writer.live import Live
from dvclive_writer.utils import standardize_metric_name

logger = logging.getLogger("dvclive")


class DVCLiveCallback(TrainerCallback):
    """Log a ``Trainer``'s params, metrics and (with ``log_model``) checkpoints to a run."""

    def __init__(
        self,
        live: Live | None = None,
        log_model: Literal["all"] | bool | None = None,
        **kwargs: Any,
    ) -> None:
        """Warn about the deprecation; use ``live`` or make a ``Live(**kwargs)``.

        Args:
            live: an existing ``Live``.
            log_model: ``True`` logs the last (or best) model at the end; ``"all"`` logs the
                output directory at each save.
            **kwargs: passed to ``Live`` when ``live`` is None.
        """
        logger.warning(
            "This callback is deprecated and will be removed in DVCLive 4.0"
            " in favor of `transformers.integrations.DVCLiveCallback`"
            " https://dvc.org/doc/dvclive/ml-frameworks/huggingface."
        )
        super().__init__()
        self._log_model = log_model
        self.live = live if live is not None else Live(**kwargs)

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        """Log the training arguments as params."""
        self.live.log_params(args.to_dict())

    def on_log(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        """Log every value of ``logs`` (``train_``/``eval_`` become folders), then a step."""
        for key, value in kwargs["logs"].items():
            self.live.log_metric(standardize_metric_name(key, __name__), value)
        self.live.next_step()

    def on_save(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        """With ``log_model="all"``, log the output directory (on the main process)."""
        if self._log_model == "all" and state.is_world_process_zero:
            assert args.output_dir is not None
            self.live.log_artifact(args.output_dir)

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        """With ``log_model=True``, save and log the best (or last) model; end the run."""
        if self._log_model is True and state.is_world_process_zero:
            saver = Trainer(
                args=args,
                model=kwargs.get("model"),
                processing_class=kwargs.get("processing_class", kwargs.get("tokenizer")),
                eval_dataset=["fake"],
            )
            name = "best" if args.load_best_model_at_end else "last"
            assert args.output_dir is not None
            output_dir = os.path.join(args.output_dir, name)
            saver.save_model(output_dir)
            self.live.log_artifact(output_dir, name=name, type="model", copy=True)
        self.live.end()
