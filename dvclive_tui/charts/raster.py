"""Braille rasteriser: data to integer pixels (2x4 dots per cell), M4, lines, cell codes.

Everything is vectorised with numpy: points are mapped to pixels, decimated with M4 on
integer columns, joined by DDA lines (one pixel per step along the major axis, endpoints
included) and packed into braille code points (U+2800 + dot bits).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dvclive_writer.plotting.decimate import m4_pixels, m4_values

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DOTS_X = 2
"""Braille dots per cell, horizontally."""
DOTS_Y = 4
"""Braille dots per cell, vertically."""
BRAILLE_BASE = 0x2800
_DOT_NUMBERS = np.array([[0, 3], [1, 4], [2, 5], [6, 7]], dtype=np.int64)
"""Bit number of each dot of a cell, by row and column (U+2800 + the bits is the glyph)."""
_DOT_BITS = _DOT_NUMBERS.reshape(-1)
""":data:`_DOT_NUMBERS` flat, by ``row * DOTS_X + column``."""
_LIMIT = 1e9
_FLOAT_MAX = sys.float_info.max


@dataclass(frozen=True)
class Viewport:
    """Data-space rectangle mapped onto a pixel canvas."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float
    width_px: int
    height_px: int

    def __post_init__(self) -> None:
        # An infinite bound (a range padded past the float limit) would turn every mapped
        # pixel into NaN: clip the bounds to the finite range.
        for name in ("x_min", "x_max", "y_min", "y_max"):
            value = getattr(self, name)
            if math.isinf(value):
                object.__setattr__(self, name, math.copysign(_FLOAT_MAX, value))

    def x_to_px(self, x: FloatArray) -> FloatArray:
        """Float pixel column of data x (column 0 at ``x_min``, last at ``x_max``).

        Works on halved values so that spans wider than the float range do not overflow.
        """
        half_span = self.x_max * 0.5 - self.x_min * 0.5
        scale = (self.width_px - 1) / half_span if half_span > 0 else math.inf
        if not math.isfinite(scale):  # empty or subnormal span: a flat line in the middle
            return np.full(len(x), (self.width_px - 1) / 2)
        with np.errstate(over="ignore"):  # far outside: inf, clamped by round_px
            result: FloatArray = x * 0.5
            result -= self.x_min * 0.5
            result *= scale
        return result

    def y_to_px(self, y: FloatArray) -> FloatArray:
        """Float pixel row of data y (row 0 at ``y_max``, the top)."""
        half_span = self.y_max * 0.5 - self.y_min * 0.5
        scale = (self.height_px - 1) / half_span if half_span > 0 else math.inf
        if not math.isfinite(scale):
            return np.full(len(y), (self.height_px - 1) / 2)
        with np.errstate(over="ignore"):
            result: FloatArray = y * -0.5
            result += self.y_max * 0.5
            result *= scale
        return result

    def px_to_x(self, column: float) -> float:
        """Data x of a (float) pixel column."""
        if self.width_px <= 1:
            return self.x_min
        half_span = self.x_max * 0.5 - self.x_min * 0.5
        return self.x_min + 2 * (column * half_span / (self.width_px - 1))


def to_pixels(
    x: FloatArray,
    y: FloatArray,
    viewport: Viewport,
    *,
    clean: bool = False,
    x_pixels: IntArray | None = None,
) -> tuple[IntArray, IntArray, IntArray | None]:
    """Map points to rounded pixels, dropping non-finite ones.

    Args:
        x: Data x.
        y: Data y.
        viewport: Data rectangle and canvas size.
        clean: The caller knows every value is finite (skips the checks).
        x_pixels: Already mapped columns of ``x`` (curves sharing x, when ``clean``).

    Returns:
        ``(px, py, parts)``: a point's part id changes after every dropped point, so lines
        never bridge a NaN gap; ``parts`` is ``None`` when nothing was dropped.
    """
    parts: IntArray | None = None
    if not clean:
        finite = np.isfinite(x) & np.isfinite(y)
        if not finite.all():
            parts = np.cumsum(~finite, dtype=np.int64)[finite]
            x = x[finite]
            y = y[finite]
    if x_pixels is None or parts is not None:
        x_pixels = round_px(viewport.x_to_px(x))
    return x_pixels, round_px(viewport.y_to_px(y)), parts


def round_px(values: FloatArray) -> IntArray:
    """Round float pixels to int64 (half to even), clamped far outside any canvas (in place)."""
    np.minimum(values, _LIMIT, out=values)
    np.maximum(values, -_LIMIT, out=values)
    np.rint(values, out=values)
    return values.astype(np.int64)


