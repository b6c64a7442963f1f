"""``dvclive-tui ls [PATH] [--json]``: what a run (or every run under a folder) holds.

PATH is a dvclive directory, or a repository / parent folder whose dvclive directories are
discovered (DVC's temporary run workspaces included); ``[user@]host:path`` or
``ssh://[user@]host[:port]/path`` reads one on another machine over ssh (a host that does not
answer: one line, exit status 1). For each run: every metric with its
point count, last step, last, min and max value; params; summary; images and plots; status;
per-file warnings. A human table by default (plain when not a terminal), JSON with
``--json``. Never imports Textual.

JSON structure (stable; non-finite numbers are written as the strings ``"nan"``,
``"inf"`` and ``"-inf"``, as dvclive does; times are epoch seconds or ``null``)::

    {"version": 1, "runs": [{"name": str, "path": str, "status": "waiting|running|stalled|finished",
               "started": float|null, "last_write": float|null,
               "metrics": [{"name", "path", "count", "last_step", "last", "min", "max"}],
               "params": {...}, "summary": {...},
               "images": [{"name", "frames", "first_step", "last_step"}],
               "plots": [{"name", "kind", "path", "template", "x", "y", "title",
                          "x_label", "y_label", "rows"}],
               "warnings": [{"path", "message"}]}]}

A remote run also has ``"origin": "host:path"`` (``path`` is then its path there) and
``"connection": null`` (or why its host stopped answering while it was read).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np

from dvclive_tui.commands.errors import runs_at
from dvclive_tui.commands.output import write_stdout
from dvclive_tui.commands.remote_paths import (
    check_reached,
    read_remote_runs,
    remote_location,
    remote_pool,
)
from dvclive_tui.monitor.run_stats import status_label
from dvclive_tui.monitor.watcher import display_name
from dvclive_writer.read.model import MetricSeries, Run, RunStatus
from dvclive_writer.read.naming import flatten
from dvclive_writer.read.reader import load_runs
from dvclive_writer.text_safety import terminal_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

VALUE_LIMIT = 1000
"""Characters of a name or value shown in the human listing (``--json`` has them whole)."""
LS_VERSION = 1
"""Schema version of ``ls --json`` (bumped only when a field is removed or changes meaning)."""

_STATUS_STYLES = {
    RunStatus.RUNNING: "bold green",
    RunStatus.STALLED: "bold yellow",
    RunStatus.FINISHED: "cyan",
    RunStatus.WAITING: "dim",
}


@click.command(name="ls")
@click.argument("path", default=".", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (structure in the docs).")
def ls(path: str, as_json: bool) -> None:
    """List a run's metrics, params, summary, images, plots and status.

    PATH is a dvclive directory or a folder (a repository) to search for them; it defaults
    to the current directory.
    """
    location = remote_location(path)
    if location is not None:
        with remote_pool() as pool:
            runs = read_remote_runs(pool, location)
    else:
        root = Path(path)
        run_dirs = runs_at(path)
        runs = load_runs(run_dirs, [display_name(run_dir, root) for run_dir in run_dirs])
    if as_json:
        payload = {"version": LS_VERSION, "runs": [run_to_dict(run) for run in runs]}
        write_stdout(json.dumps(payload, indent=2, default=str, allow_nan=False) + "\n")
    else:
        _print_human(runs)
    check_reached(runs)


def run_to_dict(run: Run) -> dict[str, Any]:
    """The JSON-ready description of a run (see the module docstring)."""
    found = {
        "name": run.name,
        "path": str(run.path),
        "status": run.status.value,
        "started": run.started,
        "last_write": run.last_write,
        "metrics": [_metric_dict(series) for series in run.metrics.values()],
        "params": _finite(run.params),
        "summary": _finite(run.summary),
        "images": [
            {
                "name": image.name,
                "frames": len(image.frames),
                "first_step": image.frames[0][0] if image.frames else None,
                "last_step": image.frames[-1][0] if image.frames else None,
            }
            for image in run.images.values()
        ],
        "plots": [
            {
                "name": plot.name,
                "kind": plot.kind,
                "path": plot.path,
                "template": plot.config.template,
                "x": plot.config.x,
                "y": plot.config.y,
                "title": plot.config.title,
                "x_label": plot.config.x_label,
                "y_label": plot.config.y_label,
                "rows": len(plot.rows),
            }
            for plot in run.plots.values()
        ],
        "warnings": [
            {"path": warning.path, "message": warning.message}
            for warning in sorted(run.warnings.values(), key=lambda item: item.path)
        ],
    }
    if run.origin is not None:
        found["origin"] = run.origin
        found["connection"] = run.connection
    return found


def metric_stats(series: MetricSeries) -> dict[str, Any]:
    """Count, last step, last, min and max value (NaN ignored by min and max)."""
    count = len(series)
    if count == 0:
        return {"count": 0, "last_step": None, "last": None, "min": None, "max": None}
    values = series.values
    finite_or_inf = values[~np.isnan(values)]
    low = float(finite_or_inf.min()) if len(finite_or_inf) else math.nan
    high = float(finite_or_inf.max()) if len(finite_or_inf) else math.nan
    return {
        "count": count,
        "last_step": series.last_step,
        "last": float(values[-1]),
        "min": low,
        "max": high,
    }


# -- internals ---------------------------------------------------------------------------


def _metric_dict(series: MetricSeries) -> dict[str, Any]:
    stats = metric_stats(series)
    return {"name": series.name, "path": series.path, **_finite(stats)}


def _finite(value: Any) -> Any:
    """Non-finite floats as dvclive's strings, recursively (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {str(key): _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_finite(item) for item in value]
    return value


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


