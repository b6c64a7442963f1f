"""Behaviour of the watch dashboard through ``App.run_test()`` and Pilot."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Label, MarkdownViewer, OptionList

from dvclive_tui.app.report_viewer.app import ReportViewerApp
from dvclive_tui.app.report_viewer.screen import ReportScreen
from dvclive_tui.app.screens.help import HelpScreen, help_rows
from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.watch.panes.charts import ChartsPane
from dvclive_tui.app.watch.warnings_screen import WarningsScreen
from dvclive_tui.app.watch.widgets.kv_table import KeyValueTable
from dvclive_tui.app.watch.widgets.metric_tree import MetricTree
from dvclive_tui.app.watch.widgets.run_header import RunHeader
from dvclive_tui.app.watch.widgets.runs_table import RunsTable
from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from dvclive_tui.app.widgets.filter_bar import FilterBar
from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_tui.settings import Settings
from dvclive_writer.read.model import RunStatus
from tests.settle import poll, settle
from tests.tui.conftest import Clock
from tests.tui.runs import FROZEN, append_step, freeze, write_run

SIZE = (100, 30)


def make_app(path: Path, clock: Clock, **options: object) -> WatchApp:
    settings = Settings(paths=(path,), watch=False, clock=clock, **options)  # type: ignore[arg-type]
    return WatchApp(settings)


def charts_grid(app: WatchApp) -> ChartGrid:
    return app.query_one("#charts-pane", ChartsPane).grid


def header_text(app: WatchApp) -> str:
    return str(app.query_one(RunHeader).render())


def status_of(app: WatchApp) -> RunStatus:
    """The first run's status (a call, so mypy does not narrow it across polls)."""
    return app.runs[0].status


def screen_of(app: WatchApp) -> object:
    """The active screen (a call, so mypy does not narrow it across key presses)."""
    return app.screen


def notifications(app: WatchApp) -> list[str]:
    return [f"{note.title}: {note.message}" for note in app._notifications]


