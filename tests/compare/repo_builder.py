"""Build real git + DVC repositories with experiments saved by dvclive and dvclive_writer.

Every experiment is a real training script run in a subprocess: ``Live(save_dvc_exp=True)``
saves it through DVC at ``end()``. Shared by the compare tests (module-scoped fixtures).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

PYTHON = sys.executable
DVC = str(Path(sys.executable).with_name("dvc"))
TUI = str(Path(sys.executable).with_name("dvclive-tui"))

TRAIN_SCRIPT = textwrap.dedent(
    """
    import json, sys
    module, name, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if module == "dvclive":
        from dvclive import Live
    else:
        from dvclive_writer import Live
    with Live(params.pop("dir", "dvclive"), save_dvc_exp=True, exp_name=name,
              report=None) as live:
        live.log_params(params)
        lr = params.get("lr", 0.01)
        for step in range(params.get("epochs", 3)):
            live.log_metric("train/loss", round(1.0 / (step + 1) * lr * 10, 6))
            live.log_metric("acc", step * 0.25 + lr)
            live.log_metric("epoch", step, plot=False)
            live.next_step()
        live.summary["best"] = {"acc": 0.5 + lr}
    """
)


def env() -> dict[str, str]:
    """The subprocess environment: no analytics, no Studio, a fixed git identity."""
    values = dict(os.environ)
    values.update(
        DVC_NO_ANALYTICS="1",
        DVC_STUDIO_OFFLINE="1",
        GIT_AUTHOR_NAME="dvclive-tui tests",
        GIT_AUTHOR_EMAIL="tests@example.invalid",
        GIT_COMMITTER_NAME="dvclive-tui tests",
        GIT_COMMITTER_EMAIL="tests@example.invalid",
    )
    for name in ("DVC_ROOT", "DVC_EXP_BASELINE_REV", "DVC_EXP_NAME", "DVCLIVE_TEST"):
        values.pop(name, None)
    return values


def run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command in ``cwd`` and return its completed process."""
    result = subprocess.run(args, cwd=cwd, env=env(), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{args} failed: {result.stdout}\n{result.stderr}")
    return result


def git(cwd: Path, *args: str) -> str:
    return run(cwd, "git", *args).stdout.strip()


def init_repo(path: Path) -> None:
    """``git init`` + ``dvc init`` + a committed root ``params.yaml``."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    run(path, DVC, "init", "-q")
    (path / "params.yaml").write_text("seed: 1\ntrain:\n  lr: 0.1\n  layers: [8, 4]\n")
    (path / "train.py").write_text(TRAIN_SCRIPT)
    (path / ".gitignore").write_text("")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "init")


def train(path: Path, name: str, params: dict[str, Any], *, module: str = "dvclive") -> None:
    """Run the training script with the real dvclive (or ``dvclive_writer``) and save."""
    run(path, PYTHON, "train.py", module, name, json.dumps(params))


def exp_save(path: Path, name: str, *include: str) -> None:
    """``dvc exp save`` of the workspace as it is (``-I`` for untracked paths)."""
    args = [DVC, "exp", "save", "-q", "-n", name]
    for item in include:
        args += ["-I", item]
    run(path, *args)


def dvc_exp_show(path: Path, *flags: str) -> list[dict[str, Any]]:
    """The oracle: ``dvc exp show --json`` parsed."""
    out = run(path, DVC, "exp", "show", "--json", *flags).stdout
    return json.loads(out) if out.strip() else []


def tui_compare(path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``dvclive-tui compare ...`` as a user runs it."""
    return run(path, TUI, "compare", *args, check=check)
