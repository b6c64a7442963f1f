"""``dvclive-tui snap [PATH] [--width N]``: print a run's dashboard once, with rich.

For CI logs and quick looks over SSH: a header (run, status, step, elapsed), a braille chart
per metric in a grid that fits the width, params and summary tables (nested keys flattened),
sklearn and custom plots (confusion grids, curves with AUC / AP) and the image list. The
width is ``--width``, else the terminal's, else 100 when stdout is not a terminal; output is
plain text (no ANSI codes) when stdout is not a terminal. Never imports Textual.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dvclive_tui.charts.plots import confusion_of, is_confusion, render_plot
from dvclive_tui.charts.rich_render import frame_lines
from dvclive_tui.charts.series import ColorAssigner, SeriesData
from dvclive_tui.charts.view import ChartOptions, render_series_chart
from dvclive_tui.commands.console import CommandConsole
from dvclive_tui.commands.errors import InputError, runs_at
from dvclive_tui.commands.remote_paths import (
    check_reached,
    read_remote_runs,
    remote_location,
    remote_pool,
)
from dvclive_tui.monitor.rules import Rule
from dvclive_tui.monitor.watcher import display_name
from dvclive_writer.plotting.ticks import format_duration, format_value
from dvclive_writer.read.model import Run, RunStatus
from dvclive_writer.read.naming import flatten
from dvclive_writer.read.reader import load_runs
from dvclive_writer.text_safety import terminal_text

DEFAULT_WIDTH = 100
"""Width used when stdout is not a terminal and ``--width`` is not given."""
CHART_HEIGHT = 12
"""Rows per metric chart."""
MIN_CHART_WIDTH = 36
"""Charts are laid out in as many columns as fit at this width or more."""
PLOT_HEIGHT = 16
"""Rows per sklearn / custom curve plot."""
GAP = 2
"""Spaces between charts side by side."""
MAX_CHARTS = 200
"""Charts drawn per section (a run may log thousands of metrics)."""
VALUE_LIMIT = 1000
"""Characters of a param or summary key or value shown (``ls --json`` has them whole)."""

_STATUS_MARK = {
    RunStatus.RUNNING: "● running",
    RunStatus.FINISHED: "✓ finished",
    RunStatus.STALLED: "◌ stalled",
    RunStatus.WAITING: "… waiting",
}


@click.command(name="snap")
@click.argument("path", default=".", required=False)
@click.option(
    "--width",
    type=click.IntRange(20, 1000),
    default=None,
    help="Output width in columns (default: the terminal's, or 100 when piped).",
)
@click.option(
    "--check",
    "checks",
    multiple=True,
    metavar="RULE",
    help="Exit 1 when RULE holds on a run's current state (repeatable): "
    "'eval/loss > 2', 'plateau(val/acc, 500)', 'nan'.",
)
def snap(path: str, width: int | None, checks: tuple[str, ...]) -> int:
    """Print the dashboard of a run once: charts, tables, plots and images.

    PATH is a dvclive directory or a folder to search for them (default: the current
    directory); every run found is printed.

    With --check, each RULE is evaluated on every run's current state (newest values) and
    one line per run it fires on is printed after the dashboards; the exit status is 1
    when any rule fired, 0 when none did, 2 for a bad rule or a name no run has.
    """
    from dvclive_tui.commands.watch import check_rules

    rules = check_rules(checks)
    location = remote_location(path)
    with remote_pool() as pool:
        if location is not None:
            runs = read_remote_runs(pool, location)
        else:
            run_dirs = runs_at(path)
            runs = load_runs(run_dirs, [display_name(run, Path(path)) for run in run_dirs])
    stream = sys.stdout
    is_tty = stream.isatty()
    if width is None:
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if is_tty else DEFAULT_WIDTH
    console = CommandConsole(
        file=stream,
        width=width,
        force_terminal=is_tty,
        color_system="auto" if is_tty else None,
        no_color=not is_tty,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    if rules:
        from dvclive_tui.monitor.engine import unknown_names

        for rule, names in unknown_names(rules, runs):
            shown = ", ".join(f"'{terminal_text(name)}'" for name in names)
            raise InputError(f"rule '{terminal_text(rule.text)}': no run has {shown}")
    for index, run in enumerate(runs):
        if index:
            console.print()
        print_run(console, run, width)
    check_reached(runs)
    return print_checks(console, runs, rules, width) if rules else 0


def print_checks(console: Console, runs: list[Run], rules: list[Rule], width: int) -> int:
    """Evaluate ``rules`` on the runs' current state, print the verdict; 1 if any fired."""
    from dvclive_tui.monitor.engine import check_state

    events = check_state(runs, rules)
    console.print()
    for event in events:
        console.print(_line(f"✗ {event.run}: {event.message}", width, "bold red"))
    fired = {event.rule for event in events}
    runs_hit = {event.path for event in events}
    rules_word = "rule" if len(rules) == 1 else "rules"
    runs_word = "run" if len(runs) == 1 else "runs"
    if events:
        summary = (
            f"checks failed: {len(fired)} of {len(rules)} {rules_word} fired "
            f"on {len(runs_hit)} of {len(runs)} {runs_word}"
        )
        console.print(_line(summary, width, "bold red"))
        return 1
    console.print(
        _line(
            f"checks passed: {len(rules)} {rules_word} on {len(runs)} {runs_word}", width, "green"
        )
    )
    return 0


def print_run(console: Console, run: Run, width: int, *, now: float | None = None) -> None:
    """Print one run's dashboard to ``console`` within ``width`` columns."""
    console.print(_header(run, width, time.time() if now is None else now))
    if run.warnings:
        for warning in sorted(run.warnings.values(), key=lambda item: item.path):
            console.print(_line(f"⚠ {warning.path}: {warning.message}", width, "yellow"))
    _print_metrics(console, run, width)
    _print_tables(console, run, width)
    _print_plots(console, run, width)
    _print_images(console, run, width)


