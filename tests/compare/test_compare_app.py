"""The Textual compare app through Pilot, and SVG snapshots (deterministic data)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dvclive_tui.app.compare.app import CompareApp
from dvclive_tui.app.compare.charts_screen import ChartsScreen
from dvclive_tui.app.compare.diff_screen import DiffScreen
from dvclive_tui.app.compare.table_screen import CompareScreen
from dvclive_tui.app.screens.help import HelpScreen
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from dvclive_tui.experiments.load import load_experiments
from dvclive_tui.experiments.model import ExperimentSet
from dvclive_tui.experiments.refs import Selection
from tests.compare import repo_builder as rb
from tests.compare.factory import build_experiments
from tests.compare.ui import open_overlay
from tests.settle import settle, snapshot_after


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The Created column shows local time: pin it."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def exps(tmp_path: Path) -> ExperimentSet:
    return build_experiments(tmp_path)


def make_app(exps: ExperimentSet) -> CompareApp:
    app = CompareApp(exps, live=False)
    app.theme = "textual-dark"
    return app


def labels(screen: CompareScreen) -> list[str]:
    return [exp.label for exp in screen.view.rows]


def column_labels(screen: CompareScreen) -> list[str]:
    """Column keys as shown on the header's second line."""
    return [str(column.label).split("\n")[-1] for column in screen.table.columns.values()]


async def test_sort_by_cursor_column(exps: ExperimentSet) -> None:
    app = make_app(exps)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        acc_index = column_labels(screen).index("acc")
        screen.table.move_cursor(column=acc_index)
        await pilot.press("s")
        assert labels(screen) == ["calm-owl", "eager-elk", "dark-fox", "brisk-lion"]
        await pilot.press("s")
        assert labels(screen) == ["brisk-lion", "dark-fox", "eager-elk", "calm-owl"]
        rendered = [str(screen.table.get_row_at(i)[1]) for i in range(screen.table.row_count)]
        assert rendered == labels(screen)


async def test_filter_box(exps: ExperimentSet) -> None:
    from dvclive_tui.app.widgets.filter_bar import FilterBar

    app = make_app(exps)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await pilot.press("slash", *'optimizer == "sgd"', "enter")
        assert screen.table.row_count == 2
        assert labels(screen) == ["calm-owl", "eager-elk"]
        bar = screen.query_one(FilterBar)
        assert not bar.display and screen.table.has_focus
        await pilot.press("slash", "ctrl+u", *"lr >", "enter")  # invalid: kept, notified
        assert screen.table.row_count == 2 and bar.display
        assert screen.view.filter.text == 'optimizer == "sgd"'
        await pilot.press("escape")  # drops the edit, keeps the applied filter
        assert screen.view.filter.text == 'optimizer == "sgd"'
        assert labels(screen) == ["calm-owl", "eager-elk"]
        assert not bar.display and screen.table.has_focus
        await pilot.press("slash")
        assert bar.value == 'optimizer == "sgd"'  # reopens on the filter applied


async def test_only_changed_and_hide_columns(exps: ExperimentSet) -> None:
    app = make_app(exps)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert "epochs" in column_labels(screen)
        await pilot.press("c")
        assert "epochs" not in column_labels(screen) and "seed" not in column_labels(screen)
        assert "lr" in column_labels(screen)
        await pilot.press("c")
        screen.table.move_cursor(column=column_labels(screen).index("optimizer"))
        await pilot.press("h")
        assert "optimizer" not in column_labels(screen)
        await pilot.press("H")
        assert "optimizer" in column_labels(screen)


async def test_select_two_then_diff(exps: ExperimentSet) -> None:
    app = make_app(exps)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "down", "space", "d")
        await pilot.pause()
        diff = app.screen
        assert isinstance(diff, DiffScreen)
        assert (diff.left.label, diff.right.label) == ("brisk-lion", "calm-owl")
        table = diff.query_one("#diff-table")
        keys = [str(table.get_row_at(i)[0]).strip() for i in range(table.row_count)]
        assert "≠ dvclive/params.yaml:lr" in keys
        assert "dvclive/params.yaml:epochs" in keys  # equal keys stay, not highlighted
        await pilot.press("c")
        keys = [str(table.get_row_at(i)[0]).strip() for i in range(table.row_count)]
        assert all(key.startswith("≠") for key in keys)
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)


