"""report.html for 50 metrics x 100k steps, ours vs dvclive's ``make_report``; writer per-step
cost at step 4000 with the default report on.

Run: ``.venv/bin/python benchmarks/bench_report.py [--full] [--skip-writer]``

Part 1 writes 50 metric histories of 100k steps each (random walks, in dvclive's TSV format)
plus params and a summary, then times:

- ours, cold: ``load_run`` (parse every TSV) + render + atomic write of report.html;
- ours, regeneration: a :class:`ReportBuilder` that already read the run rebuilds after one
  new row per metric (what the writer does every 5 s during training);
- dvclive 3.49.1's ``dvclive.report.make_report`` on the same files. dvclive turns every TSV
  row into a dict and inlines all of them; at 100k steps that is 5M dicts (GBs of memory), so
  by default it runs on the first 10k steps of each metric and its time and size are
  extrapolated linearly x10 (printed as such; both grow linearly in rows). ``--full`` runs it
  on all 100k.

Targets: ours <= 1 s and <= 3 MB.

Part 2: report.md for 10 metrics x 4000 steps, ours (first build, a rebuild with nothing
changed, a rebuild after one metric grew) against dvclive's md report (matplotlib).

Part 3 (per-step cost, 10 metrics + ``next_step()``, median of 40 steps near step 4000) reuses
``benchmarks/bench_writer.py``: dvclive with its default settings (no report) against ours
with ours' default (``report="html"``, rebuilt at most every 5 s, in a background thread).
The cost of one report build at step 4000 is printed too, with its share of 5 s of training
(the rate limit).
Target: >= 100x.

Part 4 (the training thread during rebuilds): 30k steps of 10 metrics with the html report
rebuilt at least every 0.5 s instead of 5 s (so a short loop sees many rebuilds), three ways
in the same run: no report (the anchor), rebuilds in the training thread (round 1's
design), and rebuilds in the background thread (the default). Printed: total seconds, the
median, 99.9th percentile and worst step, and the synchronous final build at ``end()``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

METRICS = 50
STEPS = 100_000
DVCLIVE_STEPS = 10_000


def write_histories(run_dir: Path, steps: int, seed: int = 0) -> None:
    """``METRICS`` TSVs of ``steps`` rows (random walks), params.yaml and metrics.json."""
    rng = np.random.default_rng(seed)
    metrics = run_dir / "plots" / "metrics"
    for index in range(METRICS):
        folder = metrics / ("train" if index % 2 else "val")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"metric_{index}"
        values = np.cumsum(rng.standard_normal(steps)).tolist()
        rows = "".join(f"{step}\t{value!r}\n" for step, value in enumerate(values))
        (folder / f"{name}.tsv").write_text(f"step\t{name}\n{rows}", encoding="utf-8")
    (run_dir / "params.yaml").write_text("lr: 0.001\nepochs: 100000\n", encoding="utf-8")
    summary = json.dumps({"step": steps - 1}, indent=4) + "\n"
    (run_dir / "metrics.json").write_text(summary, encoding="utf-8")


def truncate_histories(source: Path, target: Path, steps: int) -> None:
    """Copy ``source``'s run keeping the first ``steps`` rows of each TSV."""
    for path in source.rglob("*"):
        if path.is_dir():
            continue
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".tsv":
            with open(path, encoding="utf-8") as fobj:
                lines = [next(fobj) for _ in range(steps + 1)]
            out.write_text("".join(lines), encoding="utf-8")
        else:
            out.write_bytes(path.read_bytes())


def time_ours(run_dir: Path) -> dict[str, float]:
    from dvclive_writer.read.reader import load_run
    from dvclive_writer.report.builder import ReportBuilder, write_report
    from dvclive_writer.report.content import Experiment

    report = run_dir / "report.html"
    write_report([Experiment("workspace", load_run(run_dir))], "html", report)  # warm imports
    colds = []
    for _ in range(3):
        start = time.perf_counter()
        write_report([Experiment("workspace", load_run(run_dir))], "html", report)
        colds.append(time.perf_counter() - start)
    size = report.stat().st_size

    builder = ReportBuilder(run_dir, "html")
    builder.build(live=True)
    regens = []
    for extra in range(3):
        for tsv in (run_dir / "plots" / "metrics").rglob("*.tsv"):
            with open(tsv, "a", encoding="utf-8") as fobj:
                fobj.write(f"{STEPS + extra}\t0.5\n")
        start = time.perf_counter()
        builder.build(live=True)
        regens.append(time.perf_counter() - start)
    return {"cold": min(colds), "regen": min(regens), "size": size}


