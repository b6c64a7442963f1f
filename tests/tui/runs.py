"""Deterministic dvclive directories for the app tests, written by ``dvclive_writer``.

Numbers come from a seeded RNG and every file's mtime is pinned, so a run looks the same
(started, last write, status) to a reader with an injected clock.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Iterable
from pathlib import Path

from dvclive_writer import Live

#: Wall-clock time every fixture file is dated to.
FROZEN = 1_700_000_000.0


def write_run(
    directory: Path,
    *,
    steps: int = 30,
    seed: int = 0,
    nan_at: int | None = None,
    images: bool = False,
    plots: bool = False,
    system: bool = False,
    extra_metrics: Iterable[str] = (),
) -> Path:
    """Write a small training run to ``directory`` and return it.

    No report is written: ``dvclive_writer``'s final report.html marks a run finished, and
    these runs must read as running (last write within the stall threshold) until the
    test's clock moves on.
    """
    rng = random.Random(seed)
    with Live(str(directory), save_dvc_exp=False, report=None) as live:
        live.log_params(
            {"model": {"name": "mlp", "layers": 3}, "optimizer": {"lr": 0.01}, "epochs": steps}
        )
        for step in range(steps):
            decay = math.exp(-3 * step / max(1, steps))
            loss = 0.1 + decay + rng.gauss(0, 0.03)
            if nan_at is not None and step >= nan_at:
                loss = float("nan")
            live.log_metric("train/loss", loss)
            live.log_metric("train/acc", 0.95 - 0.6 * decay + rng.gauss(0, 0.01))
            live.log_metric("eval/loss", 0.2 + decay + rng.gauss(0, 0.05))
            for name in extra_metrics:
                live.log_metric(name, rng.random())
            if system:
                live.log_metric("system/cpu/usage (%)", 40 + 20 * rng.random())
                live.log_metric("system/ram/usage (GB)", 3 + rng.random())
            if images:
                live.log_image(f"samples/{live.step}.png", _image(step))
            live.next_step()
        if plots:
            truth = [rng.choice("abc") for _ in range(60)]
            predicted = [t if rng.random() < 0.8 else rng.choice("abc") for t in truth]
            live.log_sklearn_plot("confusion_matrix", truth, predicted)
    freeze(directory)
    return directory


def append_step(directory: Path, metric: str, step: int, value: float) -> None:
    """Append one row to a metric's TSV, as a running writer would."""
    path = directory / "plots" / "metrics" / f"{metric}.tsv"
    with path.open("a") as handle:
        handle.write(f"{step}\t{value}\n")


def freeze(directory: Path, at: float = FROZEN) -> None:
    """Date every file and folder under ``directory`` to ``at``."""
    for root, folders, files in os.walk(directory):
        for name in [*files, *folders]:
            os.utime(Path(root) / name, (at, at))
    os.utime(directory, (at, at))


def _image(step: int) -> object:
    from PIL import Image

    image = Image.new("RGB", (16, 16))
    for x in range(16):
        for y in range(16):
            image.putpixel((x, y), ((x * 16 + step * 8) % 256, y * 16, 128))
    return image
