"""MetricSeries storage: 16 bytes per point, with transparent upgrades when values outgrow it."""

from __future__ import annotations

import numpy as np

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