def line_pixels(
    px: IntArray,
    py: IntArray,
    parts: IntArray | None,
    width_px: int,
    height_px: int,
    *,
    decimate: bool = True,
) -> tuple[IntArray, IntArray]:
    """Pixels lit by the polyline through the points (segments within a part only).

    Args:
        px: Pixel columns.
        py: Pixel rows.
        parts: Part id of each point (see :func:`to_pixels`); ``None``: one part.
        width_px: Canvas width in pixels; pixels outside are discarded.
        height_px: Canvas height in pixels.
        decimate: Apply M4 first (pixel-exact; turn off only to measure its benefit).

    Returns:
        ``(columns, rows)`` of lit pixels inside the canvas (may repeat).
    """
    if decimate:
        px, py, parts = m4_pixels(px, py, parts)
    elif parts is None:
        parts = np.zeros(len(px), dtype=np.int64)
    if len(px) == 0:
        return px, py
    if len(px) == 1:
        return _inside(px, py, width_px, height_px)
    joined = parts[1:] == parts[:-1]
    x0 = px[:-1][joined]
    y0 = py[:-1][joined]
    x1 = px[1:][joined]
    y1 = py[1:][joined]
    # Points of single-point parts are drawn as dots.
    lone = _lone_points(parts)
    x0, y0, x1, y1 = _clip_segments(x0, y0, x1, y1, width_px, height_px)
    cols, rows = _dda(x0, y0, x1, y1)
    if lone.any():
        cols = np.concatenate((cols, px[lone]))
        rows = np.concatenate((rows, py[lone]))
    return _inside(cols, rows, width_px, height_px)


def _m4_line_pixels(
    px: IntArray, py: IntArray, width_px: int, height_px: int
) -> tuple[IntArray, IntArray]:
    """:func:`line_pixels` of :func:`m4_values`' points (groups of four in one column:
    first, top, bottom, last), each column's run of pixels lit once.

    The three segments inside a column are vertical and stay between its top and bottom,
    which they join: together they light exactly the pixels of the one segment from top to
    bottom. Drawing that segment and the segments between columns lights the same pixels
    with about half the work when many series are overlaid.
    """
    columns = px[0::4]
    firsts, tops, bottoms, lasts = py[0::4], py[1::4], py[2::4], py[3::4]
    x0, y0, x1, y1 = _clip_segments(
        np.concatenate((columns, columns[:-1])),
        np.concatenate((tops, lasts[:-1])),
        np.concatenate((columns, columns[1:])),
        np.concatenate((bottoms, firsts[1:])),
        width_px,
        height_px,
    )
    cols, rows = _dda(x0, y0, x1, y1)
    return _inside(cols, rows, width_px, height_px)


def _lone_points(parts: IntArray) -> BoolArray:
    same_prev = np.concatenate(([False], parts[1:] == parts[:-1]))
    same_next = np.concatenate((parts[1:] == parts[:-1], [False]))
    lone: BoolArray = ~(same_prev | same_next)
    return lone


def _inside(
    cols: IntArray, rows: IntArray, width_px: int, height_px: int
) -> tuple[IntArray, IntArray]:
    keep = (cols >= 0) & (cols < width_px) & (rows >= 0) & (rows < height_px)
    return cols[keep], rows[keep]


