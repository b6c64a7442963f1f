"""Alerts leave the dashboard: toasts (summed up when many), the bell, and a desktop
notification written to the real terminal (``watch --notify osc9`` in a pseudo-terminal)."""

from __future__ import annotations

import fcntl
import math
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

from dvclive_tui.app.watch.alert_sink import MAX_TOASTS, AlertSink
from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.monitor.alerts import Alert
from dvclive_tui.monitor.notify import TerminalNotifier
from dvclive_tui.settings import Settings
from tests.settle import settle
from tests.tui.conftest import Clock
from tests.tui.runs import append_step, write_run

ROOT = Path(__file__).resolve().parents[2]


def read_until(fd: int, needle: bytes, seconds: float, seen: bytearray) -> bool:
    """Read the terminal's output into ``seen`` until it holds ``needle``."""
    deadline = time.monotonic() + seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen.extend(os.read(fd, 65536))
            except OSError:  # the child closed the terminal
                break
    return needle in seen


def test_an_alert_reaches_the_terminal_as_a_desktop_notification(workdir: Path) -> None:
    run = write_run(workdir / "dvclive", steps=5)
    env = {key: value for key, value in os.environ.items() if key not in ("TMUX", "NO_COLOR")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(ROOT))
    pid, fd = pty.fork()
    if pid == 0:  # the child: the dashboard on a terminal of its own
        os.chdir(workdir)
        command = [sys.executable, "-m", "dvclive_tui", "watch", "--notify", "osc9", "dvclive"]
        os.execvpe(sys.executable, command, env)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        seen = bytearray()
        assert read_until(fd, b"train/loss", 60, seen), "the dashboard never drew"
        append_step(run, "train/loss", 5, math.nan)
        assert read_until(fd, b"\x1b]9;", 60, seen), "no OSC 9 notification"
        notification = seen[seen.index(b"\x1b]9;") :].split(b"\a", 1)[0].decode()
        assert "dvclive" in notification and "train/loss became NaN at step 5" in notification
        assert b"\a\x1b]9;" in seen, "the bell rings with it"
        os.write(fd, b"q")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            read_until(fd, b"\0never", 0.2, seen)
        else:
            raise AssertionError("the dashboard did not quit")
        pid = 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


async def test_many_alerts_in_one_poll_are_summed_up(workdir: Path, clock: Clock) -> None:
    write_run(workdir / "dvclive", steps=2)
    app = WatchApp(Settings(paths=(Path("dvclive"),), watch=False, clock=clock))
    written: list[str] = []
    terminal = TerminalNotifier("osc777", written.append, is_tty=True, environ={})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        sink = AlertSink(app, terminal)
        before = len(app._notifications)
        finished = [
            Alert(f"runs/{i}/dvclive", "finished at step 9", "information", "finished")
            for i in range(MAX_TOASTS + 2)
        ]
        sink.raise_alerts(
            [*finished, Alert("runs/9/dvclive", "eval/loss > 2", "warning", "threshold")]
        )
        await pilot.pause()
        toasts = list(app._notifications)[before:]
        assert [(note.title, note.message) for note in toasts] == [
            ("finished", "6 runs: runs/0/dvclive, runs/1/dvclive, runs/2/dvclive +3"),
            ("threshold", "runs/9/dvclive: eval/loss > 2"),
        ]
        assert written == [
            "\a\x1b]777;notify;7 alerts;7 runs: runs/0/dvclive, runs/1/dvclive, runs/2/dvclive +4\a"
        ], "one ring and one notification per poll"
        written.clear()
        sink.raise_alerts(finished[:2])
        assert written == ["\x1b]777;notify;2 alerts;2 runs: runs/0/dvclive, runs/1/dvclive\a"], (
            "information does not ring"
        )
