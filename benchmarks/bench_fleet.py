"""Benchmark of fleets: hundreds of runs watched at once (``ls --json``, polling, alerts, the
dashboard).

Run: ``.venv/bin/python benchmarks/bench_fleet.py [--runs 500 --metrics 10 --steps 2000]
[--only ls,poll,scale,rss,latency,screen,frame] [--cache DIR]``

The fleet (SLURM layout ``runs/<job>/<task>/dvclive``, dvclive's TSV format with
timestamps, a ``metrics.json`` and ``params.yaml`` per run) is generated once into
``--cache`` (default ``~/.cache/dvclive-tui-bench``) and reused: 500 × 10 × 2,000 is 10M
points, about 400 MB. Figures, each with its goal and an anchor measured in the same run:

ls       ``dvclive-tui ls FLEET --json`` whole process, goal <= 3 s; anchor ``python -c pass``;
poll     steady poll cost with 5 runs writing (one row per metric every 0.5 s, separate
         processes) and the rest idle, at the default interval: CPU of the watching process
         over 20 s as % of one core, goal <= 5 %; anchor: the same with every run polled at
         every tick (the tiers off);
scale    mean poll cost (ms per tick, CPU % at the default interval) with 50 / 500 / 2,000
         runs, 5 writing (the 2,000-run fleet is generated with 100 steps per metric:
         polling cost does not depend on history length);
rss      peak resident memory (VmHWM) of a fresh process that loaded the whole fleet through the
         watcher, goal <= 500 MB; anchor: the same process before loading;
latency  alert latency: a writer appends a NaN row and records the time it is on disk; the
         headless monitor (default interval) reports the event; p50 / p95 / max over 20
         samples, goal <= one poll interval; anchor: the interval;
screen   ``watch FLEET`` in a fresh process at 160×45 (the App in Textual's headless
         driver, polling as the command does): time from starting the App to the first full
         screen (the Charts tab's charts drawn over the runs charted by default, the first
         60), goal <= 3 s, then to every run loaded, and the process's RSS then, goal
         <= 500 MB; anchors: the same App on one run of the fleet, and the process before
         the App started;
frame    one chart frame of 60 runs × ``steps`` points overlaid at 160×45 through the Chart
         widget's rendering path (series handed over, frame and strips built), best of 7,
         goal <= 10 ms; the same with runs at different steps (half to all of ``steps``:
         no two runs share x values); anchor: the same chart with one run.

Sections are functions of a :class:`Fleet` registered in :data:`SECTIONS`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dvclive_tui.monitor.engine import AlertEngine  # noqa: E402
from dvclive_tui.monitor.events import Event  # noqa: E402
from dvclive_tui.monitor.headless import HeadlessMonitor  # noqa: E402
from dvclive_tui.monitor.schedule import Cadence  # noqa: E402
from dvclive_tui.monitor.watcher import RunWatcher  # noqa: E402
from dvclive_tui.settings import DEFAULT_INTERVAL  # noqa: E402

TASKS_PER_JOB = 50
WRITING = 5
WRITER = """
import sys, time
paths, period, duration = sys.argv[1:-2], float(sys.argv[-2]), float(sys.argv[-1])
step = 100000
end = time.time() + duration
while time.time() < end:
    for path in paths:
        with open(path, "a") as handle:
            handle.write(f"{int(time.time() * 1000)}\\t{step}\\t0.5\\n")
    step += 1
    time.sleep(period)
"""
NAN_WRITER = """
import sys, time
path, out, count, gap = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
with open(out, "w") as log:
    for index in range(count):
        time.sleep(gap)
        with open(path, "a") as handle:
            handle.write(f"{int(time.time() * 1000)}\\t{200000 + index}\\tnan\\n")
        log.write(f"{time.time()!r}\\n")
        log.flush()
