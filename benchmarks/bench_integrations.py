"""Per-step logging overhead of a Lightning logger: dvclive 3.49.1's vs dvclive_writer's.

Run: ``.venv/bin/python benchmarks/bench_integrations.py [--quick]`` (needs the ``frameworks``
extra).

A tiny model is fitted on the CPU with ``Trainer(log_every_n_steps=1)``; each training step
logs 20 metrics (``self.log_dict``, on step). Three fits run, each in its own process and
temporary folder outside Git, with each logger's defaults: no logger (the anchor), dvclive's
``DVCLiveLogger`` and ours. A callback stamps the end of every training batch with the
process's CPU time (all its threads, so work a logger moves to a thread still counts; time
spent waiting for a busy machine's cores does not), torch on one thread; a step's time is the
gap between two stamps. The overhead of a logger at step N is the median step time of
its fit in a window around N minus the anchor's median in the same window. On a loaded
machine that difference is noisy at the 0.1 ms scale, so the CPU time spent inside the
logger's ``log_metrics`` calls is also measured per step (the logger's own share of it).
Targets: at step 4000 at least 50x less overhead than dvclive, and at most 1 % of a 10 ms
training step (0.1 ms) at any step.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
METRICS = 20
WINDOW = 41
TARGET_STEP_MS = 10.0


def fit(logger_name: str, steps: int) -> dict[str, list[float]]:
    """Fit the tiny model for ``steps`` steps with ``logger_name``.

    Returns every step's CPU milliseconds (``step``) and those spent in ``log_metrics``
    (``inside``, one entry per call).
    """
    import lightning as L
    import torch

    L.seed_everything(0, verbose=False)
    torch.set_num_threads(1)
    stamps: list[int] = []

    class Stamp(L.Callback):
        def on_train_batch_end(self, *args: Any, **kwargs: Any) -> None:
            stamps.append(time.process_time_ns())

    class Tiny(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(8, 1)

        def training_step(self, batch: Any, _: int) -> Any:
            loss = torch.nn.functional.mse_loss(self.layer(batch[0]), batch[1])
            self.log_dict({f"train_m{i}": loss + i for i in range(METRICS)}, on_step=True)
            return loss

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=0.01)

    logger: Any = False
    if logger_name == "dvclive":
        from dvclive.lightning import DVCLiveLogger

        logger = DVCLiveLogger()
    elif logger_name == "ours":
        from dvclive_writer.lightning import DVCLiveLogger as OurLogger

        logger = OurLogger()
    inside: list[float] = []
    if logger:
        log_metrics = logger.log_metrics

        def timed(*args: Any, **kwargs: Any) -> None:
            start = time.process_time_ns()
            log_metrics(*args, **kwargs)
            inside.append((time.process_time_ns() - start) / 1e6)

        logger.log_metrics = timed
    data = torch.utils.data.TensorDataset(torch.randn(64, 8), torch.randn(64, 1))
    trainer = L.Trainer(
        logger=logger,
        max_steps=steps,
        log_every_n_steps=1,
        accelerator="cpu",
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[Stamp()],
    )
    trainer.fit(Tiny(), torch.utils.data.DataLoader(data, batch_size=8))
    steps_ms = [(b - a) / 1e6 for a, b in itertools.pairwise(stamps)]
    return {"step": steps_ms, "inside": inside}


def window_median(times: list[float], step: int) -> float:
    """Median milliseconds of the steps around ``step``."""
    start = max(0, step - WINDOW // 2)
    return statistics.median(times[start : start + WINDOW])


def run_one(logger_name: str, steps: int) -> dict[str, list[float]]:
    """:func:`fit` in a fresh process and temporary folder (outside any Git repository)."""
    with tempfile.TemporaryDirectory(prefix="bench-integrations-") as tmp:
        env = {**os.environ, "DVC_NO_ANALYTICS": "1", "DVC_STUDIO_OFFLINE": "1"}
        env["PYTHONPATH"] = str(ROOT)
        result = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--one",
                logger_name,
                "--steps",
                str(steps),
            ],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    times: dict[str, list[float]] = json.loads(result.stdout.splitlines()[-1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="steps 100 and 400 only")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(fit(args.one, args.steps)))
        return

    points = [100, 400] if args.quick else [100, 4000]
    steps = points[-1] + WINDOW
    times = {name: run_one(name, steps) for name in ("none", "ours", "dvclive")}

    print(f"\nLightning fit, {METRICS} metrics logged per step, median CPU ms per step")
    header = f"{'step':>6} {'no logger':>10} {'dvclive':>9} {'ours':>8}"
    print(header + f" {'dvclive +':>10} {'ours +':>8} {'ratio':>7} {'ours/10ms':>10}")
    for step in points:
        anchor = window_median(times["none"]["step"], step)
        theirs = window_median(times["dvclive"]["step"], step)
        ours = window_median(times["ours"]["step"], step)
        over_theirs, over_ours = theirs - anchor, ours - anchor
        ratio = over_theirs / over_ours if over_ours > 0 else float("inf")
        share = max(over_ours, 0.0) / TARGET_STEP_MS * 100
        print(
            f"{step:>6} {anchor:>10.3f} {theirs:>9.3f} {ours:>8.3f} {over_theirs:>10.3f} "
            f"{over_ours:>8.3f} {ratio:>6.0f}x {share:>9.2f}%"
        )
    print("(+: overhead over the no-logger fit; ratio: dvclive's overhead / ours)")

    print("\nCPU ms inside the logger's log_metrics per step (median of the window)")
    print(f"{'step':>6} {'dvclive':>9} {'ours':>8} {'ratio':>7} {'ours/10ms':>10}")
    for step in points:
        theirs = window_median(times["dvclive"]["inside"], step)
        ours = window_median(times["ours"]["inside"], step)
        share = ours / TARGET_STEP_MS * 100
        print(f"{step:>6} {theirs:>9.3f} {ours:>8.3f} {theirs / ours:>6.0f}x {share:>9.2f}%")


if __name__ == "__main__":
    main()
