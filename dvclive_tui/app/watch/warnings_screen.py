"""The ``w`` panel: every file warning of every run, with its details."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from dvclive_tui.app.screens.overlay import ScrollOverlay
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import Run


class WarningsScreen(ScrollOverlay):
    """Lists unreadable files per run: the rest of each run keeps working."""

    DEFAULT_CSS = """
    WarningsScreen > VerticalScroll {
        width: 90%;
        max-height: 90%;
        border: round $warning;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,w,q", "close", "Close")]

    def __init__(self, runs: Sequence[Run]) -> None:
        super().__init__()
        self.rows = [
            (sanitize(run.name), sanitize(warning.path), sanitize(warning.message))
            for run in runs
            for warning in run.warnings.values()
        ]
        """``(run, file, problem)`` of each warning, sanitised."""

    def compose(self) -> ComposeResult:
        """A table of run, file and message."""
        table = Table(show_header=True, box=None, expand=True, padding=(0, 1))
        table.add_column("run", no_wrap=True)
        table.add_column("file", no_wrap=True, style="bold")
        table.add_column("problem", ratio=1)
        for row in self.rows:
            table.add_row(*(Text(cell) for cell in row))
        count = len(self.rows)
        with VerticalScroll() as scroll:
            scroll.border_title = f"Warnings ({count})"
            scroll.border_subtitle = "esc to close"
            yield Static(table if count else Text("No warnings."))
