"""Chart layout: exact size at any size, y range from visible data, log scale, NaN, colours."""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dvclive_tui.charts.frame import Curve, Role, XFormat, render_chart
from dvclive_tui.charts.series import ColorAssigner, SeriesData, preferred_color
from dvclive_tui.charts.view import ChartOptions, effective_x_axis, render_series_chart, x_values
from dvclive_writer.plotting.palette import PALETTE


def walk(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    y = np.cumsum(np.random.default_rng(seed).normal(size=count))
    return np.arange(count, dtype=np.float64), y


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 140),
    st.integers(0, 40),
    st.integers(0, 300),
    st.booleans(),
    st.floats(0, 1),
)
def test_frames_are_exactly_the_requested_size(
    width: int, height: int, count: int, log_y: bool, nan_share: float
) -> None:
    x, y = walk(count, seed=count)
    rng = np.random.default_rng(width * 41 + height)
    y[rng.random(count) < nan_share] = np.nan
    frame = render_chart(
        [Curve("a\x1b[2J", x, y, 0, legend="1"), Curve("b", x, -y, 1, legend="2")],
        width,
        height,
        title="t\x07itle",
        status="EMA 0.60",
        log_y=log_y,
        cursor=count / 2 if count else None,
    )
    lines = frame.text().split("\n") if height else []
    assert len(frame.rows) == height
    assert all(len(line) == width for line in lines)
    assert "\x1b" not in frame.text() and "\x07" not in frame.text()


def test_y_range_fits_the_visible_window_only() -> None:
    x = np.arange(1000, dtype=np.float64)
    y = np.where(x < 500, 1000.0, x / 1000)  # huge values outside the window
    frame = render_chart([Curve("m", x, y, 0)], 60, 16, x_range=(600.0, 900.0))
    viewport = frame.viewport
    assert viewport is not None
    assert viewport.y_min <= 0.6 and viewport.y_max >= 0.9
    assert viewport.y_max < 2  # the 1000s left of the window do not squash the chart


def test_log_scale_drops_non_positive_values_and_uses_decades() -> None:
    x = np.arange(100, dtype=np.float64)
    y = 10.0 ** (-x / 25)
    y[10] = 0.0
    y[20] = -5.0
    frame = render_chart([Curve("lr", x, y, 0, legend="x")], 60, 20, log_y=True)
    assert frame.viewport is not None
    text = frame.text()
    for label in ("1┤", "0.1┤", "0.01┤", "0.001┤"):
        assert label in text
    assert math.isfinite(frame.viewport.y_min)


def test_all_nan_or_empty_series_show_no_data() -> None:
    x = np.arange(10, dtype=np.float64)
    for curves in ([], [Curve("m", x, np.full(10, np.nan), 0, legend="nan")]):
        frame = render_chart(curves, 40, 10, title="m")
        assert "no data" in frame.text()
        assert frame.viewport is None


def test_flat_and_single_point_series_get_a_usable_range() -> None:
    frame = render_chart([Curve("c", np.array([5.0]), np.array([3.0]), 0)], 40, 10)
    assert frame.viewport is not None
    assert frame.viewport.y_min < 3 < frame.viewport.y_max
    assert frame.viewport.x_min < 5 < frame.viewport.x_max
    assert any(0x2800 < ord(char) <= 0x28FF for char in frame.text())


def test_series_cells_carry_their_palette_role() -> None:
    x = np.arange(50, dtype=np.float64)
    frame = render_chart(
        [Curve("low", x, np.zeros(50), 2), Curve("high", x, np.ones(50), 5)], 40, 12
    )
    roles = {role for row in frame.rows for _, role in row}
    assert {int(Role.SERIES) + 2, int(Role.SERIES) + 5} <= roles


def test_cursor_values_report_every_series_at_the_cursor() -> None:
    x = np.arange(100, dtype=np.float64)
    frame = render_chart(
        [Curve("a", x, x * 2, 0, legend="198"), Curve("b", x, x + 1, 1, legend="100")],
        60,
        14,
        cursor=42.0,
    )
    assert dict(frame.cursor_values) == {"a": 84.0, "b": 43.0}
    assert "@ 42" in frame.text().splitlines()[0]
    assert "● a 84" in frame.text()


