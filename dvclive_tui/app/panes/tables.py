"""The Tables tab: params and summary of every run, flattened and searchable."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from dvclive_tui.app.panes.update import Update
from dvclive_tui.app.widgets.kv_table import KeyValueTable
from dvclive_tui.app.widgets.runs_table import RunsTable


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
        yield Label("Params", id="params-title")
        yield KeyValueTable(separator=".", id="params")
        yield Label("Summary", id="summary-title")
        yield KeyValueTable(separator="/", id="summary")

    def update(self, update: Update) -> None:
        """Refill both tables when params, summary or the filter changed."""
        self.query_one(RunsTable).show(update.runs)
        if not update.tables:
            return
        names = [run.name for run in update.runs]
        self.query_one("#params", KeyValueTable).show(
            names, [run.params for run in update.runs], update.query
        )
        self.query_one("#summary", KeyValueTable).show(
            names, [run.summary for run in update.runs], update.query
        )
