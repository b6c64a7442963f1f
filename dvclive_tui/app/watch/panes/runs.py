"""The Runs tab: every run in a table (sort, filter, group, select, hide, pin, star, top-k)
over a chart that overlays the charted runs for one metric.

The choices live in the App's :class:`~dvclive_tui.monitor.fleet_view.FleetView`; this
pane changes them and posts :class:`RunsPane.ViewChanged`, and the App arranges the runs
again and refreshes every tab (the Charts tab overlays the same runs in the same colours).
The chart shows the metric of the cursor's column, else the sort column's, else the first
metric column; its legend ranks the runs (:mod:`~dvclive_tui.app.watch.overlay`), and the
table, with each charted run's colour and mark, is the legend that scrolls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from dvclive_tui.app.watch.fleet_cells import (
    MARK,
    RowContext,
    age_text,
    group_cells,
    header,
    run_cells,
)
from dvclive_tui.app.watch.fleet_prompts import ColumnsScreen, TopKScreen
from dvclive_tui.app.watch.overlay import overlay_series, rank_direction
from dvclive_tui.app.watch.panes.update import Update
from dvclive_tui.app.watch.widgets.fleet_table import FleetTable
from dvclive_tui.app.widgets.chart import Chart, SharedChartOptions
from dvclive_tui.app.widgets.filter_bar import FilterBar
from dvclive_tui.experiments.filter import FilterError
from dvclive_tui.experiments.table import MISSING
from dvclive_tui.monitor.fleet_view import (
    BASE_COLUMNS,
    DEFAULT_CHARTED,
    DEFAULT_TOP_K,
    Arrangement,
    FleetView,
    GroupRow,
    RunRow,
    TopK,
    groupable,
    key_of,
)
from dvclive_tui.monitor.rules import guess_direction
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import Run

GROUP_PREFIX = "group:"
"""Row keys of group headers."""

RateOf = Callable[[Run], float | None]


class RunsPane(Vertical):
    """The runs table and the overlay chart (see the module docstring).

    Args:
        view: The App's runs view (its choices are changed here).
        clock: Wall clock, for the ages of last writes.
        rate_of: Steps per second of a run.
        alerts_of: The messages of the alert rules that fired for the run in a path.
        lock: Held while reading runs (the poll workers publish under it).
    """

    DEFAULT_CSS = """
    RunsPane { height: 1fr; }
    RunsPane > #runs-status { height: 1; color: $text-muted; padding: 0 1; }
    RunsPane > FleetTable { height: 1fr; min-height: 4; }
    RunsPane > Chart { height: 1fr; min-height: 8; }
    """
    LEGEND_FROM = 16
    """Chart rows from which the chart shows its own legend (the table is one anyway)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "select",
            "Select",
            tooltip="Select / unselect the run (on a group header: its runs); "
            "the charts overlay the selection",
        ),
        Binding(
            "a",
            "clear_selection",
            "Clear sel.",
            tooltip="Clear the selection: the charts overlay every listed run",
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            tooltip="Sort by the cursor's column; again: descending; a third time: no sort",
        ),
        Binding(
            "g", "group", "Group", tooltip="Group by the cursor's column (a param); again: ungroup"
        ),
        Binding(
            "t",
            "top_k",
            "Top k",
            tooltip=f"Select the {DEFAULT_TOP_K} best runs by the sort column (or the cursor's "
            "metric) and sort by it; asks when it cannot tell the metric or the direction",
        ),
        Binding("T", "top_k_prompt", "Top k…", show=False, tooltip="Top k by METRIC [min|max] [K]"),
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip='Filter runs: eval/loss < 0.5 and lr == 0.01, status == "running", '
            "starred, runs/41*",
        ),
        Binding("h", "hide", "Hide", show=False, tooltip="Hide the run (list and charts)"),
        Binding("H", "unhide", "Unhide all", show=False, tooltip="Show every hidden run again"),
        Binding(
            "asterisk",
            "star",
            "Star",
            show=False,
            tooltip="Star the run: listed first, always passes the filter",
        ),
        Binding(
            "p",
            "pin",
            "Pin",
            show=False,
            tooltip="Pin the run: always overlaid on the charts, whatever the selection",
        ),
        Binding(
            "c", "columns", "Columns", show=False, tooltip="Choose the metric and param columns"
        ),
    ]
    """Enter on a group header collapses or expands it; on a run it selects like space."""

    chart_options: reactive[SharedChartOptions] = reactive(SharedChartOptions, init=False)
    """Options set for every chart at once (the App's ``S``, ``L``, ``X``, ``F``)."""

    @dataclass
    class ViewChanged(Message):
        """The user changed the runs view: the App arranges the runs again."""

    @dataclass
    class CursorMoved(Message):
        """The cursor is on another run (the header describes it)."""

        path: Path | None

    def __init__(
        self,
        view: FleetView,
        clock: Callable[[], float],
        rate_of: RateOf,
        alerts_of: Callable[[Path], list[str]],
        *,
        lock: AbstractContextManager[object] | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own keyword
    ) -> None:
        super().__init__(id=id)
        self.view = view
        self._clock = clock
        self._rate_of = rate_of
        self._alerts_of = alerts_of
        self._lock = lock if lock is not None else threading.RLock()
        self._update = Update(())
        self._cached: dict[str, tuple[tuple[object, ...], list[Text]]] = {}
        self._chart_metric = ""
        self._cursor_path: Path | None = None
        self._pending_cursor = ""
        self._hidden_since_draw = False

    def compose(self) -> ComposeResult:
        """Filter bar (hidden), status line, table, chart."""
        yield FilterBar(
            live=False,
            placeholder='runs: eval/loss < 0.5 and lr == 0.01  |  status == "running"  |  runs/4*',
            id="runs-filter",
        )
        yield Static("", id="runs-status", markup=False)
        yield FleetTable(id="fleet")
        yield Chart("", id="runs-chart").data_bind(shared_options=RunsPane.chart_options)

    def on_resize(self) -> None:
        """Give the chart its legend only when the legend leaves room for the plot."""
        chart = self.chart
        chart.legend = chart.size.height >= self.LEGEND_FROM

    @property
    def table(self) -> FleetTable:
        """The runs table."""
        return self.query_one(FleetTable)

    @property
    def chart(self) -> Chart:
        """The overlay chart."""
        return self.query_one("#runs-chart", Chart)

    @property
    def arrangement(self) -> Arrangement | None:
        """What the table shows."""
        return self._update.fleet

    @property
    def chart_metric(self) -> str:
        """The metric the chart shows (empty before there is one)."""
        return self._chart_metric

    # -- drawing ----------------------------------------------------------------------

    def update(self, update: Update) -> None:
        """Show the arrangement of ``update`` (call with the runs' lock held); while the
        pane is hidden, only remember it (drawn when the pane is shown)."""
        self._update = update
        if update.fleet is None:
            return
        if not self._shown():
            self._hidden_since_draw = True
            return
        self._draw(update.metrics)

    def _draw(self, dirty: frozenset[str] | None) -> None:
        self._hidden_since_draw = False
        self._draw_table()
        self._draw_chart(dirty)
        self._draw_status()

    def _shown(self) -> bool:
        return all(node.display for node in self.ancestors_with_self)

    def on_show(self) -> None:
        """Draw what arrived while the pane was hidden."""
        if self._hidden_since_draw and self._update.fleet is not None:
            with self._lock:
                self._draw(None)

    def tick(self) -> None:
        """Refresh the ages of the last writes (once a second, while shown)."""
        if self._update.fleet is not None and self._shown():
            with self._lock:
                self._draw_table()

    def _columns(self, fleet: Arrangement) -> list[str]:
        return [*BASE_COLUMNS, *self.view.columns(fleet.runs)]

    def _draw_table(self) -> None:
        fleet = self._update.fleet
        assert fleet is not None
        columns = self._columns(fleet)
        now = self._clock()
        context = RowContext(fleet.colors, lambda path: bool(self._alerts_of(path)))
        rows: list[tuple[str, list[Text]]] = []
        wrote = columns.index("wrote") + 1
        for row in fleet.rows:
            if isinstance(row, GroupRow):
                rows.append(
                    (GROUP_PREFIX + row.key, group_cells(row, self._group_color(row), columns))
                )
                continue
            rows.append((row.key, self._run_row(row, columns, context, now, wrote)))
        headers = [(name, header(name, fleet.sort)) for name in (MARK, *columns)]
        table = self.table
        table.show(headers, rows)
        pending = self._pending_cursor
        if pending and pending in table.row_keys:
            self._pending_cursor = ""
            table.move_cursor(row=table.row_keys.index(pending), animate=False)

    def _run_row(
        self, row: RunRow, columns: list[str], context: RowContext, now: float, wrote: int
    ) -> list[Text]:
        run = row.run
        lookup = self.view.lookup(run, self._rate_of(run), now)
        token = (
            lookup,
            tuple(columns),
            lookup.flags,
            context.colors.get(run.path),
            context.alerted(run.path),
            None if lookup.rate is None else f"{lookup.rate:.3g}",
        )
        cached = self._cached.get(row.key)
        if cached is None or cached[0] != token:
            cells = run_cells(row, lookup, columns, context)
            self._cached[row.key] = (token, cells)
        else:
            cells = list(cached[1])
        age = lookup("wrote")
        cells[wrote] = Text("" if age is MISSING else age_text(age), justify="right")
        return cells

    def _group_color(self, group: GroupRow) -> int | None:
        fleet = self._update.fleet
        assert fleet is not None
        colors = (fleet.colors.get(run.path) for run in fleet.groups.get(group.key, []))
        return next((color for color in colors if color is not None), None)

    def _wanted_metric(self) -> str:
        fleet = self._update.fleet
        metrics = {name for run in self._update.runs for name in run.metrics}
        _, column = self.table.cursor_keys()
        candidates = [column or "", "" if fleet is None else fleet.sort[0]]
        candidates += [name for name in self._columns(fleet) if name in metrics] if fleet else []
        return next((name for name in candidates if name in metrics), "")

    def _draw_chart(self, dirty: frozenset[str] | None) -> None:
        metric = self._wanted_metric()
        if metric == self._chart_metric and dirty is not None and metric not in dirty:
            return
        self._chart_metric = metric
        update, chart = self._update, self.chart
        sort_by, descending = ("", False) if update.fleet is None else update.fleet.sort
        rank = rank_direction(metric, sort_by, descending)
        charted = len(update.runs)
        chart.title = sanitize(f"{metric} · {charted} run{'s' if charted != 1 else ''}")
        chart.set_series(overlay_series(update.runs, metric, update.colors, rank) if metric else [])

    def _draw_status(self) -> None:
        fleet = self._update.fleet
        assert fleet is not None
        choices = self.view.choices
        parts = [f"{len(fleet.listed)}/{fleet.total} runs"]
        if choices.selected:
            parts.append(f"{len(choices.selected)} selected")
        elif len(fleet.listed) > DEFAULT_CHARTED:
            parts.append(f"charting the first {DEFAULT_CHARTED} (select to choose)")
        else:
            parts.append("charting all listed")
        if choices.sort_by:
            parts.append(f"sort {choices.sort_by} {'↓' if choices.sort_descending else '↑'}")
        if choices.group_by:
            parts.append(f"group {choices.group_by}")
        if choices.run_filter:
            parts.append(f"filter {choices.run_filter}")
        if fleet.hidden:
            parts.append(f"{fleet.hidden} hidden")
        run = self.cursor_run()
        messages = [] if run is None else self._alerts_of(run.path)
        if messages:
            parts.append(f"! {messages[-1]}")
        self.query_one("#runs-status", Static).update(sanitize(" · ".join(parts)))

    # -- the cursor -------------------------------------------------------------------

    def restore_cursor(self, key: str) -> None:
        """Put the cursor on run ``key`` (a path) as soon as it is listed."""
        self._pending_cursor = key

    def cursor_key(self) -> str:
        """The path of the run under the cursor (or the one :meth:`restore_cursor` waits
        for); empty on a group header or an empty table."""
        if self._pending_cursor:
            return self._pending_cursor
        run = self.cursor_run()
        return "" if run is None else key_of(run)

    def cursor_run(self) -> Run | None:
        """The run under the cursor (``None`` on a group header)."""
        row_key, _ = self.table.cursor_keys()
        fleet = self._update.fleet
        if row_key is None or fleet is None or row_key.startswith(GROUP_PREFIX):
            return None
        return next((run for run in fleet.listed if key_of(run) == row_key), None)

    def _cursor_group(self) -> GroupRow | None:
        row_key, _ = self.table.cursor_keys()
        fleet = self._update.fleet
        if row_key is None or fleet is None or not row_key.startswith(GROUP_PREFIX):
            return None
        key = row_key.removeprefix(GROUP_PREFIX)
        return next((r for r in fleet.rows if isinstance(r, GroupRow) and r.key == key), None)

    def _cursor_column(self) -> str | None:
        _, column = self.table.cursor_keys()
        return None if column in (None, MARK) else column

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        run = self.cursor_run()
        path = None if run is None else run.path
        if path != self._cursor_path:
            self._cursor_path = path
            self.post_message(self.CursorMoved(path))
            if self._update.fleet is not None:
                self._draw_status()
        if self._update.fleet is not None and self._wanted_metric() != self._chart_metric:
            with self._lock:
                self._draw_chart(None)

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        """Enter or a click: a group header collapses or expands, a run is selected."""
        event.stop()
        group = self._cursor_group()
        if group is not None:
            self.view.toggle_collapsed(group.key)
            self._changed()
        else:
            self.action_select()

    # -- actions ------------------------------------------------------------------------

    def _changed(self) -> None:
        self.post_message(self.ViewChanged())

    def action_select(self) -> None:
        """Select or unselect the run under the cursor (a group header: its runs)."""
        fleet = self._update.fleet
        group = self._cursor_group()
        if group is not None and fleet is not None:
            self.view.toggle_selected([key_of(run) for run in fleet.groups.get(group.key, [])])
        elif (run := self.cursor_run()) is not None:
            self.view.toggle_selected([key_of(run)])
        else:
            return
        self._changed()

    def action_clear_selection(self) -> None:
        """Clear the selection."""
        if self.view.choices.selected:
            self.view.select_only([])
            self._changed()

    def _on_cursor_column(self, change: Callable[[str], None]) -> None:
        column = self._cursor_column()
        if column is not None:
            change(column)
            self._changed()

    def _on_cursor_run(self, change: Callable[[str], None]) -> None:
        run = self.cursor_run()
        if run is not None:
            change(key_of(run))
            self._changed()

    def action_sort(self) -> None:
        """Sort by the cursor's column (again: descending, again: off)."""
        self._on_cursor_column(self.view.toggle_sort)

    def action_group(self) -> None:
        """Group by the cursor's column (a param or the status), or stop grouping."""
        column = self._cursor_column()
        if column is not None and column != self.view.choices.group_by and not groupable(column):
            self.app.notify(
                f"group by a param column or the status ({sanitize(column)} is not one)",
                severity="warning",
                markup=False,
            )
            return
        self._on_cursor_column(self.view.toggle_group)

    def action_hide(self) -> None:
        """Hide the run under the cursor."""
        self._on_cursor_run(self.view.toggle_hidden)

    def action_unhide(self) -> None:
        """Show every hidden run again."""
        if self.view.choices.hidden:
            self.view.choices.hidden = []
            self._changed()

    def action_star(self) -> None:
        """Star or unstar the run under the cursor."""
        self._on_cursor_run(self.view.toggle_starred)

    def action_pin(self) -> None:
        """Pin or unpin the run under the cursor."""
        self._on_cursor_run(self.view.toggle_pinned)

    def action_filter(self) -> None:
        """Open the runs filter (enter applies, escape drops the edit)."""
        self.query_one("#runs-filter", FilterBar).open(self.view.choices.run_filter)

    @on(FilterBar.Applied, "#runs-filter")
    def _filter_applied(self, event: FilterBar.Applied) -> None:
        event.stop()
        try:
            self.view.set_filter(event.value)
        except FilterError as error:
            self.notify(str(error), severity="error", timeout=6, markup=False)
            return
        unknown = self.view.unknown_filter_names(self._runs())
        if unknown:  # applied (a metric may appear later), but a typo is said at once
            names = ", ".join(repr(sanitize(name)) for name in unknown)
            self.notify(f"no run has {names} (yet)", severity="warning", timeout=6, markup=False)
        event.filter_bar.close()
        self._changed()

    @on(FilterBar.Closed, "#runs-filter")
    def _filter_closed(self, event: FilterBar.Closed) -> None:
        event.stop()
        self.table.focus()

    def action_top_k(self) -> None:
        """Top k by the sort column, else by the cursor's metric (asks when unsure)."""
        metrics = {name for run in self._runs() for name in run.metrics}
        choices = self.view.choices
        if choices.sort_by in metrics:
            self.apply_top_k(
                TopK(choices.sort_by, "max" if choices.sort_descending else "min", DEFAULT_TOP_K)
            )
            return
        column = self._cursor_column()
        if column in metrics and (direction := guess_direction(column)) is not None:
            self.apply_top_k(TopK(column, direction, DEFAULT_TOP_K))
            return
        self.action_top_k_prompt()

    def action_top_k_prompt(self) -> None:
        """Ask for METRIC [min|max] [K], starting from the sort column's or the cursor's
        metric (else the chart's)."""
        metrics = {name for run in self._runs() for name in run.metrics}
        candidates = (self.view.choices.sort_by, self._cursor_column(), self._chart_metric)
        metric = next((name for name in candidates if name and name in metrics), "")
        direction = guess_direction(metric) if metric else None
        words = [metric, direction or "", str(DEFAULT_TOP_K)] if metric else []
        suggestion = " ".join(word for word in words if word)
        self.app.push_screen(TopKScreen(suggestion), self._top_k_chosen)

    def _top_k_chosen(self, request: TopK | None) -> None:
        if request is not None:
            self.apply_top_k(request)

    def apply_top_k(self, request: TopK) -> None:
        """Select the top ``k`` by the metric (a toast says what happened)."""
        now = self._clock()
        with self._lock:
            best = self.view.top_k(
                self._runs(), request.metric, request.direction, request.k, self._rate_of, now
            )
        if not best:
            message = f"no listed run has a value of {sanitize(request.metric)}"
            self.notify(message, severity="warning", markup=False)
            return
        arrow = "lowest" if request.direction == "min" else "highest"
        self.notify(f"top {len(best)}: {arrow} {sanitize(request.metric)}", timeout=3, markup=False)
        self.restore_cursor(key_of(best[0]))  # the best run, at the top of the list
        self._changed()

    def action_columns(self) -> None:
        """Choose the metric and param columns."""
        fleet = self._update.fleet
        if fleet is None:
            return
        with self._lock:
            runs = fleet.runs
            metrics = sorted({name for run in runs for name in run.metrics})
            params = sorted(
                {
                    f"params.{key}"
                    for run in runs
                    for key in self.view.lookup(run, None, 0.0).params()
                }
            )
            chosen = self.view.columns(runs)
        self.app.push_screen(ColumnsScreen([*metrics, *params], chosen), self._columns_chosen)

    def _columns_chosen(self, columns: list[str] | None) -> None:
        if columns is not None:
            self.view.choices.columns = columns
            self._changed()

    def _runs(self) -> list[Run]:
        fleet = self._update.fleet
        return [] if fleet is None else list(fleet.runs)
