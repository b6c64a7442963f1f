"""Rich text of the runs table: headers, run rows and group headers.

Every text from files (run names, param values) goes through ``sanitize``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text

from dvclive_tui.charts.marks import color_of
from dvclive_tui.experiments.table import MISSING
from dvclive_tui.monitor.fleet_view import BASE_COLUMNS, GroupRow, RunRow, cell_text
from dvclive_tui.monitor.run_filter import RunLookup
from dvclive_tui.monitor.run_stats import status_label
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import RunStatus

MARK = "mark"
"""Key of the first column: the chart colour (or mark), then ``★`` starred, ``⚑`` pinned,
``!`` an alert rule fired."""
STATUS_STYLE: dict[str, str] = {
    RunStatus.RUNNING.value: "bold green",
    RunStatus.STALLED.value: "bold yellow",
    RunStatus.FINISHED.value: "",
    RunStatus.WAITING.value: "dim",
}
BASE_LABELS: dict[str, str] = {"name": "run"}


def column_label(name: str) -> str:
    """The header text of a column: base names as they are, ``params.`` dropped."""
    if name in BASE_COLUMNS:
        return BASE_LABELS.get(name, name)
    return name.removeprefix("params.").removeprefix("summary.")


def header(name: str, sort: tuple[str, bool]) -> Text:
    """A column header: metrics bold, params italic, an arrow on the sorted column."""
    if name == MARK:
        return Text("")
    style = "" if name in BASE_COLUMNS else "italic" if name.startswith("params.") else "bold"
    text = Text(sanitize(column_label(name)), style=style)
    if sort[0] == name:
        text.append(" ↓" if sort[1] else " ↑", style="bold")
    return text


def age_text(seconds: float) -> str:
    """A coarse age: ``12s``, ``5m``, ``3h``, ``2d`` (changes at most once a unit)."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{max(0, int(seconds))}s"


def value_cell(value: Any) -> Text:
    """A value: numbers right-aligned, NaN and ±inf in red, nothing when missing."""
    if value is MISSING:
        return Text("")
    text = sanitize(cell_text(value))
    if isinstance(value, float) and not math.isfinite(value):
        return Text(text, style="bold red", justify="right")
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return Text(text, justify="right" if numeric else "left")


def swatch(color: int | None) -> Text:
    """``●`` (or the colour's mark) in a charted run's colour; blank when not charted."""
    if color is None:
        return Text(" ")
    hex_color, mark = color_of(color)
    return Text(mark or "●", style=f"bold {hex_color}")


@dataclass(frozen=True)
class RowContext:
    """What a run row shows besides the run's own values."""

    colors: Mapping[Path, int]
    alerted: Callable[[Path], bool]


def run_cells(
    row: RunRow, lookup: RunLookup, columns: Sequence[str], context: RowContext
) -> list[Text]:
    """The cells of one run: colour and marks, then ``columns``."""
    run = row.run
    flags = lookup.flags
    cells = [swatch(context.colors.get(run.path)) + _flags(flags, context.alerted(run.path))]
    for name in columns:
        cells.append(_run_cell(name, lookup, "selected" in flags))
    return cells


def group_cells(group: GroupRow, color: int | None, columns: Sequence[str]) -> list[Text]:
    """The cells of a group header: colour and ``▾``/``▸``, the value and counts."""
    cells = [swatch(color) + Text("▸" if group.collapsed else "▾", style="bold")]
    for name in columns:
        if name == "name":
            cells.append(Text(sanitize(group.key), style="bold"))
        elif name == "status":
            cells.append(Text(f"{group.count} run{'s' if group.count != 1 else ''}", style="dim"))
        else:
            cells.append(Text(""))
    return cells


def _flags(flags: Collection[str], alerted: bool) -> Text:
    text = Text()
    text.append("★" if "starred" in flags else " ", style="bold yellow")
    text.append("⚑" if "pinned" in flags else " ", style="bold cyan")
    text.append("!" if alerted else " ", style="bold red")
    return text


def _run_cell(name: str, lookup: RunLookup, selected: bool) -> Text:
    run = lookup.run
    if name == "name":
        return Text(sanitize(run.name), style="bold" if selected else "")
    if name == "status":
        label = status_label(run)
        return Text(label, style=STATUS_STYLE.get(label, "bold red"))
    value = lookup(name)
    if name == "rate":
        running = run.status is RunStatus.RUNNING
        return Text(f"{value:.3g}/s" if running and value is not MISSING else "", justify="right")
    if name == "wrote":
        return Text("" if value is MISSING else age_text(value), justify="right")
    return value_cell(value)
