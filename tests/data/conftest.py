"""Fixtures for the data-layer tests: run directories written by the real dvclive package."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

STEPS = 6
#: Environment variables that would change what dvclive writes.
_DVCLIVE_ENV = (
    "DVCLIVE_RESUME",
    "DVCLIVE_TEST",
    "DVCLIVE_OPEN",
    "DVCLIVE_LOGLEVEL",
    "DVC_ROOT",
    "DVC_EXP_BASELINE_REV",
    "DVC_EXP_NAME",
    "DVC_STUDIO_TOKEN",
    "STUDIO_TOKEN",
)


@contextmanager
def inside(folder: Path) -> Iterator[None]:
    """chdir into ``folder`` with dvclive's env vars unset (session fixtures, no monkeypatch)."""
    saved_env = {name: os.environ.pop(name) for name in _DVCLIVE_ENV if name in os.environ}
    saved_cwd = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.update(saved_env)


def write_full_run(live: Any, steps: int = STEPS) -> None:
    """Log everything dvclive can log: nested/timestamped/non-finite metrics, params, images,
    per-step images, every sklearn plot and a custom plot."""
    rng = np.random.default_rng(7)
    live.log_params({"lr": 0.01, "optimizer": {"name": "adam", "betas": [0.9, 0.999]}})
    live.log_param("epochs", steps)
    for step in range(steps):
        live.log_metric("train/loss", 1.0 / (step + 1), timestamp=True)
        live.log_metric("val/acc", 0.1 * step)
        live.log_metric("odd", float("nan") if step % 2 else float("inf"))
        live.log_metric("flag", step % 2 == 0)
        pixels = np.full((8, 8, 3), step * 20, dtype=np.uint8)
        live.log_image(f"samples/{step}.png", pixels)
        live.next_step()
    live.log_image("final.png", np.zeros((6, 4, 3), dtype=np.uint8))
    labels = rng.integers(0, 2, 80)
    scores = np.clip(labels * 0.4 + rng.random(80) * 0.6, 0, 1)
    live.log_sklearn_plot("roc", labels, scores)
    live.log_sklearn_plot("precision_recall", labels, scores, name="eval/pr")
    live.log_sklearn_plot("det", labels, scores)
    live.log_sklearn_plot("calibration", labels, scores, title="Reliability")
    live.log_sklearn_plot(
        "confusion_matrix", labels, (scores > 0.5).astype(int), name="cm", normalized=True
    )
    live.log_plot(
        "losses",
        [{"epoch": i, "train": 1.0 / (i + 1), "val": 1.2 / (i + 1)} for i in range(4)],
        x="epoch",
        y=["train", "val"],
        title="Losses",
        x_label="Epoch",
    )


def _dvclive_run(root: Path, **live_kwargs: Any) -> Path:
    from dvclive import Live

    root.mkdir(parents=True, exist_ok=True)
    with inside(root), Live("dvclive", save_dvc_exp=False, **live_kwargs) as live:
        write_full_run(live)
    return root / "dvclive"


@pytest.fixture(scope="session")
def upstream_layout_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run by dvclive 3.49.1 with its default ``./dvc.yaml`` one level above the run dir."""
    return _dvclive_run(tmp_path_factory.mktemp("upstream"))


@pytest.fixture(scope="session")
def inner_layout_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run by dvclive 3.49.1 with ``dvcyaml="dvclive/dvc.yaml"`` (the seed's layout)."""
    return _dvclive_run(tmp_path_factory.mktemp("inner"), dvcyaml="dvclive/dvc.yaml")


@pytest.fixture
def copy_run(tmp_path: Path) -> Callable[[Path], Path]:
    """Copy a session fixture's run (and its dvc.yaml surroundings) into ``tmp_path``."""

    def copy(run_dir: Path) -> Path:
        target = tmp_path / "copy"
        shutil.copytree(run_dir.parent, target)
        return target / run_dir.name

    return copy


class FakeClock:
    """An injectable wall clock."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
