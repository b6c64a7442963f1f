"""Fixtures for the app tests: a settable clock and deterministic runs in ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.runs import FROZEN


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float = FROZEN + 5) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the current folder, so run names are relative and short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
