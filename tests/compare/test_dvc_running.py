"""Runs in flight: a queue run executing in a celery worker, then done; a ``dvc exp run`` in
the workspace. ``compare --json`` equals ``dvc exp show --json`` at each moment."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.compare import pipeline_repo as pr
from tests.compare import repo_builder as rb

pytestmark = pytest.mark.slow

TRAIN = textwrap.dedent(
    """
    import pathlib, time, yaml
    from dvclive import Live
    signals = pathlib.Path({signals!r})
    lr = yaml.safe_load(open("params.yaml"))["lr"]
    with Live("live", report=None, dvcyaml=False) as live:
        live.log_metric("loss", 1 - lr)
        live.next_step()
        name = f"started-{{lr}}"
        (signals / name).touch()
        while not (signals / f"go-{{lr}}").exists():
            time.sleep(0.05)
    """
)

DVC_YAML = textwrap.dedent(
    """\
    stages:
      train:
        cmd: python train.py
        deps:
        - train.py
        params:
        - lr
        outs:
        - live
    metrics:
    - live/metrics.json
    """
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("running")
    path, signals = root / "project", root / "signals"
    signals.mkdir()
    path.mkdir()
    pr.sh(path, "git", "init", "-q", "-b", "main")
    pr.sh(path, rb.DVC, "init", "-q")
    (path / "params.yaml").write_text("lr: 0.1\n")
    (path / "train.py").write_text(TRAIN.format(signals=str(signals)))
    (path / "dvc.yaml").write_text(DVC_YAML)
    (path / ".gitignore").write_text("/live\n")
    pr.sh(path, "git", "add", "-A")
    pr.sh(path, "git", "commit", "-q", "-m", "pipeline")
    yield path, signals
    subprocess.run(
        [rb.DVC, "queue", "stop", "--kill"],
        cwd=path,
        env=pr.env(path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=120,
    )


def wait_for(path: Path, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.1)


def both(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    expected = pr.dvc_exp_show(path)
    actual: list[dict[str, Any]] = json.loads(pr.sh(path, rb.TUI, "compare", "--json"))
    return actual, expected


def executors(document: list[dict[str, Any]]) -> dict[str | None, Any]:
    return {item["name"]: item["executor"] for item in document[1]["experiments"] or []}


def state(path: Path, name: str) -> str | None:
    """The executor state ``compare`` reports for run ``name`` (``None`` without one)."""
    document = json.loads(pr.sh(path, rb.TUI, "compare", "--json"))
    found: str | None = (executors(document).get(name) or {}).get("state")
    return found


def test_a_queue_run_while_it_runs_and_once_done(project: tuple[Path, Path]) -> None:
    path, signals = project
    pr.sh(path, rb.DVC, "exp", "run", "--queue", "-q", "-n", "q-live", "-S", "lr=0.3")
    subprocess.run(  # the worker it starts keeps running: no pipes to wait on
        [rb.DVC, "queue", "start", "-j", "1"],
        cwd=path,
        env=pr.env(path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    wait_for(signals / "started-0.3")
    try:
        actual, expected = both(path)
        assert actual == expected
        running = executors(actual)["q-live"]
        assert running["state"] == "running" and running["name"] == "dvc-task"
        assert running["local"]["pid"] and running["local"]["root"]
        live = actual[1]["experiments"][0]["revs"][0]
        assert live["data"]["rev"] == "workspace"
        assert live["data"]["metrics"]["live/metrics.json"]["data"]["loss"] == 0.7
    finally:
        (signals / "go-0.3").touch()
    deadline = time.monotonic() + 240
    while state(path, "q-live") != "success":
        assert time.monotonic() < deadline, "the queue run never finished"
        time.sleep(0.5)
    actual, expected = both(path)
    assert actual == expected
    done = executors(actual)["q-live"]
    assert done["state"] == "success" and done["local"]["returncode"] == 0


def test_a_workspace_run_while_it_runs(project: tuple[Path, Path]) -> None:
    path, signals = project
    proc = subprocess.Popen(
        [rb.DVC, "exp", "run", "-n", "ws-live", "-S", "lr=0.5"],
        cwd=path,
        env=pr.env(path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(signals / "started-0.5")
        actual, expected = both(path)
        assert actual == expected
        running = executors(actual)["ws-live"]
        assert running == {
            "state": "running",
            "name": "workspace",
            "local": {
                "root": str(path),
                "log": None,
                "pid": running["local"]["pid"],
                "returncode": None,
                "task_id": None,
            },
        }
        table = pr.sh(path, rb.TUI, "compare", "--md")
        assert "| ├── workspace [ws-live]" in table or "| └── workspace [ws-live]" in table
    finally:
        (signals / "go-0.5").touch()
        proc.wait(timeout=240)
    actual, expected = both(path)
    assert actual == expected