def _line(text: str, width: int, style: str = "") -> Text:
    line = Text(terminal_text(text), style=style, no_wrap=True, overflow="ellipsis")
    line.truncate(width, overflow="ellipsis")
    return line


def _last_step(run: Run) -> int | None:
    steps = [step for series in run.metrics.values() if (step := series.last_step) is not None]
    if steps:
        return max(steps)
    step = run.summary.get("step")
    return step if isinstance(step, int) else None


def _seconds(seconds: float) -> str:
    """``0s``, ``42s``, ``1m30s``, ``2h5m``."""
    return format_duration(max(1.0, seconds) * 1000) if seconds >= 0.5 else "0s"


def _header(run: Run, width: int, now: float) -> Text:
    parts = [_STATUS_MARK.get(run.status, run.status.value)]
    step = _last_step(run)
    if step is not None:
        parts.append(f"step {step}")
    if run.started is not None:
        end = run.last_write if run.status is RunStatus.FINISHED and run.last_write else now
        parts.append(f"elapsed {_seconds(end - run.started)}")
    if run.last_write is not None:
        parts.append(f"wrote {_seconds(now - run.last_write)} ago")  # as in watch's header
    name = terminal_text(run.name)
    facts = "  " + "  ·  ".join(parts)
    if len(name) + len(facts) > width:
        facts = " " + " · ".join(parts)  # narrow terminal: tighter separators keep the facts
    header = Text(no_wrap=True, overflow="ellipsis")
    header.append(name, style="bold")
    header.append(facts)
    header.truncate(width, overflow="ellipsis")
    return header


def _section(console: Console, title: str, width: int) -> None:
    console.print()
    rule = Text(no_wrap=True)
    rule.append(title, style="bold")
    rule.append(" " + "─" * max(0, width - len(title) - 1), style="bright_black")
    console.print(rule)


def _print_metrics(console: Console, run: Run, width: int) -> None:
    metrics = [series for series in run.metrics.values() if len(series)]
    if not metrics:
        return
    regular = [series for series in metrics if not series.name.startswith("system/")]
    system = [series for series in metrics if series.name.startswith("system/")]
    colors = ColorAssigner()
    for title, group in (("Metrics", regular), ("System", system)):
        if not group:
            continue
        _section(console, title, width)
        charts = []
        ordered = sorted(group, key=lambda item: item.name)
        for series in ordered[:MAX_CHARTS]:
            name = terminal_text(series.name)
            data = SeriesData(
                key=f"{run.name}::{series.name}",
                label=terminal_text(run.name),
                steps=series.steps,
                values=series.values,
                timestamps=series.timestamps,
                color=0,
            )
            charts.append((name, data))
        columns = max(1, (width + GAP) // (MIN_CHART_WIDTH + GAP))
        chart_width = (width - GAP * (columns - 1)) // columns
        for start in range(0, len(charts), columns):
            row = charts[start : start + columns]
            frames = [
                render_series_chart(
                    [data], chart_width, CHART_HEIGHT, ChartOptions(title=name), colors=colors
                )
                for name, data in row
            ]
            _print_side_by_side(console, [frame_lines(frame) for frame in frames])
        if len(ordered) > MAX_CHARTS:
            more = len(ordered) - MAX_CHARTS
            console.print(_line(f"… {more} more (dvclive-tui ls lists them all)", width, "dim"))


def _print_side_by_side(console: Console, blocks: list[list[Text]]) -> None:
    height = max(len(block) for block in blocks)
    for row in range(height):
        line = Text(no_wrap=True, overflow="crop")
        for index, block in enumerate(blocks):
            if index:
                line.append(" " * GAP)
            if row < len(block):
                line.append_text(block[row])
        console.print(line)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return format_value(value)
    if isinstance(value, list | tuple):
        items = [_show(item) for item in value[: VALUE_LIMIT // 2]]
        more = ", …" if len(value) > len(items) else ""
        text = "[" + ", ".join(items) + more + "]"
        return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + "…"
    return terminal_text(value, limit=VALUE_LIMIT)


def _table(title: str, rows: Iterable[tuple[str, Any]], width: int) -> Table:
    table = Table(title=None, show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column(title, overflow="fold", max_width=max(10, width // 2))
    table.add_column("value", overflow="fold")
    for key, value in rows:
        table.add_row(terminal_text(key, limit=VALUE_LIMIT), _show(value))
    return table


def _print_tables(console: Console, run: Run, width: int) -> None:
    for title, data in (("Params", run.params), ("Summary", run.summary)):
        if not data:
            continue
        _section(console, title, width)
        console.print(_table(title.lower(), flatten(data).items(), width))


def _print_plots(console: Console, run: Run, width: int) -> None:
    if not run.plots:
        return
    _section(console, "Plots", width)
    for name in sorted(run.plots):
        plot = run.plots[name]
        height = 4 + len(confusion_of(plot).y_labels) if is_confusion(plot) else PLOT_HEIGHT
        frame = render_plot(plot, min(width, 100), height)
        for line in frame_lines(frame):
            console.print(line)
        console.print()


def _print_images(console: Console, run: Run, width: int) -> None:
    if not run.images:
        return
    _section(console, "Images", width)
    for name in sorted(run.images):
        frames = run.images[name].frames
        steps = [step for step, _ in frames if step is not None]
        if steps:
            detail = f"{len(frames)} frames, steps {min(steps)}–{max(steps)}"
        else:
            detail = f"{len(frames)} file" + ("s" if len(frames) != 1 else "")
        console.print(_line(f"{name}  {detail}", width))
