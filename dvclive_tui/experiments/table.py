"""The compare table, headless: columns per params/metrics file, cells, sorting, export.

Columns are the flattened keys of every metrics file, then every params file, in order of
first appearance across rows (as ``dvc exp show``). Labels are the dotted key, prefixed
with ``file:`` only where two files share a key.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dvclive_tui.experiments.model import Experiment, ExpKind
from dvclive_writer.read.naming import flatten

MISSING: Any = object()
"""Sentinel for a cell with no value (the key is absent in that row)."""


@dataclass(frozen=True)
class Column:
    """One param or metric column."""

    group: str
    """``"metrics"`` or ``"params"``."""
    file: str
    path: str
    """Dotted key inside the file."""
    label: str

    @property
    def key(self) -> str:
        """Unique id: ``<group>:<file>:<path>``."""
        return f"{self.group}:{self.file}:{self.path}"


@dataclass(frozen=True)
class Cell:
    """A cell value, or the error of its file (rendered ``!``)."""

    value: Any = MISSING
    error: str | None = None

    @property
    def missing(self) -> bool:
        """True when the file has no value here (and no error)."""
        return self.error is None and self.value is MISSING


#: Columns that every row has, before the params/metrics columns.
BASE_COLUMNS = ("Experiment", "rev", "typ", "Created", "status")


def build_columns(rows: Iterable[Experiment]) -> list[Column]:
    """Every metrics column, then every params column, in order of first appearance."""
    seen: dict[tuple[str, str, str], None] = {}
    for group in ("metrics", "params"):
        for exp in rows:
            results = exp.metrics if group == "metrics" else exp.params
            for file, result in results.items():
                if result.error is not None or not isinstance(result.data, dict):
                    continue
                for path in flatten(result.data):
                    seen.setdefault((group, file, path), None)
    keys = list(seen)
    counts: dict[str, int] = {}
    for _group, _file, path in keys:
        counts[path] = counts.get(path, 0) + 1
    return [
        Column(group, file, path, path if counts[path] == 1 else f"{file}:{path}")
        for group, file, path in keys
    ]


def cell(exp: Experiment, column: Column) -> Cell:
    """The value of ``column`` in ``exp`` (an error cell when its file is corrupt)."""
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


def table_rows(
    rows: Sequence[Experiment], columns: Sequence[Column], precision: int | None
) -> list[list[str]]:
    """Text of every row: base columns then params/metrics (errors as ``!``)."""
    out: list[list[str]] = []
    for exp in rows:
        base = [
            exp.label,
            exp.short_rev,
            typ(exp),
            created(exp, iso=True),
            exp.status.value,
        ]
        out.append(base + [cell_text(cell(exp, column), precision) for column in columns])
    return out


def to_csv(rows: Sequence[Experiment], columns: Sequence[Column]) -> str:
    """CSV with full precision (like ``dvc exp show --csv``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*BASE_COLUMNS, *(column.label for column in columns)])
    writer.writerows(table_rows(rows, columns, None))
    return buffer.getvalue()


def to_markdown(rows: Sequence[Experiment], columns: Sequence[Column]) -> str:
    """A GitHub-flavoured Markdown table (5 significant digits, ``-`` for empty cells)."""
    header = ["Experiment", "rev", "Created", "status", *(column.label for column in columns)]
    body = [
        [r[0], r[1], r[3] or "-", r[4], *(text or "-" for text in r[5:])]
        for r in table_rows(rows, columns, 5)
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        escaped = [
            text.replace("|", "\\|").ljust(width) for text, width in zip(cells, widths, strict=True)
        ]
        return "| " + " | ".join(escaped) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in body)]) + "\n"
