"""Chart view state applied to :class:`SeriesData`: x axis, smoothing, zoom window, title.

Shared by the Textual :class:`~dvclive_tui.app.widgets.chart.Chart` and the one-shot printer
so both draw a metric the same way.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dvclive_tui.charts.frame import ChartFrame, Curve, XFormat, render_chart
from dvclive_tui.charts.series import ColorAssigner, SeriesData
from dvclive_tui.charts.smoothing import ema
from dvclive_writer.plotting.ticks import format_value

FloatArray = npt.NDArray[np.float64]


class XAxis(enum.StrEnum):
    """What the x axis measures."""

    STEP = "step"
    WALL = "wall"
    """Wall-clock time of each point."""
    RELATIVE = "relative"
    """Time since each series' first point."""


X_AXES: tuple[str, ...] = tuple(axis.value for axis in XAxis)
"""Values accepted for ``x_axis``, in cycling order."""
_STEP, _WALL, _RELATIVE = X_AXES


@dataclass(frozen=True)
class ChartOptions:
    """How a chart of metric series is drawn."""

    title: str = ""
    smoothing: float = 0.0
    log_y: bool = False
    x_axis: str = XAxis.STEP.value
    x_window: tuple[float, float] | None = None
    follow: bool = True
    cursor: float | None = None
    show_raw: bool = True
    """When smoothing, draw the raw values faded behind the smoothed line."""
    legend: bool = True
    """Show the legend rows (when there is room)."""


def effective_x_axis(series: Sequence[SeriesData], x_axis: str) -> str:
    """``x_axis``, or ``"step"`` when a time axis is asked for and a series has no timestamps."""
    if x_axis == _STEP:
        return x_axis
    for item in series:
        if item.timestamps is None or len(item.timestamps) != len(item.steps):
            return _STEP
    return x_axis


def x_values(item: SeriesData, x_axis: str) -> FloatArray:
    """The x coordinate of every point of ``item`` on ``x_axis`` (NaN where unknown)."""
    if x_axis == _STEP or item.timestamps is None:
        return np.asarray(item.steps, dtype=np.float64)
    stamps = np.asarray(item.timestamps, dtype=np.float64)
    stamps = np.where(stamps < 0, np.nan, stamps)
    if x_axis == _RELATIVE:
        known = stamps[np.isfinite(stamps)]
        if len(known):
            stamps = stamps - known[0]
    return stamps


def x_format(x_axis: str) -> XFormat:
    """Tick label format of an x axis."""
    if x_axis == _WALL:
        return XFormat.CLOCK
    if x_axis == _RELATIVE:
        return XFormat.DURATION
    return XFormat.NUMBER


class SmoothingCache:
    """Smoothed values per series, recomputed only when data or strength change."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, int, float], FloatArray]] = {}

    def smoothed(self, item: SeriesData, weight: float) -> FloatArray:
        """EMA of ``item.values`` with ``weight`` (the values themselves when 0)."""
        if weight <= 0:
            return np.asarray(item.values, dtype=np.float64)
        key = (item.version, len(item.values), weight)
        cached = self._cache.get(item.key)
        if cached is not None and cached[0] == key:
            return cached[1]
        values = ema(np.asarray(item.values, dtype=np.float64), weight)
        self._cache[item.key] = (key, values)
        return values

    def prune(self, keys: set[str]) -> None:
        """Forget series that are gone."""
        for key in list(self._cache):
            if key not in keys:
                del self._cache[key]


def build_curves(
    series: Sequence[SeriesData],
    options: ChartOptions,
    colors: ColorAssigner,
    smoothing: SmoothingCache | None = None,
) -> tuple[list[Curve], str]:
    """Curves to draw for ``series`` under ``options``, and the x axis actually used."""
    axis = effective_x_axis(series, options.x_axis)
    palette = colors.assign(list(series))
    cache = smoothing or SmoothingCache()
    curves: list[Curve] = []
    for item, color in zip(series, palette, strict=True):
        x = x_values(item, axis)
        y = cache.smoothed(item, options.smoothing)
        if options.smoothing > 0 and options.show_raw:
            raw = np.asarray(item.values, dtype=np.float64)
            curves.append(Curve(item.label, x, raw, color, legend=None, dim=True))
        curves.append(Curve(item.label, x, y, color, legend=_latest(y) or "–"))
    return curves, axis


def _latest(values: FloatArray) -> str:
    finite = np.flatnonzero(np.isfinite(values))
    if len(finite):
        return format_value(float(values[finite[-1]]))
    return format_value(float(values[-1])) if len(values) else ""


def data_extent(curves: Sequence[Curve]) -> tuple[float, float] | None:
    """Smallest and largest finite x over ``curves``."""
    lows: list[float] = []
    highs: list[float] = []
    seen: set[int] = set()
    for curve in curves:
        if id(curve.x) in seen or not len(curve.x):
            continue  # a smoothed line and its raw values share x
        seen.add(id(curve.x))
        low, high = float(curve.x.min()), float(curve.x.max())
        if not (math.isfinite(low) and math.isfinite(high)):
            x = curve.x[np.isfinite(curve.x)]
            if not len(x):
                continue
            low, high = float(x.min()), float(x.max())
        lows.append(low)
        highs.append(high)
    return (min(lows), max(highs)) if lows else None


def visible_window(
    extent: tuple[float, float] | None, window: tuple[float, float] | None, follow: bool
) -> tuple[float, float] | None:
    """The x range to draw: the zoom window, slid to the newest data when following."""
    if window is None or extent is None:
        return None
    lo, hi = window
    if follow:
        span = hi - lo
        return extent[1] - span, extent[1]
    return window


def status_text(options: ChartOptions, axis: str) -> str:
    """State shown after the title: smoothing, log scale, x axis, zoom."""
    parts: list[str] = []
    if options.smoothing > 0:
        parts.append(f"EMA {options.smoothing:.2f}")
    if options.log_y:
        parts.append("log")
    if axis != _STEP:
        parts.append("wall time" if axis == _WALL else "relative time")
    elif options.x_axis != _STEP:
        parts.append("step (no timestamps)")
    if options.x_window is not None:
        parts.append("zoom·follow" if options.follow else "zoom")
    return " · ".join(parts)


def render_series_chart(
    series: Sequence[SeriesData],
    width: int,
    height: int,
    options: ChartOptions,
    *,
    colors: ColorAssigner | None = None,
    smoothing: SmoothingCache | None = None,
) -> ChartFrame:
    """Render metric series as a chart frame (the whole pipeline in one call)."""
    curves, axis = build_curves(series, options, colors or ColorAssigner(), smoothing)
    window = visible_window(data_extent(curves), options.x_window, options.follow)
    return render_chart(
        curves,
        width,
        height,
        title=options.title,
        status=status_text(options, axis),
        x_range=window,
        log_y=options.log_y,
        x_format=x_format(axis),
        cursor=options.cursor,
        show_legend=options.legend,
        integer_x=axis == _STEP,
    )
