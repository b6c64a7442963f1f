"""Fleets of runs in the layouts sweeps and clusters produce, written by a real writer.

Each layout is a list of run directories relative to a root:

- ``dvc-queue``: DVC's queued and ``--temp`` workspaces, ``.dvc/tmp/exps/tmpXXXX/dvclive``
  and ``.dvc/tmp/exps/standalone/tmpXXXX/dvclive``, next to the workspace's ``dvclive``;
- ``optuna``: one folder per trial under ``dvclive-optuna/`` (objective in the summary only);
- ``slurm``: array jobs on shared storage, ``runs/<job>/<task>/dvclive``;
- ``ranks``: one folder per host and rank, ``logs/<host>/rank<k>``.

``writer`` is ``"dvclive_writer"`` or ``"dvclive"`` (the real dvclive 3.49.1).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.data.conftest import inside

LAYOUTS: dict[str, list[str]] = {
    "dvc-queue": [
        "dvclive",
        ".dvc/tmp/exps/tmp3x9ab1/dvclive",
        ".dvc/tmp/exps/tmpq7d2k0/dvclive",
        ".dvc/tmp/exps/standalone/tmpz81mn4/dvclive",
    ],
    "optuna": [f"dvclive-optuna/trial-{index}" for index in range(4)],
    "slurm": [f"runs/{job}/{task}/dvclive" for job in (41870, 41871) for task in range(3)],
    "ranks": [f"logs/{host}/rank{rank}" for host in ("gpu01", "gpu02") for rank in range(2)],
}


def live_class(writer: str) -> Callable[..., Any]:
    """``Live`` of the chosen writer."""
    if writer == "dvclive":
        from dvclive import Live as RealLive

        return RealLive  # type: ignore[no-any-return]
    from dvclive_writer import Live

    return Live


def write_fleet_run(
    root: Path,
    rel: str,
    writer: str,
    *,
    steps: int = 8,
    seed: int = 0,
    summary_only: bool = False,
    nan_at: int | None = None,
) -> Path:
    """Write one run at ``root / rel`` with ``writer``; return its directory."""
    live_type = live_class(writer)
    rng = random.Random(seed)
    with inside(root), live_type(rel, save_dvc_exp=False, report=None) as live:
        live.log_params({"lr": round(0.001 * (seed + 1), 6), "seed": seed})
        if summary_only:
            live.summary["metric"] = 0.5 + 0.1 * seed
            return root / rel
        for step in range(steps):
            loss = math.exp(-step / 4) + rng.random() * 0.01
            if nan_at is not None and step >= nan_at:
                loss = math.nan
            live.log_metric("train/loss", loss)
            live.log_metric("val/acc", 0.5 + step * 0.05)
            live.next_step()
    return root / rel


def write_fleet(root: Path, layout: str, writer: str, **options: Any) -> list[Path]:
    """Every run of ``layout`` under ``root``; returns their absolute directories."""
    summary_only = layout == "optuna"
    if layout == "dvc-queue":
        (root / ".dvc" / "tmp" / "exps").mkdir(parents=True, exist_ok=True)
    return [
        write_fleet_run(root, rel, writer, seed=index, summary_only=summary_only, **options)
        for index, rel in enumerate(LAYOUTS[layout])
    ]
