"""Side-by-side params (and summary metrics) of two experiments, differences highlighted."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from dvclive_tui.experiments.model import Experiment
from dvclive_tui.experiments.table import Column, build_columns, cell, cell_text
from dvclive_tui.text import sanitize


def diff_rows(left: Experiment, right: Experiment) -> list[tuple[Column, str, str, bool]]:
    """``(column, left text, right text, differs)`` for every param then metric key."""
    columns = build_columns([left, right])
    ordered = [c for c in columns if c.group == "params"] + [
        c for c in columns if c.group == "metrics"
    ]
    rows: list[tuple[Column, str, str, bool]] = []
    for column in ordered:
        a, b = cell(left, column), cell(right, column)
        full_a, full_b = cell_text(a, None), cell_text(b, None)
        rows.append((column, cell_text(a), cell_text(b), full_a != full_b))
    return rows


class DiffScreen(Screen[None]):
    """Two experiments' params and metrics in two columns; changed keys are highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", tooltip="Back to the table"),
        Binding("c", "toggle_changed", "Only changed", tooltip="Only the keys that differ"),
    ]

    def __init__(self, left: Experiment, right: Experiment) -> None:
        super().__init__()
        self.left = left
        self.right = right
        self.only_changed = False

    def compose(self) -> ComposeResult:
        """A title naming both experiments, the table and the key footer."""
        title = f"{sanitize(self.left.label)}  ⟷  {sanitize(self.right.label)}"
        yield Static(title, id="diff-title", markup=False)
        yield DataTable(id="diff-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Fill the table."""
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("key", key="key")
        table.add_column(sanitize(self.left.label), key="left")
        table.add_column(sanitize(self.right.label), key="right")
        for column, a, b, differs in diff_rows(self.left, self.right):
            if self.only_changed and not differs:
                continue
            style = "bold yellow" if differs else "dim"
            marker = "≠ " if differs else "  "
            table.add_row(
                Text(marker + sanitize(f"{column.file}:{column.path}"), style=style),
                Text(sanitize(a or "-"), style="bold" if differs else ""),
                Text(sanitize(b or "-"), style="bold" if differs else ""),
                key=column.key,
            )

    def action_toggle_changed(self) -> None:
        """Show only the keys whose values differ (or every key again)."""
        self.only_changed = not self.only_changed
        self._fill()