"""


@dataclass(frozen=True)
class Fleet:
    """A generated fleet: ``runs`` directories of ``metrics`` × ``steps`` points."""

    root: Path
    runs: int
    metrics: int
    steps: int

    def run_dirs(self) -> list[Path]:
        return [run_dir(self.root, index) for index in range(self.runs)]

    def tsv(self, index: int, metric: int = 0) -> Path:
        return run_dir(self.root, index) / "plots" / "metrics" / "train" / f"m{metric:02d}.tsv"


def run_dir(root: Path, index: int) -> Path:
    job, task = divmod(index, TASKS_PER_JOB)
    return root / "runs" / f"{40000 + job}" / f"{task}" / "dvclive"


def ensure_fleet(cache: Path, runs: int, metrics: int, steps: int) -> Fleet:
    """The fleet of that size under ``cache``, generated on first use."""
    root = cache / f"fleet-{runs}x{metrics}x{steps}"
    fleet = Fleet(root, runs, metrics, steps)
    done = root / ".complete"
    if done.exists():
        return fleet
    started = time.perf_counter()
    stamps = 1_700_000_000_000 + np.arange(steps, dtype=np.int64) * 1000
    rows_base = np.arange(steps)
    for index in range(runs):
        rng = np.random.default_rng(index)
        folder = run_dir(root, index)
        for metric in range(metrics):
            values = np.cumsum(rng.normal(size=steps)) / 100 + 1.0
            path = fleet.tsv(index, metric)
            path.parent.mkdir(parents=True, exist_ok=True)
            body = "\n".join(
                f"{stamp}\t{step}\t{value:.6g}"
                for stamp, step, value in zip(
                    stamps.tolist(), rows_base.tolist(), values.tolist(), strict=True
                )
            )
            path.write_text(f"timestamp\tstep\tm{metric:02d}\n{body}\n")
        (folder / "metrics.json").write_text(json.dumps({"step": steps - 1}) + "\n")
        (folder / "params.yaml").write_text(f"lr: {0.001 * (index % 7 + 1)}\nseed: {index}\n")
    old = 1_700_000_000 + steps
    for folder, names, files in os.walk(root):
        for name in names + files:
            os.utime(Path(folder) / name, (old, old))
    done.write_text("")
    print(f"  generated {root} in {time.perf_counter() - started:.1f} s")
    return fleet


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def start_writers(fleet: Fleet, count: int, seconds: float) -> subprocess.Popen[bytes]:
    paths = [
        str(fleet.tsv(index, metric)) for index in range(count) for metric in range(fleet.metrics)
    ]
    return subprocess.Popen([sys.executable, "-c", WRITER, *paths, "0.5", str(seconds)])


def steady_poll(fleet: Fleet, runs: int, cadence: Cadence, seconds: float) -> tuple[float, float]:
    """CPU % of one core and mean ms per tick while 5 runs write, polling ``runs`` runs."""
    roots = [run_dir(fleet.root, index) for index in range(runs)]
    watcher = RunWatcher(roots, cadence=cadence)
    watcher.poll()  # the first load is not steady state (the files are old: runs start cold)
    watcher.take_changes()
    writers = start_writers(fleet, WRITING, seconds + 2)
    time.sleep(1.0)
    ticks, spent = 0, 0.0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    end = wall0 + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        watcher.poll()
        watcher.take_changes()
        spent += time.perf_counter() - started
        ticks += 1
        time.sleep(max(DEFAULT_INTERVAL / 4, DEFAULT_INTERVAL - (time.perf_counter() - started)))
    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    writers.wait()
    return 100 * cpu / wall, 1000 * spent / max(1, ticks)


# -- sections ----------------------------------------------------------------------------------


def bench_ls(fleet: Fleet, _args: argparse.Namespace) -> None:
    command = [sys.executable, "-m", "dvclive_tui", "ls", str(fleet.root), "--json"]
    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    runs = len(json.loads(result.stdout)["runs"])
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    anchor = time.perf_counter() - started
    print(
        f"ls --json over {runs} runs ({fleet.runs * fleet.metrics * fleet.steps / 1e6:.1f}M "
        "points), "
        f"whole process: best {min(times):.2f} s, output {len(result.stdout) / 1e6:.1f} MB "
        f"(goal <= 3 s; anchor python -c pass {anchor:.3f} s)"
    )


def bench_poll(fleet: Fleet, args: argparse.Namespace) -> None:
    tiered, tiered_ms = steady_poll(fleet, fleet.runs, Cadence(), args.seconds)
    flat, flat_ms = steady_poll(
        fleet, fleet.runs, Cadence(all_hot_below=10**9, hot_seconds=0.001), args.seconds
    )
    print(
        f"steady poll, {WRITING} of {fleet.runs} runs writing, interval {DEFAULT_INTERVAL} s: "
        f"{tiered:.2f} % of one core, {tiered_ms:.2f} ms per tick (goal <= 5 %); "
        f"anchor every run every tick: {flat:.1f} %, {flat_ms:.1f} ms "
        f"({flat / max(tiered, 1e-9):.0f}x)"
    )


def bench_scale(fleet: Fleet, args: argparse.Namespace) -> None:
    big = ensure_fleet(args.cache, 2000, fleet.metrics, 100) if args.runs >= 500 else fleet
    for runs, source in ((50, fleet), (min(500, fleet.runs), fleet), (min(2000, big.runs), big)):
        percent, per_tick = steady_poll(source, runs, Cadence(), args.seconds / 2)
        print(
            f"poll cost with {runs} runs ({WRITING} writing): {per_tick:.2f} ms per tick, "
            f"{percent:.2f} % of one core at {DEFAULT_INTERVAL} s"
        )


RSS_PROBE = """
import sys, time
sys.path.insert(0, sys.argv[2])
from dvclive_tui.monitor.watcher import RunWatcher
import dvclive_tui.monitor.engine

