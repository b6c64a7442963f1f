"""Tiny apps hosting one chart widget each, with deterministic data (seeded RNG)."""

from __future__ import annotations

import numpy as np

from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.charts.series import SeriesData
from tests.widgets.host import HostApp

START_MS = 1_700_000_000_000


def loss_series(runs: int = 3, points: int = 200, seed: int = 1) -> list[SeriesData]:
    """Noisy decaying losses, one per run, with timestamps one second apart."""
    rng = np.random.default_rng(seed)
    steps = np.arange(points, dtype=np.int64)
    result = []
    for index in range(runs):
        values = np.exp(-steps / 60) * (1 + 0.3 * index) + rng.normal(0, 0.03, points) + 0.05
        stamps = START_MS + steps * 1000 + index * 7_000
        result.append(
            SeriesData(
                key=f"run-{index}::train/loss",
                label=f"run-{index}",
                steps=steps,
                values=values,
                timestamps=stamps.astype(np.int64),
                color=index,
            )
        )
    return result


class ChartApp(HostApp):
    """One focused chart filling the screen, given ``series`` once mounted."""

    def __init__(self, series: list[SeriesData], title: str = "train/loss") -> None:
        super().__init__(Chart(title, id="chart"))
        self.series = series

    def on_mount(self) -> None:
        self.query_one(Chart).set_series(self.series)
