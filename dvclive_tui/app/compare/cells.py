"""Rich text for compare-table cells (errors, missing values, status, markers)."""

from __future__ import annotations

from rich.text import Text

from dvclive_tui.app.text import sanitize
from dvclive_tui.experiments.model import Experiment, ExpStatus
from dvclive_tui.experiments.table import Cell, Column, cell_text

STATUS_STYLE = {
    ExpStatus.RUNNING: "bold green",
    ExpStatus.QUEUED: "yellow",
    ExpStatus.DONE: "",
    ExpStatus.FAILED: "bold red",
}


def value_text(value: Cell) -> Text:
    """``!`` in red for an unreadable file, ``-`` dimmed for a missing value."""
    if value.error is not None:
        return Text("!", style="bold red", justify="right")
    text = cell_text(value)
    if not text:
        return Text("-", style="dim", justify="right")
    numeric = isinstance(value.value, int | float) and not isinstance(value.value, bool)
    return Text(sanitize(text), justify="right" if numeric else "left")


def status_text(exp: Experiment) -> Text:
    return Text(exp.status.value, style=STATUS_STYLE[exp.status])


def marker_text(selected: bool, starred: bool, color: str | None) -> Text:
    """``★`` for starred, ``●`` in the row's chart colour for selected rows."""
    text = Text()
    text.append("★" if starred else " ", style="bold yellow")
    text.append("●" if selected else " ", style=f"bold {color}" if color else "bold")
    return text


def header_text(column: Column, *, first_of_file: bool) -> Text:
    """Two header lines: the file's name (first column of its group), then the key.

    Metrics keys are bold, params keys italic; the key drops its ``file:`` prefix since
    the group line names the file.
    """
    style = "bold" if column.group == "metrics" else "italic"
    group = column.file.rsplit("/", 1)[-1]
    text = Text(sanitize(group) if first_of_file else "", style="dim")
    text.append("\n")
    text.append(sanitize(column.path), style=style)
    return text
