"""Distributed training: two real processes (torchrun, gloo, CPU) yield one valid run.

See ``dvclive_writer/ranks.py``: only rank zero writes; a bare ``Live`` on another rank warns
and writes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.frameworks.conftest import OFFLINE_ENV, need
from tests.frameworks.runs import assert_listed

SCRIPTS = Path(__file__).resolve().parent / "scripts"


def torchrun(name: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``torchrun --standalone --nproc_per_node 2 scripts/<name>`` in ``cwd``."""
    full_env = {**os.environ, **OFFLINE_ENV, "DVC_NO_ANALYTICS": "1", "OMP_NUM_THREADS": "1"}
    for var in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "PYTEST_CURRENT_TEST"):
        full_env.pop(var, None)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += ["--nproc_per_node", "2", str(SCRIPTS / name)]
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**full_env, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return result


def rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text().splitlines()]


@pytest.mark.slow
def test_lightning_ddp_writes_one_run_from_rank_zero(tmp_path: Path) -> None:
    need("lightning")
    result = torchrun("ddp_lightning.py", tmp_path)
    assert "rank 0 of 2 done" in result.stderr and "rank 1 of 2 done" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
    metrics = tmp_path / "run" / "plots" / "metrics"
    step_rows = rows(metrics / "train" / "step" / "loss.tsv")
    # 32 samples, batch 4, 2 processes: 4 steps per epoch, 2 epochs, each logged once
    # (dvclive's logger takes Lightning's step 0 as "no step": the first row is step 1).
    assert step_rows[0] == ["step", "loss"] and len(step_rows) == 1 + 8
    assert [r[0] for r in step_rows[1:]] == ["1", "1", "2", "3", "4", "5", "6", "7"]
    assert len(rows(metrics / "train" / "epoch" / "loss.tsv")) == 3
    assert (tmp_path / "run" / "params.yaml").read_text() == "lr: 0.1\n"
    assert_listed(tmp_path / "run", {"train/step/loss", "train/epoch/loss", "epoch"}, {"lr"})


@pytest.mark.slow
def test_bare_live_on_rank_one_warns_and_leaves_the_run_to_rank_zero(tmp_path: Path) -> None:
    need("torch")
    result = torchrun("bare_live.py", tmp_path)
    warning = "Live(dir='run') writes nothing in this process: RANK=1, and only rank 0 writes"
    assert result.stderr.count(warning) == 1, result.stderr
    assert "rank 0 pid" in result.stdout and "rank 1 pid" in result.stdout
    run = tmp_path / "run"
    assert rows(run / "plots" / "metrics" / "rank.tsv") == [["step", "rank"]] + [
        [str(step), "0"] for step in range(5)
    ]
    assert (run / "params.yaml").read_text() == "rank: 0\n"
    assert_listed(run, {"rank", "loss"}, {"rank"})


@pytest.mark.slow
def test_every_rank_writing_the_same_dir_mixes_the_run(tmp_path: Path) -> None:
    """What the guard prevents: with it turned off, rank one's rows land in the same files."""
    need("torch")
    torchrun("bare_live.py", tmp_path, DVCLIVE_WRITER_ALL_RANKS="1")
    values = {r[1] for r in rows(tmp_path / "run" / "plots" / "metrics" / "rank.tsv")[1:]}
    assert values == {"0", "1"}
