"""Fixtures for the fleet tests: a settable wall clock and a settable monotonic clock."""

from __future__ import annotations

import pytest

from tests.data.conftest import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """Wall clock (status decisions, event times)."""
    return FakeClock(1_900_000_000.0)


@pytest.fixture
def ticks() -> FakeClock:
    """Monotonic clock (the poll schedule)."""
    return FakeClock(1000.0)
