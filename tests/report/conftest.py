"""Fixtures for the report tests: runs written by the real dvclive 3.49.1, offline Chromium."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.data.conftest import inside, write_full_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: Flags that keep headless Chromium off the network entirely.
OFFLINE_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]

#: What the full dvclive run of ``write_full_run`` logs.
METRICS = ["flag", "odd", "train/loss", "val/acc"]
SKLEARN = ["calibration", "cm", "det", "eval/pr", "roc"]
CUSTOM = ["losses"]


def _dvclive_run(root: Path, **live_kwargs: object) -> Path:
    from dvclive import Live

    root.mkdir(parents=True, exist_ok=True)
    with inside(root), Live("dvclive", save_dvc_exp=False, **live_kwargs) as live:  # type: ignore[arg-type]
        write_full_run(live)
    return root / "dvclive"


@pytest.fixture(scope="session", params=["upstream", "inner"])
def dvclive_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run by the real dvclive 3.49.1, in both dvc.yaml layouts (``./`` and ``dvclive/``)."""
    root = tmp_path_factory.mktemp(f"dvclive-{request.param}")
    if request.param == "inner":
        return _dvclive_run(root, dvcyaml="dvclive/dvc.yaml")
    return _dvclive_run(root)


@pytest.fixture
def run_copy(dvclive_run: Path, tmp_path: Path) -> Path:
    """A private copy of ``dvclive_run`` with its surroundings (dvc.yaml above it)."""
    target = tmp_path / "copy"
    shutil.copytree(dvclive_run.parent, target)
    return target / dvclive_run.name


def chart_names(page: str) -> list[str]:
    """Names of the Vega charts in a report.html, in order (``static/train/loss``...)."""
    return [
        html.unescape(name)
        for name in re.findall(r'class="vega" id="chart-\d+" data-chart="([^"]*)"', page)
    ]


def run_chromium(args: list[str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *OFFLINE_FLAGS, *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def chromium() -> Callable[[list[str]], subprocess.CompletedProcess[str]]:
    if CHROMIUM is None:  # pragma: no cover - Debian's chromium is part of the dev image
        pytest.skip("chromium is not installed")
    return run_chromium