def peak_kb():
    # VmHWM starts afresh with the new program; ru_maxrss would carry the parent's peak
    # over exec (the benchmark itself holds a fleet in memory).
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:"))

before = peak_kb()
started = time.perf_counter()
watcher = RunWatcher([sys.argv[1]])
watcher.poll()
load = time.perf_counter() - started
points = sum(len(s) for run in watcher.runs for s in run.metrics.values())
after = peak_kb()
print(before, after, load, points, len(watcher.runs))
"""


def bench_rss(fleet: Fleet, _args: argparse.Namespace) -> None:
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, str(fleet.root), str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    before, after, load, points, runs = (
        int(out[0]),
        int(out[1]),
        float(out[2]),
        int(out[3]),
        int(out[4]),
    )
    print(
        f"peak RSS with {runs} runs, {points / 1e6:.1f}M points loaded: {after / 1024:.0f} MB "
        f"(goal <= 500 MB; anchor before loading {before / 1024:.0f} MB; first load {load:.2f} s)"
    )


def bench_latency(fleet: Fleet, args: argparse.Namespace) -> None:
    roots = fleet.run_dirs()
    samples = args.samples
    detected: dict[tuple[Path, str | None], float] = {}

    def seen(event: Event) -> None:  # the first NaN event of each run and metric
        if event.kind == "nan":
            detected.setdefault((event.path, event.metric), time.time())

    watcher = RunWatcher(roots)
    monitor = HeadlessMonitor(watcher, AlertEngine([]), [seen], warn=print)
    monitor.step()
    writers = start_writers(fleet, WRITING, samples * 1.5 + 10)
    log = args.cache / "nan-times.txt"
    targets = [(index, metric) for index in range(WRITING) for metric in range(1, fleet.metrics)]
    targets = targets[:samples]
    nan_writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                NAN_WRITER,
                str(fleet.tsv(index, metric)),
                f"{log}.{n}",
                "1",
                str(0.5 + n * 0.7),
            ]
        )
        for n, (index, metric) in enumerate(targets)
    ]
    stop = threading.Event()
    thread = threading.Thread(target=monitor.run, args=(DEFAULT_INTERVAL, stop))
    thread.start()
    for writer in nan_writers:
        writer.wait()
    time.sleep(2 * DEFAULT_INTERVAL + 0.5)
    stop.set()
    thread.join()
    writers.kill()
    latencies = []
    for n, (index, metric) in enumerate(targets):
        key = (run_dir(fleet.root, index).resolve(), f"train/m{metric:02d}")
        on_disk = float(Path(f"{log}.{n}").read_text())
        latencies.append(detected[key] - on_disk if key in detected else math.inf)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    print(
        f"alert latency over {len(latencies)} NaN rows ({fleet.runs} runs watched): "
        f"p50 {statistics.median(latencies):.3f} s, p95 {p95:.3f} s, max {latencies[-1]:.3f} s "
        f"(goal <= one interval; anchor the interval {DEFAULT_INTERVAL} s)"
    )


SCREEN_PROBE = """
import asyncio, json, sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.monitor.fleet_view import DEFAULT_CHARTED
from dvclive_tui.settings import Settings

def rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096 / 2**20

def peak_mb():
    # VmHWM starts afresh with the new program (ru_maxrss carries the parent's over exec).
    with open("/proc/self/status") as handle:
        return next(int(l.split()[1]) for l in handle if l.startswith("VmHWM:")) / 1024

