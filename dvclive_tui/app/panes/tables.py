"""The Tables tab: params and summary of every run, flattened and searchable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from dvclive_tui.app.panes.update import Update
from dvclive_tui.app.widgets.kv_table import KeyValueTable


class TablesPane(Vertical):
    """Params (``a.b`` keys, as DVC names them) above the summary (``a/b``, as metrics)."""

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

    def compose(self) -> ComposeResult:
        """Two titled tables."""
        yield Label("Params", id="params-title")
        yield KeyValueTable(separator=".", id="params")
        yield Label("Summary", id="summary-title")
        yield KeyValueTable(separator="/", id="summary")

    def update(self, update: Update) -> None:
        """Refill both tables when params, summary or the filter changed."""
        if not update.tables:
            return
        names = [run.name for run in update.runs]
        self.query_one("#params", KeyValueTable).show(
            names, [run.params for run in update.runs], update.query
        )
        self.query_one("#summary", KeyValueTable).show(
            names, [run.summary for run in update.runs], update.query
        )
