"""Incremental decimation for regenerated reports: only new points are decimated, and
every column keeps its extremes as a full decimation would."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from dvclive_writer.plotting.decimate import m4_decimate
from dvclive_writer.report.decimation import GRID_GROWTH, Decimator, grid_span

WIDTH = 300
KEY = ("loss", "workspace")


def walk(count: int, seed: int = 0) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    rng = np.random.default_rng(seed)
    return np.arange(count, dtype=np.float64), np.cumsum(rng.standard_normal(count))


def column_extremes(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], x_min: float, span: float
) -> dict[int, tuple[float, float, float, float]]:
    """Per grid column: first x, last x, min y, max y."""
    columns = np.minimum(((x - x_min) // (span / WIDTH)).astype(np.int64), WIDTH - 1)
    found = {}
    for column in np.unique(columns):
        inside = columns == column
        found[int(column)] = (
            float(x[inside][0]),
            float(x[inside][-1]),
            float(y[inside].min()),
            float(y[inside].max()),
        )
    return found


@pytest.mark.parametrize("span", [1.0, 1000.0, 1199.0, 1250.0, 99_999.0])
def test_grid_span_is_the_next_power_of_the_growth(span: float) -> None:
    grid = grid_span(span)
    assert span <= grid < max(span, 1.0) * GRID_GROWTH + 1e-9


def test_regenerations_decimate_only_new_points_and_keep_every_columns_extremes() -> None:
    x, y = walk(103_000)
    decimator = Decimator()
    decimator.decimate(KEY, 0, x[:100_000], y[:100_000], 0.0, 99_999.0, WIDTH)
    assert decimator.points_decimated == 100_000
    for end in (101_000, 102_000, 103_000):
        before = decimator.points_decimated
        xs, ys = decimator.decimate(KEY, 0, x[:end], y[:end], 0.0, end - 1.0, WIDTH)
        # The new rows plus the rest of the newest column, not the whole history.
        assert decimator.points_decimated - before < 1000 + 2 * grid_span(end) / WIDTH
        assert len(xs) <= 4 * WIDTH + 4
        assert set(zip(xs.tolist(), ys.tolist(), strict=True)) <= set(
            zip(x[:end].tolist(), y[:end].tolist(), strict=True)
        )
        span = grid_span(end - 1.0)
        assert column_extremes(xs, ys, 0.0, span) == column_extremes(x[:end], y[:end], 0.0, span)
        fresh = Decimator().decimate(KEY, 0, x[:end], y[:end], 0.0, end - 1.0, WIDTH)
        assert column_extremes(*fresh, 0.0, span) == column_extremes(xs, ys, 0.0, span)


def test_a_wider_span_a_reset_or_steps_out_of_order_start_over() -> None:
    x, y = walk(10_000)
    decimator = Decimator()
    decimator.decimate(KEY, 0, x[:5000], y[:5000], 0.0, 4999.0, WIDTH)
    decimator.decimate(KEY, 0, x, y, 0.0, 9999.0, WIDTH)  # the grid grew: all again
    assert decimator.points_decimated == 15_000
    decimator.decimate(KEY, 1, x, y, 0.0, 9999.0, WIDTH)  # new generation: all again
    assert decimator.points_decimated == 25_000

    back = np.concatenate((x[:6000], x[:4000]))  # a second run appended from step 0
    values = np.concatenate((y[:6000], y[:4000] + 1))
    xs, ys = decimator.decimate(KEY, 1, back, values, 0.0, 5999.0, WIDTH)
    expected = m4_decimate(back, values, 0.0, 5999.0, WIDTH)
    assert xs.tolist() == expected[0].tolist() and ys.tolist() == expected[1].tolist()


def test_short_series_are_kept_whole() -> None:
    x, y = walk(4 * WIDTH)
    xs, ys = Decimator().decimate(KEY, 0, x, y, 0.0, x[-1], WIDTH)
    assert xs is x and ys is y
