"""Desktop notifications through the terminal: the bell, OSC 9 and OSC 777.

Terminals turn these escape sequences into a system notification, which reaches the user
even when the dashboard runs over SSH in a hidden tab:

- ``ESC ] 9 ; TEXT BEL`` (OSC 9): iTerm2, WezTerm, Windows Terminal, ConEmu, Ghostty, kitty;
- ``ESC ] 777 ; notify ; TITLE ; BODY BEL`` (OSC 777): urxvt, foot, VTE terminals
  (GNOME Terminal, Tilix), WezTerm, Ghostty.

:class:`TerminalNotifier` builds the sequence and hands it to a ``write`` callable (the
App's driver, so it never interleaves with a frame being drawn). It emits nothing unless
enabled and the output is a terminal. Text from runs is cleaned first: every control
character (C0, C1, DEL: an ESC or BEL could end the sequence and inject another one) and
every ``;`` in an OSC 777 field become spaces or commas, and the text is cut to
:data:`MAX_TEXT` characters. Inside tmux the sequence is wrapped for pass-through (tmux
needs ``set -g allow-passthrough on``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Literal, cast

from dvclive_writer.text_safety import terminal_text

NotifyMode = Literal["off", "bell", "osc9", "osc777", "auto"]
MAX_TEXT = 200
"""Longest title or body sent to the terminal."""

_OSC777_TERMINALS = ("rxvt", "foot", "contour")
BEL = "\a"
OSC = "\x1b]"


def clean(text: str, *, separator_safe: bool = False) -> str:
    """``text`` with control, bidi and invisible characters escaped, cut to :data:`MAX_TEXT`."""
    cleaned = terminal_text(text).strip()
    if separator_safe:
        cleaned = cleaned.replace(";", ",")
    if len(cleaned) > MAX_TEXT:
        cleaned = cleaned[: MAX_TEXT - 1] + "…"
    return cleaned


def osc9(title: str, body: str) -> str:
    """The OSC 9 sequence for a notification (``title: body``)."""
    text = clean(f"{title}: {body}" if title else body)
    return f"{OSC}9;{text}{BEL}"


def osc777(title: str, body: str) -> str:
    """The OSC 777 ``notify`` sequence."""
    title, body = clean(title, separator_safe=True), clean(body, separator_safe=True)
    return f"{OSC}777;notify;{title};{body}{BEL}"


def for_tmux(sequence: str) -> str:
    """Wrap ``sequence`` in tmux's DCS pass-through (every ESC doubled)."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def resolve_mode(mode: str, environ: Mapping[str, str] | None = None) -> NotifyMode:
    """``auto`` becomes ``osc777`` on terminals known for it (urxvt, foot, VTE), else ``osc9``.

    Raises ``ValueError`` for a mode that is not one of ``settings.NOTIFY_MODES``.
    """
    if mode in ("off", "bell", "osc9", "osc777"):
        return cast(NotifyMode, mode)
    if mode != "auto":
        raise ValueError(f"unknown notification mode {mode!r}")
    env = os.environ if environ is None else environ
    term = env.get("TERM", "").lower()
    if env.get("VTE_VERSION") or any(name in term for name in _OSC777_TERMINALS):
        return "osc777"
    return "osc9"


def stdout_is_tty() -> bool:
    """Whether the process's original standard output is a terminal."""
    stream = sys.__stdout__
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):  # closed or detached
        return False


class TerminalNotifier:
    """Rings the bell and sends desktop notifications through the terminal.

    Args:
        mode: ``off``; ``bell`` (BEL only); ``osc9`` or ``osc777`` (BEL plus that
            notification); ``auto`` (OSC 777 where known, else OSC 9).
        write: Writes a string to the terminal (e.g. ``app._driver.write``).
        is_tty: Whether that output is a terminal; nothing is written otherwise.
        environ: Environment for ``auto`` and tmux detection (default ``os.environ``).
    """

    def __init__(
        self,
        mode: str,
        write: Callable[[str], None],
        *,
        is_tty: bool,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.mode: NotifyMode = resolve_mode(mode, env) if is_tty else "off"
        self._write = write
        self._tmux = bool(env.get("TMUX"))

    @property
    def enabled(self) -> bool:
        """Whether :meth:`notify` writes anything."""
        return self.mode != "off"

    def sequence(self, title: str, body: str, *, bell: bool = True) -> str:
        """What :meth:`notify` writes for this notification (``""`` when off)."""
        ring = BEL if bell else ""
        if self.mode in ("off", "bell"):
            return ring if self.mode == "bell" else ""
        notification = osc9(title, body) if self.mode == "osc9" else osc777(title, body)
        if self._tmux:
            notification = for_tmux(notification)
        return ring + notification

    def notify(self, title: str, body: str, *, bell: bool = True) -> bool:
        """Send the notification (and ring unless ``bell`` is false); return whether anything
        was written."""
        sequence = self.sequence(title, body, bell=bell)
        if sequence:
            self._write(sequence)
        return bool(sequence)
