"""Per-step cost and start-up time: dvclive 3.49.1 vs dvclive_writer, measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_writer.py [--quick]``

Both libraries run with their default settings (report: each library's own default) on 10
metrics per step, in a temporary directory outside any Git repository. A "step" is ten
``log_metric`` calls plus ``next_step()``. Medians are taken over a window of consecutive steps.

dvclive's per-step cost grows with history, so running it step by step to 4000 would take
minutes; its history is fast-forwarded instead: rows are appended with ``log_metric`` at
explicit steps (no sync, which is what makes its steps slow), producing the same files a real
run would, and then real steps are timed. Ours runs every step for real up to 100k. For 1M,
ours runs for real if the projection is under ~2 minutes; otherwise its TSV histories are
padded to 1M rows in bulk and real steps are timed after that (printed as "sampled").
Besides the medians, the mean and 99th percentile of every step of ours are printed per
segment, so periodic work (the HTML report rebuild) is visible.

A last table runs ours twice more to step 4000, once per way of replacing ``metrics.json``
each step: the hidden pre-opened slots of ``dvclive_writer.replace_file`` (the default) and
a plain temporary file + ``os.replace`` (``serialize.atomic_write``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
METRICS = [f"metric_{i}" for i in range(10)]
WINDOW = 40


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    """A fresh temporary working directory (outside Git), made current."""
    old = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="bench-writer-") as tmp:
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(old)


def one_step(live: Any, value: float) -> float:
    """Time one step: ten ``log_metric`` calls and ``next_step()``; returns milliseconds."""
    start = time.perf_counter()
    for name in METRICS:
        live.log_metric(name, value)
    live.next_step()
    return (time.perf_counter() - start) * 1000


def timed_window(live: Any, steps: int = WINDOW) -> float:
    """Median milliseconds per step over ``steps`` real steps."""
    return statistics.median(one_step(live, 0.5 + i * 1e-3) for i in range(steps))


def fast_forward_dvclive(live: Any, to_step: int) -> None:
    """Append history rows up to ``to_step`` through dvclive itself, without syncing."""
    for step in range(live.step, to_step):
        live.step = step
        for name in METRICS:
            live.log_metric(name, 0.5)
    live.step = to_step


def bench_dvclive() -> dict[str, float]:
    """dvclive medians near step 0 and near step 4000."""
    import dvclive

    logging.getLogger("dvclive").setLevel(logging.ERROR)
    with workdir():
        live = dvclive.Live()
        near_0 = timed_window(live)
        fast_forward_dvclive(live, 4000 - WINDOW)
        near_4000 = timed_window(live)
        live.end()
    return {"0": near_0, "4000": near_4000}


def pad_history(live: Any, to_step: int) -> None:
    """Append rows for steps ``live.step .. to_step-1`` to every history file, in bulk."""
    for name in METRICS:
        path = Path(live.plots_dir) / "metrics" / f"{name}.tsv"
        with open(path, "a", encoding="utf-8", newline="") as fobj:
            chunk: list[str] = []
            for step in range(live.step, to_step):
                chunk.append(f"{step}\t0.5{os.linesep}")
                if len(chunk) == 100_000:
                    fobj.write("".join(chunk))
                    chunk.clear()
            fobj.write("".join(chunk))
    live.step = to_step


def run_until(live: Any, to_step: int, progress: Callable[[int], None]) -> list[float]:
    """Run real steps up to ``to_step``; returns each step's milliseconds."""
    times = []
    while live.step < to_step:
        times.append(one_step(live, 0.5))
        if live.step % 20_000 == 0:
            progress(live.step)
    return times


def mean_and_p99(times: list[float]) -> str:
    """``mean / p99`` milliseconds of a segment (periodic work such as report rebuilds shows)."""
    if not times:
        return "-"
    ordered = sorted(times)
    return f"{statistics.fmean(times):.3f} / {ordered[int(len(ordered) * 0.99)]:.3f}"