async def test_tabs_switch_with_number_keys(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive", steps=3, images=True, plots=True, system=True)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.active_tab == "charts"
        for key, tab in [("3", "tables"), ("4", "images"), ("5", "plots"), ("2", "system")]:
            await pilot.press(key)
            await pilot.pause()
            assert app.active_tab == tab
            assert app.focused is not None
            assert tab in [node.id for node in app.focused.ancestors]
        await pilot.press("1")
        assert app.active_tab == "charts"


async def test_loads_metrics_params_and_summary(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive", steps=12, system=True)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert charts_grid(app).metrics == ["eval/loss", "train/acc", "train/loss"]
        system = app.query_one("#system-pane", ChartsPane).grid
        assert system.metrics == ["system/cpu/usage (%)", "system/ram/usage (GB)"]
        chart = charts_grid(app).chart("train/loss")
        assert chart is not None and len(chart.series[0].steps) == 12
        params = app.query_one("#params", KeyValueTable)
        keys = [str(params.get_row_at(i)[0]) for i in range(params.row_count)]
        assert keys == ["epochs", "model.layers", "model.name", "optimizer.lr"]
        text = header_text(app)
        assert "dvclive" in text and "step 11" in text and "running" in text


async def test_filter_narrows_charts_tree_and_tables(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive")
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"loss")
        await pilot.pause()
        assert charts_grid(app).metrics == ["eval/loss", "train/loss"]
        tree = app.query_one("#charts-pane MetricTree", MetricTree)
        assert tree.metrics == ["eval/loss", "train/loss"]
        summary = app.query_one("#summary", KeyValueTable)
        assert summary.row_count == 2
        assert str(app.query_one("#summary-title", Label).render()) == "Summary (2)"
        assert str(app.query_one("#params-title", Label).render()) == (
            "Params: no key matches 'loss'"
        )
        # An empty table shows no bare header row under its title.
        assert not app.query_one("#params", KeyValueTable).display and summary.display
        await pilot.press("enter")
        assert charts_grid(app).metrics == ["eval/loss", "train/loss"]
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert charts_grid(app).metrics == ["eval/loss", "train/acc", "train/loss"]
        assert app.query_one("#params", KeyValueTable).display


async def test_app_keys_apply_chart_options_to_every_chart(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive", system=True)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        charts = list(app.query(Chart))
        assert len(charts) == 6, "5 in the grids, 1 in the Runs tab"
        await pilot.press("L", "S", "X")
        assert all(chart.log_y for chart in charts)
        assert all(chart.smoothing > 0 for chart in charts)
        assert all(chart.x_axis == "wall" for chart in charts)
        await pilot.press("L", "S")
        assert not any(chart.log_y for chart in charts)
        assert all(chart.smoothing == 0 for chart in charts)
        await pilot.press("F")
        assert not any(chart.follow for chart in charts)
        await pilot.press("F")
        assert all(chart.follow for chart in charts)
        trees = list(app.query(MetricTree))
        await pilot.press("m")
        assert not any(tree.display for tree in trees)
        await pilot.press("m")
        assert all(tree.display for tree in trees)


async def test_shared_chart_options_reach_new_charts_and_keep_own_choices(
    workdir: Path, clock: Clock
) -> None:
    run = write_run(workdir / "dvclive")
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        own = charts_grid(app).chart("train/loss")
        assert own is not None and own.log_y
        own.focus()
        await pilot.press("l")  # this chart alone goes back to a linear axis
        await pilot.press("S")  # smoothing for all: the chart keeps its own log-y choice
        assert not own.log_y and own.smoothing > 0
        (run / "plots" / "metrics" / "lr.tsv").write_text("step\tlr\n0\t0.1\n")
        clock.advance(1)
        await poll(pilot)
        new = charts_grid(app).chart("lr")
        assert new is not None and new.log_y and new.smoothing > 0
        assert app.chart_options.log_y and charts_grid(app).chart_options == app.chart_options
        await pilot.press("greater_than_sign")
        assert app.per_page == 6
        assert [pane.grid.per_page for pane in app.query(ChartsPane)] == [6, 6]


async def test_focused_chart_keys_change_only_that_chart(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive")
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.query_one("#charts-pane MetricTree", MetricTree)
        tree.focus()
        node = tree.node_for("train/loss")
        assert node is not None
        tree.move_cursor(node)
        await pilot.press("enter")
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Chart) and focused.title == "train/loss"
        await pilot.press("l")
        assert focused.log_y
        others = [chart for chart in app.query(Chart) if chart is not focused]
        assert not any(chart.log_y for chart in others)


async def test_grid_size_and_pages(workdir: Path, clock: Clock) -> None:
    extra = [f"extra/m{i}" for i in range(6)]
    write_run(workdir / "dvclive", extra_metrics=extra)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = charts_grid(app)
        assert grid.per_page == 4 and grid.page_count == 3
        assert sum(chart.display for chart in grid.query(Chart)) == 4
        await pilot.press("greater_than_sign")
        assert grid.per_page == 6 and grid.page_count == 2
        await pilot.press("greater_than_sign")
        assert grid.per_page == 9 and grid.page_count == 1
        assert sum(chart.display for chart in grid.query(Chart)) == 9
        for _ in range(5):
            await pilot.press("less_than_sign")
        assert grid.per_page == 1 and grid.page_count == 9
        await pilot.press("n", "n")
        assert grid.page == 2
        assert [c.title for c in grid.query(Chart) if c.display] == [grid.metrics[2]]
        # Only the shown chart holds data; a page turn hands the next one its series.
        assert [c.title for c in grid.query(Chart) if c.series] == [grid.metrics[2]]
        await pilot.press("p")
        assert grid.page == 1
        assert [c.title for c in grid.query(Chart) if c.series] == [grid.metrics[1]]
        shown = grid.chart(grid.metrics[1])
        assert shown is not None and len(shown.series[0].steps) == 30


async def test_help_overlay_lists_bindings(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive")
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections = help_rows(app.help_sections())
        assert app.screen.sections == sections
        titles = [title for title, _ in sections]
        assert titles[:2] == ["Everywhere", "Focused chart"]
        everywhere = dict((d, k) for k, d in sections[0][1])
        assert everywhere["Filter"] == "/" and everywhere["Log-y all"] == "L"
        assert everywhere["Charts / System / Tables / Images / Plots / Runs"] == "1 2 3 4 5 6"
        await pilot.press("escape")
        assert not isinstance(screen_of(app), HelpScreen)


async def test_help_overlay_scrolls_by_keyboard_at_80x24(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive")
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one(VerticalScroll)
        assert box.max_scroll_y > 0  # the list is taller than the screen
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y
        await pilot.press("home")
        await pilot.pause()
        assert box.scroll_y == 0


async def test_appended_step_shows_up_after_a_poll(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive", steps=10)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chart = charts_grid(app).chart("train/loss")
        assert chart is not None and len(chart.series[0].steps) == 10
        append_step(workdir / "dvclive", "train/loss", 10, 0.0123)
        clock.advance(1)
        await poll(pilot)
        assert chart.series[0].steps[-1] == 10
        assert math.isclose(chart.series[0].values[-1], 0.0123)
        tree = app.query_one("#charts-pane MetricTree", MetricTree)
        node = tree.node_for("train/loss")
        assert node is not None
        assert "0.0123" in str(node.label)
        assert "step 10" in header_text(app)


async def test_background_polling_picks_up_new_rows(workdir: Path) -> None:
    write_run(workdir / "dvclive", steps=5)
    app = WatchApp(Settings(paths=(Path("dvclive"),), interval=0.1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(100):
            await pilot.pause(0.05)
            chart = charts_grid(app).chart("train/loss")
            if chart is not None and len(chart.series[0].steps) == 5:
                break
        append_step(workdir / "dvclive", "train/loss", 5, 0.5)
        for _ in range(100):
            await pilot.pause(0.05)
            if chart is not None and len(chart.series[0].steps) == 6:
                break
        assert chart is not None and chart.series[0].steps[-1] == 5


async def test_recreated_directory_becomes_a_new_run(workdir: Path, clock: Clock) -> None:
    run = write_run(workdir / "dvclive", steps=20)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shutil.rmtree(run)
        clock.advance(2)
        await poll(pilot)
        assert app.runs[0].status is RunStatus.WAITING
        assert charts_grid(app).metrics == []
        empty = charts_grid(app).query_one("#chart-grid-empty")
        assert "Waiting for a run in dvclive" in str(empty.render())
        write_run(run, steps=7, seed=3)
        freeze(run, clock.now - 1)
        clock.advance(2)
        await poll(pilot)
        chart = charts_grid(app).chart("train/loss")
        assert chart is not None and len(chart.series[0].steps) == 7
        assert "step 6" in header_text(app)


async def test_corrupt_summary_shows_a_warning_badge(workdir: Path, clock: Clock) -> None:
    run = write_run(workdir / "dvclive", steps=8)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (run / "metrics.json").write_text('{"train": {"loss": 0.1')
        for _ in range(3):
            clock.advance(5)
            await poll(pilot)
        assert "⚠ 1" in header_text(app)
        assert charts_grid(app).metrics == ["eval/loss", "train/acc", "train/loss"]
        await pilot.press("w")
        assert isinstance(app.screen, WarningsScreen)
        [(run_name, path, problem)] = app.screen.rows
        assert (run_name, path) == ("dvclive", "metrics.json") and problem
        await pilot.press("escape")
        assert not isinstance(app.screen, WarningsScreen)


async def test_nan_metric_raises_one_alert(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive", steps=6)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert notifications(app) == []
        append_step(workdir / "dvclive", "train/loss", 6, float("nan"))
        await poll(pilot)
        append_step(workdir / "dvclive", "train/loss", 7, float("nan"))
        await poll(pilot)
        alerts = [note for note in notifications(app) if "NaN" in note]
        assert alerts == ["dvclive: train/loss became NaN at step 6"]


async def test_finished_run_raises_an_alert(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive", steps=6)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert status_of(app) is RunStatus.RUNNING
        clock.advance(3600)
        await poll(pilot)
        assert status_of(app) is RunStatus.FINISHED
        assert "dvclive: finished at step 5" in notifications(app)


async def test_control_characters_are_shown_escaped(workdir: Path, clock: Clock) -> None:
    run = write_run(workdir / "dvclive", steps=3)
    evil = run / "plots" / "metrics" / "bad\x1b[31mname.tsv"
    evil.write_text("step\tbad\x1b[31mname\n0\t1.5\n")
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.query_one("#charts-pane MetricTree", MetricTree)
        labels = [str(node.label) for node in map(tree.node_for, tree.metrics) if node]
        assert "bad\\x1b[31mname 1.5 ▁" in labels
        assert not any("\x1b" in label for label in labels)
        chart = charts_grid(app).chart("bad\x1b[31mname")
        assert chart is not None and "\x1b" not in chart.title


async def test_empty_folder_shows_the_waiting_state(workdir: Path, clock: Clock) -> None:
    (workdir / "runs").mkdir()
    app = make_app(Path("runs"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "waiting for a run in runs" in header_text(app)
        empty = charts_grid(app).query_one("#chart-grid-empty")
        assert "Waiting for a run in runs" in str(empty.render())
        params_title = app.query_one("#params-title", Label)
        assert str(params_title.render()) == "Params: none logged yet"
        write_run(workdir / "runs" / "exp1" / "dvclive", steps=4)
        await pilot.press("r")
        await pilot.pause()
        assert charts_grid(app).metrics == ["eval/loss", "train/acc", "train/loss"]


async def test_several_runs_overlay_in_one_chart(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "a" / "dvclive", steps=5, seed=1)
    write_run(workdir / "b" / "dvclive", steps=8, seed=2)
    app = make_app(Path("."), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chart = charts_grid(app).chart("train/loss")
        assert chart is not None
        assert [s.label for s in chart.series] == ["a/dvclive", "b/dvclive"]
        assert [s.color for s in chart.series] == [0, 1]
        assert [len(s.steps) for s in chart.series] == [5, 8]
        assert "+1" in header_text(app)
        runs = app.query_one(RunsTable)
        rows = [[str(cell) for cell in runs.get_row_at(i)] for i in range(runs.row_count)]
        assert [row[1:4] for row in rows] == [
            ["a/dvclive", "running", "4"],
            ["b/dvclive", "running", "7"],
        ]


@pytest.mark.parametrize("tab", ["images", "plots"])
async def test_media_tabs_list_logged_items(workdir: Path, clock: Clock, tab: str) -> None:
    write_run(workdir / "dvclive", steps=4, images=True, plots=True)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4" if tab == "images" else "5")
        pane = app.query_one(f"#{tab}-pane")
        names = list(pane._items)  # type: ignore[attr-defined]
        assert names == (["samples"] if tab == "images" else ["confusion_matrix"])


async def test_media_keys_work_while_the_list_has_the_focus(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive", steps=4, images=True, plots=True)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.focused, OptionList)
        images = app.query_one(ImageView)
        assert images.selected_step == 3
        await pilot.press("left", "left", "comma")
        assert images.selected_step == 0
        await pilot.press("right")
        assert images.selected_step == 1
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.focused, OptionList)
        plot = app.query_one(PlotView)
        await pilot.press("n")
        assert plot.normalized
        await pilot.press("n")
        assert not plot.normalized


def test_waiting_names_do_not_render_absolute_paths(tmp_path: Path, clock: Clock) -> None:
    outside = tmp_path / "deep" / "runs"
    outside.mkdir(parents=True)
    app = make_app(outside, clock)
    assert "deep" not in app._waiting_message() or str(tmp_path) not in app._waiting_message()
    assert FROZEN  # fixture clock is pinned


async def _press_all(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)


async def test_image_scrubber_position_survives_new_frames(workdir: Path, clock: Clock) -> None:
    from PIL import Image

    from dvclive_tui.app.widgets.image_view import ImageView

    run = write_run(workdir / "dvclive", steps=4, images=True)
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        view = app.query_one(ImageView)
        view.focus()
        await pilot.press("home")
        assert view.selected_step == 0
        Image.new("RGB", (8, 8)).save(run / "plots" / "images" / "samples" / "4.png")
        clock.advance(2)
        await poll(pilot)
        assert view.frame_label == "samples · step 0 (1/5)"
        await pilot.press("end")
        Image.new("RGB", (8, 8)).save(run / "plots" / "images" / "samples" / "5.png")
        clock.advance(2)
        await poll(pilot)
        assert view.selected_step == 5


async def test_report_key_shows_the_runs_markdown_report(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive")
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        viewer = app.screen.query_one(MarkdownViewer)
        assert viewer.document.source.startswith("# DVC Report")
        assert "train/loss" in viewer.document.source
        await pilot.press("escape")
        assert not isinstance(screen_of(app), ReportScreen)
    assert not (workdir / "dvclive" / "report.md").exists()


async def test_dashboard_keys_do_nothing_under_the_report(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive")
    app = make_app(Path("dvclive"), clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        report = screen_of(app)
        assert isinstance(report, ReportScreen)
        assert "slash" not in report.active_bindings and "S" not in report.active_bindings
        await pilot.press("slash", "2", "S", "R", "w")
        await pilot.pause()
        assert screen_of(app) is report
        assert app.active_tab == "charts" and not notifications(app)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = screen_of(app)
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.sections == help_rows([("Report", ReportScreen.BINDINGS)])
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(screen_of(app), ReportScreen)
        assert not app.query_one(FilterBar).has_focus_within and app.query_text == ""


async def test_standalone_report_viewer_lists_its_keys(workdir: Path) -> None:
    write_run(workdir / "dvclive")
    app = ReportViewerApp(workdir / "dvclive")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        report = screen_of(app)
        assert isinstance(report, ReportScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = screen_of(app)
        assert isinstance(help_screen, HelpScreen)
        keys = dict(help_screen.sections[0][1])
        assert keys["r"] == "Reload" and keys["t"] == "Contents" and keys["?"] == "Help"
        await pilot.press("escape")
        await pilot.pause()
        assert screen_of(app) is report


async def header_at_80_columns(workdir: Path, clock: Clock, name: str) -> str:
    """The header line of a 4-step run written at ``name``, in an 80×24 dashboard."""
    write_run(workdir / name, steps=4)
    app = make_app(Path(name), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        return app.query_one(RunHeader).render_line(0).text.rstrip()


async def test_header_keeps_the_run_name_before_the_times(workdir: Path, clock: Clock) -> None:
    """Which run it is comes first at 80 columns: the times and the speed go, then the usual
    "/dvclive" ending; the status and the step stay."""
    long_name = "experiments/sweep-learning-rate-0.001-batch-256/seed-42/dvclive"
    line = await header_at_80_columns(workdir, clock, long_name)
    assert "experiments/sweep-learning-rate-0.001-batch-256/seed-42  running" in line, line
    assert "step 3" in line and "wrote" not in line and "…" not in line
    line = await header_at_80_columns(workdir, clock, "runs/7/dvclive")
    assert "runs/7/dvclive  running" in line and line.endswith("wrote 5s ago"), line
