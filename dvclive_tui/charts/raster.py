"""Braille rasteriser: data to integer pixels (2x4 dots per cell), M4, lines, cell codes.

Everything is vectorised with numpy: points are mapped to pixels, decimated with M4 on
integer columns, joined by DDA lines (one pixel per step along the major axis, endpoints
included) and packed into braille code points (U+2800 + dot bits). Dense clean lines (the
usual training curve: more points than columns) skip the per-pixel work: their pixels are
one span of rows per column (:func:`column_spans`), computed for many lines at once.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from dvclive_writer.plotting.decimate import m4_pixels, m4_values

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
UInt8Array = npt.NDArray[np.uint8]

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
            return np.full(np.shape(x), (self.width_px - 1) / 2)
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
            return np.full(np.shape(y), (self.height_px - 1) / 2)
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

    The cost follows the pixels a series lights, not the canvas, which matters with many
    series overlaid.
    """
    # Shifts and masks: DOTS_Y is 4 and DOTS_X 2, and pixels inside the canvas are >= 0.
    cells = (rows >> 2) * (width_px >> 1) + (cols >> 1)
    return cells, _DOT_BITS[((rows & 3) << 1) | (cols & 1)]


def _column_masks() -> UInt8Array:
    """Dot bits of the rows ``a..b`` of a cell in its left or right dot column, indexed by
    ``(column & 1) * 16 + a * 4 + b`` (0 when ``a > b``)."""
    masks = np.zeros(2 * DOTS_Y * DOTS_Y, dtype=np.uint8)
    for side in range(DOTS_X):
        for first in range(DOTS_Y):
            for last in range(first, DOTS_Y):
                bits = sum(1 << int(_DOT_NUMBERS[row, side]) for row in range(first, last + 1))
                masks[side * 16 + first * 4 + last] = bits
    return masks


_SPAN_MASKS = _column_masks()
DOT_MASKS: UInt8Array = (1 << np.arange(8)).astype(np.uint8)
"""The dot bits of dot number ``n`` (see :func:`cell_dots`)."""


@dataclass(frozen=True)
class ColumnSpans:
    """Lit pixels as spans: rows ``lo..hi`` of pixel column ``cols``, drawn by ``owner``."""

    cols: IntArray
    lo: IntArray
    hi: IntArray
    owner: IntArray
    """Index of the line (in the list given to :func:`column_spans`) each span belongs to."""


SPAN_CHUNK = 8
"""Lines whose spans are computed together: their arrays stay small and in the CPU cache
(large temporaries are fresh pages from the system at every frame, slower than the work)."""


def column_spans(
    lines: Sequence[tuple[FloatArray, FloatArray]], viewport: Viewport
) -> tuple[list[ColumnSpans], list[int]]:
    """The pixels of clean polylines, as one span of rows per pixel column and line.

    When a line's consecutive points stay in their pixel column or step to the next one
    (dense data, x increasing), the pixels it lights in a column are one run: the rows of
    its own points joined with the halves of the two segments that cross into the
    neighbouring columns (a DDA segment one column across splits at its middle step). That
    is exactly :func:`series_pixels`' raster, with a few operations per column instead of
    per pixel. Lines with the same x (a sweep's runs) share the grouping by column; lines
    are computed together, :data:`SPAN_CHUNK` at a time, on a grid of every pixel column.

    Args:
        lines: ``(x, y)`` of each line, all values finite.
        viewport: Data rectangle and canvas size.

    Returns:
        Spans inside the canvas (in chunks of lines), and the indices of the lines this
        cannot draw (they skip or revisit columns, or leave the canvas by more than the
        pixel that clipping keeps): draw those with :func:`series_pixels`.
    """
    known: dict[tuple[int, float, float], list[tuple[FloatArray, _ColumnGroups | None]]] = {}
    drawable: list[tuple[int, _ColumnGroups]] = []
    rejected: list[int] = []
    for index, (x, _) in enumerate(lines):
        if not len(x):
            continue
        same_ends = known.setdefault((len(x), float(x[0]), float(x[-1])), [])
        groups = next((found for seen, found in same_ends if np.array_equal(seen, x)), _NEW)
        if groups is _NEW:
            groups = _column_groups(x, viewport)
            same_ends.append((x, groups))
        if groups is None:
            rejected.append(index)
        else:
            drawable.append((index, groups))
    chunks: list[ColumnSpans] = []
    for start in range(0, len(drawable), SPAN_CHUNK):
        chunk = drawable[start : start + SPAN_CHUNK]
        spans, refused = _chunk_spans(
            [(groups, lines[index][1]) for index, groups in chunk], viewport
        )
        owners = np.array([index for index, _ in chunk], dtype=np.int64)
        chunks.append(replace(spans, owner=owners[spans.owner]))
        rejected.extend(chunk[position][0] for position in refused)
    return chunks, sorted(rejected)


@dataclass(frozen=True)
class _ColumnGroups:
    """Points of a line grouped by pixel column (x increasing, no column skipped)."""

    starts: IntArray
    """Index of each group's first point."""
    ends: IntArray
    """Index of each group's last point."""
    first_col: int
    """Pixel column of the first group (the others follow, one column each)."""
    members: IntArray | None
    """``(most points in a group, groups)`` indices of every group's points, each column
    padded with its last point; ``None`` when groups differ so much in size that padding
    would cost more than it saves."""


