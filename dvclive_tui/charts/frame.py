"""Chart layout: title, legend, y/x axes with ticks and the braille plot, as a cell grid.

:func:`render_chart` turns curves into a :class:`ChartFrame` (rows of ``(text, role)`` runs)
that the Textual widget turns into strips and the one-shot printer into rich text; neither
repeats any chart logic. It works in two passes: :func:`_lay_out` decides where the title,
plot, axes and legend go (the x window, y scale and viewport), then the drawing functions
fill the cell grid.
"""

from __future__ import annotations

import enum
import itertools
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from dvclive_tui.charts.raster import (
    BRAILLE_BASE,
    DOT_MASKS,
    DOTS_X,
    DOTS_Y,
    Viewport,
    cell_dots,
    column_spans,
    series_pixels,
    span_cells,
)
from dvclive_writer.plotting import ticks as tk
from dvclive_writer.text_safety import terminal_text

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Role(enum.IntEnum):
    """What a cell shows; views map roles to styles (series roles to palette colours)."""

    BLANK = 0
    AXIS = 1
    LABEL = 2
    TITLE = 3
    CURSOR = 4
    REFERENCE = 5
    VALUE = 6
    """Legend values."""
    SERIES = 16
    """``SERIES + i`` is palette colour ``i``."""
    DIM_SERIES = 48
    """``DIM_SERIES + i`` is palette colour ``i`` faded (raw data behind a smoothed line)."""


def series_role(color: int) -> int:
    """Role of palette colour ``color``."""
    return int(Role.SERIES) + color


class XFormat(enum.Enum):
    """How x tick labels are written."""

    NUMBER = "number"
    CLOCK = "clock"
    """Epoch milliseconds shown as local wall-clock time."""
    DURATION = "duration"
    """Elapsed milliseconds shown as ``1m30s``."""


@dataclass(frozen=True, eq=False)
class Curve:
    """One drawable series in data space."""

    label: str
    x: FloatArray
    y: FloatArray
    color: int = 0
    """Palette index, or ``-1`` for a reference line drawn in the axis style."""
    lines: bool = True
    """Join points with lines (``False``: scatter)."""
    legend: str | None = None
    """Text after the label in the legend (latest value, AUC...); ``None``: no entry."""
    dim: bool = False
    """Drawn faded and under the other curves (raw values behind a smoothed line)."""

    @property
    def role(self) -> int:
        """Cell role of the curve."""
        if self.color < 0:
            return int(Role.REFERENCE)
        return int(Role.DIM_SERIES) + self.color if self.dim else series_role(self.color)


Run = tuple[str, int]
"""A run of text in one role."""


@dataclass(frozen=True)
class ChartFrame:
    """A rendered chart: exactly ``height`` rows of runs, each ``width`` cells wide."""

    width: int
    height: int
    rows: tuple[tuple[Run, ...], ...]
    viewport: Viewport | None = None
    """Data rectangle of the plot area (``None`` when nothing was plotted)."""
    plot_left: int = 0
    """First cell column of the plot area."""
    plot_width: int = 0
    """Width of the plot area in cells."""
    cursor_values: tuple[tuple[str, float], ...] = field(default=())
    """``(label, value)`` of every curve at the cursor."""

    def text(self) -> str:
        """Plain text of the frame (one line per row)."""
        return "\n".join("".join(text for text, _ in row) for row in self.rows)


