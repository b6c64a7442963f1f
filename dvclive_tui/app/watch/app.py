"""The ``dvclive-tui watch`` dashboard: header, tabs (charts, system, tables, images, plots).

Data flows one way: a :class:`~dvclive_tui.monitor.watcher.PollerThread` polls the data layer
and posts :class:`~dvclive_tui.app.watch.messages.RunsChanged`; the App drains the merged
changes, raises alerts and hands an :class:`~dvclive_tui.app.watch.panes.update.Update` to every
pane, which redraws only what changed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, TabbedContent, TabPane, Tabs

from dvclive_tui.app.report_view import ReportScreen
from dvclive_tui.app.screens.help import HelpScreen, binding_rows
from dvclive_tui.app.screens.warnings import WarningsScreen
from dvclive_tui.app.watch.messages import PollFailed, RunsChanged
from dvclive_tui.app.watch.panes.charts import ChartsPane
from dvclive_tui.app.watch.panes.media import ImagesPane, PlotsPane
from dvclive_tui.app.watch.panes.tables import TablesPane
from dvclive_tui.app.watch.panes.update import Update
from dvclive_tui.app.widgets.chart import DEFAULT_SMOOTHING, Chart
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from dvclive_tui.app.widgets.filter_bar import FilterBar
from dvclive_tui.app.widgets.metric_tree import MetricTree
from dvclive_tui.app.widgets.run_header import RunHeader
from dvclive_tui.app.widgets.runs_table import RunsTable
from dvclive_tui.charts.view import X_AXES
from dvclive_tui.monitor.alerts import AlertTracker
from dvclive_tui.monitor.notify import TerminalNotifier, stdout_is_tty
from dvclive_tui.monitor.rules import parse_rules
from dvclive_tui.monitor.run_stats import StepRate, current_step, header_facts
from dvclive_tui.monitor.watcher import PollerThread, RunWatcher
from dvclive_tui.settings import Settings
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import Changes, Run, RunStatus

#: Tab pane ids in tab order (keys 1-5).
TABS: tuple[str, ...] = ("charts", "system", "tables", "images", "plots")
#: App actions that stay enabled on screens pushed over the dashboard (the report).
_EVERYWHERE = frozenset({"quit", "help"})
#: Charts-per-page values that ``>`` / ``<`` step through.
GRID_SIZES: tuple[int, ...] = (1, 2, 3, 4, 6, 9)


def shown_path(path: Path) -> str:
    """A watched path as the user would type it: relative to the current folder if inside."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(Path.cwd().resolve())
    except ValueError:
        return absolute.name or str(absolute)
    return relative.as_posix() if str(relative) != "." else "."


