"""M4 decimation keeps first/min/max/last per column and is pixel-exact for lines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dvclive_tui.charts.raster import Viewport, pixel_grid, series_pixels
from dvclive_writer.plotting.decimate import m4_decimate, m4_pixels


def rasterize(
    x: np.ndarray, y: np.ndarray, viewport: Viewport, *, decimate: bool, clean: bool = False
) -> np.ndarray:
    """The canvas one series lights (as the chart frame draws it)."""
    cols, rows = series_pixels(x, y, viewport, decimate=decimate, clean=clean)
    return pixel_grid(cols, rows, viewport.width_px, viewport.height_px)


def random_walk(seed: int, count: int) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).normal(size=count))


def test_m4_pixels_keeps_first_min_max_last_of_each_column() -> None:
    rng = np.random.default_rng(3)
    px = np.repeat(np.arange(50), 40)
    py = rng.integers(0, 100, size=len(px))
    out_x, out_y, _ = m4_pixels(px, py)
    assert len(out_x) <= 4 * 50
    for column in range(50):
        raw = py[px == column]
        kept = out_y[out_x == column]
        assert kept[0] == raw[0]
        assert kept[-1] == raw[-1]
        assert kept.min() == raw.min()
        assert kept.max() == raw.max()


def test_m4_pixels_never_merges_parts_across_a_gap() -> None:
    px = np.zeros(20, dtype=np.int64)
    py = np.arange(20, dtype=np.int64)
    parts = np.repeat([0, 1], 10)
    _out_x, out_y, out_parts = m4_pixels(px, py, parts)
    assert set(out_y[out_parts == 0]) == {0, 9}
    assert set(out_y[out_parts == 1]) == {10, 19}


def test_m4_decimate_output_is_bounded_and_keeps_extremes() -> None:
    y = random_walk(1, 100_000)
    x = np.arange(len(y), dtype=np.float64)
    out_x, out_y = m4_decimate(x, y, 0.0, float(len(y) - 1), 240)
    assert len(out_x) <= 4 * 240
    assert out_y.min() == y.min()
    assert out_y.max() == y.max()
    assert out_x[0] == 0 and out_x[-1] == len(y) - 1
    # Kept points are real points, in order.
    assert np.all(np.diff(out_x) >= 0)
    np.testing.assert_array_equal(y[out_x.astype(int)], out_y)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("count", "width", "height"), [(20_000, 240, 120), (5_000, 40, 24)])
@pytest.mark.parametrize("clean", [False, True])
def test_raster_of_decimated_data_equals_raster_of_raw_data(
    seed: int, count: int, width: int, height: int, clean: bool
) -> None:
    """``clean`` takes the path that maps only the kept points' y to pixels."""
    y = random_walk(seed, count)
    x = np.arange(count, dtype=np.float64)
    viewport = Viewport(0.0, count - 1.0, float(y.min()), float(y.max()), width, height)
    decimated = rasterize(x, y, viewport, decimate=True, clean=clean)
    raw = rasterize(x, y, viewport, decimate=False)
    assert decimated.any()
    np.testing.assert_array_equal(decimated, raw)


def test_raster_is_exact_with_gaps_and_a_zoom_window() -> None:
    y = random_walk(11, 30_000)
    y[5_000:5_100] = np.nan
    y[17_000] = np.inf
    x = np.arange(len(y), dtype=np.float64)
    viewport = Viewport(2_000.0, 20_000.0, -150.0, 150.0, 160, 64)
    np.testing.assert_array_equal(
        rasterize(x, y, viewport, decimate=True), rasterize(x, y, viewport, decimate=False)
    )


def test_clean_raster_is_exact_when_the_data_leaves_the_viewport() -> None:
    y = random_walk(12, 30_000) * 50
    x = np.arange(len(y), dtype=np.float64)
    viewport = Viewport(2_000.0, 20_000.0, -150.0, 150.0, 160, 64)
    np.testing.assert_array_equal(
        rasterize(x, y, viewport, decimate=True, clean=True),
        rasterize(x, y, viewport, decimate=False),
    )


@pytest.mark.parametrize("clean", [False, True])
def test_raster_is_exact_for_curves_that_turn_back_in_x(clean: bool) -> None:
    """Precision-recall style data: x goes back and forth, M4 groups consecutive runs."""
    rng = np.random.default_rng(4)
    x = np.concatenate((np.linspace(0, 1, 4000), np.linspace(1, 0, 4000))) + rng.normal(
        0, 0.002, 8000
    )
    y = np.cumsum(rng.normal(size=8000))
    viewport = Viewport(float(x.min()), float(x.max()), float(y.min()), float(y.max()), 120, 80)
    np.testing.assert_array_equal(
        rasterize(x, y, viewport, decimate=True, clean=clean),
        rasterize(x, y, viewport, decimate=False),
    )


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    count=st.integers(2, 3000),
    width=st.integers(1, 200),
    height=st.integers(1, 120),
    zoom=st.tuples(st.floats(-0.5, 0.9), st.floats(0.05, 1.5)),
    scale=st.floats(0.01, 100.0),
)
def test_clean_raster_is_exact_on_any_walk_and_window(
    seed: int,
    count: int,
    width: int,
    height: int,
    zoom: tuple[float, float],
    scale: float,
) -> None:
    """The clean path (each column's span lit once) lights exactly the raw polyline's pixels,
    whatever the density, the window and the part of the data outside it."""
    y = random_walk(seed, count) * scale
    x = np.arange(count, dtype=np.float64)
    start, span = zoom
    lo, hi = float(y.min()), float(y.max())
    viewport = Viewport(
        start * count, (start + span) * count, lo + (hi - lo) * start, hi, width, height
    )
    np.testing.assert_array_equal(
        rasterize(x, y, viewport, decimate=True, clean=True),
        rasterize(x, y, viewport, decimate=False),
    )
