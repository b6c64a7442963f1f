"""Fixtures for the app tests: a settable clock and deterministic runs in ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.data.conftest import FakeClock
from tests.tui.runs import FROZEN

Clock = FakeClock
"""A wall clock the test moves by hand (the data tests' one)."""


@pytest.fixture
def clock() -> Clock:
    return Clock(FROZEN + 5)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the current folder, so run names are relative and short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
