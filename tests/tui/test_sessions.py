"""Sessions through the real app: change things, quit, start again with ``-c``, same state.

The state folder is the test's (``XDG_STATE_HOME``); sessions are found the way
``watch --resume`` finds them (:func:`~dvclive_tui.commands.watch.load_session`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.watch.panes.charts import ChartsPane
from dvclive_tui.app.watch.session import capture
from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from dvclive_tui.commands.watch import load_session
from dvclive_tui.monitor.session import SessionState, SessionStore
from dvclive_tui.settings import Settings
from tests.settle import settle
from tests.tui.conftest import Clock
from tests.tui.fleet_runs import write_sweep
from tests.tui.runs import FROZEN
from tests.tui.test_runs_view import listed, open_runs, overlaid, table, to_column

SIZE = (120, 36)
PATHS = (Path("runs"),)


@pytest.fixture
def state_home(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = workdir / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


def app_for(*, resume: bool) -> WatchApp:
    settings = Settings(paths=PATHS, watch=False, clock=Clock(FROZEN + 42))
    return WatchApp(settings, load_session(PATHS, resume=resume))


def grid(app: WatchApp) -> ChartGrid:
    return app.query_one("#charts-pane", ChartsPane).grid


async def saved_when(check: object, store: SessionStore, pilot: Pilot[None]) -> SessionState:
    """Wait (the app running) until the saved session passes ``check``."""
    assert callable(check)
    for _ in range(300):
        state = store.load()
        if state is not None and check(state):
            return state
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError(f"not saved: {store.load()}")


async def watching(app: WatchApp, pilot: Pilot[None]) -> None:
    """Wait until the session keeper took its baseline (its first look, a timer): a key
    pressed before that is part of the baseline, not a change."""
    keeper = app.session
    assert keeper is not None
    for _ in range(300):
        if keeper.watching:
            return
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError("the session keeper never looked")


async def test_changes_are_saved_while_the_app_runs(workdir: Path, state_home: Path) -> None:
    write_sweep(workdir, 4)
    app = app_for(resume=False)
    store = SessionStore(PATHS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await watching(app, pilot)
        await pilot.press(">")
        state = await saved_when(lambda s: s.charts_per_page == 6, store, pilot)
        assert state.tab == "charts"
        await open_runs(pilot, app)  # the table has its rows before space selects one
        await pilot.press("space")
        await saved_when(lambda s: len(s.selected) == 1 and s.tab == "runs", store, pilot)
    assert store.path.is_relative_to(state_home)


async def test_a_session_round_trips_through_the_app(workdir: Path, state_home: Path) -> None:
    write_sweep(workdir, 12)
    first = app_for(resume=False)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The Charts tab: options, layout, the metric filter, a chart's zoom and cursor.
        await pilot.press(">", "S", "X", "m", "slash", *"loss", "enter")
        chart = grid(first).chart("eval/loss")
        assert chart is not None
        chart.focus()
        await pilot.press("z", "right", "right")
        await settle(pilot)
        assert chart.x_window is not None and chart.cursor is not None
        # The Runs tab: filter, sort, group, hide, pin, star, select, the cursor.
        await open_runs(pilot, first)
        await pilot.press("slash", *"lr >= 0.003", "enter")
        await to_column(pilot, first, "eval/loss")
        await pilot.press("s")
        await to_column(pilot, first, "params.batch")
        await pilot.press("g")
        await settle(pilot)
        rows = table(first)
        rows.move_cursor(row=1)
        await pilot.press("h", "asterisk", "down", "p", "down", "space", "down", "space")
        await pilot.press("down")
        await settle(pilot)
        before = capture(first)
        shown, charted = listed(first), sorted(overlaid(first))
        await pilot.press("q")
    saved = SessionStore(PATHS).load()
    assert saved == before
    assert saved.tab == "runs" and saved.charts_per_page == 6 and not saved.metric_list
    assert saved.zoom.keys() == {"eval/loss"} and saved.cursors.keys() == {"eval/loss"}
    assert saved.run_filter == "lr >= 0.003" and saved.group_by == "params.batch"
    assert len(saved.hidden) == len(saved.pinned) == len(saved.starred) == 1
    assert len(saved.selected) == 2 and saved.cursor_run

    second = app_for(resume=True)
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert capture(second) == before
        assert second.active_tab == "runs"
        assert listed(second) == shown and sorted(overlaid(second)) == charted
        restored = grid(second).chart("eval/loss")
        assert restored is not None and (restored.x_window, restored.cursor) == (
            chart.x_window,
            chart.cursor,
        )
        assert restored.smoothing > 0 and restored.x_axis == "wall"
        assert all(not tree.display for tree in second.query("MetricTree"))
        assert second.query_text == "loss" and grid(second).metrics == ["eval/loss", "train/loss"]


async def test_a_fresh_start_keeps_the_saved_session(workdir: Path, state_home: Path) -> None:
    """Starting without ``-c`` and quitting at once does not overwrite the last session."""
    write_sweep(workdir, 3)
    store = SessionStore(PATHS)
    store.save(SessionState(tab="runs", selected=["/somewhere/dvclive"]))
    app = app_for(resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.active_tab == "charts"
        await asyncio.sleep(0.6)
        await pilot.press("q")
    kept = store.load()
    assert kept is not None and kept.selected == ["/somewhere/dvclive"]


async def test_restored_views_wait_for_their_charts(workdir: Path, state_home: Path) -> None:
    """Zoom, cursor, page and focus of charts that do not exist yet apply once they do."""
    store = SessionStore(PATHS)
    store.save(
        SessionState(
            charts_per_page=1,
            page=2,
            zoom={"eval/loss": [3.0, 9.0]},
            cursors={"train/loss": 5.0},
            focused_chart="eval/loss",
        )
    )
    (workdir / "runs").mkdir()
    app = app_for(resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert grid(app).metrics == []
        write_sweep(workdir, 2)
        await pilot.press("r")
        await settle(pilot)
        await pilot.pause()
        zoomed, cursor = grid(app).chart("eval/loss"), grid(app).chart("train/loss")
        assert zoomed is not None and zoomed.x_window == (3.0, 9.0)
        assert cursor is not None and cursor.cursor == 5.0
        assert grid(app).page == 1, "focusing eval/loss turned to its page (page 2 was saved)"
        assert isinstance(app.focused, Chart) and app.focused is zoomed


async def test_resuming_with_nothing_saved_says_so_in_the_dashboard(
    workdir: Path, state_home: Path
) -> None:
    """stderr is behind the dashboard's screen: ``-c`` with no saved session is a toast."""
    write_sweep(workdir, 2)
    app = app_for(resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("no saved session" in note.message for note in app._notifications)
    fresh = app_for(resume=False)
    async with fresh.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any("no saved session" in note.message for note in fresh._notifications)
