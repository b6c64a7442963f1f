"""A real ``dvc exp run --temp``: the live run is found and its status read from inside.

DVC runs ``--temp`` experiments in ``.dvc/tmp/exps/standalone/tmpXXXX/`` (queued ones in
``.dvc/tmp/exps/tmpXXXX/``) and sets ``DVC_ROOT`` to the repository, where dvclive writes
its ``DVCLIVE_STEP_COMPLETED`` signal file. The stage itself runs discovery on the
repository while its dvclive run is live and records what it saw.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TRAIN = """
import json, os, time
from dvclive import Live
from dvclive_writer.read.discovery import discover_runs
from dvclive_writer.read.reader import RunReader

with Live("dvclive") as live:
    for step in range(3):
        live.log_metric("loss", 1.0 / (step + 1))
        live.next_step()
    root = os.environ["REPO_ROOT"]
    found = discover_runs(root)
    readers = [RunReader(path, clock=time.time) for path in found]
    later = [RunReader(path, clock=lambda: time.time() + 3600) for path in found]
    for reader in readers + later:
        reader.poll()
    seen = {
        "cwd": os.path.relpath(os.getcwd(), root),
        "found": [os.path.relpath(path, root) for path in found],
        "now": [reader.run.status.value for reader in readers],
        "in_an_hour": [reader.run.status.value for reader in later],
        "points": [len(reader.run.metrics["loss"]) for reader in readers],
    }
    with open(os.environ["SEEN_FILE"], "w") as handle:
        json.dump(seen, handle)
"""


@pytest.mark.slow
def test_temp_experiment_is_discovered_and_running_from_its_signal_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text(TRAIN)
    (repo / "dvc.yaml").write_text(
        f"stages:\n  train:\n    cmd: {sys.executable} train.py\n    deps:\n    - train.py\n"
    )

    def run(*args: str, **env: str) -> None:
        subprocess.run(args, cwd=repo, check=True, env={**os.environ, **env})

    run("git", "init", "-q")
    run(sys.executable, "-m", "dvc", "init", "-q")
    run("git", "add", "-A")
    run("git", "commit", "-q", "-m", "init")
    seen_file = tmp_path / "seen.json"
    run(
        sys.executable, "-m", "dvc", "exp", "run", "--temp", "-q",
        REPO_ROOT=str(repo), SEEN_FILE=str(seen_file),
    )  # fmt: skip
    seen = json.loads(seen_file.read_text())
    workspace = Path(seen["cwd"])
    assert workspace.parent.as_posix() == ".dvc/tmp/exps/standalone"
    assert workspace.name.startswith("tmp")
    assert seen["found"] == [(workspace / "dvclive").as_posix()]
    assert seen["points"] == [3]
    assert seen["now"] == ["running"]
    # An hour without a step while the writer's pid is alive (the signal file under the
    # repository root, not the workspace copy): stalled, not finished.
    assert seen["in_an_hour"] == ["stalled"]
