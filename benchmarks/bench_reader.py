"""Benchmark of the run data layer (``dvclive_writer.read``).

Run: ``.venv/bin/python benchmarks/bench_reader.py [--metrics 50] [--steps 100000]``

Generates ``metrics`` TSV files of ``steps`` rows each in dvclive's exact format (the
``timestamp`` column first, epoch milliseconds; ``repr`` floats; ``\\n`` line ends) in a
temporary directory and measures, printing figures and ratios against anchors measured in
the same run:

1. cold load in-process (``load_run``), goal <= 0.5 s for 50 x 100k; anchor: dvclive's own
   reader (``dvclive.utils.parse_tsv``, csv.DictReader) plus float conversion on a subsample
   of the files, extrapolated to all of them;
2. ``dvclive-tui ls DIR --json`` as a whole process, goal <= 1.5 s; anchor: a bare
   ``python -c pass`` start-up;
3. a poll when nothing changed over 100 metric files, goal <= 2 ms; anchor: a bare sweep
   of ``lstat`` over the same 100 files (what the poll needs of an idle file);
4. bytes held per point (``MetricSeries.nbytes``), goal <= 16; anchor: the same points as
   Python floats and ints in lists.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dvclive_writer.read.reader import RunReader, load_run  # noqa: E402


def write_dvclive_tsv(path: Path, name: str, steps: int, seed: int) -> None:
    """One metric history exactly as dvclive writes it with ``timestamp=True``."""
    rng = np.random.default_rng(seed)
    values = np.cumsum(rng.normal(size=steps)) / 100 + 1.0
    stamps = 1_700_000_000_000 + np.cumsum(rng.integers(5, 50, size=steps))
    lines = [f"timestamp\tstep\t{name}\n"]
    lines.extend(
        f"{stamp}\t{step}\t{value!r}\n"
        for step, (stamp, value) in enumerate(zip(stamps.tolist(), values.tolist(), strict=True))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")


def make_run(root: Path, metrics: int, steps: int) -> Path:
    run = root / "dvclive"
    for index in range(metrics):
        name = f"metric_{index:02d}"
        write_dvclive_tsv(run / "plots" / "metrics" / "train" / f"{name}.tsv", name, steps, index)
    (run / "metrics.json").write_text(f'{{\n    "step": {steps - 1}\n}}\n', encoding="utf-8")
    return run


def best_of(runs: int, action: object) -> float:
    assert callable(action)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_cold_load(run: Path, metrics: int, steps: int) -> None:
    import polars

    loaded = load_run(run)
    points = sum(len(series) for series in loaded.metrics.values())
    assert points == metrics * steps, points
    ours = best_of(3, lambda: load_run(run))
    held = sum(series.nbytes for series in loaded.metrics.values())

    from dvclive.utils import parse_tsv

    files = sorted((run / "plots" / "metrics").rglob("*.tsv"))
    sample = files[: max(1, min(len(files), 3))]

    def dvclive_reader() -> None:
        for file in sample:
            rows = parse_tsv(file)
            name = file.stem
            _ = [int(row["step"]) for row in rows], [float(row[name]) for row in rows]

    anchor = best_of(1, dvclive_reader) * len(files) / len(sample)

    def polars_floor() -> None:
        schema = {"timestamp": polars.Int64, "step": polars.Int64}
        for file in files:
            polars.read_csv(file.read_bytes(), separator="\t", schema_overrides=schema)

    floor = best_of(3, polars_floor)
    print(f"cold load, {metrics} x {steps} points ({points / 1e6:.1f}M):")
    print(f"  dvclive_tui load_run          {ours:8.3f} s   (goal <= 0.5 s)")
    print(
        f"  read + polars.read_csv floor  {floor:8.3f} s   "
        f"(ours / floor {ours / floor:.2f} x: the data layer's own overhead)"
    )
    print(
        f"  dvclive parse_tsv + float()   {anchor:8.3f} s   "
        f"(measured on {len(sample)} of {len(files)} files, extrapolated)"
    )
    print(f"  speed-up vs dvclive's reader  {anchor / ours:8.1f} x")
    print("memory held:")
    python_lists = points * (3 * 8 + 24 + 28 + 28)  # 3 list slots + float + 2 small ints
    print(f"  bytes per point               {held / points:8.2f}     (goal <= 16)")
    print(
        f"  Python lists (anchor)         {python_lists / points:8.2f}     "
        f"(ratio {python_lists / held:.1f} x)"
    )


def bench_ls_process(run: Path) -> None:
    def ls_json() -> None:
        subprocess.run(
            [sys.executable, "-m", "dvclive_tui", "ls", str(run), "--json"],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = best_of(3, ls_json)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / 3

    def imports_only() -> None:
        code = "import dvclive_tui.cli, dvclive_tui.commands.ls, polars"
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)

    anchor = best_of(3, bare)
    start_up = best_of(3, imports_only)
    print("whole process:")
    print(f"  dvclive-tui ls DIR --json     {ours:8.3f} s   (goal <= 1.5 s)")
    print(f"    its CPU time (user + sys)   {cpu:8.3f} s   (mean of 3; wall > CPU = waiting)")
    print(f"  python -c pass (anchor)       {anchor:8.3f} s   (ratio {ours / anchor:.1f} x)")
    print(
        f"  start-up + imports of ls      {start_up:8.3f} s   "
        f"({start_up / ours:.0%} of ls; the rest reads and prints)"
    )


def bench_idle_poll(root: Path) -> None:
    run = root / "idle"
    metrics = run / "plots" / "metrics"
    metrics.mkdir(parents=True)
    files = []
    for index in range(100):
        path = metrics / f"m{index:03d}.tsv"
        path.write_text("timestamp\tstep\tm\n1700000000000\t0\t0.5\n", encoding="utf-8")
        files.append(path)
    (run / "metrics.json").write_text('{"m": 0.5}\n', encoding="utf-8")
    (run / "params.yaml").write_text("lr: 0.1\n", encoding="utf-8")
    reader = RunReader(run)
    reader.poll()
    assert len(reader.run.metrics) == 100
    samples = []
    for _ in range(500):
        start = time.perf_counter()
        changes = reader.poll()
        samples.append(time.perf_counter() - start)
        assert not changes.new_points
    ours = statistics.median(samples)

    def sweep() -> None:  # what a poll needs of an idle file: one look at its path
        for path in files:
            os.lstat(path)

    anchor = statistics.median(best_of(1, sweep) for _ in range(500))
    print("poll when nothing changed, 100 metric files:")
    print(f"  RunReader.poll (median)       {ours * 1e3:8.3f} ms  (goal <= 2 ms)")
    print(f"  lstat x100 anchor             {anchor * 1e3:8.3f} ms  (ratio {ours / anchor:.1f} x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metrics", type=int, default=50)
    parser.add_argument("--steps", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_reader_") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        run = make_run(root, args.metrics, args.steps)
        print(f"generated in {time.perf_counter() - start:.1f} s: {run}")
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"{os.cpu_count()} CPUs, load average {load} (figures are noisy when loaded)")
        bench_cold_load(run, args.metrics, args.steps)
        bench_ls_process(run)
        bench_idle_poll(root)


if __name__ == "__main__":
    main()
