"""Axis ticks are nice numbers that cover the data; log and time ticks read well."""

from __future__ import annotations

import itertools
import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dvclive_writer.plotting.ticks import (
    format_clock,
    format_duration,
    format_log_tick,
    format_number,
    log_ticks,
    nice_ticks,
    time_ticks,
)


def is_nice_step(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, nice, rel_tol=1e-6) for nice in (1, 2, 5, 10))


finite = st.floats(-1e9, 1e9, allow_nan=False)


@settings(deadline=None)
@given(finite, finite, st.integers(1, 12))
def test_nice_ticks_cover_the_data_with_a_nice_step(a: float, b: float, count: int) -> None:
    lo, hi = min(a, b), max(a, b)
    if hi - lo < 1e-6 * max(1.0, abs(lo)):
        return
    ticks = nice_ticks(lo, hi, count)
    tolerance = 1e-9 * (hi - lo)  # float noise, far below one braille dot
    assert ticks[0] <= lo + tolerance
    assert ticks[-1] >= hi - tolerance
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(steps) <= max(count, 2)
    assert all(math.isclose(s, steps[0], rel_tol=1e-6, abs_tol=1e-9) for s in steps)
    assert is_nice_step(steps[0])


def test_nice_ticks_examples() -> None:
    assert nice_ticks(0.13, 0.97, 5) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0, 24895.8, 4) == [0.0, 10000.0, 20000.0, 30000.0]
    assert nice_ticks(3, 97, 5, cover=False) == [20.0, 40.0, 60.0, 80.0]


def test_log_ticks_are_whole_decades_over_wide_ranges() -> None:
    assert log_ticks(math.log10(0.003), math.log10(40), 5) == [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0]
    assert log_ticks(-12, 3, 5) == [-12.0, -9.0, -6.0, -3.0, 0.0, 3.0]
    labels = [format_log_tick(t) for t in log_ticks(-3, 2, 6)]
    assert labels == ["0.001", "0.01", "0.1", "1", "10", "100"]


def test_log_ticks_within_a_decade_use_1_2_5_mantissas() -> None:
    ticks = log_ticks(math.log10(1.5), math.log10(8), 5)
    values = [round(10**t, 6) for t in ticks]
    assert values == [1.0, 2.0, 5.0, 10.0]


def test_time_ticks_land_on_round_clock_times() -> None:
    start = time.mktime((2024, 5, 1, 13, 58, 17, 0, 0, -1)) * 1000
    ticks = time_ticks(start, start + 20 * 60_000, 4)
    labels = [format_clock(t, ticks[1] - ticks[0]) for t in ticks]
    assert labels == ["14:00", "14:05", "14:10", "14:15"]


def test_durations_read_naturally() -> None:
    ticks = time_ticks(0, 3 * 3600_000, 6, wall=False)
    assert [format_duration(t) for t in ticks] == ["0", "30m", "1h", "1h30m", "2h", "2h30m", "3h"]
    assert format_duration(90_000) == "1m30s"
    assert format_duration(2 * 86_400_000 + 3_600_000) == "2d1h"


@pytest.mark.parametrize(
    ("value", "step", "label"),
    [
        (20000, 10000, "20k"),
        (2500, 500, "2.5k"),
        (500, 500, "500"),
        (0.25, 0.05, "0.25"),
        (1.5e6, 5e5, "1.5M"),
    ],
)
def test_number_labels(value: float, step: float, label: str) -> None:
    assert format_number(value, step) == label
