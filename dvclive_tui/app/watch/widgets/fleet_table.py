"""The runs view's table: one row per listed run (and per group header), cell cursor
(shown and updated in place as every :class:`KeyedTable`)."""

from __future__ import annotations

from dvclive_tui.app.watch.widgets.keyed_table import KeyedTable

FIXED_COLUMNS = 2
"""Colour and marks, and the name, stay in view when the table scrolls sideways."""


class FleetTable(KeyedTable):
    """Rows keyed by run path (or ``group:<value>``), columns keyed by name."""

    DEFAULT_CSS = """
    FleetTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's keyword
        super().__init__(id=id, cursor_type="cell", fixed_columns=FIXED_COLUMNS)