class WatchApp(App[None]):
    """Live dashboard of one or more dvclive directories.

    Args:
        settings: Paths, poll interval, theme, clock and whether to poll in the background.
    """

    CSS_PATH = "../styles/app.tcss"
    AUTO_FOCUS = "#charts-pane MetricTree"
    TITLE = "dvclive-tui"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("1", "show_tab('charts')", "Charts", show=False),
        Binding("2", "show_tab('system')", "System", show=False),
        Binding("3", "show_tab('tables')", "Tables", show=False),
        Binding("4", "show_tab('images')", "Images", show=False),
        Binding("5", "show_tab('plots')", "Plots", show=False),
        Binding("S", "smooth_all", "Smooth all", key_display="S"),
        Binding("L", "log_all", "Log-y all", key_display="L"),
        Binding("X", "x_axis_all", "X axis all", key_display="X"),
        Binding("F", "follow_all", "Follow all", show=False, key_display="F"),
        Binding("greater_than_sign", "grid_size(1)", "More charts", key_display=">"),
        Binding("less_than_sign", "grid_size(-1)", "Fewer charts", show=False, key_display="<"),
        Binding("n", "page(1)", "Next page", show=False),
        Binding("p", "page(-1)", "Previous page", show=False),
        Binding("m", "toggle_metric_list", "Metric list", show=False),
        Binding("w", "warnings", "Warnings", show=False),
        Binding("r", "reload", "Re-scan", show=False),
        Binding("R", "report", "Report", show=False, key_display="R"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | q | Quit. |
    | ? | Show every key binding. |
    | / | Filter metrics, params, summary, images and plots. |
    | 1-5 | Charts, System, Tables, Images, Plots tab. |
    | S / L / X / F | Smoothing, log-y, x axis, follow on every chart. |
    | > / < | More / fewer charts per page. |
    | n / p | Next / previous page of charts. |
    | m | Show or hide the metric list. |
    | w | Show file warnings. |
    | r | Poll and re-discover runs now. |
    | R | Show the first run's report.md (rendered on the fly when it has none). |
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.theme = settings.theme
        self.watcher = RunWatcher(
            settings.paths, clock=settings.clock, heartbeat=settings.heartbeat
        )
        self.query_text = ""
        """The ``/`` filter."""
        self._alerts = AlertTracker(parse_rules(settings.rules))
        self._terminal = TerminalNotifier(
            settings.notify, self._write_to_terminal, is_tty=stdout_is_tty()
        )
        self._rates: dict[int, StepRate] = {}
        self._poller: PollerThread | None = None
        self._last_poll_error: str | None = None
        self._per_page = settings.charts_per_page
        self._smoothing = 0.0
        self._log_y = False
        self._x_axis = "step"
        self._follow = True
        self._waiting_for = ", ".join(shown_path(path) for path in settings.paths)

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, filter bar (hidden), tabs and footer."""
        yield RunHeader(self.settings.clock, waiting_for=self._waiting_for, id="header")
        yield FilterBar(placeholder="filter (enter keeps, esc clears)", id="filter")
        with TabbedContent(initial="charts", id="tabs"):
            with TabPane("1 Charts", id="charts"):
                yield ChartsPane(
                    per_page=self._per_page,
                    empty_message=self._waiting_message(),
                    lock=self.watcher.lock,
                    id="charts-pane",
                )
            with TabPane("2 System", id="system"):
                yield ChartsPane(
                    system=True,
                    per_page=self._per_page,
                    empty_message="No system metrics (Live(monitor_system=True) logs them)",
                    lock=self.watcher.lock,
                    id="system-pane",
                )
            with TabPane("3 Tables", id="tables"):
                yield TablesPane(self.settings.clock, id="tables-pane")
            with TabPane("4 Images", id="images"):
                yield ImagesPane(id="images-pane")
            with TabPane("5 Plots", id="plots"):
                yield PlotsPane(id="plots-pane")
        yield Footer()

    def on_mount(self) -> None:
        """Load the runs (once, or in the background) and start the clocks."""
        if self.settings.watch:
            self._poller = PollerThread(
                self.watcher,
                self.settings.interval,
                notify=self._post_runs_changed,
                on_error=self._post_poll_failed,
            )
            self.call_after_refresh(self._start_polling)
            self.set_interval(1.0, self._tick)
        else:
            self.poll_now()

    def _write_to_terminal(self, text: str) -> None:
        if not self.is_headless and self._driver is not None:
            self._driver.write(text)

    def _post_runs_changed(self) -> None:
        self.post_message(RunsChanged())

    def _post_poll_failed(self, error: BaseException) -> None:
        self.post_message(PollFailed(_one_line(error)))

    def _start_polling(self) -> None:
        if self._poller is not None:
            self._poller.start()

    def on_unmount(self) -> None:
        """Stop the poller thread."""
        if self._poller is not None:
            self._poller.stop()

    # -- data ---------------------------------------------------------------------------

    @property
    def runs(self) -> tuple[Run, ...]:
        """The watched runs, in colour order."""
        return tuple(self.watcher.runs)

    def poll_now(self) -> None:
        """Poll the files once on the event loop and redraw (tests, ``r``)."""
        self.watcher.poll()
        self._apply(self.watcher.take_changes())

    def on_runs_changed(self, _message: RunsChanged) -> None:
        """The poller saw new data: redraw what changed."""
        changes = self.watcher.take_changes()
        if changes:
            self._apply(changes)

    def on_poll_failed(self, message: PollFailed) -> None:
        """Report a failing poll once per distinct error (polling goes on)."""
        if message.error == self._last_poll_error:
            return
        self._last_poll_error = message.error
        self.notify(message.error, title="Polling failed", severity="error", markup=False)

    def _apply(self, changes: dict[Path, Changes]) -> None:
        with self.watcher.lock:
            runs = self.runs
            now = self.settings.clock()
            fresh = [run for run in runs if run.path in changes and changes[run.path].new_run]
            self._alerts.prime(fresh)
            for alert in self._alerts.check([run for run in runs if run not in fresh], changes):
                self.notify(alert.message, title=alert.title, severity=alert.severity, markup=False)
                ring = alert.severity != "information"
                if not self._terminal.notify(alert.title, alert.message, bell=ring) and ring:
                    self.bell()  # reaches a terminal in another tmux pane or tab
            for run in runs:
                self._rates.setdefault(id(run), StepRate()).observe(now, current_step(run))
            self._refresh_panes(Update.from_changes(runs, self.query_text, changes))

    def _refresh_panes(self, update: Update) -> None:
        message = self._waiting_message()
        for pane in self.query(ChartsPane):
            if pane.id == "charts-pane":
                pane.set_empty_message(message)
            pane.update(update)
        self.query_one(TablesPane).update(update)
        self.query_one(ImagesPane).update(update)
        self.query_one(PlotsPane).update(update)
        self._refresh_header()

    def _refresh_all(self) -> None:
        with self.watcher.lock:
            self._refresh_panes(Update.everything(self.runs, self.query_text))

    def _refresh_header(self) -> None:
        with self.watcher.lock:
            facts = header_facts(self.runs, self._rates)
        self.query_one(RunHeader).show(facts)

    def _tick(self) -> None:
        self.query_one(RunHeader).refresh()
        with self.watcher.lock:
            self.query_one(RunsTable).show(self.runs)

    def _waiting_message(self) -> str:
        runs = self.runs
        if not runs:
            return f"Waiting for a run in {self._waiting_for} …"
        if all(run.status is RunStatus.WAITING for run in runs):
            names = ", ".join(sanitize(run.name) for run in runs)
            return f"Waiting for a run in {names} …"
        if self.query_text:
            return f"No metric matches {sanitize(self.query_text)!r}"
        return "No metrics logged yet"

    # -- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dashboard keys act only while the dashboard is shown (not under the report)."""
        covered = any(not screen.is_modal for screen in self.screen_stack[1:])
        return action in _EVERYWHERE or not covered

    def action_show_tab(self, tab: str) -> None:
        """Switch to a tab (and focus its first widget)."""
        tabs = self.query_one(TabbedContent)
        if tabs.active != tab:
            # Drop focus first: a focused widget in the pane being hidden would otherwise be
            # refocused by Textual, and that focus would switch the tab back.
            self.screen.set_focus(None)
            tabs.active = tab
            self.call_after_refresh(self._focus_active_pane)

    def action_help(self) -> None:
        """Show every key binding."""
        self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Binding tables for the help overlay, by where they apply."""
        from dvclive_tui.app.widgets.image_view import ImageView
        from dvclive_tui.app.widgets.plot_view import PlotView

        sections = [
            ("Everywhere", binding_rows(self.BINDINGS)),
            ("Focused chart", binding_rows(Chart.BINDINGS)),
            ("Metric list", [("enter", "Show and focus the metric's chart")]),
            ("Images", binding_rows(ImageView.BINDINGS)),
            ("Plots", binding_rows(PlotView.BINDINGS)),
            ("Moving around", [("tab / shift+tab", "Next / previous widget"), ("esc", "Close")]),
        ]
        return [(title, rows) for title, rows in sections if rows]

    def action_filter(self) -> None:
        """Open the filter bar."""
        self.query_one(FilterBar).open()

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        self.query_text = event.value
        self._refresh_all()

    @on(FilterBar.Closed)
    def _filter_closed(self, _event: FilterBar.Closed) -> None:
        self._focus_active_pane()

    def _focus_active_pane(self) -> None:
        active = self.query_one(TabbedContent).active
        pane = self.query_one(f"#{active}", TabPane)
        for widget in pane.query("*"):
            if widget.focusable and all(node.display for node in widget.ancestors_with_self):
                widget.focus()
                return
        # Nothing to focus in the pane (an empty state): keep focus out of hidden panes.
        self.query_one(TabbedContent).query_one(Tabs).focus()

    def _grids(self) -> list[ChartGrid]:
        return list(self.query(ChartGrid))

    def _apply_chart_options(self, **options: object) -> None:
        for grid in self._grids():
            grid.apply_options(**options)

    def action_smooth_all(self) -> None:
        """Toggle smoothing on every chart."""
        self._smoothing = 0.0 if self._smoothing > 0 else DEFAULT_SMOOTHING
        self._apply_chart_options(smoothing=self._smoothing)
        state = f"{self._smoothing:g}" if self._smoothing else "off"
        self.notify(f"Smoothing {state} on all charts", timeout=2)

    def action_log_all(self) -> None:
        """Toggle the log-scaled y axis on every chart."""
        self._log_y = not self._log_y
        self._apply_chart_options(log_y=self._log_y)
        self.notify(f"Log-y {'on' if self._log_y else 'off'} on all charts", timeout=2)

    def action_x_axis_all(self) -> None:
        """Cycle the x axis (step, wall, relative) on every chart."""
        self._x_axis = X_AXES[(X_AXES.index(self._x_axis) + 1) % len(X_AXES)]
        self._apply_chart_options(x_axis=self._x_axis)
        self.notify(f"x axis: {self._x_axis} on all charts", timeout=2)

    def action_follow_all(self) -> None:
        """Toggle following the newest data on every chart."""
        self._follow = not self._follow
        self._apply_chart_options(follow=self._follow)

    def action_grid_size(self, delta: int) -> None:
        """Show more (``delta`` 1) or fewer (-1) charts per page."""
        index = min(range(len(GRID_SIZES)), key=lambda i: abs(GRID_SIZES[i] - self._per_page))
        index = max(0, min(len(GRID_SIZES) - 1, index + delta))
        self._per_page = GRID_SIZES[index]
        for grid in self._grids():
            grid.per_page = self._per_page

    def action_page(self, delta: int) -> None:
        """Turn the page of charts on the active tab."""
        grid = self._active_grid()
        if grid is not None:
            grid.next_page(delta)

    def _active_grid(self) -> ChartGrid | None:
        active = self.query_one(TabbedContent).active
        grids = list(self.query_one(f"#{active}", TabPane).query(ChartGrid))
        return grids[0] if grids else None

    def action_toggle_metric_list(self) -> None:
        """Show or hide the metric list beside the charts."""
        for tree in self.query(MetricTree):
            tree.display = not tree.display

    def action_warnings(self) -> None:
        """Show the file warnings panel."""
        with self.watcher.lock:
            screen = WarningsScreen(self.runs)
        self.push_screen(screen)

    def action_report(self) -> None:
        """Show the first run's ``report.md`` in the Markdown viewer."""
        with self.watcher.lock:
            runs = self.runs
        if not runs:
            self.notify("No run to report on yet.", severity="warning")
            return
        self.push_screen(ReportScreen(runs[0].path))

    def action_reload(self) -> None:
        """Poll and re-discover now."""
        with self.watcher.lock:
            self.watcher.rediscover()
        self.poll_now()

    @property
    def active_tab(self) -> str:
        """Id of the tab shown."""
        return self.query_one(TabbedContent).active


def _one_line(error: BaseException) -> str:
    text = sanitize(f"{type(error).__name__}: {error}")
    return text.splitlines()[0] if text else type(error).__name__
