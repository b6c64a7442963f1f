"""One row per watched run: colour, status, step, elapsed time, last write, warnings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable

from dvclive_tui.charts.marks import color_of
from dvclive_tui.monitor.run_stats import current_step, elapsed, status_label, write_age
from dvclive_tui.text import format_duration, sanitize
from dvclive_writer.read.model import Run

COLUMNS = ("", "run", "status", "step", "elapsed", "wrote", "warnings")


class RunsTable(DataTable[Text]):
    """Every watched run at a glance (the header describes only the first)."""

    DEFAULT_CSS = """
    RunsTable { height: auto; max-height: 8; }
    """

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._clock = clock
        self._rows: list[tuple[str, str, str, str, str, str, int]] = []

    def on_mount(self) -> None:
        """Add the columns."""
        for column in COLUMNS:
            self.add_column(Text(column), key=column or "colour")

    def show(self, runs: Sequence[Run], colors: Mapping[Path, int] | None = None) -> None:
        """Refill the rows when anything shown changed (``colors``: each run's chart colour,
        by path; a run without one takes its position)."""
        colors = colors or {}
        now = self._clock()
        rows = [
            (
                sanitize(run.name),
                status_label(run),
                _text(current_step(run)),
                format_duration(elapsed(run, now)) if run.started is not None else "",
                f"{format_duration(write_age(run, now))} ago" if run.last_write else "",
                str(len(run.warnings)) if run.warnings else "",
                colors.get(run.path, index),
            )
            for index, run in enumerate(runs)
        ]
        if rows == self._rows:
            return
        self._rows = rows
        cursor = self.cursor_row
        self.clear()
        for index, (*cells, color) in enumerate(rows):
            hex_color, mark = color_of(color)
            swatch = Text(mark or "●", style=hex_color)
            self.add_row(swatch, *(Text(cell) for cell in cells), key=f"run-{index}")
        if rows:
            self.move_cursor(row=min(cursor, len(rows) - 1), animate=False)


def _text(value: object) -> str:
    return "" if value is None else str(value)
