"""Values at the float limit: finite ticks, no numpy warnings, a chart with its y axis."""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest

from dvclive_tui.charts.frame import Curve, _y_scale, render_chart
from dvclive_tui.charts.raster import Viewport, to_pixels
from dvclive_writer.plotting.ticks import nice_ticks

MAX = sys.float_info.max


@pytest.mark.parametrize(
    ("lo", "hi"),
    [(1.5e308, MAX), (-MAX, MAX), (0.0, MAX), (-MAX, 0.0), (-MAX, -1.5e308), (1.0, math.inf)],
)
@pytest.mark.parametrize("cover", [True, False])
@pytest.mark.parametrize("max_ticks", [1, 2, 5, 10])
def test_nice_ticks_near_the_float_limit_are_finite_and_increasing(
    lo: float, hi: float, cover: bool, max_ticks: int
) -> None:
    ticks = nice_ticks(lo, hi, max_ticks, cover=cover)
    assert len(ticks) >= (2 if cover else 1)  # inside-only ticks may be a single one
    assert all(math.isfinite(tick) for tick in ticks)
    assert ticks == sorted(set(ticks))
    if cover:
        assert ticks[0] <= lo and ticks[-1] >= min(hi, MAX)
    else:  # inside, up to rounding far below a pixel
        slack = (min(hi, MAX) * 0.5 - lo * 0.5) * 1e-9
        assert lo - slack <= ticks[0] and ticks[-1] <= hi


def test_nice_ticks_cover_the_float_max_with_a_tick_at_the_limit() -> None:
    assert nice_ticks(1.5e308, MAX) == [1.5e308, 1.6e308, 1.7e308, MAX]
    assert nice_ticks(-MAX, MAX) == [-MAX, -1e308, 0.0, 1e308, MAX]


def test_nice_ticks_of_nan_are_empty() -> None:
    assert nice_ticks(math.nan, 1.0) == []


def test_viewport_with_infinite_bounds_maps_to_finite_pixels() -> None:
    viewport = Viewport(0.0, 4.0, 1.6e308, math.inf, 40, 32)
    y = np.array([1.6e308, MAX, 1.7e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        px, py, parts = to_pixels(np.arange(3.0), y, viewport)
    assert parts is None
    assert py.tolist() == [31, 0, py[2]] and 0 < py[2] < 31
    assert px.tolist() == [0, 10, 20]


@pytest.mark.parametrize(
    "values",
    [
        [1.0, MAX, 1.0, MAX],  # up to the float max
        [-MAX, MAX, -MAX, MAX],  # a range wider than the float range
        [MAX, MAX, MAX, MAX],  # flat at the max: padding passes the limit
    ],
)
def test_charts_at_the_float_limit_draw_a_y_axis_without_warnings(values: list[float]) -> None:
    x = np.arange(len(values), dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = render_chart([Curve("m", x, np.array(values), 0, legend="")], 60, 12)
    text = frame.text()
    assert "┤" in text  # y tick marks
    assert "1.8e308" in text  # the top label, at the float limit
    assert "inf" not in text and "nan" not in text


def test_flat_series_at_the_float_limit_pads_within_finite_range() -> None:
    for value in (sys.float_info.max, -sys.float_info.max):
        lo, hi, ticks = _y_scale([(value, value)], None, 20, False)
        assert math.isfinite(lo) and math.isfinite(hi) and lo < hi
        assert ticks and all(math.isfinite(t) for t in ticks)
