"""Rich text for compare-table cells (errors, missing values, status, markers)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.text import Text

from dvclive_tui.charts.marks import color_of
from dvclive_tui.experiments.model import Experiment, ExpStatus
from dvclive_tui.experiments.table import Cell, Column, cell_text
from dvclive_tui.text import sanitize

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


def experiment_text(exp: Experiment, branch: str, *, selected: bool) -> Text:
    """The Experiment cell: the tree branch (``├── ``/``└── `` under a baseline), dimmed,
    then the name (bold while selected)."""
    text = Text(sanitize(exp.label), style="bold" if selected else "")
    if branch:
        text = Text(branch, style="dim") + text
    return text


def status_text(exp: Experiment) -> Text:
    return Text(exp.status.value, style=STATUS_STYLE[exp.status])


def marker_text(selected: bool, starred: bool, color: int | None) -> Text:
    """``★`` for starred, ``●`` (or the colour's mark) in the row's chart colour for
    selected rows."""
    text = Text()
    text.append("★" if starred else " ", style="bold yellow")
    if not selected or color is None:
        text.append(" ", style="bold")
        return text
    hex_color, mark = color_of(color)
    text.append(mark or "●", style=f"bold {hex_color}")
    return text


def file_labels(files: Iterable[str]) -> dict[str, str]:
    """Short header names of files: the base name, or the whole path where two files
    share one (``params.yaml`` and ``dvclive/params.yaml``)."""
    unique = list(dict.fromkeys(files))
    counts = Counter(path.rsplit("/", 1)[-1] for path in unique)
    return {
        path: path if counts[path.rsplit("/", 1)[-1]] > 1 else path.rsplit("/", 1)[-1]
        for path in unique
    }


def header_text(column: Column, group: str | None) -> Text:
    """Two header lines: the file's ``group`` name (first column of its file), then the key.

    Metrics keys are bold, params keys italic; the key drops its ``file:`` prefix since
    the group line names the file.
    """
    if column.group == "deps":  # a dependency: its path under a "dep" group line
        text = Text("dep", style="dim")
        text.append("\n")
        text.append(sanitize(column.file))
        return text
    style = "bold" if column.group == "metrics" else "italic"
    text = Text(sanitize(group) if group else "", style="dim")
    text.append("\n")
    text.append(sanitize(column.path), style=style)
    return text
