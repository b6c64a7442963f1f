"""A deterministic sweep for the runs-view tests: many runs, written by ``dvclive_writer``.

``runs/<NN>/dvclive`` for ``NN`` in ``00..count-1``: params ``lr`` (four values),
``batch`` (two values) and ``seed``; metrics ``train/loss``, ``eval/loss`` and
``eval/acc`` from a seeded RNG, the losses lower for higher learning rates. Every file is
dated (``freeze``): the first :data:`RUNNING` runs to :data:`FROZEN` + 40 (the tests'
clock reads ``FROZEN + 42``: recent writes), the others to :data:`FROZEN`.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from dvclive_writer import Live
from tests.tui.runs import FROZEN, freeze

LRS = (0.001, 0.003, 0.01, 0.03)
BATCHES = (32, 64)
RUNNING = 5


def sweep_dir(root: Path, index: int) -> Path:
    """The dvclive directory of run ``index``."""
    return root / "runs" / f"{index:02d}" / "dvclive"


def write_sweep(root: Path, count: int, *, steps: int = 30) -> list[Path]:
    """Write ``count`` runs under ``root / "runs"``; return their directories."""
    written = []
    for index in range(count):
        lr, batch = LRS[index % len(LRS)], BATCHES[(index // len(LRS)) % len(BATCHES)]
        rng = random.Random(index)
        directory = sweep_dir(root, index)
        floor = 0.05 + 0.4 * (1 - math.log10(lr / LRS[0]) / math.log10(LRS[-1] / LRS[0]))
        floor += 0.1 * rng.random()
        with Live(str(directory), save_dvc_exp=False, report=None) as live:
            live.log_params({"lr": lr, "batch": batch, "seed": index})
            for step in range(steps - index % 3):
                decay = math.exp(-4 * step / steps)
                live.log_metric("train/loss", floor + decay + rng.gauss(0, 0.02))
                live.log_metric("eval/loss", floor + 0.05 + decay + rng.gauss(0, 0.03))
                live.log_metric("eval/acc", 0.98 - floor - 0.5 * decay + rng.gauss(0, 0.01))
                live.next_step()
        freeze(directory, FROZEN + 40 if index < RUNNING else FROZEN)
        written.append(directory)
    return written
