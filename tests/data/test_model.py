"""MetricSeries storage: 16 bytes per point, with transparent upgrades when values outgrow it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dvclive_writer.read.model import MetricSeries


def test_bulk_load_holds_sixteen_bytes_per_point() -> None:
    series = MetricSeries("loss", "plots/metrics/loss.tsv", has_timestamp=True)
    count = 10_000
    stamps = 1_700_000_000_000 + np.arange(count) * 250
    series.append(np.arange(count), np.linspace(1, 0, count), stamps)
    assert series.nbytes / len(series) == 16
    assert series.steps.dtype == np.int64 and series.timestamps is not None
    assert series.timestamps.dtype == np.int64
    np.testing.assert_array_equal(series.timestamps, stamps)
    without = MetricSeries("acc", "plots/metrics/acc.tsv", has_timestamp=False)
    without.append(np.arange(count), np.zeros(count))
    assert without.nbytes / len(without) == 12 and without.timestamps is None


def test_steps_and_timestamps_upgrade_when_they_do_not_fit() -> None:
    series = MetricSeries("x", "x.tsv", has_timestamp=True)
    series.append([0, 1], [0.5, 0.25], [1_700_000_000_000, -1])
    series.append([2**40], [1.0], [1_600_000_000_000])  # earlier than the base: int64
    series.append([3], [2.0], [1_700_000_000_123])
    assert series.steps.tolist() == [0, 1, 2**40, 3]
    assert series.timestamps is not None
    assert series.timestamps.tolist() == [
        1_700_000_000_000,
        -1,
        1_600_000_000_000,
        1_700_000_000_123,
    ]
    assert series.values.tolist() == [0.5, 0.25, 1.0, 2.0]


def test_growth_keeps_points_and_reset_bumps_generation() -> None:
    series = MetricSeries("x", "x.tsv", has_timestamp=False, capacity=2)
    for step in range(1000):
        series.append([step], [step / 2])
    assert series.steps.tolist() == list(range(1000))
    assert series.nbytes <= 12 * 1000 * 1.5 + 12 * 64
    series.reset(has_timestamp=True)
    assert len(series) == 0 and series.generation == 1 and series.has_timestamp
    series.append([5], [1.0], [1_700_000_000_000])
    assert series.timestamps is not None and series.timestamps.tolist() == [1_700_000_000_000]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(-(2**40), 2**40),
            st.one_of(st.just(-1), st.integers(1_500_000_000_000, 1_900_000_000_000)),
        ),
        max_size=40,
    ),
    count=st.integers(0, 50),
    narrow=st.booleans(),
)
def test_tails_and_the_last_step_are_the_end_of_the_whole_arrays(
    rows: list[tuple[int, int]], count: int, narrow: bool
) -> None:
    """Whatever the storage (narrow or upgraded), a tail equals the end of the full view."""
    series = MetricSeries("x", "x.tsv", has_timestamp=True, capacity=4)
    for step, stamp in rows:
        series.append([step % 1000 if narrow else step], [0.5], [stamp])
    assert series.last_step == (int(series.steps[-1]) if rows else None)
    np.testing.assert_array_equal(series.steps_tail(count), series.steps[-count:] if count else [])
    stamps, tail = series.timestamps, series.timestamps_tail(count)
    assert stamps is not None and tail is not None
    np.testing.assert_array_equal(tail, stamps[-count:] if count else [])
    assert MetricSeries("y", "y.tsv", has_timestamp=False).timestamps_tail(3) is None