async def main():
    before = rss_mb()
    expected = int(sys.argv[3])
    charted = min(expected, DEFAULT_CHARTED)
    started = time.perf_counter()
    app = WatchApp(Settings(paths=(Path(sys.argv[1]),)))
    screen = loaded = None
    async with app.run_test(size=(160, 45)) as pilot:
        while loaded is None:
            await pilot.pause(0.02)
            charts = [c for c in app.query(Chart) if c.display and c.region.height]
            drawn = charts and all(
                c.frame is not None and len(c.series) == charted for c in charts
            )
            if screen is None and drawn:
                screen = time.perf_counter() - started
                shown = len(charts)
            with app.watcher.lock:
                runs = app.runs
                if len(runs) == expected and all(run.metrics for run in runs):
                    loaded = time.perf_counter() - started
        print(json.dumps({"seconds": screen, "loaded": loaded, "rss": rss_mb(),
                          "before": before, "charts": shown, "charted": charted,
                          "peak": peak_mb()}))
        app.exit()

asyncio.run(main())
"""


def first_screen(root: Path, runs: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", SCREEN_PROBE, str(root), str(ROOT), str(runs)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def bench_screen(fleet: Fleet, _args: argparse.Namespace) -> None:
    whole = first_screen(fleet.root, fleet.runs)
    one = first_screen(run_dir(fleet.root, 0), 1)
    print(
        f"watch first full screen over {fleet.runs} runs × {fleet.metrics} metrics × "
        f"{fleet.steps} steps at 160×45: {whole['seconds']:.2f} s ({whole['charts']:.0f} charts "
        f"over the {whole['charted']:.0f} runs charted by default; goal <= 3 s), every run "
        f"loaded {whole['loaded']:.2f} s; anchor one run {one['seconds']:.2f} s; RSS "
        f"{whole['rss']:.0f} MB, peak {whole['peak']:.0f} MB (goal <= 500 MB; anchor before "
        f"the App {whole['before']:.0f} MB)"
    )


FRAME_RUNS = 60


def bench_frame(fleet: Fleet, _args: argparse.Namespace) -> None:
    import asyncio

    from textual.app import App, ComposeResult

    from dvclive_tui.app.widgets.chart import Chart
    from dvclive_tui.charts.series import SeriesData

    rng = np.random.default_rng(0)

    def fleet_series(lengths: list[int]) -> list[SeriesData]:
        return [
            SeriesData(
                f"run{i}::m",
                f"runs/{40000 + i // TASKS_PER_JOB}/{i % TASKS_PER_JOB}/dvclive",
                np.arange(length, dtype=np.int64),
                np.cumsum(rng.normal(size=length)) / 100 + 1.0,
                color=i,
                version=1,
            )
            for i, length in enumerate(lengths)
        ]

    class OneChart(App[None]):
        def compose(self) -> ComposeResult:
            yield Chart("train/m00")

    async def measure(series: list[SeriesData]) -> float:
        app = OneChart()
        async with app.run_test(size=(160, 45)) as pilot:
            chart = app.query_one(Chart)
            chart.set_series(series)
            await pilot.pause()
            assert chart.size == (160, 45), chart.size
            times = []
            for _ in range(7):
                began = time.perf_counter()
                chart.invalidate()
                chart.render_line(0)
                times.append(time.perf_counter() - began)
            return min(times)

    finished = asyncio.run(measure(fleet_series([fleet.steps] * FRAME_RUNS)))
    # Runs at different steps (a sweep in progress): no two share their x values.
    spread = [fleet.steps - fleet.steps * i // (2 * FRAME_RUNS) for i in range(FRAME_RUNS)]
    running = asyncio.run(measure(fleet_series(spread)))
    anchor = asyncio.run(measure(fleet_series([fleet.steps])))
    print(
        f"chart frame, {FRAME_RUNS} runs × {fleet.steps} points overlaid at 160×45: "
        f"{finished * 1000:.1f} ms (goal <= 10 ms); runs at {min(spread)}..{max(spread)} "
        f"steps (no shared x) {running * 1000:.1f} ms; anchor one run {anchor * 1000:.2f} ms "
        f"({finished / anchor:.0f}x)"
    )


SECTIONS: dict[str, Callable[[Fleet, argparse.Namespace], None]] = {
    "ls": bench_ls,
    "poll": bench_poll,
    "scale": bench_scale,
    "rss": bench_rss,
    "latency": bench_latency,
    "screen": bench_screen,
    "frame": bench_frame,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0, help="steady-poll window")
    parser.add_argument("--samples", type=int, default=20, help="alert latency samples")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dvclive-tui-bench")
    args = parser.parse_args()
    fleet = ensure_fleet(args.cache, args.runs, args.metrics, args.steps)
    for name in args.only.split(","):
        SECTIONS[name.strip()](fleet, args)


if __name__ == "__main__":
    main()
