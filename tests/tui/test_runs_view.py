"""The Runs tab through Pilot: sort, filter, group, hide, pin, star, top-k, the selection
overlaid on every chart, alert marks, and a key press during a slow poll."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets.data_table import ColumnKey

from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.watch.fleet_prompts import ColumnsScreen, TopKScreen
from dvclive_tui.app.watch.panes.charts import ChartsPane
from dvclive_tui.app.watch.panes.runs import RunsPane
from dvclive_tui.app.watch.widgets.fleet_table import FleetTable
from dvclive_tui.app.watch.widgets.run_header import RunHeader
from dvclive_tui.app.widgets.filter_bar import FilterBar
from dvclive_tui.monitor.fleet_view import DEFAULT_TOP_K
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_tui.settings import Settings
from dvclive_writer.read.model import Run
from tests.monitor.gate import GateClock
from tests.settle import poll, settle
from tests.tui.conftest import Clock
from tests.tui.fleet_runs import write_sweep
from tests.tui.runs import FROZEN, append_step

SIZE = (120, 36)
NOW = FROZEN + 42


def fleet_app(workdir: Path, count: int = 12, **options: object) -> WatchApp:
    write_sweep(workdir, count)
    settings = Settings(paths=(Path("runs"),), watch=False, clock=Clock(NOW), **options)  # type: ignore[arg-type]
    return WatchApp(settings)


def pane(app: WatchApp) -> RunsPane:
    return app.query_one(RunsPane)


def table(app: WatchApp) -> FleetTable:
    return app.query_one(FleetTable)


def listed(app: WatchApp) -> list[str]:
    """Run numbers in table order (``07`` for ``runs/07/dvclive``); group rows as ``[key]``."""
    return [
        f"[{key.removeprefix('group:')}]" if key.startswith("group:") else Path(key).parent.name
        for key in table(app).row_keys
    ]


def overlaid(app: WatchApp, metric: str = "eval/loss") -> list[str]:
    """Run numbers of the series the Charts tab draws for ``metric``, in legend order."""
    chart = app.query_one("#charts-pane", ChartsPane).grid.chart(metric)
    assert chart is not None
    return [series.label.split()[-1].split("/")[1] for series in chart.series]


def newest(run: Run, metric: str) -> float:
    return float(run.metrics[metric].values[-1])


async def open_runs(pilot: Pilot[None], app: WatchApp) -> None:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    assert app.active_tab == "runs" and isinstance(app.focused, FleetTable)


async def to_column(pilot: Pilot[None], app: WatchApp, name: str) -> None:
    """Move the cursor to column ``name`` with the arrow keys."""
    grid = table(app)
    target = grid.column_keys.index(name)
    while grid.cursor_coordinate.column != target:
        await pilot.press("right" if grid.cursor_coordinate.column < target else "left")


async def test_sort_by_the_cursor_column(workdir: Path) -> None:
    app = fleet_app(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        assert listed(app) == [f"{i:02d}" for i in range(12)]
        await to_column(pilot, app, "eval/loss")
        await pilot.press("s")
        by_loss = sorted(app.runs, key=lambda run: newest(run, "eval/loss"))
        assert listed(app) == [run.path.parent.name for run in by_loss]
        assert str(table(app).columns[ColumnKey("eval/loss")].label) == "eval/loss ↑"
        await pilot.press("s")
        assert listed(app) == [run.path.parent.name for run in by_loss[::-1]]
        await pilot.press("s")
        assert listed(app) == [f"{i:02d}" for i in range(12)]


async def test_filter_narrows_the_list_and_the_charts(workdir: Path) -> None:
    app = fleet_app(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        await pilot.press("slash", *"lr >= 0.01 and batch == 64", "enter")
        await settle(pilot)
        assert listed(app) == ["06", "07"]
        assert sorted(overlaid(app)) == ["06", "07"], "nothing selected: the listed runs"
        assert isinstance(app.focused, FleetTable)
        # A bad filter says why in one line and keeps the bar open; escape drops the edit.
        await pilot.press("slash", "end", *" and (", "enter")
        await settle(pilot)
        assert app.query_one("#runs-filter", FilterBar).has_focus
        assert any("invalid filter" in note.message for note in app._notifications)
        await pilot.press("escape")
        assert listed(app) == ["06", "07"]
        # A name no run has (a typo) is applied but said at once.
        await pilot.press("slash", "ctrl+u", *"lrr >= 0.01", "enter")
        await settle(pilot)
        assert any("no run has 'lrr'" in note.message for note in app._notifications)
        assert not any("'lr'" in note.message for note in app._notifications)


async def test_group_by_a_param_and_collapse(workdir: Path) -> None:
    app = fleet_app(workdir, count=8)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        await to_column(pilot, app, "params.lr")
        await pilot.press("g")
        await settle(pilot)
        assert listed(app) == [
            "[0.001]", "00", "04", "[0.003]", "01", "05",
            "[0.01]", "02", "06", "[0.03]", "03", "07",
        ]  # fmt: skip
        grid = table(app)
        grid.move_cursor(row=grid.row_keys.index("group:0.003"))
        await pilot.press("enter")  # collapse
        await settle(pilot)
        assert "01" not in listed(app) and "[0.003]" in listed(app)
        await pilot.press("space")  # select the whole group
        await settle(pilot)
        assert sorted(overlaid(app)) == ["01", "05"]
        colors = {series.color for series in pane(app).chart.series}
        assert len(colors) == 1, "a group shares one colour"
        await to_column(pilot, app, "params.lr")
        await pilot.press("g")
        await settle(pilot)
        assert not any(key.startswith("[") for key in listed(app))
        # A metric's values differ run by run: grouping by one is refused in one line.
        await to_column(pilot, app, "eval/loss")
        await pilot.press("g")
        await settle(pilot)
        assert not any(key.startswith("[") for key in listed(app))
        assert any("group by a param" in note.message for note in app._notifications)


async def test_selection_is_overlaid_on_every_chart_in_distinct_colours(workdir: Path) -> None:
    app = fleet_app(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        assert sorted(overlaid(app)) == [f"{i:02d}" for i in range(12)]
        for _ in range(3):
            await pilot.press("space", "down", "down")
        await settle(pilot)
        assert overlaid(app) == ["00", "02", "04"]
        assert overlaid(app, "train/loss") == ["00", "02", "04"]
        runs_chart = pane(app).chart
        assert len({series.color for series in runs_chart.series}) == 3
        assert len(runs_chart.series) == 3
        await pilot.press("a")  # clear: every listed run again
        await settle(pilot)
        assert len(overlaid(app)) == 12


async def test_hide_pin_and_star(workdir: Path) -> None:
    app = fleet_app(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        await pilot.press("down", "h")  # hide 01
        await settle(pilot)
        assert "01" not in listed(app) and "01" not in overlaid(app)
        assert "1 hidden" in str(app.query_one("#runs-status").render())
        await pilot.press("down", "down", "asterisk")  # star 04 (the cursor is on 03 → 04)
        await settle(pilot)
        assert listed(app)[0] == "04", "starred runs are listed first"
        assert str(table(app).get_row(table(app).row_keys[0])[0]).startswith("●★")
        await pilot.press("p")  # the cursor followed 04 to the top: pin it
        await settle(pilot)
        table(app).move_cursor(row=5)
        await pilot.press("space")  # select one run: 04 stays charted, pinned
        await settle(pilot)
        selected = listed(app)[5]
        assert sorted(overlaid(app)) == sorted(["04", selected])
        await pilot.press("H")
        await settle(pilot)
        assert "01" in listed(app)


async def test_top_k_by_the_sort_column_in_one_key(workdir: Path) -> None:
    app = fleet_app(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        await to_column(pilot, app, "eval/acc")
        await pilot.press("s", "s")  # descending accuracy
        await pilot.press("t")
        await settle(pilot)
        best = sorted(app.runs, key=lambda run: -newest(run, "eval/acc"))[:DEFAULT_TOP_K]
        expected = [run.path.parent.name for run in best]
        assert sorted(overlaid(app, "eval/acc")) == sorted(expected)
        assert app.fleet.choices.selected == [str(run.path) for run in best]
        colors = [series.color for series in pane(app).chart.series]
        assert sorted(colors) == sorted(set(colors)) and max(colors) < 8, "8 distinct colours"


async def test_top_k_asks_when_it_cannot_tell(workdir: Path) -> None:
    app = fleet_app(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        await to_column(pilot, app, "status")
        await pilot.press("t")  # no sort, no metric under the cursor: the prompt
        await settle(pilot)
        assert isinstance(app.screen, TopKScreen)
        await pilot.press("home", "ctrl+k", *"eval/acc max 3", "enter")
        await settle(pilot)
        best = sorted(app.runs, key=lambda run: -newest(run, "eval/acc"))[:3]
        assert listed(app)[:3] == [run.path.parent.name for run in best]
        assert sorted(overlaid(app)) == sorted(run.path.parent.name for run in best)


async def test_columns_are_chosen_in_a_list(workdir: Path) -> None:
    app = fleet_app(workdir, count=3)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        # Only the params that differ between the runs (the batch size does not).
        assert table(app).column_keys[-3:] == ["train/loss", "params.lr", "params.seed"]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ColumnsScreen)
        await pilot.press("space", "enter")  # untick the first (eval/acc)
        await settle(pilot)
        assert "eval/acc" not in table(app).column_keys
        assert app.fleet.choices.columns[0] == "eval/loss"


async def test_a_rule_marks_the_run_and_toasts(workdir: Path) -> None:
    app = fleet_app(workdir, count=4, rules=("eval/loss > 5",))
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        append_step(workdir / "runs" / "02" / "dvclive", "eval/loss", 40, 9.5)
        await poll(pilot)
        first_cell = str(
            table(app).get_row(str((workdir / "runs" / "02" / "dvclive").resolve()))[0]
        )
        assert first_cell.endswith("!")
        assert any("eval/loss > 5 at step 40" in note.message for note in app._notifications)
        table(app).move_cursor(row=2)
        await pilot.pause()
        assert "! eval/loss > 5 at step 40" in str(app.query_one("#runs-status").render())
        assert "runs/02/dvclive" in str(app.query_one("#header").render()), "the header follows"


async def test_keys_work_while_a_poll_is_stuck(workdir: Path) -> None:
    """A reader held in the middle of a poll (a stuck file system) does not block the
    keys that read the runs: the lock is taken only to publish."""
    write_sweep(workdir, 4)
    clock = GateClock(NOW)
    app = WatchApp(Settings(paths=(Path("runs"),), watch=False, clock=clock))
    app.watcher = RunWatcher([Path("runs")], clock=clock, heartbeat=1e6)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        clock.arm()
        worker = app.poll_now()
        try:
            for _ in range(200):  # let the worker's thread start and reach the clock
                if clock.entered.is_set():
                    break
                await asyncio.sleep(0.05)
            assert clock.entered.is_set(), "the poll never reached a reader"
            await pilot.press("down", "space", "s", "w")
            await pilot.pause()
            assert type(app.screen).__name__ == "WarningsScreen"
            await pilot.press("escape", "1")
            await pilot.pause()
            assert app.active_tab == "charts"
            assert not worker.is_finished, "the keys ran while the poll was still held"
        finally:
            clock.release()
        await settle(pilot)
        assert worker.is_finished


async def test_the_header_and_the_table_show_the_same_rate(workdir: Path) -> None:
    """Runs without timestamps: the rate comes from the polls; both views read one value."""
    clock = Clock(NOW)
    runs = write_sweep(workdir, 2)
    app = WatchApp(Settings(paths=(Path("runs"),), watch=False, clock=clock))
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot, app)
        for step in range(30, 34):
            clock.advance(0.7)
            for run in runs:
                append_step(run, "eval/loss", step, 0.5)
            await poll(pilot)
            clock.advance(0.3)
            await poll(pilot)  # nothing new: the observed rate must not drift in one view
        header = str(app.query_one(RunHeader).render())
        primary = app.primary_run()
        assert primary is not None and "running" in header
        grid = table(app)
        cell = grid.get_cell(str(primary.path), "rate")
        assert str(cell).endswith("/s")
        assert f"{str(cell).removesuffix('/s')} step/s" in header, (header, str(cell))


class TableOnly(App[None]):
    """A bare app around one runs-view table (its in-place updates, alone)."""

    def compose(self) -> ComposeResult:
        yield FleetTable()


async def test_a_longer_status_widens_its_column() -> None:
    """A cell updated in place (``reconnecting…`` replacing ``running``) is never cut."""

    columns = [("name", Text("run")), ("status", Text("status"))]
    async with TableOnly().run_test(size=(80, 10)) as pilot:
        grid = pilot.app.query_one(FleetTable)
        grid.show(columns, [("a", [Text("runs/1"), Text("running")])])
        await pilot.pause()
        grid.show(columns, [("a", [Text("runs/1"), Text("reconnecting…")])])
        await pilot.pause()
        assert grid.columns[ColumnKey("status")].content_width == len("reconnecting…")


async def test_a_swatch_that_changes_colour_is_redrawn() -> None:
    """Rows keyed by position keep their keys when two runs swap places: a swatch of the
    same glyph in another colour must still be redrawn (rich's ``==`` ignores the style)."""

    columns = [("mark", Text("")), ("name", Text("run"))]
    async with TableOnly().run_test(size=(40, 6)) as pilot:
        grid = pilot.app.query_one(FleetTable)
        grid.show(columns, [("a", [Text("●", style="#ff0000"), Text("runs/1")])])
        await pilot.pause()
        grid.show(columns, [("a", [Text("●", style="#0000ff"), Text("runs/1")])])
        await pilot.pause()
        assert str(grid.get_cell("a", "mark").style) == "#0000ff"