def time_dvclive(run_dir: Path) -> dict[str, float]:
    import dvclive
    from dvclive.report import make_report

    logging.getLogger("dvclive").setLevel(logging.ERROR)
    old = os.getcwd()
    os.chdir(run_dir.parent)
    try:
        live = dvclive.Live(run_dir.name, resume=True, report="html", save_dvc_exp=False)
        start = time.perf_counter()
        make_report(live)
        seconds = time.perf_counter() - start
    finally:
        os.chdir(old)
    return {"time": seconds, "size": (run_dir / "report.html").stat().st_size}


def bench_report(full: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        ours_dir = Path(tmp) / "ours" / "dvclive"
        print(f"writing {METRICS} metrics x {STEPS} steps ...", file=sys.stderr, flush=True)
        write_histories(ours_dir, STEPS)
        theirs_steps = STEPS if full else DVCLIVE_STEPS
        theirs_dir = Path(tmp) / "theirs" / "dvclive"
        truncate_histories(ours_dir, theirs_dir, theirs_steps)
        ours = time_ours(ours_dir)
        print(f"dvclive make_report on {theirs_steps} steps ...", file=sys.stderr, flush=True)
        theirs = time_dvclive(theirs_dir)

    scale = STEPS / theirs_steps
    their_time = theirs["time"] * scale
    their_size = theirs["size"] * scale
    how = "measured" if scale == 1 else f"measured at {theirs_steps} steps, x{scale:.0f} (linear)"
    print(f"\nreport.html, {METRICS} metrics x {STEPS} steps")
    print(f"{'':32} {'seconds':>9} {'MB':>9}")
    print(f"{'ours, cold (parse + render)':32} {ours['cold']:>9.3f} {ours['size'] / 1e6:>9.2f}")
    print(f"{'ours, regeneration (+1 row each)':32} {ours['regen']:>9.3f}")
    print(f"{'dvclive make_report':32} {their_time:>9.2f} {their_size / 1e6:>9.1f}   ({how})")
    print(f"{'dvclive, as measured':32} {theirs['time']:>9.2f} {theirs['size'] / 1e6:>9.1f}")
    print(
        f"ratios dvclive/ours: time {their_time / ours['cold']:.0f}x (cold), "
        f"{their_time / ours['regen']:.0f}x (regeneration); size {their_size / ours['size']:.0f}x"
    )
    verdict = ours["cold"] <= 1.0 and ours["size"] <= 3e6
    print(f"targets (<= 1 s, <= 3 MB): {'met' if verdict else 'NOT met'}")


def bench_markdown() -> None:
    """report.md for 10 metrics x 4000 steps: ours (first build, unchanged, one metric
    changed) against dvclive's matplotlib-based md report, which redraws every PNG."""
    import dvclive
    from dvclive.report import make_report

    from dvclive_writer.report.builder import ReportBuilder

    logging.getLogger("dvclive").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="bench-report-md-") as tmp:
        run_dir = Path(tmp) / "dvclive"
        write_histories(run_dir, 4000)
        for path in list((run_dir / "plots" / "metrics").rglob("*.tsv"))[10:]:
            path.unlink()
        builder = ReportBuilder(run_dir, "md")
        timings = []
        for change in (None, None, "val/metric_0.tsv"):
            if change is not None:
                with open(run_dir / "plots" / "metrics" / change, "a", encoding="utf-8") as fobj:
                    fobj.write("4000\t0.5\n")
            start = time.perf_counter()
            builder.build()
            timings.append(time.perf_counter() - start)
        drawn = builder.cache.drawn
        old = os.getcwd()
        os.chdir(tmp)
        try:
            live = dvclive.Live("dvclive", resume=True, report="md", save_dvc_exp=False)
            make_report(live)  # warm: imports matplotlib
            start = time.perf_counter()
            make_report(live)
            theirs = time.perf_counter() - start
        finally:
            os.chdir(old)
    print("\nreport.md, 10 metrics x 4000 steps, seconds")
    print(f"ours, first build (draws 10 PNGs)         {timings[0]:>7.3f}")
    print(f"ours, rebuild, nothing changed (0 PNGs)   {timings[1]:>7.3f}")
    print(f"ours, rebuild, one metric grew (1 PNG)    {timings[2]:>7.3f}")
    print(f"PNGs drawn in total: {drawn}")
    print(f"dvclive md report (matplotlib, warm)      {theirs:>7.3f}")
    print(
        f"ratios dvclive/ours: {theirs / timings[0]:.1f}x (first), "
        f"{theirs / timings[2]:.1f}x (one metric changed)"
    )


