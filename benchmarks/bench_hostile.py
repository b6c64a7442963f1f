"""Benchmark: every command on every case of the hostile corpus, against a normal run.

Run: ``.venv/bin/python benchmarks/bench_hostile.py [--cases PATTERN] [--fresh]``

Builds the corpus of ``tests/hostile/corpus.py`` in a temporary folder and runs every
command of a case on it. For each command it prints the worst case (most wall time, and
most RSS) against the anchor: the same command on a normal run with the same number of
metric files (the corpus's base run, plus small well-formed metrics up to that count).
The issue's bound is 5 s and 300 MB for any command on any case.

By default commands run in forked children of one warm process (the corpus tests' fork
server): times are the command's own work, RSS includes the warm process's imports. With
``--fresh`` every command is a new ``dvclive-tui`` process (imports included), as a user
runs it; its RSS is the peak it reports itself (``tests/peak_rss.py``); ``watch`` needs a
terminal and runs in the fork mode only (driven by Pilot). Permission cases need a second
user and are skipped here (the tests run them).
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile.corpus import COMMANDS, Case, build_case, every_case  # noqa: E402
from tests.hostile.harness import ARGV, HANG_LIMIT_S, ForkServer, make_removable  # noqa: E402
from tests.peak_rss import run_measured  # noqa: E402

TUI = str(Path(sys.executable).with_name("dvclive-tui"))


@dataclass
class Figure:
    """One command on one case."""

    case: str
    wall: float
    cpu: float
    rss_mb: float
    killed: bool


def metric_count(run: Path) -> int:
    """Metric files (``.tsv``/``.csv`` under ``plots/metrics``) of a run."""
    folder = run / "plots" / "metrics"
    count = 0
    for _current, _folders, files in os.walk(folder):
        count += sum(name.endswith((".tsv", ".csv")) for name in files)
    return count


def anchor_case(count: int) -> Case:
    """A normal run with ``count`` metric files (the base run's two, plus small ones)."""

    def build(run: Path, outside: Path) -> None:
        extra = run / "plots" / "metrics" / "extra"
        extra.mkdir(parents=True, exist_ok=True)
        for index in range(max(0, count - 2)):
            (extra / f"m{index:05d}.tsv").write_text("timestamp\tstep\tv\n1\t0\t1.0\n2\t1\t0.5\n")

    return Case(f"anchor/{count}-metrics", build)


def run_fresh(command: str, repo: Path) -> Figure:
    """``command`` as a new process; its peak RSS as it reports it (``tests/peak_rss.py``)."""
    start = time.monotonic()
    before = os.times()
    try:
        _result, peak = run_measured(ARGV[command], repo, timeout=HANG_LIMIT_S)
        killed = False
    except subprocess.TimeoutExpired:
        peak, killed = None, True
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return Figure("", time.monotonic() - start, cpu, (peak or 0) / 1024, killed)


def measure(case: Case, scratch: Path, server: ForkServer | None) -> tuple[dict[str, Figure], int]:
    """Build ``case`` and run its commands: the figures by command, and its metric count."""
    folder = scratch / re.sub(r"[^\w.@#-]", "_", case.name)
    repo, run, _outside = build_case(case, folder)
    count = metric_count(run)
    figures = {}
    for command in case.commands or COMMANDS:
        if server is None and command == "watch":
            continue
        results = folder / "results" / command.replace(" ", "_")
        results.mkdir(parents=True)
        if server is None:
            figure = run_fresh(command, repo)
        else:
            outcome = server.run(command, repo, results)
            figure = Figure("", outcome.wall, outcome.cpu, outcome.rss_mb, outcome.killed)
        figure.case = case.name
        figures[command] = figure
    make_removable(folder)
    shutil.rmtree(folder, ignore_errors=True)
    return figures, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="*", help="fnmatch pattern on case names")
    parser.add_argument("--fresh", action="store_true", help="a new process per command")
    args = parser.parse_args()
    cases = [
        case
        for case in every_case()
        if fnmatch.fnmatch(case.name, args.cases) and not case.nonroot and not case.watch_slow
    ]
    scratch = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    server = None if args.fresh else ForkServer(scratch / "server.log")
    worst: dict[str, list[Figure]] = {command: [] for command in COMMANDS}
    anchors: dict[int, dict[str, Figure]] = {}
    counts: dict[str, int] = {}
    started = time.monotonic()
    try:
        for case in cases:
            figures, counts[case.name] = measure(case, scratch, server)
            for command, figure in figures.items():
                worst[command].append(figure)
        for count in sorted(set(counts.values())):
            anchors[count], _count = measure(anchor_case(count), scratch, server)
    finally:
        if server is not None:
            server.close()
        shutil.rmtree(scratch, ignore_errors=True)
    mode = "fresh processes" if args.fresh else "forked from a warm process"
    print(f"{len(cases)} cases, {mode}, {time.monotonic() - started:.0f} s in all")
    print(
        f"{'command':<15} {'worst wall':>11} {'cpu':>6} {'anchor':>7} {'ratio':>6}  "
        f"{'worst RSS':>9} {'anchor':>7}  cases (wall / RSS)"
    )
    for command, figures in worst.items():
        if not figures:
            continue
        slow = max(figures, key=lambda figure: figure.wall)
        big = max(figures, key=lambda figure: figure.rss_mb)
        slow_anchor = anchors[counts[slow.case]][command]
        big_anchor = anchors[counts[big.case]][command]
        hung = " HUNG" if slow.killed else ""
        print(
            f"{command:<15} {slow.wall:>10.2f}s {slow.cpu:>5.2f}s {slow_anchor.wall:>6.2f}s "
            f"{slow.wall / max(slow_anchor.wall, 1e-3):>5.1f}x  {big.rss_mb:>7.0f}MB "
            f"{big_anchor.rss_mb:>5.0f}MB  {slow.case}{hung} / {big.case}"
        )
    bad = [f for figures in worst.values() for f in figures if f.wall > 5 or f.rss_mb > 300]
    print(
        f"past 5 s or 300 MB: {len(bad)}"
        + "".join(f"\n  {f.case}: {f.wall:.1f} s, {f.rss_mb:.0f} MB" for f in bad)
    )


if __name__ == "__main__":
    main()
