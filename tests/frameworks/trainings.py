"""Tiny trainings on the CPU, run through an integration module given by its package.

Each function takes the package (``dvclive`` or ``dvclive_writer``), imports that package's
integration module and trains a model built here on data made here, writing a run to
``dir`` (relative to the current directory). Seeds are fixed, so two runs log the same values.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Passed to every integration: the same settings for both libraries (whose defaults for
#: ``report`` differ: dvclive none, ours html).
LIVE_KWARGS: dict[str, Any] = {"dir": "run", "report": None, "save_dvc_exp": False}


def integration(package: str, name: str) -> Any:
    """``<package>.<name>``, e.g. ``dvclive_writer.lightning``."""
    return importlib.import_module(f"{package}.{name}")


def lightning_fit(package: str, **kwargs: Any) -> Any:
    """Fit a 2-layer XOR classifier for 2 epochs with train and validation metrics."""
    import lightning as L
    import torch
    from torch import nn
    from torch.nn import functional as F
    from torch.utils.data import DataLoader, TensorDataset

    L.seed_everything(0, verbose=False)
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 2)
    y = torch.tensor([0, 1, 1, 0] * 2)

    class XOR(L.LightningModule):
        def __init__(self, hidden: int = 8, lr: float = 0.05) -> None:
            super().__init__()
            self.save_hyperparameters()
            self.net = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 2))

        def training_step(self, batch: Any, _: int) -> Any:
            loss = F.cross_entropy(self.net(batch[0]), batch[1])
            self.log("train_loss", loss, on_step=True, on_epoch=True)
            return loss

        def validation_step(self, batch: Any, _: int) -> None:
            logits = self.net(batch[0])
            self.log("val_loss", F.cross_entropy(logits, batch[1]))
            self.log("val_acc", (logits.argmax(1) == batch[1]).float().mean())

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=self.hparams["lr"])

    data = TensorDataset(x, y)
    logger = integration(package, "lightning").DVCLiveLogger(**{**LIVE_KWARGS, **kwargs})
    trainer = L.Trainer(
        logger=logger,
        max_epochs=2,
        log_every_n_steps=1,
        accelerator="cpu",
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(XOR(), DataLoader(data, batch_size=2), DataLoader(data, batch_size=4))
    return logger


def fabric_loop(package: str) -> None:
    """A Fabric loop logging a loss per step and the hyperparameters."""
    import torch
    from lightning.fabric import Fabric

    torch.manual_seed(0)
    logger = integration(package, "fabric").DVCLiveLogger(**LIVE_KWARGS)
    fabric = Fabric(accelerator="cpu", devices=1, loggers=[logger])
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    model, optimizer = fabric.setup(model, optimizer)
    logger.log_hyperparams({"lr": 0.1, "batch_size": 4})
    x, target = torch.randn(16, 4), torch.randn(16, 1)
    for step in range(1, 6):
        loss = torch.nn.functional.mse_loss(model(x), target)
        optimizer.zero_grad()
        fabric.backward(loss)
        optimizer.step()
        fabric.log_dict({"train_loss": loss, "step_size": 0.1}, step=step)
    logger.finalize("success")


def keras_fit(package: str) -> None:
    """Fit a tiny Keras 3 model for 3 epochs with a validation split."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 4, dtype="float32")
    y = np.array([[0], [1], [1], [0]] * 4, dtype="float32")
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(loss="mse", optimizer="sgd", metrics=["mae"])
    callback = integration(package, "keras").DVCLiveCallback(**LIVE_KWARGS)
    model.fit(x, y, epochs=3, batch_size=4, validation_split=0.25, callbacks=[callback], verbose=0)


def _classification(n: int = 60) -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4))
    return x, (x[:, 0] + x[:, 1] > 0).astype(int)


def xgb_train(package: str) -> None:
    """Five boosting rounds with train and eval sets."""
    import xgboost as xgb

    x, y = _classification()
    train, evals = xgb.DMatrix(x[:40], y[:40]), xgb.DMatrix(x[40:], y[40:])
    callback = integration(package, "xgb").DVCLiveCallback(**LIVE_KWARGS)
    params = {"objective": "binary:logistic", "seed": 0, "nthread": 1}
    xgb.train(params, train, 5, evals=[(train, "train"), (evals, "eval")], callbacks=[callback])


def lgbm_fit(package: str) -> Any:
    """Five boosting rounds of ``LGBMClassifier`` with two evaluation sets."""
    import lightgbm as lgbm

    x, y = _classification()
    callback = integration(package, "lgbm").DVCLiveCallback(**LIVE_KWARGS)
    model = lgbm.LGBMClassifier(n_estimators=5, seed=0, n_jobs=1, verbose=-1, min_child_samples=5)
    model.fit(x[:40], y[:40], eval_set=[(x[:40], y[:40]), (x[40:], y[40:])], callbacks=[callback])
    callback.live.end()
    return callback


def optuna_study(package: str, n_trials: int = 3, **kwargs: Any) -> None:
    """A seeded study of ``n_trials`` trials, one run per trial."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    callback = integration(package, "optuna").DVCLiveCallback(
        metric_name="loss", **{"report": None, **kwargs}
    )
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(
        lambda trial: (trial.suggest_float("x", -10, 10) - 2) ** 2,
        n_trials=n_trials,
        callbacks=[callback],
    )


def fastai_fit(package: str) -> None:
    """Fit a tabular learner for 2 epochs (one cycle) with accuracy."""
    import pandas as pd
    from fastai.tabular.all import (
        Categorify,
        Normalize,
        ProgressCallback,
        TabularDataLoaders,
        accuracy,
        set_seed,
        tabular_learner,
    )

    set_seed(0, reproducible=True)
    frame = pd.DataFrame({"x1": [1, 1, 0, 0] * 4, "x2": [1, 0, 1, 0] * 4, "y": [0, 1, 1, 0] * 4})
    loaders = TabularDataLoaders.from_df(
        frame,
        valid_idx=list(range(12, 16)),
        bs=4,
        cont_names=["x1", "x2"],
        procs=[Categorify, Normalize],
        y_names="y",
        num_workers=0,
        shuffle=False,
    )
    learn = tabular_learner(loaders, metrics=accuracy)
    learn.remove_cb(ProgressCallback)
    learn.fit_one_cycle(2, cbs=[integration(package, "fastai").DVCLiveCallback(**LIVE_KWARGS)])


def huggingface_train(package: str, output_dir: str) -> None:
    """Two epochs of a one-parameter regression ``Trainer`` with dvclive's (deprecated) callback."""
    from tests.frameworks.hf_model import regression_trainer

    callback = integration(package, "huggingface").DVCLiveCallback(**LIVE_KWARGS)
    trainer = regression_trainer(output_dir, report_to="none")
    trainer.add_callback(callback)
    trainer.train()
