"""The compare table: one row per experiment, one column per param and summary metric."""

from __future__ import annotations

import itertools
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from dvclive_tui.app.compare.cells import (
    experiment_text,
    file_labels,
    header_text,
    marker_text,
    status_text,
    value_text,
)
from dvclive_tui.app.widgets.filter_bar import FilterBar
from dvclive_tui.experiments.model import Experiment
from dvclive_tui.experiments.table import Column, cell
from dvclive_tui.experiments.view import TableView, ViewError
from dvclive_tui.text import sanitize
from dvclive_writer.plotting.palette import PALETTE

#: Base columns shown by the table (``typ`` is left to the exports).
SHOWN_BASE = ("Experiment", "rev", "Created", "status")


def created_text(exp: Experiment) -> str:
    """``YYYY-MM-DD HH:MM`` local time, empty for the workspace."""
    from datetime import datetime

    if exp.timestamp is None:
        return ""
    return datetime.fromtimestamp(exp.timestamp).strftime("%Y-%m-%d %H:%M")


class CompareScreen(Screen[None]):
    """Sort, filter, hide columns, select and star experiments; open charts and diffs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip='Filter rows: lr >= 0.001 and opt == "adam", name ~ "exp-*", exp-*',
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            tooltip="Sort by the cursor's column (or click its header); again for descending, "
            "then off",
        ),
        Binding("c", "only_changed", "Changed", tooltip="Only columns whose values differ"),
        Binding("h", "hide_column", "Hide col", tooltip="Hide the cursor's column"),
        Binding("H", "show_columns", "Show cols", show=False, tooltip="Show every column"),
        Binding(
            "space",
            "toggle_select",
            "Select",
            tooltip="Select / unselect the experiment (its chart colour and mark shown)",
        ),
        Binding(
            "asterisk",
            "toggle_star",
            "Star",
            show=False,
            tooltip="Star: always shown, listed first",
        ),
        Binding(
            "g,enter", "charts", "Charts", tooltip="Overlay the selected experiments' metric curves"
        ),
        Binding("d", "diff", "Diff", tooltip="Params and metrics diff of two experiments"),
        Binding(
            "i",
            "media",
            "Media",
            show=False,
            tooltip="Images and plots of the selected experiments side by side",
        ),
        Binding("a", "clear_selection", "Clear sel.", show=False, tooltip="Clear the selection"),
        Binding("r", "app.reload", "Reload", show=False, tooltip="Reload experiments now"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]
    """Shown in the footer with their short descriptions; the help lists the tooltips."""

    def __init__(self, view: TableView) -> None:
        super().__init__()
        self.view = view
        self.selected: list[str] = []
        """Keys of selected experiments, in selection order."""
        self._columns: list[Column] = []
        self._rows: list[Experiment] = []
        self._branches: list[str] = []
        """The tree glyphs of each row of :attr:`_rows`."""
        """Row key -> the tree branch drawn before its name (``├── ``, ``└── ``)."""

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield FilterBar(
            live=False, placeholder='filter: lr >= 0.001 and opt == "adam"  |  exp-*', id="filter"
        )
        yield DataTable(
            id="exp-table", cursor_type="cell", zebra_stripes=True, fixed_columns=2, header_height=2
        )
        yield Static("", id="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one(DataTable).focus()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#exp-table", DataTable)

    def color_index(self, key: str) -> int:
        """Chart colour of a selected experiment: kept while it stays selected (and when
        selected again, if still free), else the lowest one no other selected row has;
        past the palette's 8 colours only while all 8 are taken."""
        app_colors: dict[str, int] = getattr(self.app, "exp_colors", {})
        taken = {app_colors[k] for k in self.selected if k != key and k in app_colors}
        lowest = next(i for i in itertools.count() if i not in taken)
        current = app_colors.get(key)
        wrapped = current is not None and current >= len(PALETTE) > lowest
        if current is None or current in taken or wrapped:
            app_colors[key] = lowest
        return app_colors[key]

    def rebuild(self) -> None:
        """Redraw every row and column, keeping the cursor on the same cell."""
        table = self.table
        old_row = self._rows[table.cursor_row].key if self._rows and table.row_count else None
        old_col = table.cursor_column
        tree = self.view.tree_rows
        self._rows = [row.exp for row in tree]
        self._branches = [row.branch for row in tree]
        self._columns = self.view.columns
        table.clear(columns=True)
        table.add_column(" ", key="__marker", width=2)
        for base in SHOWN_BASE:
            table.add_column(base, key=f"base:{base}")
        previous_file: str | None = None
        groups = file_labels(column.file for column in self._columns)
        for column in self._columns:
            group = groups[column.file] if column.file != previous_file else None
            previous_file = column.file
            table.add_column(header_text(column, group), key=column.key)
        # Keyed by position: one commit may be two rows (an experiment made a branch is a
        # baseline of -A and an experiment of its parent, as dvc exp show lists it).
        for index in range(len(self._rows)):
            table.add_row(*self._row_cells(index), key=str(index))
        if old_row is not None:
            keys = [exp.key for exp in self._rows]
            if old_row in keys:
                table.move_cursor(row=keys.index(old_row), column=old_col)
        self._update_status()

    def _row_cells(self, index: int) -> list[Text]:
        exp = self._rows[index]
        selected = exp.key in self.selected
        color = self.color_index(exp.key) if selected else None
        cells = [
            marker_text(selected, exp.key in self.view.starred, color),
            experiment_text(exp, self._branches[index], selected=selected),
            Text(sanitize(exp.short_rev), style="dim"),
            Text(created_text(exp)),
            status_text(exp),
        ]
        cells.extend(value_text(cell(exp, column)) for column in self._columns)
        return cells

    # -- helpers -----------------------------------------------------------------------

    def current_experiment(self) -> Experiment | None:
        row = self.table.cursor_row
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def current_column(self) -> Column | str | None:
        index = self.table.cursor_column - 1
        if index < 0:
            return None
        if index < len(SHOWN_BASE):
            return SHOWN_BASE[index]
        index -= len(SHOWN_BASE)
        return self._columns[index] if index < len(self._columns) else None

    def _update_status(self) -> None:
        parts = [f"{len(self._rows)}/{len(self.view.experiments)} rows"]
        if self.selected:
            parts.append(f"{len(self.selected)} selected")
        if self.view.filter.text.strip():
            parts.append(f"filter: {self.view.filter.text.strip()}")
        if self.view.sort_by is not None:
            name = (
                self.view.sort_by if isinstance(self.view.sort_by, str) else self.view.sort_by.label
            )
            parts.append(f"sort: {name} {'↓' if self.view.descending else '↑'}")
        if self.view.only_changed:
            parts.append("only changed")
        if self.view.hidden:
            parts.append(f"{len(self.view.hidden)} hidden")
        column = self.current_column()
        exp = self.current_experiment()
        if isinstance(column, Column):
            parts.append(f"{column.file} › {column.path}" if column.path else column.file)
            if exp is not None:
                value = cell(exp, column)
                if value.error:
                    parts.append(f"! {value.error}")
        if exp is not None and exp.data.dvc_yaml_errors:
            parts.append("! " + "; ".join(exp.data.dvc_yaml_errors.values()))
        self.query_one("#status-line", Static).update(sanitize(" · ".join(parts)))

    @on(DataTable.CellHighlighted)
    def _highlighted(self) -> None:
        self._update_status()

    @on(DataTable.CellSelected)
    def _cell_selected(self) -> None:
        """Enter on a row (the table consumes the key) opens the charts."""
        self.action_charts()

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.table.move_cursor(column=event.column_index)
        self.action_sort()

    # -- actions -----------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter bar (enter applies, escape cancels)."""
        self.query_one(FilterBar).open(self.view.filter.text)

    @on(FilterBar.Applied)
    def _apply_filter(self, event: FilterBar.Applied) -> None:
        try:
            self.view.set_filter(event.value)
        except ViewError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        event.filter_bar.close()
        self.rebuild()

    @on(FilterBar.Closed)
    def _filter_closed(self) -> None:
        self.table.focus()

    def action_sort(self) -> None:
        """Sort by the cursor's column; again to reverse."""
        column = self.current_column()
        if column is None:
            return
        same = column == self.view.sort_by
        if same and self.view.descending:
            self.view.sort_by = None
            self.view.descending = False
        else:
            self.view.set_sort(column, descending=same)
        self.rebuild()

    def action_only_changed(self) -> None:
        """Toggle showing only columns whose values differ between the visible rows."""
        self.view.only_changed = not self.view.only_changed
        self.rebuild()

    def action_hide_column(self) -> None:
        column = self.current_column()
        if isinstance(column, Column):
            self.view.hidden.add(column.key)
            self.rebuild()

    def action_show_columns(self) -> None:
        self.view.hidden.clear()
        self.rebuild()

    def action_toggle_select(self) -> None:
        exp = self.current_experiment()
        if exp is None:
            return
        if exp.key in self.selected:
            self.selected.remove(exp.key)
        else:
            self.selected.append(exp.key)
        self._refresh_row(exp)

    def action_clear_selection(self) -> None:
        self.selected.clear()
        self.rebuild()

    def action_toggle_star(self) -> None:
        exp = self.current_experiment()
        if exp is None:
            return
        self.view.starred.symmetric_difference_update({exp.key})
        self.rebuild()

    def _refresh_row(self, exp: Experiment) -> None:
        """Redraw the rows of ``exp`` (one commit may be listed twice)."""
        table = self.table
        for row, shown in enumerate(self._rows):
            if shown.key == exp.key:
                for column, value in enumerate(self._row_cells(row)):
                    table.update_cell_at(Coordinate(row, column), value)
        self._update_status()

    def chosen(self) -> list[Experiment]:
        """Selected experiments (in selection order), else the one under the cursor."""
        by_key = {exp.key: exp for exp in self.view.experiments}
        chosen = [by_key[key] for key in self.selected if key in by_key]
        if not chosen:
            current = self.current_experiment()
            chosen = [current] if current is not None else []
        return chosen

    def action_charts(self) -> None:
        from dvclive_tui.app.compare.charts_screen import ChartsScreen

        chosen = self.chosen()
        if chosen:
            for exp in chosen:
                self.color_index(exp.key)
            colors: dict[str, int] = getattr(self.app, "exp_colors", {})
            self.app.push_screen(ChartsScreen(chosen, colors))

    def action_diff(self) -> None:
        from dvclive_tui.app.compare.diff_screen import DiffScreen

        chosen = self.chosen()
        current = self.current_experiment()
        if len(chosen) == 1 and current is not None and current.key != chosen[0].key:
            chosen.append(current)
        if len(chosen) < 2:
            self.notify("select two experiments (space) to diff them", timeout=4)
            return
        self.app.push_screen(DiffScreen(chosen[0], chosen[1]))

    def action_media(self) -> None:
        """Images and plots of the chosen experiments side by side."""
        from dvclive_tui.app.compare.media_screen import MediaScreen

        chosen = self.chosen()
        if chosen:
            self.app.push_screen(MediaScreen(chosen))

    def replace_experiments(self, experiments: list[Experiment]) -> None:
        """Swap in freshly collected rows (live refresh), keeping the user's choices."""
        self.view.experiments = experiments
        self.view.refresh_columns()
        keys = {exp.key for exp in experiments}
        self.selected = [key for key in self.selected if key in keys]
        self.rebuild()
