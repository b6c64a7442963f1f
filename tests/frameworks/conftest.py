"""Framework tests: real frameworks on the CPU, tiny models and data built in the test.

The frameworks come with the ``frameworks`` extra (``.ci/run`` installs it). Without it these
tests are skipped, except under CI (``CI`` set), where a missing framework fails the test.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from dvclive_writer.utils import env2bool

#: Set for every framework test and the processes it starts: nothing reaches a hub.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "KERAS_BACKEND": "torch",
    "TOKENIZERS_PARALLELISM": "false",
    "YOLO_OFFLINE": "1",
}


def need(module: str) -> ModuleType:
    """Import ``module``; skip the test without it (fail under CI, which installs it)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if env2bool("CI"):
            raise
        pytest.skip(f"{module} is not installed (pip install -e '.[test,frameworks]')")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in OFFLINE_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "SLURM_PROCID", "JSM_NAMESPACE_RANK"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    """``tmp_path`` as the current directory (outside any Git repository)."""
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)