def _clip_segments(
    x0: IntArray, y0: IntArray, x1: IntArray, y1: IntArray, width_px: int, height_px: int
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Liang-Barsky clip of the segments that leave the canvas (one pixel of margin).

    Segments fully inside are untouched (so clipping never changes an on-canvas raster);
    segments that miss the canvas collapse to an off-canvas point.
    """
    low_x, high_x, low_y, high_y = -1, width_px, -1, height_px
    outside = (
        (np.minimum(x0, x1) < low_x)
        | (np.maximum(x0, x1) > high_x)
        | (np.minimum(y0, y1) < low_y)
        | (np.maximum(y0, y1) > high_y)
    )
    if not outside.any():
        return x0, y0, x1, y1
    sx0 = x0[outside].astype(np.float64)
    sy0 = y0[outside].astype(np.float64)
    dx = x1[outside] - sx0
    dy = y1[outside] - sy0
    t_enter = np.zeros(len(sx0))
    t_leave = np.ones(len(sx0))
    rejected = np.zeros(len(sx0), dtype=bool)
    for p, q in (
        (-dx, sx0 - low_x),
        (dx, high_x - sx0),
        (-dy, sy0 - low_y),
        (dy, high_y - sy0),
    ):
        parallel = p == 0
        rejected |= parallel & (q < 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(parallel, 0.0, q / np.where(parallel, 1.0, p))
        t_enter = np.where(~parallel & (p < 0), np.maximum(t_enter, ratio), t_enter)
        t_leave = np.where(~parallel & (p > 0), np.minimum(t_leave, ratio), t_leave)
    rejected |= t_enter > t_leave
    cx0 = np.rint(sx0 + t_enter * dx).astype(np.int64)
    cy0 = np.rint(sy0 + t_enter * dy).astype(np.int64)
    cx1 = np.rint(sx0 + t_leave * dx).astype(np.int64)
    cy1 = np.rint(sy0 + t_leave * dy).astype(np.int64)
    off = np.int64(-10)
    cx0[rejected] = off
    cx1[rejected] = off
    cy0[rejected] = off
    cy1[rejected] = off
    x0, y0, x1, y1 = x0.copy(), y0.copy(), x1.copy(), y1.copy()
    x0[outside], y0[outside], x1[outside], y1[outside] = cx0, cy0, cx1, cy1
    return x0, y0, x1, y1


def _dda(x0: IntArray, y0: IntArray, x1: IntArray, y1: IntArray) -> tuple[IntArray, IntArray]:
    """Pixels of straight segments: one per step along the major axis, both ends included."""
    dx = x1 - x0
    dy = y1 - y0
    steps = np.maximum(np.abs(dx), np.abs(dy))
    counts = steps + 1
    total = int(counts.sum())
    segment = np.repeat(np.arange(len(x0)), counts)
    offsets = np.cumsum(counts) - counts
    t = np.arange(total, dtype=np.int64) - np.repeat(offsets, counts)
    n = np.maximum(steps, 1)[segment]
    # round(t * d / n) with integer maths: floor((2 t d + n) / 2n).
    cols = x0[segment] + (2 * t * dx[segment] + n) // (2 * n)
    rows = y0[segment] + (2 * t * dy[segment] + n) // (2 * n)
    return cols, rows


def pixel_grid(cols: IntArray, rows: IntArray, width_px: int, height_px: int) -> BoolArray:
    """Boolean ``(height_px, width_px)`` canvas with the given pixels set."""
    grid = np.zeros(height_px * width_px, dtype=bool)
    grid[rows * width_px + cols] = True
    return grid.reshape(height_px, width_px)


def series_pixels(
    x: FloatArray,
    y: FloatArray,
    viewport: Viewport,
    *,
    lines: bool = True,
    decimate: bool = True,
    clean: bool = False,
    x_pixels: IntArray | None = None,
) -> tuple[IntArray, IntArray]:
    """The lit pixels ``(cols, rows)`` of one series on the viewport's canvas (repeats allowed).

    Args:
        x: Data x.
        y: Data y (non-finite values are gaps).
        viewport: Data rectangle and canvas size.
        lines: Join consecutive points (``False``: scatter dots).
        decimate: Use M4 before drawing lines.
        clean: Every value is known to be finite.
        x_pixels: Already mapped columns of ``x`` (see :func:`to_pixels`).
    """
    if lines and decimate and clean:
        columns = round_px(viewport.x_to_px(x)) if x_pixels is None else x_pixels
        kept = m4_values(columns, y)
        if kept is not None:  # map only the kept points' y to pixels
            px, kept_y = kept
            py = round_px(viewport.y_to_px(kept_y))
            return _m4_line_pixels(px, py, viewport.width_px, viewport.height_px)
        x_pixels = columns
    px, py, parts = to_pixels(x, y, viewport, clean=clean, x_pixels=x_pixels)
    if lines:
        return line_pixels(px, py, parts, viewport.width_px, viewport.height_px, decimate=decimate)
    return _inside(px, py, viewport.width_px, viewport.height_px)


def cell_dots(cols: IntArray, rows: IntArray, width_px: int) -> tuple[IntArray, IntArray]:
    """The braille cell (``r * cells_across + c``) and dot (bit number, 0-7) of each pixel.

    :func:`pack_dots` turns the dots lit per cell into dot bits: the cost follows the
    pixels a series lights, not the canvas, which matters with many series overlaid.
    """
    # Shifts and masks: DOTS_Y is 4 and DOTS_X 2, and pixels inside the canvas are >= 0.
    cells = (rows >> 2) * (width_px >> 1) + (cols >> 1)
    return cells, _DOT_BITS[((rows & 3) << 1) | (cols & 1)]


def pack_dots(lit: BoolArray) -> IntArray:
    """Dot bits per cell from a ``(cells, 8)`` table of lit dots (see :func:`cell_dots`)."""
    packed = np.packbits(lit, axis=1, bitorder="little")[:, 0]
    return packed.astype(np.int64)