_NEW = _ColumnGroups(np.zeros(0, np.int64), np.zeros(0, np.int64), 0, None)


def _column_groups(x: FloatArray, viewport: Viewport) -> _ColumnGroups | None:
    """The groups of ``x`` by pixel column, or ``None`` when columns are skipped, revisited
    or more than one pixel outside the canvas."""
    columns = round_px(viewport.x_to_px(x))
    starts = np.flatnonzero(np.concatenate(([True], columns[1:] != columns[:-1])))
    first, last = int(columns[0]), int(columns[-1])
    if first < -1 or last > viewport.width_px or last - first != len(starts) - 1:
        return None
    if len(starts) > 1 and not (columns[1:] >= columns[:-1]).all():  # with the count: steps of one
        return None
    ends = np.append(starts[1:], len(x)) - 1
    most = int((ends - starts).max()) + 1
    members = None
    if most * len(starts) <= 2 * len(x):  # about even groups: one gather, then SIMD min/max
        members = np.minimum(starts + np.arange(most)[:, None], ends)
    return _ColumnGroups(starts, ends, first, members)


def _chunk_spans(
    lines: list[tuple[_ColumnGroups, FloatArray]], viewport: Viewport
) -> tuple[ColumnSpans, list[int]]:
    """Spans of a few lines (owners are positions in ``lines``), and the positions of the
    lines whose rows leave the canvas by more than a pixel.

    Every line's groups go on one grid of pixel columns ``-1..width`` (slot = column + 1);
    free slots hold the top row, inside the canvas, and join nothing.
    """
    width_px, height_px = viewport.width_px, viewport.height_px
    slots = width_px + 2
    grouped = np.full((4, len(lines), slots), viewport.y_max, dtype=np.float64)
    used = np.zeros((len(lines), slots), dtype=bool)
    for line, (groups, y) in enumerate(lines):
        area = slice(groups.first_col + 1, groups.first_col + 1 + len(groups.starts))
        used[line, area] = True
        if groups.members is None:
            grouped[0, line, area] = y[groups.starts]
            np.maximum.reduceat(y, groups.starts, out=grouped[1, line, area])
            np.minimum.reduceat(y, groups.starts, out=grouped[2, line, area])
            grouped[3, line, area] = y[groups.ends]
        else:
            points = y[groups.members]
            grouped[0, line, area] = points[0]
            np.maximum.reduce(points, axis=0, out=grouped[1, line, area])
            np.minimum.reduce(points, axis=0, out=grouped[2, line, area])
            grouped[3, line, area] = points[-1]
    rows = viewport.y_to_px(grouped)  # row 0 is the top: the largest y gives the lowest row
    # Rows that round to -1..height, as clipping keeps them (NaN from an overflow: refused).
    inside = (rows[1].min(axis=1) > -1.5) & (rows[2].max(axis=1) < height_px + 0.5)
    if not inside.all():
        rows[:, ~inside] = 0.0
    np.rint(rows, out=rows)
    firsts, lo, hi, lasts = rows.astype(np.int64)
    # The segment from a column's last row to the next column's first: its first half
    # (t / n rounded half up, as the DDA rounds) stays in the column, the rest enters the next one.
    joined = used[:, 1:] & used[:, :-1]
    rise = np.where(joined, firsts[:, 1:] - lasts[:, :-1], 0)
    step = np.sign(rise)
    left_end = lasts[:, :-1] + step * ((np.abs(rise) - 1) >> 1)
    right_start = np.where(joined, left_end + step, firsts[:, 1:])
    np.minimum(lo[:, :-1], left_end, out=lo[:, :-1])
    np.maximum(hi[:, :-1], left_end, out=hi[:, :-1])
    np.minimum(lo[:, 1:], right_start, out=lo[:, 1:])
    np.maximum(hi[:, 1:], right_start, out=hi[:, 1:])
    np.maximum(lo, 0, out=lo)
    np.minimum(hi, height_px - 1, out=hi)
    keep = used & (lo <= hi) & inside[:, None]
    keep[:, 0] = keep[:, -1] = False  # columns -1 and width: outside the canvas
    owners, cols = np.nonzero(keep)
    return ColumnSpans(cols - 1, lo[keep], hi[keep], owners), np.flatnonzero(~inside).tolist()


def span_cells(spans: ColumnSpans, width_px: int) -> tuple[IntArray, UInt8Array, IntArray]:
    """The braille cells (``r * cells_across + c``) that spans light, their dot bits and owners.

    A cell may be listed several times (its two dot columns, several lines): OR the bits.
    """
    cols, lo, hi, owner = spans.cols, spans.lo, spans.hi, spans.owner
    first = lo >> 2
    per_column = (hi >> 2) - first + 1
    top, bottom = lo & 3, hi & 3
    if len(per_column) and int(per_column.max()) > 1:  # spans over several cells: one each
        span = np.repeat(np.arange(len(cols)), per_column)
        starts = np.cumsum(per_column) - per_column
        cell_row = np.arange(len(span), dtype=np.int64) - starts[span] + first[span]
        top = np.where(cell_row == first[span], top[span], 0)
        bottom = np.where(cell_row == (hi >> 2)[span], bottom[span], 3)
        cols, first, owner = cols[span], cell_row, owner[span]
    cells = first * (width_px >> 1) + (cols >> 1)
    return cells, _SPAN_MASKS[((cols & 1) << 4) | (top << 2) | bottom], owner
