"""Discovery of run directories, and run status from signal files and write times."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dvclive_writer.read.discovery import discover_runs, is_dvclive_dir
from dvclive_writer.read.model import RunStatus
from dvclive_writer.read.reader import RunReader
from dvclive_writer.read.status import stall_threshold
from tests.data.conftest import FakeClock


def _run(folder: Path, rows: int = 3) -> Path:
    metrics = folder / "plots" / "metrics"
    metrics.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{1_700_000_000_000 + step * 1000}\t{step}\t0.5\n" for step in range(rows))
    (metrics / "loss.tsv").write_text("timestamp\tstep\tloss\n" + body)
    return folder


def test_discovers_workspace_and_temporary_runs_and_skips_noise(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    _run(repo / "dvclive")
    _run(repo / "experiments" / "a" / "dvclive")
    (repo / "eval").mkdir()
    (repo / "eval" / "metrics.json").write_text("{}\n")  # a stage output, not a dvclive dir
    summary_only = repo / "other_dvclive"
    summary_only.mkdir()
    (summary_only / "metrics.json").write_text('{"a": 1}\n')
    _run(repo / ".dvc" / "tmp" / "exps" / "tmpx1y2" / "dvclive")  # a queued run
    _run(repo / ".dvc" / "tmp" / "exps" / "standalone" / "tmpq7" / "dvclive")  # --temp
    _run(repo / ".dvc" / "cache" / "files" / "dvclive")
    _run(repo / ".git" / "dvclive")
    _run(repo / "node_modules" / "pkg" / "dvclive")
    _run(repo / ".venv" / "dvclive")
    found = [path.relative_to(repo).as_posix() for path in discover_runs(repo)]
    assert found == [
        "dvclive",
        "experiments/a/dvclive",
        "other_dvclive",
        ".dvc/tmp/exps/standalone/tmpq7/dvclive",
        ".dvc/tmp/exps/tmpx1y2/dvclive",
    ]
    assert discover_runs(repo / "dvclive") == [repo / "dvclive"]
    assert is_dvclive_dir(repo / "dvclive") and not is_dvclive_dir(repo / "eval")


def _signal(repo: Path, name: str, payload: dict[str, int | str]) -> Path:
    folder = repo / ".dvc" / "tmp" / "exps" / "run"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(payload, sort_keys=True))
    return path


def test_live_writer_signal_then_stall(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    run_dir = _run(repo / "dvclive", rows=20)
    signal = _signal(repo, "DVCLIVE_STEP_COMPLETED", {"pid": os.getpid(), "step": 19})
    newest = (run_dir / "plots" / "metrics" / "loss.tsv").stat().st_mtime
    os.utime(signal, (newest, newest))
    clock = FakeClock(newest + 5)
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    assert reader.run.status is RunStatus.RUNNING
    # Steps came every second (timestamps): stalled after max(10 x 1 s, 30 s) without one.
    assert stall_threshold([1.0] * 5) == 30.0
    clock.now = newest + 29
    assert not reader.poll().status
    assert reader.run.status is RunStatus.RUNNING
    clock.now = newest + 31
    changes = reader.poll()
    assert reader.run.status is RunStatus.STALLED
    assert changes.status


def test_stall_is_measured_against_the_usual_step_interval(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    run_dir = _run(repo / "dvclive", rows=1)
    _signal(repo, "DVCLIVE_ONLY", {"exp_name": "x", "pid": os.getpid()})
    os.utime(repo / ".dvc" / "tmp" / "exps" / "run" / "DVCLIVE_ONLY", (0, 0))
    loss = run_dir / "plots" / "metrics" / "loss.tsv"
    clock = FakeClock(loss.stat().st_mtime)
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    for step in range(1, 6):  # a new step every 20 s, seen live
        clock.advance(20)
        with loss.open("a") as handle:
            handle.write(f"1\t{step}\t0.5\n")
        reader.poll()
        assert reader.run.status is RunStatus.RUNNING
    clock.advance(150)  # 7.5 intervals: slow, not stalled
    reader.poll()
    assert reader.run.status is RunStatus.RUNNING
    clock.advance(60)  # 10.5 intervals
    reader.poll()
    assert reader.run.status is RunStatus.STALLED


def test_dead_writer_pid_means_finished(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    run_dir = _run(repo / "dvclive")
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(child.stdout)
    signal = _signal(repo, "DVCLIVE_STEP_COMPLETED", {"pid": dead_pid, "step": 2})
    assert _status_a_second_after_the_last_write(run_dir, signal) is RunStatus.FINISHED


def test_a_pid_beyond_pid_t_in_a_signal_file_reads_as_dead(tmp_path: Path) -> None:
    """A corrupt signal file's pid (too large for the OS) must not crash a reader."""
    repo = tmp_path / "repo"
    run_dir = _run(repo / "dvclive")
    signal = _signal(repo, "DVCLIVE_ONLY", {"exp_name": "x", "pid": 2**32 - 1})
    assert _status_a_second_after_the_last_write(run_dir, signal) is RunStatus.FINISHED


def test_waiting_until_the_directory_has_data(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    assert reader.run.status is RunStatus.WAITING
    run_dir.mkdir()
    reader.poll()
    assert reader.run.status is RunStatus.WAITING
    _run(run_dir)
    clock.now = (run_dir / "plots" / "metrics" / "loss.tsv").stat().st_mtime + 1
    changes = reader.poll()
    assert changes.status and reader.run.status is RunStatus.RUNNING
    assert changes.new_points == {"loss": 3}


def test_real_dvclive_signal_file_running_then_finished(tmp_path: Path) -> None:
    """dvclive writes DVCLIVE_STEP_COMPLETED (our pid) at next_step and removes it at end()."""
    from dvclive import Live

    from tests.data.conftest import inside

    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run([sys.executable, "-m", "dvc", "init", "--no-scm", "-q"], cwd=repo, check=True)
    clock = FakeClock()
    reader = RunReader(repo / "dvclive", clock=clock)
    with inside(repo):
        live = Live("dvclive", save_dvc_exp=False)
        for step in range(3):
            live.log_metric("loss", 1.0 / (step + 1))
            live.next_step()
        signal = repo / ".dvc" / "tmp" / "exps" / "run" / "DVCLIVE_STEP_COMPLETED"
        assert json.loads(signal.read_text())["pid"] == os.getpid()
        clock.now = signal.stat().st_mtime + 300  # long quiet, but the writer is alive
        reader.poll()
        assert reader.run.status is RunStatus.STALLED
        live.log_metric("loss", 0.1)
        live.next_step()
        clock.now = signal.stat().st_mtime + 1
        reader.poll()
        assert reader.run.status is RunStatus.RUNNING
        live.end()
    assert not signal.exists()
    changes = reader.poll()  # a second later: no recent-write grace, the signal is gone
    assert changes.status and reader.run.status is RunStatus.FINISHED


def _status_a_second_after_the_last_write(run_dir: Path, signal: Path) -> RunStatus:
    """The run's status one second after its last write, the signal file dated with it."""
    newest = (run_dir / "plots" / "metrics" / "loss.tsv").stat().st_mtime
    os.utime(signal, (newest, newest))
    reader = RunReader(run_dir, clock=FakeClock(newest + 1))
    reader.poll()
    return reader.run.status
