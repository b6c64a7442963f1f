"""The ``dvclive-tui watch`` dashboard: header, tabs (charts, system, tables, images, plots,
runs).

Data flows one way: poll workers (threads) call :meth:`RunWatcher.poll
<dvclive_tui.monitor.watcher.RunWatcher.poll>` and post
:class:`~dvclive_tui.app.watch.messages.RunsChanged`; the App drains the merged changes on
the event loop, raises alerts, arranges the runs (the runs view's
:class:`~dvclive_tui.monitor.fleet_view.FleetView`: which runs are charted, in which
colours) and hands an :class:`~dvclive_tui.app.watch.panes.update.Update` to every pane,
which redraws only what changed. No file is read on the event loop. The dashboard's state
is saved as a session (:mod:`~dvclive_tui.app.watch.session`) within 2 s of a change.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path, PurePath
from typing import ClassVar

from rich.console import RenderableType
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widgets import ContentSwitcher, Footer, TabbedContent, TabPane, Tabs

from dvclive_tui.app.report_viewer.screen import ReportScreen
from dvclive_tui.app.report_viewer.source import REPORT_MD, ReportText, render_run
from dvclive_tui.app.screens.help import FOCUS_KEYS, HelpScreen, HelpSection
from dvclive_tui.app.watch.alert_sink import AlertSink
from dvclive_tui.app.watch.messages import PollFailed, RunsChanged
from dvclive_tui.app.watch.panes.charts import ChartsPane
from dvclive_tui.app.watch.panes.media import ImagesPane, PlotsPane
from dvclive_tui.app.watch.panes.runs import RunsPane
from dvclive_tui.app.watch.panes.tables import TablesPane
from dvclive_tui.app.watch.panes.update import Update
from dvclive_tui.app.watch.session import SessionKeeper, choices_of, options_of
from dvclive_tui.app.watch.warnings_screen import WarningsScreen
from dvclive_tui.app.watch.widgets.metric_tree import MetricTree
from dvclive_tui.app.watch.widgets.run_header import RunHeader
from dvclive_tui.app.watch.widgets.runs_table import RunsTable
from dvclive_tui.app.widgets.chart import DEFAULT_SMOOTHING, Chart, SharedChartOptions
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from dvclive_tui.app.widgets.filter_bar import FilterBar
from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_tui.app.workers import LOOP_GROUP, ticks
from dvclive_tui.charts.view import X_AXES
from dvclive_tui.monitor.alerts import AlertTracker
from dvclive_tui.monitor.fleet_view import Arrangement, FleetView
from dvclive_tui.monitor.notify import TerminalNotifier, stdout_is_tty
from dvclive_tui.monitor.remote_notes import ProblemNotes
from dvclive_tui.monitor.rules import parse_rules
from dvclive_tui.monitor.run_stats import StepRate, current_step, header_facts, steps_per_second
from dvclive_tui.monitor.session import SessionStart
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_tui.remote.location import parse_location
from dvclive_tui.remote.transport import RemotePool
from dvclive_tui.settings import Settings
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import Changes, Run, RunStatus
from dvclive_writer.read.naming import shown_path

#: Tab pane ids in tab order (keys 1-6).
TABS: tuple[str, ...] = ("charts", "system", "tables", "images", "plots", "runs")
#: App actions that stay enabled on screens pushed over the dashboard (the report).
_EVERYWHERE = frozenset({"quit", "help"})
#: Charts-per-page values that ``>`` / ``<`` step through.
GRID_SIZES: tuple[int, ...] = (1, 2, 3, 4, 6, 9)


class WatchApp(App[None]):
    """Live dashboard of one or more dvclive directories.

    Args:
        settings: Paths, poll interval, theme, clock and whether to keep polling.
    """

    CSS_PATH: ClassVar[list[str | PurePath]] = ["../styles/watch.tcss", "../styles/report.tcss"]
    AUTO_FOCUS = "#charts-pane MetricTree"
    TITLE = "dvclive-tui"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("slash", "filter", "Filter"),
        Binding("1", "show_tab('charts')", "Charts", show=False),
        Binding("2", "show_tab('system')", "System", show=False),
        Binding("3", "show_tab('tables')", "Tables", show=False),
        Binding("4", "show_tab('images')", "Images", show=False),
        Binding("5", "show_tab('plots')", "Plots", show=False),
        Binding("6", "show_tab('runs')", "Runs", show=False),
        Binding("S", "smooth_all", "Smooth all"),
        Binding("L", "log_all", "Log-y all"),
        Binding("X", "x_axis_all", "X axis all"),
        Binding("F", "follow_all", "Follow all", show=False),
        Binding("greater_than_sign", "grid_size(1)", "More charts"),
        Binding("less_than_sign", "grid_size(-1)", "Fewer charts", show=False),
        Binding("n", "page(1)", "Next page", show=False, tooltip="Next page of charts"),
        Binding(
            "p",
            "page(-1)",
            "Previous page",
            show=False,
            tooltip="Previous page of charts (in the Runs tab, p pins the run)",
        ),
        Binding("m", "toggle_metric_list", "Metric list", show=False),
        Binding("w", "warnings", "Warnings", show=False),
        Binding("r", "reload", "Re-scan", show=False),
        Binding("R", "report", "Report", show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | q | Quit. |
    | ? | Show every key binding. |
    | / | Filter metrics, params, summary, images and plots (in the Runs tab: the runs). |
    | 1-6 | Charts, System, Tables, Images, Plots, Runs tab. |
    | S / L / X / F | Smoothing, log-y, x axis, follow on every chart. |
    | > / < | More / fewer charts per page. |
    | n / p | Next / previous page of charts. |
    | m | Show or hide the metric list. |
    | w | Show file warnings. |
    | r | Poll and re-discover runs now. |
    | R | Show the current run's report.md (rendered on the fly when it has none). |
    """

    per_page: reactive[int] = reactive(4, init=False)
    """Charts per page in both chart tabs (``>`` / ``<``)."""
    chart_options: reactive[SharedChartOptions] = reactive(SharedChartOptions, init=False)
    """Smoothing, log-y, x axis and follow of every chart (``S``, ``L``, ``X``, ``F``)."""

    def __init__(
        self,
        settings: Settings,
        session: SessionStart | None = None,
        pool: RemotePool | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.theme = settings.theme
        self._own_pool: RemotePool | None = None
        remote = [parse_location(text) for text in settings.remote]
        locations = [location for location in remote if location is not None]
        if locations and pool is None:
            pool = self._own_pool = RemotePool()
        self.watcher = RunWatcher(
            settings.paths,
            clock=settings.clock,
            heartbeat=settings.heartbeat,
            remote=locations,
            pool=pool,
        )
        restored = None if session is None else session.restored
        self.restored = restored
        self._session_note = "" if session is None else session.note
        """The session ``--resume`` restored (``None``: a fresh start)."""
        self.query_text = "" if restored is None else restored.metric_filter
        """The ``/`` filter of metrics."""
        self.fleet = FleetView(choices_of(restored))
        """The runs view's choices: what is charted, sorted, grouped, hidden..."""
        choices = self.fleet.choices
        self.watcher.prefer(Path(key) for key in [*choices.selected, *choices.pinned])
        per_page = settings.charts_per_page
        if restored is not None and restored.charts_per_page in GRID_SIZES:
            per_page = restored.charts_per_page
        self.set_reactive(WatchApp.per_page, per_page)
        self.set_reactive(WatchApp.chart_options, options_of(restored))
        self._alerts = AlertTracker(parse_rules(settings.rules))
        terminal = TerminalNotifier(
            settings.notify, self._write_to_terminal, is_tty=stdout_is_tty()
        )
        self._sink = AlertSink(self, terminal)
        self._rates: dict[int, StepRate] = {}
        self._remote_notes = ProblemNotes()
        self._speeds: dict[Path, float | None] = {}
        """Steps per second of each run, computed when it changes."""
        self._arrangement: Arrangement | None = None
        self._primary: Path | None = None
        self._stop_polling = threading.Event()
        self._last_poll_error: str | None = None
        self._waiting_for = ", ".join(
            [*(shown_path(path, outside="name") for path in settings.paths), *settings.remote]
        )
        self._session = None if session is None else SessionKeeper(self, session.store)

    @property
    def session(self) -> SessionKeeper | None:
        """What saves the dashboard's session (``None``: sessions are off)."""
        return self._session

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, filter bar (hidden), tabs and footer."""
        yield RunHeader(self.settings.clock, waiting_for=self._waiting_for, id="header")
        yield FilterBar(live=True, placeholder="filter (enter keeps, esc clears)", id="filter")
        restored = self.restored
        initial = restored.tab if restored is not None and restored.tab in TABS else "charts"
        with TabbedContent(initial=initial, id="tabs"):
            with TabPane("1 Charts", id="charts"):
                yield ChartsPane(
                    empty_message=self._waiting_message(),
                    lock=self.watcher.lock,
                    id="charts-pane",
                ).data_bind(WatchApp.per_page, WatchApp.chart_options)
            with TabPane("2 System", id="system"):
                yield ChartsPane(
                    system=True,
                    empty_message="No system metrics (Live(monitor_system=True) logs them)",
                    lock=self.watcher.lock,
                    id="system-pane",
                ).data_bind(WatchApp.per_page, WatchApp.chart_options)
            with TabPane("3 Tables", id="tables"):
                yield TablesPane(self.settings.clock, id="tables-pane")
            with TabPane("4 Images", id="images"):
                yield ImagesPane(id="images-pane")
            with TabPane("5 Plots", id="plots"):
                yield PlotsPane(id="plots-pane")
            with TabPane("6 Runs", id="runs"):
                yield RunsPane(
                    self.fleet,
                    self.settings.clock,
                    self.rate_of,
                    self._sink.messages,
                    lock=self.watcher.lock,
                    id="runs-pane",
                ).data_bind(WatchApp.chart_options)
        yield Footer()

    def on_mount(self) -> None:
        """Load the runs behind a loading indicator: once, or polling until the App ends."""
        self._tab_contents.loading = True
        restored = self.restored
        if restored is not None and restored.tab in TABS and restored.tab != "charts":
            # After the screen's auto focus (which would show the Charts tab again).
            self.call_after_refresh(self._show_restored_tab, restored.tab)
        if self._session is not None:
            self._session.start()
        if self._session_note:  # stderr is behind the dashboard's screen: say it here too
            self.notify(self._session_note, severity="information", markup=False)
        if self.settings.watch:
            self.call_after_refresh(self._poll_forever)
            self.set_interval(1.0, self._tick)
        else:
            self.poll_now()

    def _show_restored_tab(self, tab: str) -> None:
        self.screen.set_focus(None)
        self.query_one(TabbedContent).active = tab
        self.call_after_refresh(self._focus_active_pane)

    def _write_to_terminal(self, text: str) -> None:
        if not self.is_headless and self._driver is not None:
            self._driver.write(text)

    def exit(
        self, result: None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """Take the session's last look while the widgets still exist, then exit."""
        if self._session is not None and self.is_running:
            self._session.check()
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        """Stop the polling worker; save the session one last time."""
        self._stop_polling.set()
        self.watcher.close()
        if self._session is not None:
            self._session.close()
        if self._own_pool is not None:
            self._own_pool.close()

    @property
    def _tab_contents(self) -> ContentSwitcher:
        return self.query_one(TabbedContent).query_one(ContentSwitcher)

    # -- data ---------------------------------------------------------------------------

    @property
    def runs(self) -> tuple[Run, ...]:
        """Every watched run, in the order they were found."""
        return tuple(self.watcher.runs)

    @property
    def charted(self) -> tuple[Run, ...]:
        """The runs the charts overlay (the runs view's selection, else every listed run)."""
        return () if self._arrangement is None else tuple(self._arrangement.charted)

    @property
    def arrangement(self) -> Arrangement | None:
        """The runs view's latest arrangement."""
        return self._arrangement

    def rate_of(self, run: Run) -> float | None:
        """Steps per second of ``run`` (from its timestamps, else from the polls), as of
        its latest change."""
        if run.path not in self._speeds:
            self._speeds[run.path] = steps_per_second(run, self._rates.get(id(run)))
        return self._speeds[run.path]

    @work(thread=True, exclusive=True, group="poll", description="poll the runs once")
    def poll_now(self, rediscover: bool = False) -> None:
        """Poll the files once in a worker (first re-discovering runs if asked), then redraw.

        Returns the worker when called, so tests can wait for it.
        """
        try:
            if rediscover:
                self.watcher.rediscover()
            self.watcher.poll(progress=self._loaded_some)
        except Exception as error:  # shown as a notification; the dashboard stays
            self.post_message(PollFailed(_one_line(error)))
        else:
            self.post_message(RunsChanged())

    @work(thread=True, exclusive=True, group=f"{LOOP_GROUP}runs", description="poll the runs")
    def _poll_forever(self) -> None:
        """Poll every interval until the App ends; a failed poll is retried."""
        first = True
        for _ in ticks(self.settings.interval, self._stop_polling):
            try:
                changed = self.watcher.poll(progress=self._loaded_some)
            except Exception as error:  # the next tick retries; never kill the dashboard
                self.post_message(PollFailed(_one_line(error)))
            else:
                if changed or first:
                    self.post_message(RunsChanged())
            first = False

    def _loaded_some(self) -> None:
        """A long poll (a fleet's first load) published part of the runs: show them."""
        self.post_message(RunsChanged())

    def on_runs_changed(self, _message: RunsChanged) -> None:
        """A poll finished: redraw what changed."""
        if not self.is_running:
            return  # a poll that ended while the App shuts down
        self._tab_contents.loading = False
        self._apply(self.watcher.take_changes())

    def on_poll_failed(self, message: PollFailed) -> None:
        """Report a failing poll once per distinct error (polling goes on)."""
        if not self.is_running:
            return
        self._tab_contents.loading = False
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
            primed = {id(run) for run in fresh}
            alerts = self._alerts.check([run for run in runs if id(run) not in primed], changes)
            for run in runs:
                if run.path in changes:
                    self._rates.setdefault(id(run), StepRate()).observe(now, current_step(run))
                    self._speeds.pop(run.path, None)
            self.fleet.invalidate(changes)
            self._sink.record(alerts)
            self._arrange(changes)
        self._sink.raise_alerts(alerts)

    def _arrange(self, changes: dict[Path, Changes] | None = None) -> None:
        """Arrange the runs again and refresh the panes (everything, unless only the data
        in ``changes`` changed). Call with the runs' lock held."""
        previous = self._arrangement
        fleet = self.fleet.arrange(self.runs, self.rate_of, self.settings.clock())
        self._arrangement = fleet
        self.watcher.prefer(run.path for run in fleet.charted)
        charted = tuple(fleet.charted)
        same = (
            previous is not None
            and [run.path for run in previous.charted] == [run.path for run in charted]
            and previous.colors == fleet.colors
            and previous.sort == fleet.sort
        )
        if changes is not None and same:
            update = Update.from_changes(charted, self.query_text, changes, fleet)
        else:
            update = Update.everything(charted, self.query_text, fleet)
        self._refresh_panes(update)

    def _refresh_panes(self, update: Update) -> None:
        message = self._waiting_message()
        for pane in self.query(ChartsPane):
            if pane.id == "charts-pane":
                pane.set_empty_message(message)
            pane.update(update)
        self.query_one(TablesPane).update(update)
        self.query_one(ImagesPane).update(update)
        self.query_one(PlotsPane).update(update)
        self.query_one(RunsPane).update(update)
        self._refresh_header()

    def _refresh_all(self) -> None:
        with self.watcher.lock:
            self._arrange()

    @on(RunsPane.ViewChanged)
    def _view_changed(self, event: RunsPane.ViewChanged) -> None:
        event.stop()
        self._refresh_all()

    @on(RunsPane.CursorMoved)
    def _cursor_moved(self, event: RunsPane.CursorMoved) -> None:
        event.stop()
        self._primary = event.path
        if event.path is not None:
            self.watcher.wake(event.path)
        self._refresh_header()

    def primary_run(self) -> Run | None:
        """The run the header describes: the runs view's cursor run, else the first charted
        run, else the first run."""
        with self.watcher.lock:
            if self._primary is not None:
                run = self.watcher.run_for(self._primary)
                if run is not None:
                    return run
            candidates = self.charted or self.runs
            return candidates[0] if candidates else None

    def _refresh_header(self) -> None:
        with self.watcher.lock:
            primary = self.primary_run()
            runs = self.runs
            ordered = [primary, *(run for run in runs if run is not primary)] if primary else []
            facts = header_facts(ordered, self.rate_of)
        self.query_one(RunHeader).show(facts)

    def _tick(self) -> None:
        if not self.is_running:
            return  # a tick while the App shuts down (its widgets are going)
        self.query_one(RunHeader).refresh()
        with self.watcher.lock:
            for problem in self._remote_notes.news(self.watcher.remote_problems):
                self.notify(problem, title="Remote path", severity="warning", markup=False)
            self.query_one(RunsTable).show_runs(self.charted, self._colors())
            if self.fleet.reads_time():
                self._arrange()
            else:
                self.query_one(RunsPane).tick()

    def _colors(self) -> dict[Path, int]:
        return {} if self._arrangement is None else self._arrangement.colors

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

    def help_sections(self) -> list[HelpSection]:
        """The bindings listed by the help overlay, by where they apply."""
        return [
            ("Everywhere", self.BINDINGS),
            ("Focused chart", Chart.BINDINGS),
            ("Metric list", MetricTree.BINDINGS),
            ("Images", ImageView.BINDINGS),
            ("Plots", PlotView.BINDINGS),
            ("Runs tab", RunsPane.BINDINGS),
            ("Moving around", FOCUS_KEYS),
        ]

    def action_filter(self) -> None:
        """Open the filter bar."""
        self.query_one(FilterBar).open()

    @on(FilterBar.Applied)
    def _filter_applied(self, event: FilterBar.Applied) -> None:
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

    def action_smooth_all(self) -> None:
        """Toggle smoothing on every chart."""
        options = self.chart_options
        smoothing = 0.0 if options.smoothing > 0 else DEFAULT_SMOOTHING
        self.chart_options = replace(options, smoothing=smoothing)
        state = f"{smoothing:g}" if smoothing else "off"
        self.notify(f"Smoothing {state} on all charts", timeout=2)

    def action_log_all(self) -> None:
        """Toggle the log-scaled y axis on every chart."""
        log_y = not self.chart_options.log_y
        self.chart_options = replace(self.chart_options, log_y=log_y)
        self.notify(f"Log-y {'on' if log_y else 'off'} on all charts", timeout=2)

    def action_x_axis_all(self) -> None:
        """Cycle the x axis (step, wall, relative) on every chart."""
        x_axis = X_AXES[(X_AXES.index(self.chart_options.x_axis) + 1) % len(X_AXES)]
        self.chart_options = replace(self.chart_options, x_axis=x_axis)
        self.notify(f"x axis: {x_axis} on all charts", timeout=2)

    def action_follow_all(self) -> None:
        """Toggle following the newest data on every chart."""
        self.chart_options = replace(self.chart_options, follow=not self.chart_options.follow)

    def action_grid_size(self, delta: int) -> None:
        """Show more (``delta`` 1) or fewer (-1) charts per page."""
        index = min(range(len(GRID_SIZES)), key=lambda i: abs(GRID_SIZES[i] - self.per_page))
        self.per_page = GRID_SIZES[max(0, min(len(GRID_SIZES) - 1, index + delta))]

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
        """Show the current run's ``report.md`` in the Markdown viewer."""
        run = self.primary_run()
        if run is None:
            self.notify("No run to report on yet.", severity="warning")
            return
        origin = run.origin
        if origin is None:
            self.push_screen(ReportScreen(run.path))
            return

        def render() -> ReportText:
            with self.watcher.lock:  # the published run, read while no poll publishes
                return render_run(run, Path(origin) / REPORT_MD, origin)

        self.push_screen(ReportScreen(run.path, render=render))

    def action_reload(self) -> None:
        """Re-discover runs and poll now (in a worker)."""
        self.poll_now(rediscover=True)

    @property
    def active_tab(self) -> str:
        """Id of the tab shown."""
        return self.query_one(TabbedContent).active


def _one_line(error: BaseException) -> str:
    text = sanitize(f"{type(error).__name__}: {error}")
    return text.splitlines()[0] if text else type(error).__name__
