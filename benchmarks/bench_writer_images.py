"""Per-step cost with one image per step: dvclive 3.49.1 (the anchor) vs dvclive_writer.

Each step logs 10 metrics and one small PNG with the per-step pattern
``log_image(f"steps/{step}.png", img)``, then calls ``next_step()``; both writers run outside
Git with ``save_dvc_exp=False, report=None``. Prints the median step time near step 0 and near
the last step, the growth ratio (late/early) of each writer and how many times faster ours is.

    .venv/bin/python benchmarks/bench_writer_images.py [--steps 4000] [--window 100]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from types import ModuleType

import dvclive
from PIL import Image

import dvclive_writer


def run(module: ModuleType, steps: int) -> list[float]:
    """Seconds taken by each step of a run written with ``module.Live``."""
    image = Image.new("RGB", (16, 16), (30, 60, 90))
    durations: list[float] = []
    with tempfile.TemporaryDirectory() as root:
        cwd = os.getcwd()
        os.chdir(root)
        try:
            live = module.Live(save_dvc_exp=False, report=None)
            for step in range(steps):
                start = time.perf_counter()
                for i in range(10):
                    live.log_metric(f"train/metric_{i}", step * 0.001 + i)
                live.log_image(f"steps/{step}.png", image)
                live.next_step()
                durations.append(time.perf_counter() - start)
            live.end()
        finally:
            os.chdir(cwd)
    return durations


def main() -> None:
    """Run both writers and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--window", type=int, default=100)
    args = parser.parse_args()

    results = {}
    for label, module in (("dvclive", dvclive), ("dvclive_writer", dvclive_writer)):
        durations = run(module, args.steps)
        early = statistics.median(durations[: args.window]) * 1000
        late = statistics.median(durations[-args.window :]) * 1000
        results[label] = (early, late, sum(durations))
        print(
            f"{label:15s} median step near 0: {early:7.3f} ms   near {args.steps}: {late:7.3f} ms"
            f"   growth late/early: {late / early:5.2f}x   total: {sum(durations):6.2f} s"
        )
    (d_early, d_late, d_total), (o_early, o_late, o_total) = results.values()
    print(
        f"dvclive/ours: near 0 {d_early / o_early:.0f}x, near {args.steps} {d_late / o_late:.0f}x,"
        f" total {d_total / o_total:.0f}x"
    )


if __name__ == "__main__":
    main()
