"""Pilot helpers shared by the compare app tests."""

from __future__ import annotations

from typing import Any

from dvclive_tui.app.compare.charts_screen import ChartsScreen
from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from tests.settle import settle


async def open_overlay(pilot: Any, metric: str) -> Chart:
    """Press ``g`` on the table, wait for the curves and return the chart of ``metric``."""
    await pilot.press("g")
    await settle(pilot)
    charts = pilot.app.screen
    assert isinstance(charts, ChartsScreen)
    chart = charts.query_one(ChartGrid).chart(metric)
    assert chart is not None
    return chart
