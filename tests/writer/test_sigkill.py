"""A writer killed with SIGKILL at random points leaves every file parseable."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dvclive_writer import Live

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from dvclive_writer import Live

resume = sys.argv[1] == "1"
live = Live(resume=resume, report=None, save_dvc_exp=False)
i = 0
while True:
    live.log_param(f"p{i % 5}", {"i": i, "nested": [i, str(i)]})
    live.log_metric("loss", 1.0 / (i + 1))
    live.log_metric("train/acc", i % 7, timestamp=True)
    live.log_metric("text", f"v\\t{i}")
    live.summary["edited"] = i
    live.next_step()
    if i == 0:
        print("ready", flush=True)
    if i % 10 == 0:
        live.make_dvcyaml()
    i += 1
"""


def check_tree(directory: Path) -> tuple[int, int]:
    """Parse every file under ``directory``; return the TSV rows and temporary files seen.

    A temporary file (``.<name>.<pid>.<tid>.tmp``) may be left by a kill in the middle of an
    atomic write; it is not part of the tree and the next ``Live()`` removes it.
    """
    rows = temporary = 0
    for path in directory.rglob("*"):
        if not path.is_file():
            continue
        if path.name.startswith(".") and path.name.endswith(".tmp"):
            temporary += 1
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".yaml":
            YAML(typ="safe").load(text)
        elif path.suffix == ".tsv":
            lines = text.split("\n")
            complete = lines[:-1]  # the last element is "" or a partial line
            parsed = list(csv.reader(io.StringIO("\n".join(complete)), delimiter="\t"))
            width = len(parsed[0])
            assert all(len(row) == width for row in parsed), path
            rows += len(parsed) - 1
        else:
            raise AssertionError(f"unexpected file {path}")
    return rows, temporary


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_parseable_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(1234)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    total_rows = total_temporary = 0
    for attempt in range(30):
        resume = attempt % 3 == 2
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, "1" if resume else "0"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        # Kill at a random point after the first step, however slow the start-up (a loaded
        # machine can take longer than the whole random window to import).
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.45))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if (tmp_path / "dvclive").exists():
            rows, temporary = check_tree(tmp_path / "dvclive")
            total_rows += rows
            total_temporary += temporary
    assert total_rows > 0  # the children got far enough to write history
    assert total_temporary > 0  # killed children leave their hidden metrics.json slots
    print(f"rows seen: {total_rows}, temporary files seen: {total_temporary}")

    # The next run removes what the killed ones left, and ends with no hidden file.
    monkeypatch.chdir(tmp_path)
    live = Live(resume=True, report=None, save_dvc_exp=False)
    assert list((tmp_path / "dvclive").glob(".*")) == []
    live.log_metric("loss", 0.0)
    live.next_step()
    live.end()
    assert list((tmp_path / "dvclive").rglob(".*")) == []
    check_tree(tmp_path / "dvclive")