def bench_ours(quick: bool) -> dict[str, Any]:
    """Our medians near steps 0, 4000, 100k and 1M (the last one maybe sampled)."""
    import dvclive_writer

    logging.getLogger("dvclive_writer").setLevel(logging.ERROR)
    results: dict[str, Any] = {}

    def progress(step: int) -> None:
        print(f"  ours: step {step}", file=sys.stderr, flush=True)

    with workdir():
        live = dvclive_writer.Live()
        results["0"] = timed_window(live)
        results["segment 0-4k"] = mean_and_p99(run_until(live, 4000 - WINDOW, progress))
        results["4000"] = timed_window(live)
        big = 10_000 if quick else 100_000
        start = time.perf_counter()
        steps_before = live.step
        segment = run_until(live, big - WINDOW, progress)
        results[f"segment 4k-{big // 1000}k"] = mean_and_p99(segment)
        per_step_s = (time.perf_counter() - start) / max(1, live.step - steps_before)
        results["100k"] = timed_window(live)
        results["100k_label"] = f"{big // 1000}k"
        million = 1_000_000
        projected = per_step_s * (million - live.step)
        if projected <= 120 and not quick:
            results[f"segment {big // 1000}k-1M"] = mean_and_p99(
                run_until(live, million - WINDOW, progress)
            )
            results["1M_how"] = "real steps"
        else:
            pad_history(live, million - WINDOW)
            results["1M_how"] = f"sampled (projected {projected:.0f} s to run for real)"
        results["1M"] = timed_window(live)
        live.end()
    return results


class PlainReplace:
    """``metrics.json`` written with a fresh temporary file + ``os.replace`` on every sync."""

    def write(self, path: str, data: bytes) -> None:
        from dvclive_writer.serialize import atomic_write

        atomic_write(path, data)

    def close(self) -> None:
        """Nothing is kept open."""


def bench_metrics_json_writes() -> dict[str, dict[str, float]]:
    """Ours near steps 0 and 4000 with each ``metrics.json`` replacement strategy."""
    import dvclive_writer

    results: dict[str, dict[str, float]] = {}
    for label in ("slots (replace_file)", "temp file + os.replace"):
        with workdir():
            live = dvclive_writer.Live()
            if label.startswith("temp"):
                live._metrics_json = PlainReplace()  # type: ignore[assignment]
            near_0 = timed_window(live, 200)
            run_until(live, 4000 - 200, lambda step: None)
            results[label] = {"0": near_0, "4000": timed_window(live, 200)}
            live.end()
    return results


def process_seconds(code: str, repeat: int = 9) -> float:
    """Median wall time of ``python -c code`` in a fresh temporary directory outside Git."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DVCLIVE_LOGLEVEL": "ERROR"}
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=tmp, env=env, check=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k instead of 100k/1M steps")
    args = parser.parse_args()

    startup = {
        "python -c pass (anchor)": process_seconds("pass"),
        "import dvclive": process_seconds("import dvclive"),
        "import dvclive_writer": process_seconds("import dvclive_writer"),
        "import + Live() dvclive": process_seconds("from dvclive import Live; Live()"),
        "import + Live() ours": process_seconds("from dvclive_writer import Live; Live()"),
    }
    theirs = bench_dvclive()
    ours = bench_ours(args.quick)
    replace_ways = bench_metrics_json_writes()

    print("\nper step (10 metrics + next_step), median ms")
    print(f"{'step':>8} {'dvclive':>10} {'ours':>10} {'dvclive/ours':>13}")
    for key in ("0", "4000"):
        ratio = theirs[key] / ours[key]
        print(f"{key:>8} {theirs[key]:>10.3f} {ours[key]:>10.3f} {ratio:>12.0f}x")
    print(f"{ours['100k_label']:>8} {'-':>10} {ours['100k']:>10.3f}")
    print(f"{'1M':>8} {'-':>10} {ours['1M']:>10.3f}   ({ours['1M_how']})")
    growth = ours["1M"] / ours["0"]
    print(f"ours, step 1M vs step 0: {growth:.2f}x")
    for key, value in ours.items():
        if key.startswith("segment"):
            print(f"ours, every step of {key[8:]}: mean / p99 ms = {value}")

    print("\nours by metrics.json replacement, median ms per step (ratio: dvclive at 4000 / it)")
    for label, figures in replace_ways.items():
        print(
            f"{label:<24} step 0: {figures['0']:.3f}  step 4000: {figures['4000']:.3f}  "
            f"({theirs['4000'] / figures['4000']:.0f}x)"
        )

    print("\nwhole process, median of 9, seconds")
    anchor = startup["python -c pass (anchor)"]
    for label, seconds in startup.items():
        print(f"{label:<28} {seconds:>7.3f}   ({seconds / anchor:.1f}x bare python)")
    print(
        "import+Live(): dvclive/ours = "
        f"{startup['import + Live() dvclive'] / startup['import + Live() ours']:.1f}x"
    )


if __name__ == "__main__":
    main()