def bench_writer_steps() -> None:
    import bench_writer

    import dvclive_writer

    logging.getLogger("dvclive_writer").setLevel(logging.ERROR)
    theirs = bench_writer.bench_dvclive()  # dvclive defaults: no report
    with bench_writer.workdir():
        live = dvclive_writer.Live()  # our defaults: report="html"
        assert str(live.report_file).endswith("report.html")
        first = bench_writer.one_step(live, 0.5)  # the first report build
        bench_writer.run_until(live, 4000 - bench_writer.WINDOW, lambda step: None)
        samples = [bench_writer.one_step(live, 0.5) for _ in range(bench_writer.WINDOW)]
        median = statistics.median(samples)
        start = time.perf_counter()
        live.make_report()  # one rebuild at step 4000, in this thread (incremental read)
        build_ms = (time.perf_counter() - start) * 1000
        live.end()
    ratio = theirs["4000"] / median
    print("\nper step at step 4000 (10 metrics + next_step), median of 40, ms")
    print(f"dvclive (default: no report)      {theirs['4000']:>8.3f}")
    print(f"ours (default: report.html)       {median:>8.3f}   dvclive/ours = {ratio:.0f}x")
    print(f"ours, mean over the same window   {statistics.fmean(samples):>8.3f}")
    print(f"ours, first step (starts the first build in the background) {first:>8.1f}")
    print(
        f"one report rebuild at step 4000: {build_ms:.1f} ms, at most once per 5 s "
        f"= {build_ms / 5000 * 100:.2f}% of training time"
    )
    print(f"target (>= 100x): {'met' if ratio >= 100 else 'NOT met'}")

    first_step = "from dvclive_writer import Live; live = Live(report={}); "
    first_step += "live.log_metric('a', 1.0); live.next_step()"
    without = bench_writer.process_seconds(first_step.format("None"))
    with_html = bench_writer.process_seconds(first_step.format("'html'"))
    print("\nwhole process: import, Live(), one metric, one next_step; median of 7, seconds")
    print(f"report=None   {without:>7.3f}")
    print(f"report='html' {with_html:>7.3f}   (+{with_html - without:.3f} s: the report stack)")


LOOP_STEPS = 30_000
LOOP_INTERVAL_S = 0.5


def loop_with_rebuilds(how: str) -> dict[str, float]:
    """``LOOP_STEPS`` real steps; ``how`` is ``none``, ``caller`` or ``background``."""
    import bench_writer

    import dvclive_writer
    from dvclive_writer.report.schedule import attach

    with bench_writer.workdir():
        live = dvclive_writer.Live(report=None if how == "none" else "html", save_dvc_exp=False)
        scheduler = None
        if how != "none":
            scheduler = attach(live, min_interval=LOOP_INTERVAL_S, background=how == "background")
        start = time.perf_counter()
        times = sorted(bench_writer.one_step(live, 0.5) for _ in range(LOOP_STEPS))
        total = time.perf_counter() - start
        start = time.perf_counter()
        live.end()
        end_ms = (time.perf_counter() - start) * 1000
    return {
        "total": total,
        "median": statistics.median(times),
        "p999": times[int(len(times) * 0.999)],
        "max": times[-1],
        "end": end_ms,
        "builds": scheduler.builds if scheduler is not None else 0,
    }


def bench_training_thread() -> None:
    rows = {how: loop_with_rebuilds(how) for how in ("none", "caller", "background")}
    print(
        f"\n{LOOP_STEPS} steps (10 metrics), html report rebuilt at most every "
        f"{LOOP_INTERVAL_S} s; ms per step"
    )
    print(
        f"{'rebuilds':22} {'total s':>8} {'median':>8} {'p99.9':>8} {'worst':>8} "
        f"{'end()':>8} {'builds':>7}"
    )
    labels = {
        "none": "no report (anchor)",
        "caller": "in the training thread",
        "background": "background (default)",
    }
    for how, row in rows.items():
        print(
            f"{labels[how]:22} {row['total']:>8.2f} {row['median']:>8.3f} {row['p999']:>8.2f} "
            f"{row['max']:>8.1f} {row['end']:>8.1f} {row['builds']:>7.0f}"
        )
    caller, background = rows["caller"], rows["background"]
    print(
        f"worst step: {caller['max'] / background['max']:.1f}x shorter in the background; "
        f"vs no report {background['max'] / rows['none']['max']:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="dvclive on all 100k steps")
    parser.add_argument("--skip-writer", action="store_true", help="skip the per-step part")
    args = parser.parse_args()
    bench_report(args.full)
    bench_markdown()
    if not args.skip_writer:
        bench_writer_steps()
        bench_training_thread()


if __name__ == "__main__":
    main()