class _Canvas:
    """Mutable cell grid (code points and roles as numpy arrays) used to lay out a frame."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.codes = np.full((height, width), ord(" "), dtype=np.uint32)
        self.roles = np.zeros((height, width), dtype=np.int32)

    def put(self, row: int, col: int, text: str, role: int) -> None:
        if not 0 <= row < self.height:
            return
        text = terminal_text(text)
        start = max(col, 0)
        stop = min(col + len(text), self.width)
        if stop <= start:
            return
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        self.codes[row, start:stop] = codes[start - col : stop - col]
        self.roles[row, start:stop] = role

    def runs(self) -> tuple[tuple[Run, ...], ...]:
        rows: list[tuple[Run, ...]] = []
        for codes, roles in zip(self.codes, self.roles, strict=True):
            text = codes.tobytes().decode("utf-32-le")
            bounds = [0, *(np.flatnonzero(roles[1:] != roles[:-1]) + 1).tolist(), self.width]
            rows.append(
                tuple(
                    (text[start:stop], int(roles[start]))
                    for start, stop in itertools.pairwise(bounds)
                    if stop > start
                )
            )
        return tuple(rows)


def _fit(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…" if width > 0 else ""


def render_chart(
    curves: Sequence[Curve],
    width: int,
    height: int,
    *,
    title: str = "",
    status: str = "",
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    log_y: bool = False,
    x_format: XFormat = XFormat.NUMBER,
    cursor: float | None = None,
    show_legend: bool = True,
    decimate: bool = True,
    integer_x: bool = False,
) -> ChartFrame:
    """Lay out a chart of ``curves`` in ``width`` x ``height`` cells, then draw it.

    Args:
        curves: Series to draw, bottom first.
        width: Cells across.
        height: Cells down.
        title: Chart title (first row, when there is room).
        status: Extra state shown after the title (smoothing, log...).
        x_range: Visible x window; ``None`` fits all data.
        y_range: Fixed y range; ``None`` fits the visible data, widened to nice ticks.
        log_y: Log-scale y; non-positive values are dropped.
        x_format: How x tick labels are written.
        cursor: Data x of the value cursor, or ``None``.
        show_legend: Show legend rows (label, colour, value) when there is room.
        decimate: M4-decimate before rasterising (only turned off to measure it).
        integer_x: x only takes whole values (steps): no fractional tick labels.
    """
    width = max(0, width)
    height = max(0, height)
    title = terminal_text(title)
    status = terminal_text(status)
    canvas = _Canvas(width, height)
    if width == 0 or height == 0:
        return ChartFrame(width, height, canvas.runs())
    layout = _lay_out(
        curves,
        width,
        height,
        has_title=bool(title or status or cursor is not None),
        x_range=x_range,
        y_range=y_range,
        log_y=log_y,
        x_format=x_format,
        cursor=cursor,
        show_legend=show_legend,
    )
    if layout.title_rows:
        _draw_title(canvas, title, status, cursor, x_format)
    if layout.viewport is None:
        if layout.plot_width >= 1:  # no data (a chart too narrow for its labels stays blank)
            _draw_no_data(canvas, layout)
        return ChartFrame(width, height, canvas.runs())
    return _draw(canvas, layout, curves, cursor, log_y, x_format, decimate, integer_x)


@dataclass(frozen=True)
class _Layout:
    """Where each part of a chart goes, decided before anything is drawn."""

    prepared: list[_Prepared]
    x_lo: float
    x_hi: float
    title_rows: int
    axis_rows: int
    legend_lines: list[LegendLine]
    plot_top: int
    plot_rows: int
    y_ticks: list[float] = field(default_factory=list)
    y_labels: list[str] = field(default_factory=list)
    label_width: int = 0
    plot_left: int = 0
    plot_width: int = 1
    viewport: Viewport | None = None
    """The data rectangle of the plot area; ``None`` when nothing can be plotted."""

    @property
    def axis_col(self) -> int:
        """Cell column of the y axis line (``-1``: no y axis)."""
        return self.label_width if self.label_width else -1

    @property
    def axis_top(self) -> int:
        """First row below the plot area (the x axis)."""
        return self.plot_top + self.plot_rows


def _lay_out(
    curves: Sequence[Curve],
    width: int,
    height: int,
    *,
    has_title: bool,
    x_range: tuple[float, float] | None,
    y_range: tuple[float, float] | None,
    log_y: bool,
    x_format: XFormat,
    cursor: float | None,
    show_legend: bool,
) -> _Layout:
    """Rows for the title, plot, x axis and legend; the x window, y scale and viewport."""
    prepared = [_prepare(curve, log_y) for curve in curves]
    x_extents = [extent for item in prepared if (extent := item.x_extent()) is not None]
    if x_range is None:
        x_lo = min((lo for lo, _ in x_extents), default=0.0)
        x_hi = max((hi for _, hi in x_extents), default=0.0)
    else:
        x_lo, x_hi = x_range
    if x_hi <= x_lo:
        pad = 1000.0 if x_format is not XFormat.NUMBER else max(1.0, abs(x_lo) * 0.05)
        x_lo, x_hi = x_lo - pad, x_hi + pad
    whole = x_range is None
    y_extents = [
        extent for item in prepared if (extent := item.y_extent(x_lo, x_hi, whole)) is not None
    ]
    title_rows = 1 if height >= 4 and has_title else 0
    legend_entries = (
        [
            (curve, legend)
            for curve in curves
            if (legend := _legend_text(curve, cursor, log_y)) is not None
        ]
        if show_legend
        else []
    )
    axis_rows = 2 if height - title_rows >= 4 else (1 if height - title_rows >= 3 else 0)
    room_for_legend = height - title_rows - axis_rows - 3
    legend_lines = _pack_legend(legend_entries, width, max(0, min(3, room_for_legend)))
    plot_rows = height - title_rows - axis_rows - len(legend_lines)
    rows = _Layout(prepared, x_lo, x_hi, title_rows, axis_rows, legend_lines, title_rows, plot_rows)
    if not y_extents or plot_rows < 1:
        return rows
    y_lo, y_hi, y_ticks = _y_scale(y_extents, y_range, plot_rows, log_y)
    y_labels = [
        tk.format_log_tick(value) if log_y else tk.format_number(value, _tick_step(y_ticks))
        for value in y_ticks
    ]
    label_width = max((len(label) for label in y_labels), default=0)
    if width - label_width - 1 < 4:
        label_width = 0
        y_labels = []
    plot_left = label_width + 1 if label_width else 0
    plot_width = width - plot_left
    if plot_width < 1:
        return replace(rows, plot_width=plot_width)
    viewport = Viewport(x_lo, x_hi, y_lo, y_hi, plot_width * DOTS_X, plot_rows * DOTS_Y)
    return replace(
        rows,
        y_ticks=y_ticks,
        y_labels=y_labels,
        label_width=label_width,
        plot_left=plot_left,
        plot_width=plot_width,
        viewport=viewport,
    )


def _draw_no_data(canvas: _Canvas, layout: _Layout) -> None:
    plot_rows = layout.plot_rows
    _draw_legend(
        canvas, layout.legend_lines, layout.plot_top + max(plot_rows, 0) + layout.axis_rows
    )
    message = "no data"
    middle = layout.plot_top + max(0, plot_rows + layout.axis_rows - 1) // 2
    width = canvas.width
    canvas.put(middle, max(0, (width - len(message)) // 2), _fit(message, width), Role.LABEL)


def _draw(
    canvas: _Canvas,
    layout: _Layout,
    curves: Sequence[Curve],
    cursor: float | None,
    log_y: bool,
    x_format: XFormat,
    decimate: bool,
    integer_x: bool,
) -> ChartFrame:
    """Draw the plot, cursor, axes and legend where ``layout`` put them."""
    viewport = layout.viewport
    assert viewport is not None
    plot_top, plot_left, plot_rows = layout.plot_top, layout.plot_left, layout.plot_rows
    _draw_plot(
        canvas, layout.prepared, viewport, plot_top, plot_left, layout.x_lo, layout.x_hi, decimate
    )
    if cursor is not None and layout.x_lo <= cursor <= layout.x_hi:
        column = plot_left + round(float(viewport.x_to_px(np.array([cursor]))[0])) // DOTS_X
        for offset in range(plot_rows):
            if canvas.roles[plot_top + offset, column] == Role.BLANK:
                canvas.put(plot_top + offset, column, "│", Role.CURSOR)
    axis_col = layout.axis_col
    if layout.y_labels:
        for offset in range(plot_rows):
            canvas.put(plot_top + offset, axis_col, "│", Role.AXIS)
        for value, label in zip(layout.y_ticks, layout.y_labels, strict=True):
            cell = round(float(viewport.y_to_px(np.array([value]))[0])) // DOTS_Y
            if 0 <= cell < plot_rows:
                canvas.put(plot_top + cell, 0, label.rjust(layout.label_width), Role.LABEL)
                canvas.put(plot_top + cell, axis_col, "┤", Role.AXIS)
    if layout.axis_rows:
        _draw_x_axis(
            canvas,
            viewport,
            layout.axis_top,
            layout.axis_rows,
            axis_col,
            plot_left,
            layout.plot_width,
            x_format,
            integer_x,
        )
    _draw_legend(canvas, layout.legend_lines, layout.axis_top + layout.axis_rows)
    return ChartFrame(
        canvas.width,
        canvas.height,
        canvas.runs(),
        viewport=viewport,
        plot_left=plot_left,
        plot_width=layout.plot_width,
        cursor_values=_cursor_values(curves, cursor, log_y),
    )


@dataclass(frozen=True, eq=False)
class _Prepared:
    """A curve in plotting space (log10 y when log-scaled)."""

    curve: Curve
    x: FloatArray
    y: FloatArray
    clean: bool
    """Every x and y is finite."""
    x_bounds: tuple[float, float] | None = None
    """Smallest and largest x, when clean."""
    y_bounds: tuple[float, float] | None = None
    """Smallest and largest y, when clean."""

    def x_extent(self) -> tuple[float, float] | None:
        if self.clean:
            return self.x_bounds
        x = self.x[np.isfinite(self.x) & np.isfinite(self.y)]
        return (float(x.min()), float(x.max())) if len(x) else None

    def covers(self, x_lo: float, x_hi: float) -> bool:
        """Whether every point lies inside ``[x_lo, x_hi]`` (known without a pass)."""
        return self.x_bounds is not None and x_lo <= self.x_bounds[0] and self.x_bounds[1] <= x_hi

    def y_extent(self, x_lo: float, x_hi: float, whole: bool) -> tuple[float, float] | None:
        if self.clean and (whole or self.covers(x_lo, x_hi)):
            return self.y_bounds
        else:
            keep = (self.x >= x_lo) & (self.x <= x_hi)
            if not self.clean:
                keep &= np.isfinite(self.y)
            y = self.y[keep]
        return (float(y.min()), float(y.max())) if len(y) else None


def _prepare(curve: Curve, log_y: bool) -> _Prepared:
    x = np.asarray(curve.x, dtype=np.float64)
    y = np.asarray(curve.y, dtype=np.float64)
    if log_y:
        keep = ~(y <= 0)
        if not keep.all():
            x = x[keep]
            y = y[keep]
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log10(y)
    if not len(x):
        return _Prepared(curve, x, y, clean=False)
    # Min and max are needed anyway; NaN or inf in them means the data is not clean.
    x_bounds = (float(x.min()), float(x.max()))
    y_bounds = (float(y.min()), float(y.max()))
    clean = all(math.isfinite(value) for value in (*x_bounds, *y_bounds))
    if not clean:
        return _Prepared(curve, x, y, clean=False)
    return _Prepared(curve, x, y, clean=True, x_bounds=x_bounds, y_bounds=y_bounds)


def _tick_step(values: Sequence[float]) -> float:
    return values[1] - values[0] if len(values) >= 2 else (abs(values[0]) if values else 1.0)


def _y_scale(
    y_extents: list[tuple[float, float]],
    y_range: tuple[float, float] | None,
    plot_rows: int,
    log_y: bool,
) -> tuple[float, float, list[float]]:
    max_ticks = max(1, plot_rows // 2)
    if y_range is not None:
        lo, hi = y_range
        if log_y:
            lo, hi = math.log10(max(lo, 1e-300)), math.log10(max(hi, 1e-300))
        ticks = tk.log_ticks(lo, hi, max_ticks) if log_y else tk.nice_ticks(lo, hi, max_ticks)
        return lo, hi, [t for t in ticks if lo - 1e-12 <= t <= hi + 1e-12]
    lo = min(low for low, _ in y_extents)
    hi = max(high for _, high in y_extents)
    if hi == lo:
        pad = 0.5 if log_y else (abs(lo) * 0.1 if lo else 1.0)
        # Clamped: a flat series near the float limit must not pad past it to infinity.
        lo, hi = max(lo - pad, -sys.float_info.max), min(hi + pad, sys.float_info.max)
    ticks = tk.log_ticks(lo, hi, max_ticks) if log_y else tk.nice_ticks(lo, hi, max_ticks)
    if len(ticks) >= 2:
        lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    return lo, hi, ticks


def _draw_title(
    canvas: _Canvas, title: str, status: str, cursor: float | None, x_format: XFormat
) -> None:
    text = _fit(title, canvas.width)
    canvas.put(0, 0, text, Role.TITLE)
    used = len(text)
    if status and used + 3 < canvas.width:
        extra = _fit(status, canvas.width - used - 2)
        canvas.put(0, used + 2 if used else 0, extra, Role.LABEL)
        used += len(extra) + (2 if used else 0)
    if cursor is not None and used + 4 < canvas.width:
        label = f"@ {_format_x(cursor, x_format, 0.0)}"
        canvas.put(0, used + 2, _fit(label, canvas.width - used - 2), Role.CURSOR)


def _format_x(value: float, x_format: XFormat, step: float) -> str:
    if x_format is XFormat.CLOCK:
        return tk.format_clock(value, step or 1000.0)
    if x_format is XFormat.DURATION:
        return tk.format_duration(value, step)
    if step:
        return tk.format_number(value, step)
    return f"{value:,.0f}" if value == int(value) else tk.format_value(value)


def _legend_text(curve: Curve, cursor: float | None, log_y: bool) -> str | None:
    if curve.legend is None:
        return None
    if cursor is None:
        return curve.legend
    value = _value_at(curve, cursor)
    return tk.format_value(value) if value is not None else "–"


def _value_at(curve: Curve, cursor: float) -> float | None:
    x = np.asarray(curve.x, dtype=np.float64)
    y = np.asarray(curve.y, dtype=np.float64)
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return None
    index = int(np.argmin(np.where(finite, np.abs(x - cursor), np.inf)))
    return float(y[index])


def _cursor_values(
    curves: Sequence[Curve], cursor: float | None, log_y: bool
) -> tuple[tuple[str, float], ...]:
    if cursor is None:
        return ()
    values = []
    for curve in curves:
        if curve.legend is None:
            continue
        value = _value_at(curve, cursor)
        if value is not None:
            values.append((curve.label, value))
    return tuple(values)


LegendLine = list[tuple[str, int]]


def _pack_legend(entries: list[tuple[Curve, str]], width: int, max_rows: int) -> list[LegendLine]:
    if max_rows <= 0 or not entries:
        return []
    lines: list[LegendLine] = [[]]
    used = 0
    for index, (curve, legend) in enumerate(entries):
        label = terminal_text(curve.label)
        value = terminal_text(legend)
        text_len = 2 + len(label) + (1 + len(value) if value else 0)
        gap = 2 if used else 0
        if used and used + gap + text_len > width:
            if len(lines) == max_rows:
                more = f"+{len(entries) - index}"
                line = lines[-1]
                while line and used + 1 + len(more) > width:
                    text, _ = line.pop()
                    used -= len(text)
                line.append((" " + more, int(Role.LABEL)))
                return lines
            lines.append([])
            used = 0
            gap = 0
        line = lines[-1]
        if gap:
            line.append(("  ", int(Role.BLANK)))
        line.append(("● ", curve.role))
        budget = max(1, width - used - gap - 2 - (1 + len(value) if value else 0))
        line.append((_fit(label, budget), int(Role.LABEL)))
        if value:
            line.append((" " + value, int(Role.VALUE)))
        used += gap + 2 + min(len(label), budget) + (1 + len(value) if value else 0)
    return lines


def _draw_legend(canvas: _Canvas, lines: list[LegendLine], top: int) -> None:
    for offset, line in enumerate(lines):
        col = 0
        for text, role in line:
            canvas.put(top + offset, col, text, role)
            col += len(text)


def _draw_plot(
    canvas: _Canvas,
    prepared: list[_Prepared],
    viewport: Viewport,
    plot_top: int,
    plot_left: int,
    x_lo: float,
    x_hi: float,
    decimate: bool,
) -> None:
    rows = viewport.height_px // DOTS_Y
    cols = viewport.width_px // DOTS_X
    cell_count = rows * cols
    # Two layers: reference lines and faded raw data below, the series on top. A cell
    # shows the dots of one layer only, so faded dots never thicken a series' line.
    # Per layer (the top one second): the dot bits of every cell and the last curve that
    # lit one there.
    layer_bits = np.zeros(2 * cell_count, dtype=np.uint8)
    layer_owner = np.full(2 * cell_count, -1, dtype=np.int64)
    layer_start = np.array(
        [cell_count if item.curve.color >= 0 and not item.curve.dim else 0 for item in prepared],
        dtype=np.int64,
    )

    def light(cells: IntArray, bits: npt.NDArray[np.uint8], owners: IntArray) -> None:
        slots = cells + layer_start[owners]
        np.bitwise_or.at(layer_bits, slots, bits)
        np.maximum.at(layer_owner, slots, owners)

    dense: list[int] = []  # clean lines, drawn together as column spans
    others: list[tuple[int, FloatArray, FloatArray, bool]] = []
    for index, item in enumerate(prepared):
        x, y = (item.x, item.y) if item.covers(x_lo, x_hi) else _window(item.x, item.y, x_lo, x_hi)
        if len(x) == 0:
            continue
        clean = item.clean and len(x) == len(item.x)
        if clean and decimate and item.curve.lines:
            dense.append(index)
        else:
            others.append((index, x, y, clean))
    chunks, rejected = column_spans([(prepared[i].x, prepared[i].y) for i in dense], viewport)
    dense_index = np.array(dense, dtype=np.int64)
    for spans in chunks:
        cells, bits, owners = span_cells(spans, viewport.width_px)
        light(cells, bits, dense_index[owners])
    others.extend((dense[i], prepared[dense[i]].x, prepared[dense[i]].y, True) for i in rejected)
    for index, x, y, clean in others:
        pixel_cols, pixel_rows = series_pixels(
            x, y, viewport, lines=prepared[index].curve.lines, decimate=decimate, clean=clean
        )
        cells, dots = cell_dots(pixel_cols, pixel_rows, viewport.width_px)
        light(cells, DOT_MASKS[dots], np.full(len(cells), index, dtype=np.int64))
    on_top = layer_bits[cell_count:] != 0
    codes = np.where(on_top, layer_bits[cell_count:], layer_bits[:cell_count]).astype(np.uint32)
    owners = np.where(on_top, layer_owner[cell_count:], layer_owner[:cell_count])
    codes, owners = codes.reshape(rows, cols), owners.reshape(rows, cols)
    roles = np.array([int(Role.BLANK), *(item.curve.role for item in prepared)], dtype=np.int32)
    lit = codes != 0
    area = (slice(plot_top, plot_top + rows), slice(plot_left, plot_left + cols))
    canvas.codes[area] = np.where(lit, BRAILLE_BASE + codes, canvas.codes[area])
    canvas.roles[area] = np.where(lit, roles[owners + 1], canvas.roles[area])


def _window(
    x: FloatArray, y: FloatArray, x_lo: float, x_hi: float
) -> tuple[FloatArray, FloatArray]:
    """Points inside ``[x_lo, x_hi]`` plus their neighbours (so lines enter from the edges)."""
    if len(x) == 0:
        return x, y
    inside = (x >= x_lo) & (x <= x_hi)
    if inside.all():
        return x, y
    keep = inside.copy()
    keep[1:] |= inside[:-1]
    keep[:-1] |= inside[1:]
    index = np.flatnonzero(keep)
    x, y = x[index], y[index]
    jumps = np.flatnonzero(np.diff(index) > 1) + 1
    if len(jumps):
        # Never join points that were not neighbours: a NaN between them makes a gap.
        x = np.insert(x, jumps, np.nan)
        y = np.insert(y, jumps, np.nan)
    return x, y


def _x_ticks(
    viewport: Viewport, plot_width: int, x_format: XFormat, integer_x: bool
) -> tuple[list[float], float]:
    """The x ticks and the step their labels are formatted for."""
    lo, hi = viewport.x_min, viewport.x_max
    if x_format is XFormat.NUMBER:
        # Budget by the widest label the axis can have (plus room to breathe).
        step = tk.nice_step(hi - lo, max(1, plot_width // 8))
        widest = max(len(tk.format_number(value, step)) for value in (lo, hi))
        max_ticks = max(1, plot_width // (widest + 4))
        if integer_x and math.isfinite(hi - lo):
            max_ticks = max(1, min(max_ticks, math.floor(hi - lo)))
        ticks = tk.nice_ticks(lo, hi, max_ticks, cover=False)
        return ticks, _tick_step(ticks)
    widest = 8 if x_format is XFormat.CLOCK else 6
    max_ticks = max(1, plot_width // (widest + 4))
    ticks = tk.time_ticks(lo, hi, max_ticks, wall=x_format is XFormat.CLOCK)
    if len(ticks) >= 2 or not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        return ticks, _tick_step(ticks)
    # One tick: the tick's own value (an epoch) is no step; label at the axis' resolution.
    return ticks, float(tk.time_step(hi - lo, max_ticks))


def _draw_x_axis(
    canvas: _Canvas,
    viewport: Viewport,
    top: int,
    axis_rows: int,
    axis_col: int,
    plot_left: int,
    plot_width: int,
    x_format: XFormat,
    integer_x: bool,
) -> None:
    ticks, step = _x_ticks(viewport, plot_width, x_format, integer_x)
    columns = [
        plot_left + round(float(viewport.x_to_px(np.array([value]))[0])) // DOTS_X
        for value in ticks
    ]
    label_row = top + axis_rows - 1
    if axis_rows == 2:
        canvas.put(top, plot_left, "─" * plot_width, Role.AXIS)
        if axis_col >= 0:
            canvas.put(top, axis_col, "└", Role.AXIS)
        for column in columns:
            if plot_left <= column < plot_left + plot_width:
                canvas.put(top, column, "┬", Role.AXIS)
    free_from = 0
    for value, column in zip(ticks, columns, strict=True):
        label = _format_x(value, x_format, step)
        start = min(max(column - len(label) // 2, 0), canvas.width - len(label))
        if start < free_from or start < 0:
            continue
        canvas.put(label_row, start, label, Role.LABEL)
        free_from = start + len(label) + 1
