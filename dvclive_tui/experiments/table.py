"""The compare table, headless: columns per params/metrics file, cells, sorting, export.

Columns are the flattened keys of every metrics file, then every params file, in order of
first appearance across rows (as ``dvc exp show``). Labels are the dotted key, prefixed
with ``file:`` only where two files share a key.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from dvclive_tui.experiments.model import Experiment, ExpKind
from dvclive_writer.read.naming import flatten

MISSING: Any = object()
"""Sentinel for a cell with no value (the key is absent in that row)."""


class Column(NamedTuple):
    """One param or metric column."""

    group: str
    """``"metrics"``, ``"params"`` or ``"deps"`` (a dependency: ``file`` is its path)."""
    file: str
    path: str
    """Dotted key inside the file (empty for a dependency)."""
    label: str

    @property
    def key(self) -> str:
        """Unique id: ``<group>:<file>:<path>``."""
        return f"{self.group}:{self.file}:{self.path}"


class Cell(NamedTuple):
    """A cell value, or the error of its file (rendered ``!``)."""

    value: Any = MISSING
    error: str | None = None

    @property
    def missing(self) -> bool:
        """True when the file has no value here (and no error)."""
        return self.error is None and self.value is MISSING


#: Columns that every row has, before the params/metrics columns.
BASE_COLUMNS = ("Experiment", "rev", "typ", "Created", "status")
#: ``dvc exp show``'s own columns: a metric or param named like one is shown as
#: ``file:name``, as DVC does.
DVC_HEADERS = ("Experiment", "rev", "typ", "Created", "parent", "State", "Executor")


def _names(rows: Iterable[Experiment], group: str) -> dict[str, dict[str, None]]:
    """File -> flattened keys, each in order of first appearance (DVC's column order:
    every key of a file before the next file's)."""
    found: dict[str, dict[str, None]] = {}
    for exp in rows:
        results = exp.metrics if group == "metrics" else exp.params
        for file, result in results.items():
            keys = found.setdefault(file, {})
            if result.error is None and isinstance(result.data, dict):
                for path, value in flatten(result.data).items():
                    if value != {}:  # DVC's flatten drops empty mappings
                        keys.setdefault(path, None)
    return found


def build_columns(rows: Iterable[Experiment]) -> list[Column]:
    """Metrics columns, then params, then dependencies, as ``dvc exp show`` orders them:
    files in order of first appearance, each file's keys likewise, dependency paths
    sorted. A key is labelled ``file:key`` where another file (or a DVC column) has it."""
    rows = list(rows)
    names = {group: _names(rows, group) for group in ("metrics", "params")}
    counts = Counter(DVC_HEADERS)
    for files in names.values():
        for keys in files.values():
            counts.update(list(keys))
    columns = [
        Column(group, file, path, path if counts[path] == 1 else f"{file}:{path}")
        for group, files in names.items()
        for file, keys in files.items()
        for path in keys
    ]
    deps = sorted({path for exp in rows for path in exp.data.deps})
    columns.extend(Column("deps", path, "", path) for path in deps)
    return columns


def cell(exp: Experiment, column: Column) -> Cell:
    """The value of ``column`` in ``exp`` (an error cell when its file is corrupt; a
    dependency's cell is its hash)."""
    if column.group == "deps":
        dep = exp.data.deps.get(column.file)
        found = dep.get("hash") if isinstance(dep, dict) else None
        return Cell() if found is None else Cell(value=found)
    results = exp.metrics if column.group == "metrics" else exp.params
    result = results.get(column.file)
    if result is None:
        return Cell()
    if result.error is not None:
        return Cell(error=result.error.msg)
    node: Any = result.data
    for part in column.path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _lookup_dotted(result.data, column.path)
        node = node[part]
    if isinstance(node, dict) and node:
        return Cell()
    return Cell(value=node)


def _lookup_dotted(data: Any, path: str) -> Cell:
    """Fallback for keys that contain dots themselves (``{"a.b": 1}``)."""
    flat = flatten(data)
    return Cell(value=flat[path]) if path in flat else Cell()


def typ(exp: Experiment) -> str:
    """``dvc exp show``'s ``typ`` column."""
    return {
        ExpKind.WORKSPACE: "baseline",
        ExpKind.BASELINE: "baseline",
        ExpKind.EXPERIMENT: "branch_commit",
        ExpKind.TEMP: "branch_commit",
        ExpKind.DIRECTORY: "directory",
    }[exp.kind]


def created(exp: Experiment, *, iso: bool = True) -> str:
    """Creation time as local ISO (``2026-01-02T03:04:05``) or ``HH:MM``/date for display."""
    if exp.timestamp is None:
        return ""
    moment = datetime.fromtimestamp(exp.timestamp)
    if iso:
        return moment.isoformat()
    if moment.date() == datetime.now().date():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d")


def format_value(value: Any, precision: int | None = 5) -> str:
    """Display text: floats to ``precision`` significant digits, bools/None/lists as DVC."""
    if value is MISSING:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if precision is None:
            return repr(value)
        return f"{value:.{precision}g}"
    if value is None:
        return "None"
    return str(value)


def cell_text(value: Cell, precision: int | None = 5) -> str:
    """A cell's display text: ``!`` for a file error, else :func:`format_value`."""
    if value.error is not None:
        return "!"
    return format_value(value.value, precision)


def sort_key(value: Cell) -> tuple[int, Any]:
    """Order cells: numbers, then strings, then other values; missing and errors last."""
    if value.error is not None or value.value is MISSING:
        return (3, 0)
    item = value.value
    if isinstance(item, int | float) and not isinstance(item, bool):
        return (0, -math.inf if math.isnan(item) else item)
    if isinstance(item, bool):
        return (0, int(item))
    if isinstance(item, str):
        return (1, item)
    return (2, str(item))


def sort_rows(
    rows: Sequence[Experiment], column: Column | str, *, reverse: bool = False
) -> list[Experiment]:
    """Rows ordered by a param/metric column or a base column; missing values stay last."""

    def key(exp: Experiment) -> tuple[int, Any]:
        if isinstance(column, Column):
            return sort_key(cell(exp, column))
        return sort_key(Cell(value=base_value(exp, column)))

    present = [exp for exp in rows if key(exp)[0] < 3]
    absent = [exp for exp in rows if key(exp)[0] >= 3]
    return sorted(present, key=key, reverse=reverse) + absent


def base_value(exp: Experiment, name: str) -> Any:
    """Value of a base column (``Experiment``, ``rev``, ``typ``, ``Created``, ``status``)."""
    if name == "Experiment":
        return exp.label
    if name == "rev":
        return exp.short_rev
    if name == "typ":
        return typ(exp)
    if name == "Created":
        return exp.timestamp if exp.timestamp is not None else MISSING
    if name == "status":
        return exp.status.value
    raise KeyError(name)


def changed_columns(rows: Sequence[Experiment], columns: Sequence[Column]) -> list[Column]:
    """Columns whose values are not all equal across ``rows`` (``--only-changed``)."""
    kept: list[Column] = []
    for column in columns:
        texts = {cell_text(cell(exp, column), None) for exp in rows}
        if len(texts) > 1:
            kept.append(column)
    return kept
