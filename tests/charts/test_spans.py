"""Column spans (dense clean lines drawn a column at a time) light exactly the pixels of the
full polyline, whatever the lines' lengths, shared x, window and clipping."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from dvclive_tui.charts.frame import Curve, render_chart
from dvclive_tui.charts.raster import (
    DOT_MASKS,
    Viewport,
    cell_dots,
    column_spans,
    series_pixels,
    span_cells,
)

Cells = npt.NDArray[np.uint8]


def reference_cells(x: np.ndarray, y: np.ndarray, viewport: Viewport) -> Cells:
    """Dot bits per braille cell of the undecimated polyline (the generic DDA path)."""
    cols, rows = series_pixels(x, y, viewport, decimate=False)
    cells, dots = cell_dots(cols, rows, viewport.width_px)
    grid = np.zeros((viewport.height_px // 4) * (viewport.width_px // 2), dtype=np.uint8)
    np.bitwise_or.at(grid, cells, DOT_MASKS[dots])
    return grid


def span_grids(
    lines: list[tuple[np.ndarray, np.ndarray]], viewport: Viewport
) -> tuple[dict[int, Cells], list[int]]:
    """Dot bits per cell of every line drawn through :func:`column_spans`."""
    chunks, rejected = column_spans(lines, viewport)
    size = (viewport.height_px // 4) * (viewport.width_px // 2)
    grids = {index: np.zeros(size, dtype=np.uint8) for index in range(len(lines))}
    for spans in chunks:
        cells, bits, owners = span_cells(spans, viewport.width_px)
        for index in np.unique(owners).tolist():
            mine = owners == index
            np.bitwise_or.at(grids[index], cells[mine], bits[mine])
    return grids, rejected


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    line_count=st.integers(1, 20),
    width=st.integers(1, 100),
    height=st.integers(1, 40),
    zoom=st.tuples(st.floats(-0.2, 0.5), st.floats(0.3, 1.5)),
    y_zoom=st.tuples(st.floats(-0.2, 0.3), st.floats(0.7, 1.2)),
)
def test_spans_equal_the_polyline_raster(
    seed: int,
    line_count: int,
    width: int,
    height: int,
    zoom: tuple[float, float],
    y_zoom: tuple[float, float],
) -> None:
    """Lines of different lengths, some sharing x, in a window that may cut them."""
    rng = np.random.default_rng(seed)
    shared_x = np.arange(int(rng.integers(1, 3000)), dtype=np.float64)
    lines = []
    for _ in range(line_count):
        x = shared_x if rng.random() < 0.4 else np.arange(int(rng.integers(1, 3000))) * 1.0
        x = x * rng.choice([1.0, 0.1, 3.0]) + float(rng.integers(0, 500))
        lines.append((x, np.cumsum(rng.normal(size=len(x))) * rng.uniform(0.01, 100)))
    all_x = np.concatenate([x for x, _ in lines])
    all_y = np.concatenate([y for _, y in lines])
    x_lo, x_span = float(all_x.min()), float(np.ptp(all_x))
    y_lo, y_span = float(all_y.min()), float(np.ptp(all_y))
    viewport = Viewport(
        x_lo + zoom[0] * x_span,
        x_lo + (zoom[0] + zoom[1]) * x_span,
        y_lo + y_zoom[0] * y_span,
        y_lo + y_zoom[1] * y_span,
        width * 2,
        height * 4,
    )
    grids, rejected = span_grids(lines, viewport)
    for index, (x, y) in enumerate(lines):
        if index not in rejected:
            np.testing.assert_array_equal(grids[index], reference_cells(x, y, viewport))


def test_dense_lines_are_drawn_as_spans_and_sparse_ones_are_left_to_lines() -> None:
    rng = np.random.default_rng(5)
    dense = (np.arange(2000.0), np.cumsum(rng.normal(size=2000)))
    sparse = (np.arange(0.0, 2000.0, 40.0), rng.normal(size=50))  # skips columns
    backwards = (np.arange(2000.0)[::-1].copy(), np.cumsum(rng.normal(size=2000)))
    viewport = Viewport(0.0, 1999.0, -80.0, 80.0, 200, 80)
    grids, rejected = span_grids([dense, sparse, backwards], viewport)
    assert rejected == [1, 2]
    np.testing.assert_array_equal(grids[0], reference_cells(*dense, viewport))
    assert grids[0].any()


def test_lines_leaving_the_canvas_vertically_are_clipped_exactly_or_refused() -> None:
    x = np.arange(3000.0)
    y = np.sin(x / 100) * 10
    inside_by_a_pixel = Viewport(0.0, 2999.0, -9.9, 9.9, 300, 120)
    far_outside = Viewport(0.0, 2999.0, -1.0, 1.0, 300, 120)
    grids, rejected = span_grids([(x, y)], inside_by_a_pixel)
    assert rejected == []
    np.testing.assert_array_equal(grids[0], reference_cells(x, y, inside_by_a_pixel))
    assert span_grids([(x, y)], far_outside)[1] == [0]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(2, 80), smoothing=st.booleans())
def test_a_frame_of_many_overlaid_runs_equals_the_undecimated_frame(
    seed: int, count: int, smoothing: bool
) -> None:
    """Which run owns a shared cell, faded raw lines under their smoothed ones, references:
    the span path (decimate on) draws the very frame the per-pixel path draws."""
    rng = np.random.default_rng(seed)
    # Drawn per pixel (it skips columns) though first: it owns only cells no later run lit.
    curves = [Curve("sparse", np.linspace(0, 2500, 9), rng.normal(size=9) / 5, 3, legend="s")]
    for index in range(count):
        length = int(rng.integers(1, 2500))
        x = np.arange(length, dtype=np.float64)
        y = np.cumsum(rng.normal(size=length)) / 50
        if smoothing:
            curves.append(Curve(f"run{index}", x, y, index % 12, legend=None, dim=True))
        curves.append(Curve(f"run{index}", x, y * 0.9, index % 12, legend="1"))
    curves.append(Curve("ref", np.array([0.0, 2500.0]), np.array([0.0, 0.0]), -1))
    width, height = int(rng.integers(20, 200)), int(rng.integers(8, 50))
    fast = render_chart(curves, width, height, title="m")
    slow = render_chart(curves, width, height, title="m", decimate=False)
    assert fast.rows == slow.rows
