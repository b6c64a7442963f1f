"""History files and metrics.json: appends, many metrics, partial lines, hidden slot files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dvclive_writer import Live
from dvclive_writer import metrics as metrics_module
from dvclive_writer.replace_file import ReplacedFile

ROOT = Path(__file__).resolve().parents[2]


def hidden(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob(".*"))


def run_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Live, Path]:
    """A finished run in ``tmp_path`` that logged ``m = 1`` at step 0, and its ``m.tsv``."""
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    live.log_metric("m", 1)
    live.next_step()
    live.end()
    return live, tmp_path / "dvclive/plots/metrics/m.tsv"


def test_more_metrics_than_open_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    count = metrics_module.MAX_OPEN_FILES + 20
    live = Live(save_dvc_exp=False, report=None)
    for step in range(3):
        for i in range(count):
            live.log_metric(f"group{i % 3}/m{i}", step)
        live.next_step()
    live.end()
    for i in (0, count - 1):
        path = tmp_path / f"dvclive/plots/metrics/group{i % 3}/m{i}.tsv"
        assert path.read_text() == f"step\tm{i}\n0\t0\n1\t1\n2\t2\n"


def test_partial_last_line_is_ended_before_appending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = run_one_step(tmp_path, monkeypatch)
    with open(path, "a") as fobj:
        fobj.write("1\t0.12")  # a writer killed in the middle of a row
    live = Live(resume=True, save_dvc_exp=False, report=None)
    live.log_metric("m", 2)
    live.end()
    assert path.read_text() == "step\tm\n0\t1\n1\t0.12\n0\t2\n"  # resumed at step 0


def test_logging_after_end_reopens_and_recreates_deleted_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live, path = run_one_step(tmp_path, monkeypatch)
    live.log_metric("m", 2)
    assert path.read_text() == "step\tm\n0\t1\n0\t2\n"
    live.end()
    path.unlink()
    live.log_metric("m", 3, timestamp=True)
    live.end()
    header, row, _ = path.read_text().split("\n")
    assert header == "timestamp\tstep\tm"
    assert row.endswith("\t0\t3")


def test_slot_files_exist_only_while_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    live.log_metric("m", 1)
    live.next_step()
    assert len(hidden(tmp_path / "dvclive")) == 3
    live.next_step()
    live.end()
    assert hidden(tmp_path) == []
    assert json.loads((tmp_path / "dvclive/metrics.json").read_text()) == {"m": 1, "step": 1}


def test_slot_files_are_removed_at_exit_without_end(tmp_path: Path) -> None:
    script = (
        "from dvclive_writer import Live\n"
        "live = Live(save_dvc_exp=False, report=None)\n"
        "live.log_metric('m', 1)\n"
        "live.next_step()\n"
        "raise SystemExit(3)\n"
    )
    env = {"PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, check=False)
    assert result.returncode == 3
    assert hidden(tmp_path) == []
    assert json.loads((tmp_path / "dvclive/metrics.json").read_text()) == {"m": 1, "step": 0}


@pytest.mark.parametrize("resume", [True, False])
def test_a_new_live_removes_temporary_files_left_by_a_killed_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resume: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)  # that process has exited
    left = [
        f".metrics.json.{pid}.0.1.tmp",
        f".metrics.json.{pid}.0.link.tmp",
        f".params.yaml.{pid}.140.tmp",
        f".report.html.{pid}.tmp",
        f"plots/images/steps/.3.png.{pid}.77.tmp",
        f"plots/custom/.p.json.{pid}.77.tmp",
    ]
    kept = [".user", ".notes.tmp", f".metrics.json.{os.getppid()}.0.0.tmp"]  # a running writer
    for rel in left + kept + ["plots/images/steps/3.png"]:
        (tmp_path / "dvclive" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "dvclive" / rel).write_text("{")
    live = Live(resume=resume, save_dvc_exp=False, report=None)
    live.end()
    remaining = sorted(
        p.relative_to(tmp_path / "dvclive").as_posix() for p in (tmp_path / "dvclive").rglob(".*")
    )
    assert remaining == sorted(kept)
    assert (tmp_path / "dvclive/plots/images/steps/3.png").exists() == resume


def test_replaced_file_survives_its_slots_being_removed(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    writer = ReplacedFile()
    writer.write(str(target), b"1")
    for slot in hidden(tmp_path):
        (tmp_path / slot).unlink()
    writer.write(str(target), b"22")  # falls back to a plain atomic replace
    assert target.read_bytes() == b"22"
    writer.write(str(target), b"333")  # and uses fresh slots again
    assert target.read_bytes() == b"333"
    assert len(hidden(tmp_path)) == 3
    writer.close()
    assert hidden(tmp_path) == []


def test_replaced_file_cycles_slots_and_keeps_content_exact(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.json"
    writer = ReplacedFile()
    inodes = set()
    for payload in (b"long content here", b"short", b"", b"x" * 10_000, b"tail"):
        writer.write(str(target), payload)
        assert target.read_bytes() == payload
        inodes.add(target.stat().st_ino)
    assert len(inodes) == 3
    writer.close()


def test_a_forked_child_uses_its_own_slots(tmp_path: Path) -> None:
    import os

    target = tmp_path / "out.json"
    writer = ReplacedFile()
    writer.write(str(target), b"parent 1")
    parent_slots = hidden(tmp_path)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        code = 0
        try:
            writer.write(str(target), b"child")
            writer.close()
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert target.read_bytes() == b"child"
    assert hidden(tmp_path) == parent_slots
    writer.write(str(target), b"parent 2")
    assert target.read_bytes() == b"parent 2"
    writer.close()
    assert hidden(tmp_path) == []


def test_readers_holding_the_file_open_keep_their_content(tmp_path: Path) -> None:
    """A slot still open in a reader is never rewritten in place: it gets a fresh inode."""
    target = tmp_path / "out.json"
    writer = ReplacedFile()
    writer.write(str(target), b"first")
    same_process = open(target, "rb")  # noqa: SIM115 - held open across the writes
    writer.write(str(target), b"second")
    reader_code = (
        "import sys; f = open(sys.argv[1], 'rb'); print('open', flush=True); "
        "sys.stdin.readline(); print(f.read().decode(), flush=True)"
    )
    other_process = subprocess.Popen(
        [sys.executable, "-c", reader_code, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other_process.stdout is not None and other_process.stdin is not None
    assert other_process.stdout.readline() == "open\n"
    for i in range(10):  # every slot comes up for reuse several times
        writer.write(str(target), f"later {i}".encode())
    other_process.stdin.write("\n")
    other_process.stdin.close()
    assert other_process.stdout.read() == "second\n"
    assert other_process.wait() == 0
    assert same_process.read() == b"first"
    same_process.close()
    assert target.read_bytes() == b"later 9"
    assert len(hidden(tmp_path)) == 3
    writer.close()
    assert hidden(tmp_path) == []
