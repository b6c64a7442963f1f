"""M4 decimation: keep the first, min, max and last point of every pixel column.

M4 (Jugel et al., PVLDB 2014) is pixel-exact for line rasterisation: the polyline through
the kept points lights exactly the pixels that the polyline through all points lights, as
long as both are drawn in the same integer pixel space. Points are grouped by runs of equal
pixel column, so unsorted x and NaN gaps need no special case.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def m4_pixels(
    px: IntArray, py: IntArray, parts: IntArray | None = None
) -> tuple[IntArray, IntArray, IntArray]:
    """Decimate a polyline already mapped to integer pixels.

    Args:
        px: Pixel column of each point.
        py: Pixel row of each point.
        parts: Optional polyline-part id of each point (points of different parts are
            never joined, e.g. across a NaN gap); equal length to ``px``.

    Returns:
        ``(px, py, parts)`` with at most four points per run of equal column and part
        (first, min, max, last), runs in their original order.
    """
    count = len(px)
    change = px[1:] != px[:-1]
    if parts is not None:
        change |= parts[1:] != parts[:-1]
    starts = np.flatnonzero(np.concatenate(([True], change)))
    groups = len(starts)
    if groups * 4 >= count:
        return px, py, np.zeros(count, dtype=np.int64) if parts is None else parts
    ends = np.concatenate((starts[1:], [count])) - 1
    out_y = np.empty((groups, 4), dtype=np.int64)
    out_y[:, 0] = py[starts]
    out_y[:, 1] = np.minimum.reduceat(py, starts)
    out_y[:, 2] = np.maximum.reduceat(py, starts)
    out_y[:, 3] = py[ends]
    out_parts = (
        np.zeros(groups * 4, dtype=np.int64) if parts is None else np.repeat(parts[starts], 4)
    )
    return np.repeat(px[starts], 4), out_y.reshape(-1), out_parts


def m4_values(px: IntArray, y: FloatArray) -> tuple[IntArray, FloatArray] | None:
    """M4 on pixel columns with data-space y, for clean (all finite) points.

    Returns ``(px, y)`` with four points per run of equal column (first, max y, min y, last:
    the min and max pixel rows once y is mapped downwards), or ``None`` when grouping would
    not shrink the data. Mapping y to pixels is monotonic, so mapping only these points gives
    exactly the rows :func:`m4_pixels` keeps, without mapping every point.
    """
    count = len(px)
    starts = np.flatnonzero(np.concatenate(([True], px[1:] != px[:-1])))
    groups = len(starts)
    if groups * 4 >= count:
        return None
    out_y = np.empty((groups, 4), dtype=np.float64)
    out_y[:, 0] = y[starts]
    out_y[:, 1] = np.maximum.reduceat(y, starts)
    out_y[:, 2] = np.minimum.reduceat(y, starts)
    out_y[:, 3] = y[np.concatenate((starts[1:], [count])) - 1]
    return np.repeat(px[starts], 4), out_y.reshape(-1)


def m4_decimate(
    x: FloatArray, y: FloatArray, x_min: float, x_max: float, width: int
) -> tuple[FloatArray, FloatArray]:
    """Decimate data-space points to at most four per pixel column of ``width`` columns.

    Points keep their data coordinates (unlike :func:`m4_pixels`); the column of a point is
    ``floor((x - x_min) / (x_max - x_min) * width)`` (``x_max`` in the last column); points
    outside the range share one column per side. Non-finite values end a group.
    """
    if len(x) <= 4 * width or width <= 0:
        return x, y
    span = x_max - x_min if x_max > x_min else 1.0
    columns = np.clip(np.floor((x - x_min) / span * width), -1, width).astype(np.int64)
    columns[columns == width] = width - 1
    finite = np.isfinite(y)
    parts = np.cumsum(~finite)
    keep_x = x[finite]
    keep_y = y[finite]
    columns = columns[finite]
    parts = parts[finite]
    count = len(keep_x)
    if count <= 4:
        return keep_x, keep_y
    change = (columns[1:] != columns[:-1]) | (parts[1:] != parts[:-1])
    starts = np.flatnonzero(np.concatenate(([True], change)))
    ends = np.concatenate((starts[1:], [count])) - 1
    index = np.arange(count)
    order_low = _arg_reduce(keep_y, starts, index, np.minimum)
    order_high = _arg_reduce(keep_y, starts, index, np.maximum)
    picks = np.stack(
        (starts, np.minimum(order_low, order_high), np.maximum(order_low, order_high), ends), axis=1
    )
    picks = picks.reshape(-1)
    return keep_x[picks], keep_y[picks]


def _arg_reduce(
    values: FloatArray, starts: IntArray, index: IntArray, reducer: np.ufunc
) -> IntArray:
    """Index of the first min (or max) of each group delimited by ``starts``."""
    extreme = reducer.reduceat(values, starts)
    group = np.repeat(np.arange(len(starts)), np.diff(np.concatenate((starts, [len(values)]))))
    hit = values == extreme[group]
    candidates = np.where(hit, index, len(values))
    return np.minimum.reduceat(candidates, starts).astype(np.int64)
