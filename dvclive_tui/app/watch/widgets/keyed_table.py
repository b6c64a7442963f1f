"""A data table shown from whole snapshots of keyed rows, changed in place.

:meth:`KeyedTable.show` takes the whole table as text and changes only what differs: a
cell whose text changed is updated in place (its column widened when needed), rows are
rebuilt only when their keys, their order or the columns changed, and the cursor stays on
the same row and column. A table redrawn every second (ages, steps) costs what changed,
not the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CursorType


class KeyedTable(DataTable[Text]):
    """Rows keyed by strings, columns keyed by name."""

    def __init__(
        self,
        *,
        id: str | None = None,  # noqa: A002 - Textual's keyword
        cursor_type: CursorType = "cell",
        fixed_columns: int = 0,
    ) -> None:
        super().__init__(
            id=id, cursor_type=cursor_type, zebra_stripes=True, fixed_columns=fixed_columns
        )
        self._columns: list[tuple[str, Text]] = []
        self._rows: list[tuple[str, tuple[Text, ...]]] = []

    @property
    def row_keys(self) -> list[str]:
        """Row keys in display order."""
        return [key for key, _ in self._rows]

    @property
    def column_keys(self) -> list[str]:
        """Column keys in display order."""
        return [key for key, _ in self._columns]

    def cursor_keys(self) -> tuple[str | None, str | None]:
        """``(row key, column key)`` under the cursor."""
        row, column = self.cursor_coordinate
        row_key = self._rows[row][0] if 0 <= row < len(self._rows) else None
        column_key = self._columns[column][0] if 0 <= column < len(self._columns) else None
        return row_key, column_key

    def show(
        self, columns: Sequence[tuple[str, Text]], rows: Sequence[tuple[str, Sequence[Text]]]
    ) -> None:
        """Show ``rows`` of cells under ``columns`` (keys and header texts)."""
        new_columns = list(columns)
        new_rows = [(key, tuple(cells)) for key, cells in rows]
        if new_columns == self._columns and [k for k, _ in new_rows] == self.row_keys:
            self._update_cells(new_rows)
            return
        row_key, column_key = self.cursor_keys()
        row_index, column_index = self.cursor_coordinate
        if new_columns != self._columns:
            self.clear(columns=True)
            for key, label in new_columns:
                self.add_column(label, key=key)
            self._columns = new_columns
        else:
            self.clear()
        for key, cells in new_rows:
            self.add_row(*cells, key=key)
        self._rows = new_rows
        self._restore_cursor(row_key, column_key, row_index, column_index)

    def _update_cells(self, rows: list[tuple[str, tuple[Text, ...]]]) -> None:
        keys = self.column_keys
        for index, (key, cells) in enumerate(rows):
            old = self._rows[index][1]
            for column, (before, after) in enumerate(zip(old, cells, strict=True)):
                if not _same(before, after):  # a longer text ("reconnecting…") widens it
                    self.update_cell(key, keys[column], after, update_width=True)
            self._rows[index] = (key, cells)

    def _restore_cursor(
        self, row_key: str | None, column_key: str | None, row_index: int, column_index: int
    ) -> None:
        if not self._rows:
            return
        keys = self.row_keys
        row = keys.index(row_key) if row_key in keys else min(row_index, len(keys) - 1)
        columns = self.column_keys
        if column_key in columns:
            column = columns.index(column_key)
        else:
            column = min(column_index, len(columns) - 1)
        self.move_cursor(row=row, column=column, animate=False)


def _same(before: Text, after: Text) -> bool:
    """Whether two cells look the same (rich's ``==`` ignores the text's own style: a
    colour swatch that changed colour would compare equal)."""
    return before == after and before.style == after.style and before.justify == after.justify
