"""Benchmark of ``dvclive-tui watch`` (the Textual dashboard).

Run: ``.venv/bin/python benchmarks/bench_watch.py [--quick]``

Prints each figure with its goal and a ratio against an anchor measured in the same run:

a. one chart of 100k points at 120x30 through the Chart widget's rendering path
   (``Chart.invalidate`` + ``render_line``: M4 decimation, braille raster, strips), goal <= 5 ms;
   anchor: Textual's built-in ``Sparkline`` renderable drawing the same 100k points;
b. append-to-screen latency p95 at the default interval (0.25 s): a writer process
   appends rows whose value is the wall time of the write; the App (``run_test``, poller
   thread on) is sampled every 5 ms until the chart holds the step, goal <= 0.5 s p95;
   anchor: the poll interval;
c. CPU of one core while watching a still run (process CPU time over 10 s), goal <= 2 %;
   anchor: a bare Textual App idling for the same time in the same way;
d. resident memory with 5M points loaded (50 metrics x 100k steps, timestamps on),
   measured in a fresh process after the App showed the run, goal <= 300 MB; anchor: the
   same process after importing everything, before loading.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.renderables.sparkline import Sparkline  # noqa: E402

from dvclive_tui.app.watch.app import WatchApp  # noqa: E402
from dvclive_tui.app.watch.panes.charts import ChartsPane  # noqa: E402
from dvclive_tui.app.widgets.chart import Chart  # noqa: E402
from dvclive_tui.charts.series import SeriesData  # noqa: E402
from dvclive_tui.settings import DEFAULT_INTERVAL, Settings  # noqa: E402

APPENDER = """
import random, sys, time
path, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(1)
for step in range(1, count + 1):
    time.sleep(0.1 + 0.2 * rng.random())
    with open(path, "a") as handle:
        handle.write(f"{step}\\t{time.time()!r}\\n")
"""


def write_tsv(path: Path, name: str, steps: int, seed: int, *, timestamps: bool) -> None:
    """A metric history in dvclive's format."""
    rng = np.random.default_rng(seed)
    values = (np.cumsum(rng.normal(size=steps)) / 100 + 1.0).tolist()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        if timestamps:
            stamps = (1_700_000_000_000 + np.arange(steps) * 37).tolist()
            handle.write(f"timestamp\tstep\t{name}\n")
            handle.writelines(
                f"{stamp}\t{step}\t{value!r}\n"
                for step, (stamp, value) in enumerate(zip(stamps, values, strict=True))
            )
        else:
            handle.write(f"step\t{name}\n")
            handle.writelines(f"{step}\t{value!r}\n" for step, value in enumerate(values))


def make_run(folder: Path, metrics: int, steps: int, *, timestamps: bool = True) -> Path:
    """A dvclive directory with ``metrics`` histories of ``steps`` rows."""
    run = folder / "dvclive"
    for index in range(metrics):
        name = f"m{index:02d}"
        write_tsv(
            run / "plots" / "metrics" / "train" / f"{name}.tsv",
            name,
            steps,
            index,
            timestamps=timestamps,
        )
    (run / "metrics.json").write_text(json.dumps({"step": steps - 1}) + "\n")
    return run


def best_of(runs: int, function: object) -> float:
    """Fastest wall time of ``runs`` calls, in seconds."""
    assert callable(function)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


# -- a. render ------------------------------------------------------------------------------


class OneChart(App[None]):
    def compose(self) -> ComposeResult:
        yield Chart("bench")


async def bench_render(points: int) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    values = np.cumsum(rng.normal(size=points))
    steps = np.arange(points, dtype=np.int64)
    series = SeriesData("run::m", "run", steps, values, version=1)
    app = OneChart()
    async with app.run_test(size=(120, 30)) as pilot:
        chart = app.query_one(Chart)
        chart.set_series([series])
        await pilot.pause()
        assert chart.size == (120, 30), chart.size

        def render() -> None:
            chart.invalidate()
            chart.render_line(0)

        ours = best_of(7, render)
    console = Console(width=120, file=open(os.devnull, "w"), color_system="truecolor")  # noqa: SIM115
    sparkline = Sparkline(values.tolist(), width=120)
    anchor = best_of(3, lambda: console.print(sparkline))
    return ours, anchor


# -- b. latency -----------------------------------------------------------------------------


