"""``dvclive-tui doctor``: which ``dvclive`` a process gets, asked of real interpreters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dvclive_writer


def doctor(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dvclive_tui", "doctor", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_this_environment_gets_real_dvclive_plainly_and_ours_through_the_launcher(
    tmp_path: Path,
) -> None:
    result = doctor("--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["plain"]["kind"] == "package" and report["plain"]["version"] == "3.49.1"
    assert report["plain"]["location"].endswith(os.path.join("site-packages", "dvclive"))
    assert report["opt_in"] == {
        "kind": "alias",
        "location": os.path.dirname(str(dvclive_writer.__file__)),
        "error": None,
        "version": "3.49.1",
    }
    assert report["rank"] is None and len(report["notes"]) == 1
    text = doctor(cwd=tmp_path).stdout
    assert "python train.py" in text and "serving the dvclive 3.49.1 API" in text


def test_a_run_folder_passing_for_dvclive_and_a_rank_are_explained(tmp_path: Path) -> None:
    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    work = tmp_path / "work"
    (work / "dvclive" / "plots").mkdir(parents=True)
    result = doctor("--python", str(bare / "bin" / "python"), cwd=work, RANK="1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"an empty namespace package: the folder {work / 'dvclive'}" in lines[2]
    assert lines[3].endswith("unavailable")
    notes = [line for line in lines if line.startswith("- ")]
    assert notes[0].startswith(f"- {work / 'dvclive'} (a run folder?) passes for the dvclive")
    assert notes[1].startswith("- dvclive_writer is not importable by ")
    assert notes[2].startswith("- RANK=1: Live() in this environment writes nothing")


@pytest.mark.parametrize("python", ["/no/such/python", "definitely-not-a-python"])
def test_a_missing_interpreter_is_one_line(tmp_path: Path, python: str) -> None:
    result = doctor("--python", python, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"dvclive-tui: error: no such interpreter: {python}"]
