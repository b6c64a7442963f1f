"""A searchable key/value table with one value column per run (params, summary)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from dvclive_tui.text import format_value, matches, sanitize
from dvclive_writer.read.naming import flatten


class KeyValueTable(DataTable[Text]):
    """Nested mappings flattened to ``a.b.c`` keys, one column per run, filtered by a query."""

    DEFAULT_CSS = """
    KeyValueTable { height: 1fr; }
    """

    def __init__(self, *, separator: str = ".", id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, zebra_stripes=True, cursor_type="row")
        self._separator = separator
        self._signature: tuple[Any, ...] | None = None

    def show(
        self,
        run_names: Sequence[str],
        mappings: Sequence[Mapping[str, Any]],
        query: str = "",
    ) -> None:
        """Show each run's mapping as a column; keep only keys matching ``query``."""
        flat = [flatten(mapping, self._separator) for mapping in mappings]
        keys = sorted({key for mapping in flat for key in mapping})
        keys = [key for key in keys if matches(key, query)]
        rows = [
            (key, *(format_value(mapping[key]) if key in mapping else "" for mapping in flat))
            for key in keys
        ]
        signature = (tuple(run_names), tuple(rows))
        if signature == self._signature:
            return
        self._signature = signature
        cursor = self.cursor_row
        self.clear(columns=True)
        self.add_column(Text("key"), key="key")
        for index, name in enumerate(run_names):
            self.add_column(Text(sanitize(name)), key=f"run-{index}")
        for row in rows:
            key, *values = row
            cells = [Text(sanitize(key))]
            cells.extend(Text(value, justify="right") for value in values)
            self.add_row(*cells, key=key)
        if rows:
            self.move_cursor(row=min(cursor, len(rows) - 1), animate=False)
