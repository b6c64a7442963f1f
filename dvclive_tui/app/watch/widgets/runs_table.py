"""One row per watched run: colour, status, step, elapsed time, last write, warnings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from rich.text import Text

from dvclive_tui.app.watch.widgets.keyed_table import KeyedTable
from dvclive_tui.charts.marks import color_of
from dvclive_tui.monitor.run_stats import current_step, elapsed, status_label, write_age
from dvclive_tui.text import format_duration, sanitize
from dvclive_writer.read.model import Run

COLUMNS = ("", "run", "status", "step", "elapsed", "wrote", "warnings")


class RunsTable(KeyedTable):
    """Every watched run at a glance (the header describes only the first)."""

    DEFAULT_CSS = """
    RunsTable { height: auto; max-height: 8; }
    """

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row")
        self._clock = clock

    def show_runs(self, runs: Sequence[Run], colors: Mapping[Path, int] | None = None) -> None:
        """Show ``runs`` (``colors``: each run's chart colour, by path; a run without one
        takes its position); only what changed is redrawn."""
        colors = colors or {}
        now = self._clock()
        rows = []
        for index, run in enumerate(runs):
            hex_color, mark = color_of(colors.get(run.path, index))
            cells = (
                sanitize(run.name),
                status_label(run),
                _text(current_step(run)),
                format_duration(elapsed(run, now)) if run.started is not None else "",
                f"{format_duration(write_age(run, now))} ago" if run.last_write else "",
                str(len(run.warnings)) if run.warnings else "",
            )
            swatch = Text(mark or "●", style=hex_color)
            rows.append((f"run-{index}", [swatch, *(Text(cell) for cell in cells)]))
        self.show(_HEADERS, rows)


_HEADERS = [(column or "colour", Text(column)) for column in COLUMNS]


def _text(value: object) -> str:
    return "" if value is None else str(value)
