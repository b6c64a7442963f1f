"""Headless state of the compare table: filter, sort, hidden columns, only-changed, stars.

The Textual compare screen and the ``--csv``/``--md`` printers both render a
:class:`TableView`, so what you see is what you export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dvclive_tui.experiments import export, table, tree
from dvclive_tui.experiments.filter import Filter, FilterError, compile_filter, resolve_column
from dvclive_tui.experiments.model import Experiment
from dvclive_tui.experiments.table import BASE_COLUMNS, Column
from dvclive_tui.experiments.tree import TreeRow


class ViewError(ValueError):
    """A bad filter or sort column (one readable line)."""


@dataclass
class TableView:
    """Rows and columns of the compare table after every user choice is applied."""

    experiments: list[Experiment]
    all_columns: list[Column] = field(default_factory=list)
    filter: Filter = field(default_factory=lambda: compile_filter(""))
    sort_by: Column | str | None = None
    descending: bool = False
    only_changed: bool = False
    hidden: set[str] = field(default_factory=set)
    """Keys of hidden columns."""
    starred: set[str] = field(default_factory=set)
    """Keys of starred experiments (kept visible by any filter, listed first)."""

    @classmethod
    def build(
        cls,
        experiments: Sequence[Experiment],
        *,
        filter_text: str = "",
        sort_by: str | None = None,
        descending: bool = False,
        only_changed: bool = False,
    ) -> TableView:
        """A view over ``experiments`` (raises :class:`ViewError` on a bad filter/sort)."""
        view = cls(list(experiments), descending=descending, only_changed=only_changed)
        view.refresh_columns()
        view.set_filter(filter_text)
        if sort_by:
            view.set_sort(sort_by, descending=descending)
        return view

    def refresh_columns(self) -> None:
        """Recompute the column list after rows changed (live updates)."""
        self.all_columns = table.build_columns(self.experiments)

    def set_filter(self, text: str) -> None:
        """Show only the rows matching filter expression ``text``.

        Raises:
            ViewError: ``text`` is not a valid filter (one readable line).
        """
        try:
            self.filter = compile_filter(text)
        except FilterError as exc:
            raise ViewError(str(exc)) from None

    def find_column(self, name: str) -> Column | str:
        """A base column name or the param/metric column ``name`` refers to."""
        for base in BASE_COLUMNS:
            if name.lower() == base.lower() or (name == "name" and base == "Experiment"):
                return base
        found = resolve_column(name, self.all_columns)
        if not found:
            raise ViewError(f"no column named {name!r}")
        return found[0]

    def set_sort(self, column: Column | str, *, descending: bool = False) -> None:
        """Sort rows by ``column`` (a column, or a name :meth:`find_column` resolves)."""
        self.sort_by = self.find_column(column) if isinstance(column, str) else column
        self.descending = descending

    @property
    def tree_rows(self) -> list[TreeRow]:
        """Visible rows as a tree: each baseline with its experiments under it.

        The filter keeps a row when it matches (starred rows always); a baseline is kept
        too while any of its experiments is. Sorting orders the experiments under each
        baseline, and the other top-level rows among themselves (plain directories); the
        workspace and baselines keep DVC's order. Starred rows come first among their
        siblings.
        """
        columns = self.all_columns

        def keep(exp: Experiment) -> bool:
            return exp.key in self.starred or self.filter.matches(exp, columns)

        shown: list[tuple[Experiment, list[Experiment]]] = []
        for parent, children in tree.groups(self.experiments):
            kept = self._ordered([child for child in children if keep(child)])
            if kept or keep(parent):
                shown.append((parent, kept))
        slots = [index for index, (parent, _) in enumerate(shown) if tree.sortable(parent)]
        by_parent = {id(parent): (parent, kids) for parent, kids in shown}
        ordered = self._ordered([shown[index][0] for index in slots])
        for index, parent in zip(slots, ordered, strict=True):
            shown[index] = by_parent[id(parent)]
        return tree.flatten_tree(shown)

    def _ordered(self, rows: list[Experiment]) -> list[Experiment]:
        """Siblings sorted by the sort column (if any), starred ones first."""
        if self.sort_by is not None:
            rows = table.sort_rows(rows, self.sort_by, reverse=self.descending)
        starred = [exp for exp in rows if exp.key in self.starred]
        return starred + [exp for exp in rows if exp.key not in self.starred]

    @property
    def rows(self) -> list[Experiment]:
        """Visible rows in drawing order (see :attr:`tree_rows`)."""
        return [row.exp for row in self.tree_rows]

    @property
    def columns(self) -> list[Column]:
        """Visible param/metric columns."""
        columns = [column for column in self.all_columns if column.key not in self.hidden]
        if self.only_changed:
            columns = table.changed_columns(self.rows, columns)
        return columns

    def to_csv(self) -> str:
        """The visible rows and columns as ``dvc exp show --csv`` prints them."""
        return export.to_csv(self.tree_rows, self.columns)

    def to_markdown(self) -> str:
        """The visible rows and columns as ``dvc exp show --md`` draws them."""
        return export.to_markdown(self.tree_rows, self.columns)
