"""Remote roots' problems told once each: the views show a problem when it appears or
changes, never again at every poll while it lasts."""

from __future__ import annotations

from collections.abc import Mapping

from dvclive_tui.text import sanitize


class ProblemNotes:
    """What :attr:`~dvclive_tui.monitor.watcher.RunWatcher.remote_problems` said last time."""

    def __init__(self) -> None:
        self._told: dict[str, str] = {}

    def news(self, problems: Mapping[str, str]) -> list[str]:
        """The problems that are new or changed since the last call, one safe line each."""
        fresh = [
            (sanitize(text).splitlines() or [""])[0]
            for root, text in problems.items()
            if self._told.get(root) != text
        ]
        self._told = dict(problems)
        return fresh
