"""``compare --csv`` and ``--md``: the table as ``dvc exp show --csv``/``--md`` print it.

Columns: ``Experiment``, (CSV: ``rev``, ``typ``), ``Created``, (CSV: ``parent``), then
``State`` and ``Executor`` when any row has one, then metrics, params and dependency
hashes. Markdown draws the tree in the ``Experiment`` column — a baseline by its name,
its experiments under it as ``├── <rev> [<name>]`` (``└── `` for the last) — with
floats to 5 significant digits, ``-`` for no value and ``!`` for an unreadable file;
CSV keeps full precision and empty cells. Rows are the table's visible rows (filter and
sort applied). Plain dvclive directories are top-level rows of type ``directory``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from dvclive_tui.experiments.model import Experiment, ExpKind, ExpStatus
from dvclive_tui.experiments.table import MISSING, Column, cell
from dvclive_tui.experiments.tree import TreeRow

PRECISION = 5
FILL = "-"
ERROR = "!"


def _is_sha(rev: str) -> bool:
    return len(rev) == 40 and all(char in "0123456789abcdef" for char in rev)


def _rev(row: TreeRow) -> str:
    """DVC's ``rev`` cell: a baseline's name (else short id), an experiment's short id."""
    exp = row.exp
    if exp.kind is ExpKind.DIRECTORY:
        return exp.rev
    if not row.depth and exp.name and exp.kind is ExpKind.BASELINE:
        return exp.name
    return exp.rev[:7] if _is_sha(exp.rev) else exp.rev


def _typ(row: TreeRow) -> str:
    if row.depth:
        return "branch_base" if row.last else "branch_commit"
    return "directory" if row.exp.kind is ExpKind.DIRECTORY else "baseline"


def _state(exp: Experiment) -> tuple[str, str]:
    """``(State, Executor)``, capitalised as DVC prints them."""
    if exp.executor is not None:
        return exp.executor.state.capitalize(), (exp.executor.name or "").capitalize()
    if exp.status is ExpStatus.RUNNING:
        return "Running", ""  # a dvclive run in the workspace, or a live directory
    return "", ""


def _created(exp: Experiment, *, iso: bool) -> str:
    if exp.timestamp is None or exp.kind in (ExpKind.WORKSPACE, ExpKind.TEMP):
        return ""
    moment = datetime.fromtimestamp(exp.timestamp)
    if iso:
        return moment.isoformat()
    fmt = "%I:%M %p" if moment.date() == date.today() else "%b %d, %Y"
    return moment.strftime(fmt)


def format_field(value: Any, precision: int | None) -> str:
    """A value as DVC's ``_format_field`` prints it (floats to ``precision`` significant
    digits, inside lists and mappings too)."""

    def shaped(item: Any) -> Any:
        if isinstance(item, float) and precision:
            return f"{item:.{precision}g}"
        if isinstance(item, Mapping):
            return {key: shaped(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [shaped(inner) for inner in item]
        return item

    return str(shaped(value))


def _value(exp: Experiment, column: Column, precision: int | None, fill: str) -> str:
    found = cell(exp, column)
    if found.error is not None:
        return ERROR
    if found.value is MISSING or found.value is None:
        return fill
    return format_field(found.value, precision)


def _experiment_label(row: TreeRow) -> str:
    """The Markdown ``Experiment`` cell: DVC's tree drawing."""
    rev = _rev(row)
    if not row.depth:
        return rev if row.exp.kind is not ExpKind.DIRECTORY else row.exp.label
    text = f"{rev} [{row.exp.name}]" if row.exp.name else rev
    return row.branch + text


def _csv_name(row: TreeRow) -> str:
    """The CSV ``Experiment`` cell: an experiment's name; empty for a baseline (its name
    is in ``rev``, as DVC prints it)."""
    if row.exp.kind is ExpKind.DIRECTORY:
        return row.exp.label
    return (row.exp.name or "") if row.depth else ""


def _state_columns(rows: Sequence[TreeRow]) -> tuple[bool, bool]:
    states = [_state(row.exp) for row in rows]
    return any(state for state, _ in states), any(executor for _, executor in states)


def to_csv(rows: Sequence[TreeRow], columns: Sequence[Column]) -> str:
    """``dvc exp show --csv`` (full precision, empty cells, ``\r\n`` line ends)."""
    with_state, with_executor = _state_columns(rows)
    header = ["Experiment", "rev", "typ", "Created", "parent"]
    header += ["State"] * with_state + ["Executor"] * with_executor
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # "\r\n" line ends, as DVC's CSV
    writer.writerow([*header, *(column.label for column in columns)])
    for row in rows:
        exp = row.exp
        state, executor = _state(exp)
        cells = [_csv_name(row), _rev(row), _typ(row), _created(exp, iso=True), ""]
        cells += [state] * with_state + [executor] * with_executor
        cells += [_value(exp, column, None, "") for column in columns]
        writer.writerow(cells)
    return buffer.getvalue()


def to_markdown(rows: Sequence[TreeRow], columns: Sequence[Column]) -> str:
    """``dvc exp show --md``: a GitHub table, left-aligned, ``-`` for empty cells."""
    with_state, with_executor = _state_columns(rows)
    header = ["Experiment", "Created"] + ["State"] * with_state + ["Executor"] * with_executor
    header += [column.label for column in columns]
    body = []
    for row in rows:
        exp = row.exp
        state, executor = _state(exp)
        cells = [_experiment_label(row), _created(exp, iso=False) or FILL]
        cells += [state or FILL] * with_state + [executor or FILL] * with_executor
        cells += [_value(exp, column, PRECISION, FILL) for column in columns]
        body.append(cells)
    return _github_table(header, body) + "\n"


def _github_table(header: list[str], body: Iterable[list[str]]) -> str:
    lines = [[text.replace("|", "\\|") for text in cells] for cells in [header, *body]]
    # tabulate's rule: a column is at least its header plus two wide.
    widths = [
        max(len(lines[0][index]) + 2, *(len(line[index]) for line in lines))
        for index in range(len(header))
    ]

    def line(cells: Sequence[str]) -> str:
        padded = (text.ljust(width) for text, width in zip(cells, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(lines[0]), rule, *(line(cells) for cells in lines[1:])]) + "\n"
