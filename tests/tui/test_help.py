"""The help overlays are built from ``BINDINGS``: every binding is described, keys read as typed."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from textual.binding import Binding

import dvclive_tui.app
from dvclive_tui.app.compare.app import CompareApp
from dvclive_tui.app.compare.table_screen import CompareScreen
from dvclive_tui.app.screens.help import as_binding, binding_rows, help_rows, key_label
from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.experiments.model import ExperimentSet
from dvclive_tui.settings import Settings


def app_classes_with_bindings() -> list[type]:
    """Every class of the app package that declares its own ``BINDINGS``."""
    found: list[type] = []
    for info in pkgutil.walk_packages(dvclive_tui.app.__path__, "dvclive_tui.app."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and "BINDINGS" in vars(value)
            ):
                found.append(value)
    return found


def test_every_binding_of_the_apps_has_a_description() -> None:
    classes = app_classes_with_bindings()
    assert {cls.__name__ for cls in classes} >= {"WatchApp", "CompareScreen", "Chart"}
    missing = [
        f"{cls.__name__}: {binding.key}"
        for cls in classes
        for binding in map(as_binding, vars(cls)["BINDINGS"])
        if not binding.description
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("question_mark", "?"),
        ("greater_than_sign", ">"),
        ("left_square_bracket", "["),
        ("slash", "/"),
        ("asterisk", "*"),
        ("S", "S"),
        ("ctrl+q", "ctrl+q"),
        ("shift+tab", "shift+tab"),
        ("enter", "enter"),
        ("escape", "esc"),
        ("pagedown", "pgdn"),
        ("left", "←"),
    ],
)
def test_keys_are_shown_as_typed(key: str, typed: str) -> None:
    assert key_label(key) == typed


def test_rows_join_keys_and_arguments_and_prefer_the_tooltip() -> None:
    rows = binding_rows(
        [
            Binding("n,pagedown", "page(1)", "Next"),
            Binding("p", "page(-1)", "Previous"),
            Binding("s", "sort", "Sort", tooltip="Sort by the cursor's column"),
        ]
    )
    assert rows == [("n pgdn p", "Next / Previous"), ("s", "Sort by the cursor's column")]


def test_watch_help_lists_every_app_binding() -> None:
    app = WatchApp(Settings(paths=(Path("runs"),), watch=False))
    sections = dict(help_rows(app.help_sections()))
    listed = " ".join(keys for keys, _ in sections["Everywhere"]).split()
    assert listed == ["q", "?", "/", *"123456", *"SLXF", ">", "<", "n", "p", "m", "w", "r", "R"]
    assert ("enter", "Show and focus the metric's chart") in sections["Metric list"]


def test_compare_help_lists_every_table_binding() -> None:
    app = CompareApp(ExperimentSet(), live=False)
    sections = dict(help_rows(app.help_sections()))
    table = sections["Table"]
    assert len(table) == len(CompareScreen.BINDINGS)
    assert [keys for keys, _ in table] == [
        *("/", "s", "c", "h", "H", "space", "*", "g enter", "d", "i", "a", "r", "?", "q")
    ]
    assert ("1 2 4 6 9", "Charts per page") in sections["Charts"]
    assert list(sections) == [
        "Table",
        "Charts",
        "Focused chart",
        "Diff",
        "Images and plots",
        "Image",
        "Plot",
        "App",
        "Moving around",
    ]


async def test_brackets_in_a_description_are_shown_not_taken_as_markup(tmp_path: Path) -> None:
    """``T``'s ``METRIC [min|max] [K]`` reads as written in the help (Rich would take the
    brackets for style tags and drop them)."""
    from textual.widgets import Static

    from dvclive_tui.app.screens.help import HelpScreen

    app = WatchApp(Settings(paths=(tmp_path,)))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        shown = "\n".join(
            line.text
            for static in screen.query(Static)
            for line in static.render_lines(static.region.reset_offset)
        )
        assert "METRIC [min|max] [K]" in shown, shown
