"""A one-parameter regression model and ``Trainer`` for Hugging Face tests (no downloads)."""

from __future__ import annotations

from typing import Any


def regression_trainer(output_dir: str, report_to: str, epochs: int = 2) -> Any:
    """A seeded ``Trainer`` fitting ``y = 2x + 3`` on 32 points, evaluated every epoch."""
    import numpy as np
    import torch
    from torch import nn
    from transformers import (
        PretrainedConfig,
        PreTrainedModel,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    set_seed(0)

    class Config(PretrainedConfig):  # type: ignore[misc]
        model_type = "tiny-regression"

    class Model(PreTrainedModel):  # type: ignore[misc]
        config_class = Config

        def __init__(self, config: Config) -> None:
            super().__init__(config)
            self.a = nn.Parameter(torch.tensor(0.0))
            self.b = nn.Parameter(torch.tensor(0.0))

        def forward(self, input_x: Any, labels: Any = None, **_: Any) -> Any:
            y = input_x * self.a + self.b
            if labels is None:
                return (y,)
            return (nn.functional.mse_loss(y, labels), y)

    rng = np.random.default_rng(0)
    x = rng.normal(size=32).astype("float32")
    rows = [{"input_x": xi, "labels": np.float32(2 * xi + 3)} for xi in x]
    args = TrainingArguments(
        output_dir,
        eval_strategy="epoch",
        num_train_epochs=epochs,
        save_strategy="no",
        report_to=report_to,
        use_cpu=True,
        per_device_train_batch_size=8,
        logging_steps=2,
        seed=0,
        disable_tqdm=True,
    )
    return Trainer(Model(Config()), args, train_dataset=rows, eval_dataset=rows)