async def test_chart_overlay_of_selected(exps: ExperimentSet) -> None:
    app = make_app(exps)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "down", "down", "space", "g")
        await settle(pilot)
        charts = app.screen
        assert isinstance(charts, ChartsScreen)
        grid = charts.query_one(ChartGrid)
        assert grid.metrics == ["acc", "train/loss"]
        chart = grid.chart("acc")
        assert chart is not None
        series = chart.series
        assert [s.label for s in series] == ["brisk-lion", "dark-fox"]
        assert len({s.color for s in series}) == 2
        assert series[0].values[-1] == pytest.approx(0.9)


async def test_help_lists_keys(exps: ExperimentSet) -> None:
    app = make_app(exps)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)


async def test_help_keys_are_not_cut_at_80x24(exps: ExperimentSet) -> None:
    from textual.geometry import Region
    from textual.widgets import Static

    app = make_app(exps)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        lines = [
            strip.text
            for static in app.screen.query(Static)
            for strip in static.render_lines(Region(0, 0, *static.size))
        ]
        text = "\n".join(lines)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        for _title, rows in help_screen.sections:
            for keys, _description in rows:
                assert f" {keys} " in text, keys
        assert "Sort by the cursor's column" in text and "Focus the next chart" in text, text
        assert "…" not in text, text


def test_snapshot_table_80x24(exps: ExperimentSet, snap_compare: Any) -> None:
    assert snap_compare(make_app(exps), terminal_size=(80, 24))


def test_snapshot_tree_80x24(exps: ExperimentSet, snap_compare: Any) -> None:
    """A baseline with its experiments drawn under it (``├──``/``└──``)."""
    assert snap_compare(make_app(with_baseline(exps)), terminal_size=(80, 24))


def test_snapshot_sorted_selected_120x36(exps: ExperimentSet, snap_compare: Any) -> None:
    async def prepare(pilot: Any) -> None:
        screen = pilot.app.screen
        screen.table.move_cursor(column=column_labels(screen).index("acc"))
        await pilot.press("s", "s", "space", "down", "space", "c")

    assert snap_compare(make_app(exps), terminal_size=(120, 36), run_before=prepare)


async def test_help_opens_from_every_screen(exps: ExperimentSet) -> None:
    app = make_app(exps)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("g", "i"):
            await pilot.press(key)
            await settle(pilot)
            opened = app.screen
            await pilot.press("question_mark")
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpScreen"
            await pilot.press("escape")
            assert app.screen is opened
            await pilot.press("escape")
            assert isinstance(app.screen, CompareScreen)


async def test_colours_unique_among_selected_and_marked_past_the_palette(
    exps: ExperimentSet,
) -> None:
    """Ten overlaid experiments: no cap, the first 8 colours unique, the 9th and 10th
    marked in the legend; a colour stays while selected and is reused once freed."""
    import dataclasses

    from dvclive_writer.plotting.palette import PALETTE

    base = exps.experiments[0]
    for index in range(6):
        rev = f"e{index:x}" * 20
        exps.experiments.append(dataclasses.replace(base, key=rev, rev=rev, name=f"x-{index}"))
    app = make_app(exps)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        for _ in range(10):
            await pilot.press("space", "down")
        chart = await open_overlay(pilot, "acc")
        series = chart.series
        assert len(series) == 10
        assert sorted(s.color % len(PALETTE) for s in series[:8]) == list(range(8))  # type: ignore[operator]
        assert [s.label for s in series[8:]] == ["◆ x-4", "◆ x-5"]
        assert len({s.label for s in series}) == 10
        await pilot.press("escape")
        # Unselect the second row (colour 1), select it again: it gets colour 1 back;
        # unselect it and clear, then a new selection starts from colour 0.
        screen.table.move_cursor(row=1)
        await pilot.press("space")
        assert app.exp_colors[screen.view.rows[1].key] == 1
        await pilot.press("space")
        assert app.exp_colors[screen.view.rows[1].key] == 1
        await pilot.press("a")
        screen.table.move_cursor(row=9)
        await pilot.press("space")
        assert app.exp_colors[screen.view.rows[9].key] == 0


