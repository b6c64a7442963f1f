"""Chart rendering cost: one series at 120x30 cells, 1k / 100k / 1M points.

Measures, in one run (best of N, milliseconds):

- ``chart``: the project's full chart (M4 decimation, braille lines, ticks, legend) as a
  headless frame, then as rich segments (what a terminal gets);
- ``widget``: the real :class:`~dvclive_tui.app.widgets.chart.Chart` building its cached
  strips inside a running Textual app (the cost paid on the event loop per redraw);
- ``+EMA``: the same with smoothing 0.6 (smoothed line plus faded raw values);
- ``no-M4``: the same chart with decimation turned off (anchor for the M4 gain);
- ``Sparkline``: Textual's built-in sparkline renderable on the same data and size.

Run: ``.venv/bin/python benchmarks/bench_chart.py`` (target: widget <= 5 ms at 100k).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

import numpy as np
from rich.console import Console, ConsoleOptions
from textual.app import App, ComposeResult
from textual.renderables.sparkline import Sparkline

from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.charts.frame import Curve, render_chart
from dvclive_tui.charts.rich_render import frame_lines
from dvclive_tui.charts.series import SeriesData
from dvclive_tui.charts.view import ChartOptions, render_series_chart

WIDTH, HEIGHT = 120, 30
SIZES = (1_000, 100_000, 1_000_000)


def best_ms(work: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def series(count: int) -> SeriesData:
    """A random walk (cumulative sum of normal samples), seeded."""
    values = np.cumsum(np.random.default_rng(0).normal(size=count))
    return SeriesData("bench::loss", "loss", np.arange(count, dtype=np.int64), values)


class BenchApp(App[None]):
    """One chart at exactly 120x30."""

    def compose(self) -> ComposeResult:
        yield Chart("loss")


async def widget_ms(data: SeriesData, repeat: int, smoothing: float = 0.0) -> float:
    """Time the Chart widget building all its strips (cache invalidated each time).

    With ``smoothing``, the EMA is computed once (it is cached per data version) and every
    redraw draws the smoothed line plus the faded raw values.
    """
    app = BenchApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        chart = app.query_one(Chart)
        chart.set_series([data])
        chart.smoothing = smoothing
        await pilot.pause()

        def redraw() -> None:
            chart.invalidate()
            chart.render_line(0)

        return best_ms(redraw, repeat)


def measure(count: int, console: Console, options: ConsoleOptions) -> None:
    """Print one table row for ``count`` points."""
    data = series(count)
    repeat = 15 if count <= 100_000 else 3
    opts = ChartOptions(title="loss")

    def frame() -> object:
        return render_series_chart([data], WIDTH, HEIGHT, opts)

    def with_rich() -> object:
        return [list(console.render(line, options)) for line in frame_lines(frame())]

    curve = Curve("loss", data.steps.astype(np.float64), data.values, legend="")

    def raw() -> object:
        return render_chart([curve], WIDTH, HEIGHT, title="loss", decimate=False)

    values = data.values.tolist()

    def sparkline() -> object:
        return list(console.render(Sparkline(values, width=WIDTH, height=HEIGHT), options))

    chart_ms = best_ms(frame, repeat)
    rich_ms = best_ms(with_rich, repeat)
    widget = asyncio.run(widget_ms(data, repeat))
    smoothed = asyncio.run(widget_ms(data, repeat, smoothing=0.6))
    raw_ms = best_ms(raw, 3 if count <= 100_000 else 1)
    spark_ms = best_ms(sparkline, 3 if count <= 100_000 else 1)
    print(
        f"{count:>9,} {chart_ms:7.2f} {rich_ms:7.2f} {widget:7.2f} {smoothed:7.2f} {raw_ms:8.2f} "
        f"{spark_ms:10.2f}   {raw_ms / chart_ms:12.1f}x {spark_ms / widget:16.1f}x"
    )


def main() -> None:
    """Print the table."""
    with open(os.devnull, "w") as sink:
        console = Console(width=WIDTH, file=sink, force_terminal=True)
        options = console.options.update(width=WIDTH, height=HEIGHT)
        print(f"one series, {WIDTH}x{HEIGHT} cells, best of N (ms)")
        print(
            f"{'points':>9} {'chart':>7} {'+rich':>7} {'widget':>7} {'+EMA':>7} {'no-M4':>8} "
            f"{'Sparkline':>10}    no-M4/chart  Sparkline/widget"
        )
        for count in SIZES:
            measure(count, console, options)


if __name__ == "__main__":
    main()
