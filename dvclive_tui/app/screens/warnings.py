"""The ``w`` panel: every file warning of every run, with its details."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dvclive_tui.app.text import sanitize
from dvclive_tui.data.model import Run


class WarningsScreen(ModalScreen[None]):
    """Lists unreadable files per run: the rest of each run keeps working."""

    AUTO_FOCUS = "VerticalScroll"
    """Focus the scrolling box, so arrows, page keys and home/end scroll a long list (the
    App's own ``AUTO_FOCUS`` selector matches nothing on this screen)."""

    DEFAULT_CSS = """
    WarningsScreen { align: center middle; }
    WarningsScreen > VerticalScroll {
        width: 90%;
        height: auto;
        max-height: 90%;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,w,q", "dismiss_warnings", "Close")]

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

    def action_dismiss_warnings(self) -> None:
        """Close the panel."""
        self.dismiss(None)
