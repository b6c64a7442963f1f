"""The dashboard on a directory written by the real ``dvclive`` (the oracle, 3.49.1)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.watch.panes.charts import ChartsPane
from dvclive_tui.app.watch.widgets.run_header import RunHeader
from dvclive_tui.settings import Settings
from tests.settle import settle


def write_with_dvclive(directory: Path, steps: int) -> None:
    from dvclive import Live
    from PIL import Image

    with Live(str(directory), save_dvc_exp=False, report=None) as live:
        live.log_params({"optimizer": {"lr": 0.1}, "epochs": steps})
        for step in range(steps):
            live.log_metric("train/loss", 1.0 / (step + 1), timestamp=True)
            live.log_metric("val/acc", step / steps, timestamp=True)
            live.log_image(f"pred/{step}.png", Image.new("RGB", (8, 8), (step * 40, 0, 0)))
            live.next_step()
            time.sleep(0.02)
        live.log_sklearn_plot("confusion_matrix", [0, 1, 1, 0], [0, 1, 0, 0])


async def test_dashboard_reads_a_real_dvclive_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_with_dvclive(tmp_path / "dvclive", 5)
    app = WatchApp(Settings(paths=(Path("dvclive"),), watch=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.query_one("#charts-pane", ChartsPane).grid
        assert grid.metrics == ["train/loss", "val/acc"]
        chart = grid.chart("train/loss")
        assert chart is not None
        [series] = chart.series
        assert series.steps.tolist() == [0, 1, 2, 3, 4]
        assert series.timestamps is not None and len(series.timestamps) == 5
        await pilot.press("X")
        assert chart.x_axis == "wall"
        run = app.runs[0]
        assert run.params == {"optimizer": {"lr": 0.1}, "epochs": 5}
        assert [step for step, _ in run.images["pred"].frames] == [0, 1, 2, 3, 4]
        assert list(run.plots) == ["confusion_matrix"]
        header = str(app.query_one(RunHeader).render())
        assert "step 4" in header and "running" in header and "step/s" in header
