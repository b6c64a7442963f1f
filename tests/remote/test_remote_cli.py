"""``ls``, ``snap`` and ``report`` on remote paths, run as the user runs them (a subprocess
with the system ssh pointed at the test sshd): output, exit statuses, one-line errors, a
path full of shell metacharacters that stays data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.remote.sshd import ALIAS, SILENT_ALIAS, SshTestHost
from tests.tui.runs import write_run

HOSTILE = "a b;$(touch pwned)'\""


@pytest.fixture
def cli_env(ssh_host: SshTestHost, short_dir: Path) -> Iterator[dict[str, str]]:
    """The environment of a CLI run: ssh through the test config, a private control folder
    (the masters it leaves are ended afterwards)."""
    runtime = short_dir / "rt"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ)
    env["DVCLIVE_TUI_SSH_COMMAND"] = f"ssh -F {ssh_host.config} -o ConnectTimeout=3"
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env["COLUMNS"] = "100"
    yield env
    control = f"ControlPath={runtime}/dvclive-tui/%C"
    for alias in (ALIAS, SILENT_ALIAS):
        subprocess.run(
            [*ssh_host.ssh_command, "-o", control, "-O", "exit", alias],
            capture_output=True,
            timeout=20,
            check=False,
        )


def cli(
    env: dict[str, str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dvclive_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_ls_snap_and_report_read_a_remote_run(
    cli_env: dict[str, str], remote_dir: Path, tmp_path: Path, ssh_host: SshTestHost
) -> None:
    run_dir = write_run(remote_dir / HOSTILE / "dvclive", steps=7, images=True)
    spec = f"{ALIAS}:{remote_dir / HOSTILE}"

    listed = cli(cli_env, "ls", "--json", spec, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    [run] = json.loads(listed.stdout)["runs"]
    assert run["origin"] == f"{ALIAS}:{run_dir}" and run["connection"] is None
    assert {metric["name"]: metric["count"] for metric in run["metrics"]}["train/loss"] == 7
    assert run["images"][0]["frames"] == 7

    human = cli(cli_env, "ls", spec, cwd=tmp_path)
    assert human.returncode == 0 and "train/loss" in human.stdout

    snapped = cli(cli_env, "snap", spec, cwd=tmp_path)
    assert snapped.returncode == 0, snapped.stderr
    assert "train/loss" in snapped.stdout and "samples" in snapped.stdout

    reported = cli(cli_env, "report", spec, cwd=tmp_path)
    assert reported.returncode == 0, reported.stderr
    page = (tmp_path / "report.html").read_text()  # written here, not on the remote side
    assert "train/loss" in page and page.count("data:image/png;base64") >= 1
    assert not (run_dir / "report.html").exists()
    out = tmp_path / "out.md"
    markdown = cli(cli_env, "report", "--md", "-o", str(out), spec, cwd=tmp_path)
    assert markdown.returncode == 0 and out.exists()

    for folder in (remote_dir, tmp_path, ssh_host.home, Path.cwd()):
        assert not list(folder.rglob("pwned")), "the path ran as a command"


def test_a_missing_remote_path_is_one_line_and_status_2(
    cli_env: dict[str, str], remote_dir: Path
) -> None:
    for command in ("ls", "snap", "report"):
        result = cli(cli_env, command, f"{ALIAS}:{remote_dir}/nowhere")
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    empty = cli(cli_env, "ls", f"{ALIAS}:{remote_dir}")
    assert empty.returncode == 2 and "no dvclive directory found" in empty.stderr


def test_a_host_that_does_not_answer_is_one_line_and_status_1(cli_env: dict[str, str]) -> None:
    for command in ("ls", "snap", "report", "watch"):
        started = time.monotonic()
        result = cli(cli_env, command, f"{SILENT_ALIAS}:/tmp/runs")
        assert time.monotonic() - started < 60
        assert result.returncode == 1, (command, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"dvclive-tui: error: {SILENT_ALIAS}: cannot connect: ")
        assert "timed out" in lines[0] and "retry" not in lines[0]
        assert result.stdout == ""