def test_file_labels_name_the_whole_path_only_when_needed() -> None:
    from dvclive_tui.app.compare.cells import file_labels

    labels = file_labels(["dvclive/metrics.json", "dvclive/params.yaml", "params.yaml"])
    assert labels == {
        "dvclive/metrics.json": "metrics.json",
        "dvclive/params.yaml": "dvclive/params.yaml",
        "params.yaml": "params.yaml",
    }


async def test_star_keeps_a_row_first_through_filters(exps: ExperimentSet) -> None:
    app = make_app(exps)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await pilot.press("down", "down", "asterisk")
        assert labels(screen)[0] == "dark-fox"
        assert str(screen.table.get_row_at(0)[0]).startswith("★")
        await pilot.press("slash", *'optimizer == "sgd"', "enter")
        assert labels(screen) == ["dark-fox", "calm-owl", "eager-elk"]
        screen.table.move_cursor(row=0)
        await pilot.press("asterisk")
        assert labels(screen) == ["calm-owl", "eager-elk"]


def test_snapshot_overlay_80x24(exps: ExperimentSet, snap_compare: Any) -> None:
    async def prepare(pilot: Any) -> None:
        await snapshot_after(pilot, "space", "down", "down", "space", "g")

    assert snap_compare(make_app(exps), terminal_size=(80, 24), run_before=prepare)


def test_snapshot_diff_80x24(exps: ExperimentSet, snap_compare: Any) -> None:
    async def prepare(pilot: Any) -> None:
        await snapshot_after(pilot, "space", "down", "space", "d")

    assert snap_compare(make_app(exps), terminal_size=(80, 24), run_before=prepare)


def with_baseline(exps: ExperimentSet) -> ExperimentSet:
    """The factory's experiments under their baseline commit (``main``), as collected."""
    from dvclive_tui.experiments.model import Experiment, ExpKind

    baseline = Experiment(key="0" * 40, kind=ExpKind.BASELINE, rev="0" * 40, name="main")
    return ExperimentSet(experiments=[baseline, *exps.experiments])


async def test_experiments_are_drawn_under_their_baseline(exps: ExperimentSet) -> None:
    app = make_app(with_baseline(exps))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        names = [str(screen.table.get_cell_at((row, 1))) for row in range(screen.table.row_count)]
        assert names == [
            "main",
            "├── brisk-lion",
            "├── calm-owl",
            "├── dark-fox",
            "└── eager-elk",
        ]
        screen.table.move_cursor(column=column_labels(screen).index("acc"))
        await pilot.press("s", "s")  # descending: sorts the experiments, main stays on top
        assert labels(screen) == ["main", "brisk-lion", "dark-fox", "eager-elk", "calm-owl"]
        assert str(screen.table.get_cell_at((4, 1))) == "└── calm-owl"
        app.exit()


async def test_an_experiment_made_a_branch_is_listed_twice(tmp_path: Path) -> None:
    """An experiment commit that became a branch is a baseline of ``-A`` and still an
    experiment of its parent, so the same commit is two rows, as in ``dvc exp show -A``
    (found on iterative/example-get-started-experiments): the table must show both."""
    repo = tmp_path / "repo"
    rb.init_repo(repo)
    rb.train(repo, "only", {"lr": 0.1})
    exp_commit = rb.git(repo, "for-each-ref", "refs/exps", "--format=%(objectname)")
    rb.git(repo, "branch", "best", exp_commit.split()[0])
    exps = load_experiments(repo, selection=Selection(all_branches=True))
    app = make_app(exps)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        keys = [exp.key for exp in screen.view.rows]
        assert len(keys) == screen.table.row_count
        assert len(keys) > len(set(keys)), "the commit is a baseline and an experiment"