async def bench_latency(samples: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        run = make_run(Path(folder), 1, 1, timestamps=False)
        tsv = run / "plots" / "metrics" / "train" / "m00.tsv"
        tsv.write_text("step\tm00\n0\t0.0\n")
        app = WatchApp(Settings(paths=(run,), interval=DEFAULT_INTERVAL))
        latencies: list[float] = []
        async with app.run_test(size=(120, 30)) as pilot:
            grid = app.query_one("#charts-pane", ChartsPane).grid
            while grid.chart("train/m00") is None:
                await pilot.pause(0.01)
            chart = grid.chart("train/m00")
            assert chart is not None
            writer = subprocess.Popen([sys.executable, "-c", APPENDER, str(tsv), str(samples)])
            seen = 0
            deadline = time.time() + samples * 0.5 + 10
            while seen < samples and time.time() < deadline:
                await pilot.pause(0.005)
                shown = chart.series[0] if chart.series else None
                if shown is None or len(shown.steps) - 1 <= seen:
                    continue
                now = time.time()
                new_steps = int(shown.steps[-1])
                for step in range(seen + 1, new_steps + 1):
                    index = int(np.searchsorted(shown.steps, step))
                    latencies.append(now - float(shown.values[index]))
                seen = new_steps
            writer.wait(10)
        return latencies


# -- c. idle CPU ----------------------------------------------------------------------------


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Chart("idle")


async def cpu_of(app: App[None], seconds: float) -> float:
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(1.5)  # first load and layout
        start_cpu, start = time.process_time(), time.perf_counter()
        await pilot.pause(seconds)
        return (time.process_time() - start_cpu) / (time.perf_counter() - start)


async def bench_idle_cpu(seconds: float) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        run = make_run(Path(folder), 8, 2000)
        ours = await cpu_of(WatchApp(Settings(paths=(run,), interval=DEFAULT_INTERVAL)), seconds)
    anchor = await cpu_of(Bare(), seconds)
    return ours, anchor


# -- d. memory ------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def memory_child(run: Path) -> None:
    before = rss_mb()
    app = WatchApp(Settings(paths=(run,), watch=False))
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()  # the runs load in a worker
        await pilot.pause()
        points = sum(len(series) for series in app.runs[0].metrics.values())
        after = rss_mb()
    print(json.dumps({"before": before, "after": after, "points": points}))


def bench_memory(metrics: int, steps: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        run = make_run(Path(folder), metrics, steps)
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(run)],
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer samples, smaller data")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        asyncio.run(memory_child(args.memory_child))
        return

    ours, anchor = asyncio.run(bench_render(100_000))
    print(
        f"a. 100k-point chart at 120x30: {ours * 1000:.2f} ms (goal <= 5 ms); "
        f"anchor Textual Sparkline of the same points {anchor * 1000:.2f} ms; "
        f"ratio {ours / anchor:.2f}x"
    )

    latencies = asyncio.run(bench_latency(15 if args.quick else 40))
    p95 = float(np.percentile(latencies, 95))
    print(
        f"b. append-to-screen latency over {len(latencies)} steps: "
        f"p50 {statistics.median(latencies):.3f} s, p95 {p95:.3f} s (goal <= 0.5 s); "
        f"anchor poll interval {DEFAULT_INTERVAL} s; p95/interval {p95 / DEFAULT_INTERVAL:.2f}"
    )

    seconds = 4.0 if args.quick else 10.0
    ours_cpu, anchor_cpu = asyncio.run(bench_idle_cpu(seconds))
    print(
        f"c. CPU watching a still run: {ours_cpu * 100:.2f} % of one core over {seconds:g} s "
        f"(goal <= 2 %); anchor bare Textual app {anchor_cpu * 100:.2f} %; "
        f"ratio {ours_cpu / max(anchor_cpu, 1e-9):.2f}x"
    )

    metrics, steps = (10, 100_000) if args.quick else (50, 100_000)
    memory = bench_memory(metrics, steps)
    print(
        f"d. RSS with {int(memory['points']):,} points loaded: {memory['after']:.0f} MB "
        f"(goal <= 300 MB); anchor same process before loading {memory['before']:.0f} MB; "
        f"added {memory['after'] - memory['before']:.0f} MB "
        f"({(memory['after'] - memory['before']) * 2**20 / memory['points']:.1f} B/point)"
    )


if __name__ == "__main__":
    main()
