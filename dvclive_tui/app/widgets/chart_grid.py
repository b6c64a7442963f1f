"""A page of charts laid out in a grid (1-9 per page), one :class:`Chart` per metric."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.reactive import reactive
from textual.widgets import Static

from dvclive_tui.app.widgets.chart import Chart, SharedChartOptions
from dvclive_tui.charts.series import SeriesData
from dvclive_tui.text import sanitize

#: Grid columns for each number of charts per page (rows follow).
COLUMNS: dict[int, int] = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3, 9: 3}


def grid_shape(per_page: int) -> tuple[int, int]:
    """``(columns, rows)`` of a page holding ``per_page`` charts."""
    columns = COLUMNS[per_page]
    return columns, math.ceil(per_page / columns)


class ChartGrid(Vertical):
    """Charts of the given metrics, ``per_page`` at a time.

    Every metric keeps its own :class:`Chart` (so zoom and cursor survive paging and
    filtering); only the current page's charts are displayed, and only they hold data:
    a hidden chart lets go of its series (the arrays the data layer hands out may be copies)
    and gets fresh ones when it is shown again. :attr:`chart_options` reach every chart, new
    ones included (charts are created as metrics appear, outside :meth:`compose`, so the grid
    hands them on rather than binding them with ``data_bind``).
    """

    DEFAULT_CSS = """
    ChartGrid { height: 1fr; width: 1fr; }
    ChartGrid > #chart-grid-cells {
        layout: grid;
        grid-size: 2 2;
        grid-gutter: 0 1;
        height: 1fr;
    }
    ChartGrid > #chart-grid-empty {
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
    }
    ChartGrid > #chart-grid-pager {
        height: 1;
        color: $text-muted;
        text-align: right;
        display: none;
    }
    """

    per_page: reactive[int] = reactive(4, init=False)
    """Charts shown at once (1-9)."""
    page: reactive[int] = reactive(0, init=False)
    """Index of the page shown."""
    chart_options: reactive[SharedChartOptions] = reactive(SharedChartOptions, init=False)
    """Options set for every chart of the grid at once."""

    def __init__(
        self,
        *,
        per_page: int = 4,
        empty_message: str = "No metrics yet",
        id: str | None = None,  # noqa: A002 - Textual's own keyword
    ) -> None:
        super().__init__(id=id)
        self.set_reactive(ChartGrid.per_page, per_page)
        self._charts: dict[str, Chart] = {}
        self._order: list[str] = []
        self._empty_message = empty_message
        self._series_for: Callable[[str], list[SeriesData]] | None = None
        self._stale: set[str] = set()
        """Metrics whose chart does not hold their latest data."""

    def compose(self) -> ComposeResult:
        """An empty-state line, the grid cells and a pager line."""
        yield Static(sanitize(self._empty_message), id="chart-grid-empty", markup=False)
        yield Container(id="chart-grid-cells")
        yield Static("", id="chart-grid-pager", markup=False)

    def on_mount(self) -> None:
        """Lay out the first (empty) page, once mounting is over (``is_mounted`` is set after
        the Mount handlers)."""
        self.call_later(self._layout)

    @property
    def metrics(self) -> list[str]:
        """Metrics in display order (after filtering)."""
        return list(self._order)

    @property
    def page_count(self) -> int:
        """Number of pages (at least one)."""
        return max(1, math.ceil(len(self._order) / self.per_page))

    def visible_metrics(self) -> list[str]:
        """Metrics of the current page."""
        start = self.page * self.per_page
        return self._order[start : start + self.per_page]

    def chart(self, metric: str) -> Chart | None:
        """The chart of ``metric``, if it was created."""
        return self._charts.get(metric)

    def set_empty_message(self, message: str) -> None:
        """Change the line shown when there is nothing to chart."""
        self._empty_message = message
        if self.is_mounted:
            self.query_one("#chart-grid-empty", Static).update(sanitize(message))

    def show(
        self,
        metrics: Sequence[str],
        series_for: Callable[[str], list[SeriesData]],
        dirty: set[str] | None = None,
    ) -> None:
        """Chart ``metrics``; refresh the data of those in ``dirty`` (all when ``None``).

        ``series_for`` is kept and called again when a page with stale charts is shown.
        """
        cells = self.query_one("#chart-grid-cells", Container)
        new: list[str] = []
        for metric in metrics:
            chart = self._charts.get(metric)
            if chart is None:
                chart = Chart(sanitize(metric))
                chart.shared_options = self.chart_options
                chart.display = False
                # Keep the grid's child order sorted by metric name.
                after = [known for known in self._charts if known > metric]
                before = self._charts[min(after)] if after else None
                self._charts[metric] = chart
                cells.mount(chart, before=before)
                new.append(metric)
        self._series_for = series_for
        self._stale.update(metrics if dirty is None else dirty)
        self._stale.update(new)
        self._order = list(metrics)
        if self.page >= self.page_count:
            self.page = self.page_count - 1
        self._layout()

    def watch_chart_options(self, options: SharedChartOptions) -> None:
        """Hand the shared options to every chart."""
        for chart in self._charts.values():
            chart.shared_options = options

    def focus_metric(self, metric: str) -> bool:
        """Show the page holding ``metric`` and focus its chart."""
        if metric not in self._order:
            return False
        self.page = self._order.index(metric) // self.per_page
        self._layout()
        self._charts[metric].focus()
        return True

    def next_page(self, delta: int) -> None:
        """Move ``delta`` pages forward (wrapping)."""
        self.page = (self.page + delta) % self.page_count

    def watch_per_page(self) -> None:
        """Keep the focused chart on screen when the page size changes."""
        focused = self.screen.focused if self.is_mounted else None
        if isinstance(focused, Chart) and focused in self._charts.values():
            metric = next(m for m, c in self._charts.items() if c is focused)
            if metric in self._order:
                self.page = self._order.index(metric) // self.per_page
        self.page = min(self.page, self.page_count - 1)
        self._layout()

    def watch_page(self) -> None:
        """Show the charts of the new page."""
        self._layout()

    def _layout(self) -> None:
        if not self.is_mounted:
            return
        visible = set(self.visible_metrics())
        for metric, chart in self._charts.items():
            chart.display = metric in visible
            if metric in visible and metric in self._stale and self._series_for is not None:
                chart.set_series(self._series_for(metric))
                self._stale.discard(metric)
            elif metric not in visible and chart.series:
                chart.set_series(())
                self._stale.add(metric)
        cells = self.query_one("#chart-grid-cells", Container)
        columns, rows = grid_shape(self.per_page)
        shown = len(visible)
        if shown and shown < self.per_page:
            columns = min(columns, shown)
            rows = math.ceil(shown / columns)
        cells.styles.grid_size_columns = columns
        cells.styles.grid_size_rows = rows
        cells.display = bool(self._order)
        self.query_one("#chart-grid-empty", Static).display = not self._order
        pager = self.query_one("#chart-grid-pager", Static)
        pager.display = self.page_count > 1
        pager.update(f"page {self.page + 1}/{self.page_count}  n/p to turn")