def test_time_axes() -> None:
    stamps = 1_700_000_000_000 + np.arange(0, 3600_000, 60_000, dtype=np.int64)
    item = SeriesData("r::m", "m", np.arange(len(stamps)), np.ones(len(stamps)), stamps)
    relative = x_values(item, "relative")
    assert relative[0] == 0 and relative[-1] == 59 * 60_000
    frame = render_chart(
        [Curve("m", relative, np.arange(60.0), 0)], 80, 10, x_format=XFormat.DURATION
    )
    labels = frame.text().splitlines()[-1]
    assert "10m" in labels and "30m" in labels
    untimed = SeriesData("r::n", "n", np.arange(3), np.ones(3))
    assert effective_x_axis([item, untimed], "wall") == "step"
    assert effective_x_axis([item], "wall") == "wall"
    step_frame = render_series_chart([item, untimed], 60, 10, ChartOptions(x_axis="wall"))
    assert "step (no timestamps)" in step_frame.text()


def test_a_lone_wall_clock_tick_shows_the_time_not_the_date() -> None:
    # An 8 s run in a narrow chart (two charts side by side in 80 columns): one tick only.
    stamps = 1_700_000_000_000 + np.arange(0, 8000, 100, dtype=np.float64)
    frame = render_chart(
        [Curve("m", stamps, np.sin(stamps / 1000), 0)], 20, 8, x_format=XFormat.CLOCK
    )
    labels = frame.text().splitlines()[-1].split()
    assert len(labels) == 1, labels
    moment = time.localtime(1_700_000_000)
    assert labels[0] == time.strftime("%H:%M:%S", moment), labels


def test_colours_are_stable_distinct_and_explicit_ones_win() -> None:
    def series(key: str, color: int | None = None) -> SeriesData:
        return SeriesData(key, key, np.arange(2), np.ones(2), color=color)

    assert len(PALETTE) >= 8
    assigner = ColorAssigner()
    first = assigner.assign([series("run-a::loss"), series("run-a::acc")])
    assert first[0] == preferred_color("run-a::loss")
    assert first[0] != first[1]  # same run, one chart: the second probes to a free slot
    again = assigner.assign([series("run-a::acc"), series("run-a::loss")])
    assert again == [first[1], first[0]]
    assert ColorAssigner().assign([series("x::m", color=11)]) == [11 % len(PALETTE)]
    # Across charts (fresh assigners), a run keeps its colour.
    assert ColorAssigner().assign([series("run-a::other")]) == [first[0]]


@pytest.mark.parametrize(
    "values",
    [
        [1.7e308, -1.7e308, 0.0],
        [1e-320, 2e-320, 3e-320],
        [5.0, 5.0 + 1e-15, 5.0],
        [1e300, 1e300],
        [math.inf, -math.inf, math.nan],
    ],
)
@pytest.mark.parametrize("log_y", [False, True])
def test_extreme_values_never_crash(values: list[float], log_y: bool) -> None:
    y = np.array(values)
    x = np.arange(len(y), dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = render_chart([Curve("m", x, y, 0, legend="1")], 40, 10, log_y=log_y)
        wide = render_chart([Curve("m", y, x, 0)], 40, 10)
    assert len(frame.text().splitlines()) == 10
    assert len(wide.text().splitlines()) == 10


def test_step_axes_never_get_fractional_ticks() -> None:
    item = SeriesData("r::m", "m", np.arange(3, dtype=np.int64), np.array([1.0, 0.7, 0.5]))
    frame = render_series_chart([item], 70, 12, ChartOptions(title="m"))
    labels = frame.text().splitlines()[-2].split()
    assert labels == ["0", "1", "2"]


def test_smoothing_draws_faded_raw_values_under_the_smoothed_line() -> None:
    rng = np.random.default_rng(9)
    item = SeriesData("r::m", "m", np.arange(300), rng.normal(size=300), color=3)
    smooth = render_series_chart([item], 70, 16, ChartOptions(title="m", smoothing=0.9))
    roles = {role for row in smooth.rows for _, role in row}
    assert int(Role.DIM_SERIES) + 3 in roles and int(Role.SERIES) + 3 in roles
    assert smooth.text().count("● m") == 1  # one legend entry per series
    plain = render_series_chart(
        [item], 70, 16, ChartOptions(title="m", smoothing=0.9, show_raw=False)
    )
    assert int(Role.DIM_SERIES) + 3 not in {role for row in plain.rows for _, role in row}


def test_points_far_outside_a_zoom_window_do_not_overflow() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0, 1e308])
    y = np.array([0.0, 1.0, -1e308, 1.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = render_chart([Curve("m", x, y, 0)], 40, 10, x_range=(0.5, 1.5))
    assert frame.viewport is not None
    assert any(0x2800 < ord(char) <= 0x28FF for char in frame.text())
