"""``dvclive-tui watch`` / ``demo`` on the command line, and the demo's trainer."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.watch.panes.charts import ChartsPane
from dvclive_tui.commands.demo import start_trainer, stop_trainer
from dvclive_tui.settings import Settings
from tests.settle import settle
from tests.tui.conftest import Clock


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dvclive_tui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_watch_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("watch", "no-such-dir", cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.endswith("path 'no-such-dir' does not exist")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["watch"], ["report"], ["report", "--view"]])
def test_a_file_is_not_called_a_missing_directory(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "metrics.json").write_text("{}")
    result = run_cli(*command, "metrics.json", cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.endswith("path 'metrics.json' is not a directory"), line


@pytest.mark.parametrize("flag", [["--interval", "9"], ["--color-system", "rainbow"], ["--bogus"]])
def test_watch_bad_flag_exits_2(tmp_path: Path, flag: list[str]) -> None:
    result = run_cli("watch", *flag, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "--interval" in line or "--color-system" in line or "--bogus" in line


def test_watch_unknown_theme_exits_2(tmp_path: Path) -> None:
    result = run_cli("watch", "--theme", "no-such-theme", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown theme 'no-such-theme'" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_help_lists_its_options(tmp_path: Path) -> None:
    result = run_cli("demo", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in ("--steps", "--delay", "--keep", "--interval", "--theme"):
        assert option in result.stdout


async def test_demo_trainer_feeds_the_dashboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    process = start_trainer(tmp_path / "dvclive", 4, 0.0, tmp_path / "trainer.log")
    assert process.wait(60) == 0, (tmp_path / "trainer.log").read_text()
    app = WatchApp(Settings(paths=(Path("."),), watch=False, clock=Clock(time.time())))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.query_one("#charts-pane", ChartsPane).grid
        assert grid.metrics == ["eval/acc", "eval/loss", "lr", "train/acc", "train/loss"]
        run = app.runs[0]
        assert run.name == "dvclive"
        assert run.params["model"]["name"] == "resnet18"
        assert [step for step, _ in run.images["samples"].frames] == [0, 1, 2, 3]
        assert "confusion_matrix" in run.plots
        assert len(run.metrics["train/loss"]) == 4
        system = app.query_one("#system-pane", ChartsPane).grid
        assert "system/cpu/usage (%)" in system.metrics


def test_stopping_the_demo_trainer_ends_it(tmp_path: Path) -> None:
    process = start_trainer(tmp_path / "dvclive", 10_000, 0.5, tmp_path / "trainer.log")
    time.sleep(0.2)
    stop_trainer(process)
    assert process.returncode is not None
