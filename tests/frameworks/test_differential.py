"""The same tiny training through dvclive 3.49.1's integration and ours writes the same files.

Both run in this process, one after the other, each in its own folder outside Git; the trees
are compared as the writer's differential tests compare them (timestamps aside), and
``dvclive-tui ls --json`` reads our run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.frameworks import trainings
from tests.frameworks.conftest import need
from tests.frameworks.runs import assert_listed, assert_same_run, ls_json
from tests.writer.differential import chdir

#: name → (framework module, training, metrics ``ls`` must list, params it must list).
CASES: dict[str, tuple[str, Callable[[str], object], set[str], set[str]]] = {
    "lightning": (
        "lightning",
        trainings.lightning_fit,
        {"train/step/loss", "train/epoch/loss", "val/loss", "val/acc", "epoch"},
        {"hidden", "lr"},
    ),
    "fabric": ("lightning", trainings.fabric_loop, {"train/loss", "step_size"}, {"lr"}),
    "xgb": ("xgboost", trainings.xgb_train, {"train/logloss", "eval/logloss"}, set()),
    "lgbm": (
        "lightgbm",
        trainings.lgbm_fit,
        {"valid_0/binary_logloss", "valid_1/binary_logloss"},
        set(),
    ),
    "fastai": (
        "fastai",
        trainings.fastai_fit,
        {"train/loss", "eval/loss", "accuracy"},
        {"model", "batch_size"},
    ),
    "huggingface": (
        "transformers",
        lambda package: trainings.huggingface_train(package, "out"),
        {"train/loss", "eval/loss", "epoch"},
        {"num_train_epochs"},
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_same_files_as_dvclive(tmp_path: Path, name: str) -> None:
    module, train, metrics, params = CASES[name]
    need(module)
    for package in ("dvclive", "dvclive_writer"):
        root = tmp_path / package
        root.mkdir()
        with chdir(root):
            train(package)
    assert_same_run(tmp_path / "dvclive", tmp_path / "dvclive_writer")
    assert_listed(tmp_path / "dvclive_writer" / "run", metrics, params)


def test_keras_writes_dvclive_layout(in_tmp: Path) -> None:
    """dvclive's Keras module imports TensorFlow (absent here): the layout is checked instead."""
    need("keras")
    trainings.keras_fit("dvclive_writer")
    metrics = {"train/loss", "train/mae", "eval/loss", "eval/mae"}
    for name in metrics:
        rows = (in_tmp / "run" / "plots" / "metrics" / f"{name}.tsv").read_text().splitlines()
        assert rows[0] == f"step\t{name.split('/')[1]}" and len(rows) == 4
    assert_listed(in_tmp / "run", metrics)


def test_optuna_writes_the_last_trial_as_dvclive_does(tmp_path: Path) -> None:
    need("optuna")
    for package in ("dvclive", "dvclive_writer"):
        root = tmp_path / package
        root.mkdir()
        with chdir(root):
            trainings.optuna_study(package)
    assert_same_run(tmp_path / "dvclive", tmp_path / "dvclive_writer", "dvclive-optuna")
    (run,) = ls_json(tmp_path / "dvclive_writer" / "dvclive-optuna")["runs"]
    assert set(run["summary"]) == {"loss"} and set(run["params"]) == {"x"}
