"""Outputs and exit statuses of the real ``dvclive-tui`` process: what ``-o`` never replaces,
``-`` as stdout, a closed pipe, a full disk, and one status per cause in every command."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.conftest import User
from tests.hostile.corpus import write_base_run

TUI = str(Path(sys.executable).with_name("dvclive-tui"))


def _run(*args: str, cwd: Path, **options: object) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="100")
    env.pop("DVCLIVE_TUI_TRACEBACK", None)
    if "stdout" not in options:
        options["capture_output"] = True
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [TUI, *args], cwd=cwd, env=env, text=True, timeout=120, **options
    )


@pytest.fixture
def run(tmp_path: Path) -> Path:
    folder = tmp_path / "dvclive"
    write_base_run(folder)
    return folder


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("kind", ["fifo", "device", "socket", "directory", "symlink"])
def test_report_never_replaces_what_is_not_a_regular_file(
    run: Path, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "out"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        target = Path("/dev/null")
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(target))
    elif kind == "directory":
        target.mkdir()
    else:
        (tmp_path / "real.html").write_text("mine\n")
        target.symlink_to(tmp_path / "real.html")
    before = os.lstat(target)
    result = _run("report", str(run), "-o", str(target), cwd=tmp_path)
    assert result.returncode == 2
    line = _one_line(result)
    assert line.startswith("dvclive-tui: error: output ") and str(target) in line
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (
        stat.S_IFMT(before.st_mode),
        before.st_ino,
    )
    if kind == "symlink":
        assert (tmp_path / "real.html").read_text() == "mine\n"


def test_a_fifo_named_report_html_in_the_run_is_refused(run: Path) -> None:
    os.mkfifo(run / "report.html")
    result = _run("report", str(run), cwd=run.parent)
    assert result.returncode == 2
    assert "is a FIFO, not a regular file" in _one_line(result)
    assert stat.S_ISFIFO(os.lstat(run / "report.html").st_mode)


@pytest.mark.parametrize("mode", ["--html", "--md"])
def test_dash_is_stdout_and_writes_no_file(run: Path, mode: str) -> None:
    before = sorted(path.name for path in run.rglob("*"))
    result = _run("report", str(run), mode, "-o", "-", cwd=run.parent)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    if mode == "--html":
        assert result.stdout.startswith("<!DOCTYPE html>")
    else:
        assert (
            result.stdout.startswith("# DVC Report") and "data:image/png;base64," in result.stdout
        )
    assert sorted(path.name for path in run.rglob("*")) == before
    assert not (run.parent / "-").exists()


def test_a_report_is_renamed_into_place_in_a_new_folder(run: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "r.md"
    result = _run("report", str(run), "--md", "-o", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert target.read_text().startswith("# DVC Report")
    assert not [p for p in target.parent.rglob("*") if p.name.endswith(".tmp")]


def test_a_closed_pipe_exits_141_quietly(tmp_path: Path) -> None:
    run = tmp_path / "dvclive"
    write_base_run(run)
    many = run / "plots" / "metrics" / "many"
    many.mkdir()
    for index in range(1500):  # an ls listing far bigger than a pipe's buffer
        (many / f"metric-with-a-long-name-{index:04d}.tsv").write_text("step\tv\n0\t1\n")
    for args in (
        ["ls", str(run)],
        ["ls", "--json", str(run)],
        ["snap", str(run)],
        ["report", str(run), "-o", "-"],
    ):
        process = subprocess.Popen(
            [TUI, *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(1)
        process.stdout.close()  # like `| head -c1`
        stderr = process.stderr.read()
        assert process.wait(timeout=120) == 141, (args, stderr)
        assert stderr == b"", args


def test_a_full_disk_on_stdout_is_one_line_exit_1(run: Path) -> None:
    for args in (["ls", str(run)], ["ls", "--json", str(run)], ["snap", str(run)]):
        with open("/dev/full", "w") as full:
            result = _run(*args, cwd=run.parent, stdout=full, stderr=subprocess.PIPE)
        assert result.returncode == 1, args
        line = result.stderr.strip()
        assert line == "dvclive-tui: error: cannot write the output: No space left on device"


@pytest.mark.parametrize(
    "args",
    [["ls"], ["ls", "--json"], ["snap"], ["watch"], ["report"], ["compare", "--json"]],
)
def test_a_missing_path_is_status_2_everywhere(tmp_path: Path, args: list[str]) -> None:
    result = _run(*args, str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 2
    assert "does not exist" in _one_line(result)


@pytest.mark.parametrize("args", [["ls"], ["ls", "--json"], ["snap"]])
def test_no_dvclive_directory_is_status_2_everywhere(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "empty").mkdir()
    result = _run(*args, str(tmp_path / "empty"), cwd=tmp_path)
    assert result.returncode == 2
    assert "no dvclive directory found" in _one_line(result)


def test_every_help_states_the_exit_statuses(tmp_path: Path) -> None:
    for args in ([], ["ls"], ["snap"], ["report"], ["compare"], ["watch"]):
        result = _run(*args, "--help", cwd=tmp_path)
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        assert "Exit status: 0 done" in text and "141 stdout closed early" in text, args


def test_an_unreadable_path_is_one_line(
    tmp_path: Path, corpus_root: Path, unprivileged_user: User | None
) -> None:
    folder = corpus_root / "private"
    folder.mkdir()
    write_base_run(folder / "dvclive")
    os.chmod(folder, 0o700)  # owned by this user: the other one cannot enter
    prefix: list[str] = []
    if unprivileged_user is not None:
        uid, gid = unprivileged_user
        prefix = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]
    elif os.geteuid() != 0:
        os.chmod(folder, 0)
    try:
        for args in (["ls"], ["snap"], ["report"], ["watch"]):
            result = subprocess.run(
                [*prefix, TUI, *args, str(folder / "dvclive")],
                cwd="/",
                capture_output=True,
                text=True,
                timeout=120,
                env=dict(os.environ, HOME=str(corpus_root)),
            )
            assert result.returncode == 2, (args, result.stderr)
            assert "permission denied" in _one_line(result).lower(), args
    finally:
        os.chmod(folder, 0o755)


def test_an_unreadable_folder_beside_the_runs_is_a_warning(
    corpus_root: Path, unprivileged_user: User | None
) -> None:
    project = corpus_root / "project"
    write_base_run(project / "dvclive")
    (project / "secret" / "inner").mkdir(parents=True)
    os.chmod(project / "secret", 0)
    prefix: list[str] = []
    if unprivileged_user is not None:
        uid, gid = unprivileged_user
        prefix = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]
    try:
        for args in (["ls"], ["ls", "--json"], ["snap"]):
            result = subprocess.run(
                [*prefix, TUI, *args, "."],
                cwd=project,
                capture_output=True,
                text=True,
                timeout=120,
                env=dict(os.environ, HOME=str(corpus_root)),
            )
            assert result.returncode == 0, (args, result.stderr)
            assert result.stderr == "Warning: secret: permission denied\n"
            assert "acc" in result.stdout
    finally:
        os.chmod(project / "secret", 0o755)
