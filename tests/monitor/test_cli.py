"""``watch --headless`` with a real ``--on-alert`` command and real signals; ``snap --check``
exit codes; ``--resume`` loading."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dvclive_tui.commands.watch import load_session
from dvclive_tui.monitor.session import SessionState, SessionStore
from tests.tui.runs import write_run

DEADLINE = 60.0


def start_headless(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dvclive_tui", "watch", "--headless", "--interval", "0.1", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, lines: int) -> list[str]:
    """The lines of ``path`` once it has at least ``lines`` (fails after the deadline)."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if path.exists():
            found = path.read_text().splitlines()
            if len(found) >= lines:
                return found
        time.sleep(0.05)
    raise AssertionError(f"{path} never reached {lines} lines")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_headless_events_reach_stdout_and_the_command(tmp_path: Path, stop: int) -> None:
    hostile = tmp_path / "runs" / "x$(touch pwned)`touch pwned2`;touch pwned3" / "dvclive"
    write_run(hostile, steps=6, nan_at=5)
    write_run(tmp_path / "runs" / "calm" / "dvclive", steps=6)
    command = (
        'printf "%s|%s|%s|%s\\n" "$DVCLIVE_TUI_KIND" "$DVCLIVE_TUI_RUN" "$DVCLIVE_TUI_STEP" '
        '"$DVCLIVE_TUI_VALUE" >> hook.txt; printf "%s\\n" "$DVCLIVE_TUI_EVENT" >> hook.jsonl'
    )
    process = start_headless(tmp_path, "runs", "--rule", "eval/loss < 5", "--on-alert", command)
    try:
        hook_lines = wait_for(tmp_path / "hook.txt", 3)
    finally:
        process.send_signal(stop)
        out, err = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert sorted((e["kind"], e["run"].split("/")[1][:4]) for e in events) == [
        ("nan", "x$(t"),
        ("threshold", "calm"),
        ("threshold", "x$(t"),
    ]
    nan = next(e for e in events if e["kind"] == "nan")
    assert nan["version"] == 1 and nan["metric"] == "train/loss"
    assert nan["step"] == 5 and nan["value"] == "nan" and nan["severity"] == "error"
    assert nan["path"] == str(hostile.resolve())
    assert f"nan|{nan['run']}|5|nan" in hook_lines
    assert sorted(json.loads(line)["kind"] for line in wait_for(tmp_path / "hook.jsonl", 3)) == [
        "nan",
        "threshold",
        "threshold",
    ]
    assert not any(tmp_path.glob("pwned*")), "run-supplied text was never run by a shell"
    assert "Traceback" not in err


def test_a_failing_command_is_reported_and_watching_goes_on(tmp_path: Path) -> None:
    write_run(tmp_path / "dvclive", steps=4, nan_at=3)
    process = start_headless(tmp_path, ".", "--on-alert", "echo from-hook; echo >> fired; exit 3")
    try:
        wait_for(tmp_path / "fired", 1)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["nan"]
    assert "from-hook" in err, "the command's output goes to stderr, not into the JSON"
    assert "--on-alert command exited with status 3" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on-alert", "true"], "--on-alert needs --headless"),
        (["--headless", "--resume"], "--resume restores the dashboard"),
        (["--headless", "--rule", "plateau(lr, 5)"], "cannot tell whether 'lr'"),
    ],
)
def test_bad_combinations_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dvclive_tui", "watch", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert message in line


def snap_check(cwd: Path, *rules: str) -> subprocess.CompletedProcess[str]:
    checks = [arg for rule in rules for arg in ("--check", rule)]
    return subprocess.run(
        [sys.executable, "-m", "dvclive_tui", "snap", "runs", "--width", "80", *checks],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )


def test_snap_check_exit_codes(tmp_path: Path) -> None:
    write_run(tmp_path / "runs" / "good" / "dvclive", steps=20)
    write_run(tmp_path / "runs" / "bad" / "dvclive", steps=20, nan_at=19)
    passed = snap_check(tmp_path, "eval/loss > 5", "plateau(train/acc, 1000)")
    assert passed.returncode == 0, passed.stderr
    assert passed.stdout.splitlines()[-1] == "checks passed: 2 rules on 2 runs"
    failed = snap_check(tmp_path, "nan", "eval/loss > 5")
    assert failed.returncode == 1
    assert "✗ runs/bad/dvclive: train/loss is NaN at step 19" in failed.stdout
    assert failed.stdout.splitlines()[-1] == "checks failed: 1 of 2 rules fired on 1 of 2 runs"
    typo = snap_check(tmp_path, "eval/los > 5")
    assert typo.returncode == 2
    assert typo.stderr.strip() == "dvclive-tui: error: rule 'eval/los > 5': no run has 'eval/los'"
    bad = snap_check(tmp_path, "eval/loss >")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_resume_loads_the_session_of_the_same_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert load_session([Path("a"), Path("b")], resume=True).restored is None
    assert "no saved session" in capsys.readouterr().err
    SessionStore([tmp_path / "b", tmp_path / "a"]).save(SessionState(charts_per_page=6))
    session = load_session([Path("a"), Path("b")], resume=True)
    assert session.restored == SessionState(charts_per_page=6)
    assert load_session([Path("a"), Path("b")], resume=False).restored is None
    session.store.path.write_text("{not json")
    assert load_session([Path("a"), Path("b")], resume=True).restored is None
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("dvclive-tui: warning: session ignored:") and "not valid JSON" in line
