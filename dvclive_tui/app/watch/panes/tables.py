"""The Tables tab: params and summary of every run, flattened and searchable."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from dvclive_tui.app.watch.panes.update import Update
from dvclive_tui.app.watch.widgets.kv_table import KeyValueTable
from dvclive_tui.app.watch.widgets.runs_table import RunsTable
from dvclive_tui.text import sanitize


class TablesPane(Vertical):
    """The runs, their params (``a.b`` keys, as DVC names them) and summary (``a/b``, as
    metrics)."""

    DEFAULT_CSS = """
    TablesPane { height: 1fr; }
    TablesPane > Label {
        width: 1fr;
        padding: 0 1;
        background: $boost;
        color: $text-muted;
        text-style: bold;
    }
    """

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._clock = clock

    def compose(self) -> ComposeResult:
        """Three titled tables: runs, params, summary."""
        yield Label("Runs", id="runs-title")
        yield RunsTable(self._clock, id="runs")
        yield Label(_title("Params", 0, ""), id="params-title", markup=False)
        yield KeyValueTable(separator=".", id="params")
        yield Label(_title("Summary", 0, ""), id="summary-title", markup=False)
        yield KeyValueTable(separator="/", id="summary")

    def update(self, update: Update) -> None:
        """Refill both tables when params, summary or the filter changed."""
        self.query_one(RunsTable).show_runs(update.runs, update.colors)
        if not update.tables:
            return
        names = [run.name for run in update.runs]
        for section, mappings in (
            ("params", [run.params for run in update.runs]),
            ("summary", [run.summary for run in update.runs]),
        ):
            table = self.query_one(f"#{section}", KeyValueTable)
            table.show(names, mappings, update.query)
            table.display = table.row_count > 0  # the title says why it is empty
            title = self.query_one(f"#{section}-title", Label)
            title.update(_title(section.capitalize(), table.row_count, update.query))


def _title(section: str, rows: int, query: str) -> str:
    """``Params (5)``, or why the table is empty."""
    if rows:
        return f"{section} ({rows})"
    if query:
        return f"{section}: no key matches {sanitize(query)!r}"
    return f"{section}: none logged yet"