def _flat_rows(mapping: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (name, _number(value) if isinstance(value, float) else str(value))
        for name, value in flatten(mapping).items()
    ]


def _print_human(runs: list[Run]) -> None:
    from dvclive_tui.commands.console import CommandConsole

    console = CommandConsole(highlight=False)
    if not sys.stdout.isatty():  # plain text, wide enough not to fold a pipe's lines
        console = CommandConsole(highlight=False, color_system=None, width=max(console.width, 120))
    print_runs(console, runs)


def print_runs(console: Console, runs: list[Run]) -> None:
    """The human listing: per run a header line, then one table per kind of content.

    Each table lists one item per row (metrics, params, summary values, images, plots), so
    an item is never split across lines at 80 columns; warnings follow, one per file.
    """
    from rich.markup import escape

    for index, run in enumerate(runs):
        if index:
            console.print()
        style = _STATUS_STYLES[run.status] if run.connection is None else "bold red"
        console.print(
            f"[bold]{escape(terminal_text(run.name))}[/]  [{style}]{status_label(run)}[/]  "
            f"started {_when(run.started)}  last write {_when(run.last_write)}"
        )
        if run.metrics:
            rows = []
            for series in run.metrics.values():
                stats = metric_stats(series)
                rows.append(
                    [
                        series.name,
                        str(stats["count"]),
                        _number(stats["last_step"]),
                        *(_number(stats[key]) for key in ("last", "min", "max")),
                    ]
                )
            console.print(_table(("metric", "count", "last step", "last", "min", "max"), rows))
        for title, mapping in (("param", run.params), ("summary", run.summary)):
            if mapping:
                console.print(_table((title, "value"), [list(row) for row in _flat_rows(mapping)]))
        if run.images:
            rows = []
            for image in run.images.values():
                steps = [step for step, _path in image.frames if step is not None]
                extent = f"{steps[0]}-{steps[-1]}" if steps else "-"
                rows.append([image.name, str(len(image.frames)), extent])
            console.print(_table(("image", "frames", "steps"), rows))
        if run.plots:
            rows = [
                [plot.name, plot.kind, plot.config.template, str(len(plot.rows))]
                for plot in run.plots.values()
            ]
            console.print(_table(("plot", "kind", "template", "rows"), rows))
        for warning in sorted(run.warnings.values(), key=lambda item: item.path):
            shown = terminal_text(f"{warning.path}: {warning.message}", limit=VALUE_LIMIT)
            console.print(f"[bold]warning[/]  {escape(shown)}")
        if not (run.metrics or run.params or run.summary or run.images or run.plots):
            console.print("(no data yet)")


def _table(headers: tuple[str, ...], rows: list[list[str]]) -> Table:
    """A borderless table: the first column folds, the others stay on one line."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(headers[0], overflow="fold")
    for header in headers[1:]:
        numeric = header in ("count", "last step", "last", "min", "max", "frames", "rows")
        table.add_column(
            header,
            justify="right" if numeric else "left",
            no_wrap=numeric,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(Text(terminal_text(cell, limit=VALUE_LIMIT)) for cell in row))
    return table
