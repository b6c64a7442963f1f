"""The Charts and System tabs: a metric list beside a grid of charts."""

from __future__ import annotations

import math
import threading
from contextlib import AbstractContextManager

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive

from dvclive_tui.app.watch.panes.update import Update
from dvclive_tui.app.watch.widgets.metric_tree import MetricEntry, MetricTree
from dvclive_tui.app.widgets.chart import SharedChartOptions
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from dvclive_tui.charts.series import SeriesData
from dvclive_tui.text import format_value, matches, sparkline
from dvclive_writer.read.model import Run

#: Metrics under this prefix belong to the System tab.
SYSTEM_PREFIX = "system/"


def series_version(generation: int, length: int) -> int:
    """A version number that changes whenever a series grows or is reset."""
    return generation * 2**40 + length


class ChartsPane(Horizontal):
    """Metrics (system ones or all others) as a tree and as a grid of charts.

    Args:
        system: Show only ``system/…`` metrics (else everything but them).
        empty_message: Line shown while there is no metric.
        lock: Held while reading runs (the poll workers mutate them under it); charts
            read their data again when a page is turned, outside the App's refresh.
    """

    DEFAULT_CSS = """
    ChartsPane { height: 1fr; }
    """

    per_page: reactive[int] = reactive(4, init=False)
    """Charts per page of the grid."""
    chart_options: reactive[SharedChartOptions] = reactive(SharedChartOptions, init=False)
    """Options set for every chart of the grid at once."""

    def __init__(
        self,
        *,
        system: bool = False,
        empty_message: str = "No metrics yet",
        lock: AbstractContextManager[object] | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own keyword
    ) -> None:
        super().__init__(id=id)
        self._lock = lock if lock is not None else threading.RLock()
        self._system = system
        self._empty_message = empty_message
        self._runs: tuple[Run, ...] = ()

    @property
    def metric_tree(self) -> MetricTree:
        """The metric list."""
        return self.query_one(MetricTree)

    @property
    def grid(self) -> ChartGrid:
        """The chart grid."""
        return self.query_one(ChartGrid)

    def compose(self) -> ComposeResult:
        """The list on the left, the charts on the right."""
        yield MetricTree("system" if self._system else "metrics")
        yield ChartGrid(empty_message=self._empty_message).data_bind(
            ChartsPane.per_page, ChartsPane.chart_options
        )

    def owns(self, metric: str) -> bool:
        """Whether ``metric`` belongs to this pane."""
        return metric.startswith(SYSTEM_PREFIX) == self._system

    def update(self, update: Update) -> None:
        """Redraw for ``update``: the tree always, charts only when their data changed."""
        self._runs = update.runs
        names = sorted({name for run in update.runs for name in run.metrics if self.owns(name)})
        shown = [name for name in names if matches(name, update.query)]
        dirty = None if update.metrics is None else set(update.metrics)
        if dirty is not None and not dirty & set(names) and shown == self.grid.metrics:
            return
        self.metric_tree.show([self._entry(name) for name in shown])
        self.grid.show(shown, self._series, dirty)

    @on(MetricTree.MetricChosen)
    def _metric_chosen(self, event: MetricTree.MetricChosen) -> None:
        event.stop()
        self.grid.focus_metric(event.metric)

    def set_empty_message(self, message: str) -> None:
        """Change the line shown while there is no metric."""
        self.grid.set_empty_message(message)

    def _entry(self, metric: str) -> MetricEntry:
        for run in self._runs:
            series = run.metrics.get(metric)
            if series is not None and len(series):
                latest = float(series.values[-1])
                return MetricEntry(
                    metric,
                    format_value(latest),
                    sparkline(series.values, 6),
                    alert=not math.isfinite(latest),
                )
        return MetricEntry(metric, "", "")

    def _series(self, metric: str) -> list[SeriesData]:
        with self._lock:
            return self._series_unlocked(metric)

    def _series_unlocked(self, metric: str) -> list[SeriesData]:
        result: list[SeriesData] = []
        for index, run in enumerate(self._runs):
            series = run.metrics.get(metric)
            if series is None:
                continue
            result.append(
                SeriesData(
                    key=f"{run.name}::{metric}",
                    label=run.name,
                    steps=series.steps,
                    values=series.values,
                    timestamps=series.timestamps,
                    color=index,
                    version=series_version(series.generation, len(series)),
                )
            )
        return result
