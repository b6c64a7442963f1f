"""Terminal notifications: sequences, escaping of run text, tty-only, tmux pass-through."""

from __future__ import annotations

import os

import pytest

from dvclive_tui.monitor.notify import (
    MAX_TEXT,
    TerminalNotifier,
    clean,
    osc9,
    osc777,
    resolve_mode,
)

HOSTILE = "run\x1b]0;pwned\x07\x9b31m;x\u2028y"


def test_sequences_hold_no_control_character_from_runs() -> None:
    nine = osc9(HOSTILE, "loss became NaN")
    assert nine.startswith("\x1b]9;") and nine.endswith("\x07")
    assert not any(char in nine[4:-1] for char in "\x1b\x07\x9b\u2028")
    seven = osc777(HOSTILE, "a;b")
    assert seven.startswith("\x1b]777;notify;") and seven.count(";") == 3
    assert not any(char in seven[2:-1] for char in "\x1b\x07\x9b")
    assert len(clean("x" * 1000)) == MAX_TEXT


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("off", ""),
        ("bell", "\x07"),
        ("osc9", "\x07\x1b]9;r: m\x07"),
        ("osc777", "\x07\x1b]777;notify;r;m\x07"),
    ],
)
def test_modes(mode: str, expected: str) -> None:
    written: list[str] = []
    notifier = TerminalNotifier(mode, written.append, is_tty=True, environ={})
    assert notifier.notify("r", "m") is bool(expected)
    assert "".join(written) == expected


def test_nothing_is_written_unless_a_terminal() -> None:
    written: list[str] = []
    notifier = TerminalNotifier("osc9", written.append, is_tty=False, environ={})
    assert not notifier.enabled and not notifier.notify("r", "m") and written == []


def test_real_pty_and_tmux_and_auto() -> None:
    controller, terminal = os.openpty()
    try:
        with os.fdopen(os.dup(terminal), "w") as stream:
            notifier = TerminalNotifier(
                "auto", stream.write, is_tty=stream.isatty(), environ={"TMUX": "/tmp/t,1,0"}
            )
            assert notifier.notify("run", "finished", bell=False)
        sent = os.read(controller, 1024)
    finally:
        os.close(controller)
        os.close(terminal)
    assert sent == b"\x1bPtmux;\x1b\x1b]9;run: finished\x07\x1b\\"
    assert resolve_mode("auto", {"VTE_VERSION": "7200"}) == "osc777"
    assert resolve_mode("auto", {"TERM": "rxvt-unicode-256color"}) == "osc777"
    assert resolve_mode("auto", {"TERM": "xterm-256color"}) == "osc9"
    with pytest.raises(ValueError, match="unknown notification mode"):
        resolve_mode("loud")
