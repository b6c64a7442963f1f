"""The dashboard's session: what is saved, when, and how a saved one comes back.

:class:`SessionKeeper` compares the App's state (:func:`capture`) with the last one four
times a second; a change goes to a :class:`~dvclive_tui.monitor.session.SessionSaver`,
which writes it (in its own thread) at most a second later: on disk within 2 s of the
change. The first look only sets the baseline, so starting without ``--resume`` and quitting
at once keeps the saved session. A restored
:class:`~dvclive_tui.monitor.session.SessionState` comes back in two steps: what the App
holds before it draws (the tab, charts per page, chart options, the runs view's choices,
the metric filter; :func:`choices_of`, :func:`options_of`) and what needs the widgets
(:meth:`SessionKeeper.restore`): the metric list, the filter bar, each chart's zoom and
cursor, the page, the focused chart and the runs view's cursor, applied as soon as the
charts and rows they name exist.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from typing import TYPE_CHECKING, Any

from textual.css.query import NoMatches

from dvclive_tui.app.watch.panes.charts import SYSTEM_PREFIX, ChartsPane
from dvclive_tui.app.watch.panes.runs import RunsPane
from dvclive_tui.app.watch.widgets.metric_tree import MetricTree
from dvclive_tui.app.widgets.chart import SharedChartOptions
from dvclive_tui.app.widgets.chart_grid import ChartGrid, ChartView
from dvclive_tui.app.widgets.filter_bar import FilterBar
from dvclive_tui.charts.view import X_AXES
from dvclive_tui.monitor.fleet_choices import FleetChoices
from dvclive_tui.monitor.session import SessionSaver, SessionState, SessionStore

if TYPE_CHECKING:
    from dvclive_tui.app.watch.app import WatchApp

CHECK_EVERY = 0.25
"""Seconds between two comparisons of the App's state with the saved one."""


def choices_of(state: SessionState | None) -> FleetChoices:
    """The runs view's choices saved in ``state`` (none: nothing chosen)."""
    if state is None:
        return FleetChoices()
    return FleetChoices(**saved_choices(state))


def saved_choices(choices: FleetChoices) -> dict[str, Any]:
    """The runs view's fields of ``choices`` (or of a session), lists copied."""
    return {
        spec.name: copy.copy(getattr(choices, spec.name))
        for spec in dataclasses.fields(FleetChoices)
    }


def options_of(state: SessionState | None) -> SharedChartOptions:
    """The chart options saved in ``state`` (none, or an unknown x axis: the defaults)."""
    if state is None:
        return SharedChartOptions()
    x_axis = state.x_axis if state.x_axis in X_AXES else X_AXES[0]
    return SharedChartOptions(
        smoothing=max(0.0, state.smoothing),
        log_y=state.log_y,
        x_axis=x_axis,
        follow=state.follow,
    )


def _grids(app: WatchApp) -> tuple[ChartGrid, ChartGrid]:
    charts = app.query_one("#charts-pane", ChartsPane).grid
    system = app.query_one("#system-pane", ChartsPane).grid
    return charts, system


def capture(app: WatchApp) -> SessionState:
    """The App's state now, as a session saves it."""
    choices = app.fleet.choices
    options = app.chart_options
    charts, system = _grids(app)
    views: dict[str, ChartView] = {**system.views(), **charts.views()}
    tree = app.query_one("#charts-pane", ChartsPane).metric_tree
    return SessionState(
        tab=app.active_tab,
        charts_per_page=app.per_page,
        page=charts.shown_page,
        metric_list=bool(tree.display),
        metric_filter=app.query_text,
        **saved_choices(choices),
        cursor_run=app.query_one(RunsPane).cursor_key(),
        smoothing=options.smoothing,
        log_y=options.log_y,
        x_axis=options.x_axis,
        follow=options.follow,
        zoom={name: list(window) for name, (window, _) in views.items() if window is not None},
        cursors={name: cursor for name, (_, cursor) in views.items() if cursor is not None},
        focused_chart=charts.focused_metric() or system.focused_metric() or "",
    )


class SessionKeeper:
    """Saves the App's state within 2 s of each change (see the module docstring).

    Args:
        app: The dashboard.
        store: Where its session is saved.
    """

    def __init__(self, app: WatchApp, store: SessionStore) -> None:
        self.app = app
        self.saver = SessionSaver(store, warn=self._warn)
        self._last: SessionState | None = None

    def start(self) -> None:
        """Restore what needs the widgets, then watch for changes (call from ``on_mount``)."""
        if self.app.restored is not None:
            self.restore(self.app.restored)
        self.saver.start()
        self.app.set_interval(CHECK_EVERY, self.check)

    def restore(self, state: SessionState) -> None:
        """Apply the parts of ``state`` that live in widgets."""
        app = self.app
        for tree in app.query(MetricTree):
            tree.display = state.metric_list
        if state.metric_filter:
            bar = app.query_one("#filter", FilterBar)
            bar.value = state.metric_filter
            bar.display = True
        views: dict[str, ChartView] = {}
        for name, window in state.zoom.items():
            if len(window) == 2 and window[0] < window[1]:
                views[name] = ((float(window[0]), float(window[1])), None)
        for name, cursor in state.cursors.items():
            views[name] = (views.get(name, (None, None))[0], float(cursor))
        charts, system = _grids(app)
        focus = state.focused_chart
        for grid, tab, is_system in ((charts, "charts", False), (system, "system", True)):
            mine = {k: v for k, v in views.items() if k.startswith(SYSTEM_PREFIX) == is_system}
            grid.restore(
                mine,
                page=0 if is_system else max(0, state.page),
                focus=focus
                if state.tab == tab and focus.startswith(SYSTEM_PREFIX) == is_system
                else None,
            )
        app.query_one(RunsPane).restore_cursor(state.cursor_run)

    @property
    def watching(self) -> bool:
        """Whether the first look took the baseline (a change from now on is saved)."""
        return self._last is not None

    def check(self) -> None:
        """Hand the state to the saver when it changed since the last look."""
        if not self.app.is_running:
            return
        try:
            state = capture(self.app)
        except NoMatches:  # the App is shutting down
            return
        if self._last is None:
            self._last = state
            return
        if state != self._last:
            self._last = state
            self.saver.changed(state)

    def close(self) -> None:
        """Look a last time and write what is pending (call when the App ends)."""
        with contextlib.suppress(NoMatches):
            state = capture(self.app)
            if self._last is not None and state != self._last:
                self.saver.changed(state)
        self.saver.close()

    def _warn(self, message: str) -> None:
        """Report a failed save (called from the saver's thread)."""
        app = self.app
        if app.is_running:
            app.call_from_thread(app.notify, message, severity="warning", markup=False)
