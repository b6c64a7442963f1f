"""The project's chart widget: braille line charts of metric series, keyboard-driven.

All chart maths is headless (:mod:`dvclive_tui.charts`); this widget keeps the view state in
reactives, turns a :class:`~dvclive_tui.charts.frame.ChartFrame` into cached strips and maps
keys to zoom, pan, cursor, smoothing, log scale and x-axis actions.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Unpack

from textual import events
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.strip import Strip

from dvclive_tui.app.widgets.strips import (
    StripWidget,
    WidgetOptions,
    frame_component_classes,
    frame_css,
    frame_strips,
    role_styler,
)
from dvclive_tui.charts.frame import ChartFrame
from dvclive_tui.charts.raster import DOTS_X
from dvclive_tui.charts.series import ColorAssigner, SeriesData
from dvclive_tui.charts.smoothing import MAX_WEIGHT
from dvclive_tui.charts.view import (
    X_AXES,
    ChartOptions,
    SmoothingCache,
    build_curves,
    data_extent,
    effective_x_axis,
    render_series_chart,
    visible_window,
)

SMOOTHING_LEVELS: tuple[float, ...] = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99)
"""Strengths that ``smoothing_up`` / ``smoothing_down`` step through."""
DEFAULT_SMOOTHING = 0.6
"""Strength ``toggle_smoothing`` switches on when no other was chosen."""


@dataclass(frozen=True)
class SharedChartOptions:
    """View options set for every chart at once (the watch dashboard's ``S``, ``L``, ``X``, ``F``).

    Its defaults are a new chart's own, so a chart given these options changes only where
    they differ.
    """

    smoothing: float = 0.0
    """EMA strength of every chart (0 is off)."""
    log_y: bool = False
    """Log-scaled y axes."""
    x_axis: str = "step"
    """What x measures on every chart: ``"step"``, ``"wall"`` or ``"relative"``."""
    follow: bool = True
    """Zoomed charts slide to keep the newest data in view."""


class Chart(StripWidget, can_focus=True):
    """A braille line chart of one or more metric series, with a legend.

    Series colours default to the Okabe-Ito colour-blind-safe palette
    (:data:`dvclive_tui.charts.series.PALETTE`) unless CSS sets ``chart--series-N``.

    Call :meth:`set_series` whenever data may have changed; the chart redraws only when a
    series key, version or length differs, or the view state changes.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "toggle_smoothing", "Smooth", tooltip="Toggle EMA smoothing"),
        Binding("plus,equals_sign", "smoothing_up", "Smooth +", show=False),
        Binding("minus", "smoothing_down", "Smooth -", show=False),
        Binding("l", "toggle_log_y", "Log y", tooltip="Toggle a log-scaled y axis"),
        Binding(
            "x", "cycle_x_axis", "X axis", tooltip="Cycle the x axis: step, wall, relative time"
        ),
        Binding("z", "zoom_in", "Zoom in"),
        Binding("Z", "zoom_out", "Zoom out", key_display="Z"),
        Binding("left_square_bracket", "pan_left", "Pan left", show=False, key_display="["),
        Binding("right_square_bracket", "pan_right", "Pan right", show=False, key_display="]"),
        Binding("left", "cursor_left", "Cursor left", show=False),
        Binding("right", "cursor_right", "Cursor right", show=False),
        Binding("0", "reset_view", "Reset view", show=False),
        Binding("f", "toggle_follow", "Follow", show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | s | Toggle EMA smoothing. |
    | + / - | Stronger / weaker smoothing. |
    | l | Toggle a log-scaled y axis. |
    | x | Cycle the x axis: step, wall time, relative time. |
    | z / Z | Zoom in / out on x. |
    | [ / ] | Pan left / right when zoomed. |
    | ← / → | Move the value cursor. |
    | 0 | Reset zoom and cursor. |
    | f | Toggle following the newest data when zoomed. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = frame_component_classes("chart")
    """
    | Class | Description |
    | :- | :- |
    | `chart--axis` | Axis lines, tick marks and reference lines. |
    | `chart--label` | Tick labels, legend labels, state and "no data". |
    | `chart--title` | The title. |
    | `chart--value` | Legend values (latest, or at the cursor). |
    | `chart--cursor` | The value cursor line and its position label. |
    | `chart--series-0` … `chart--series-7` | Series colours (only `color`); unset: `PALETTE`. |
    """

    DEFAULT_CSS = frame_css("Chart", "chart")

    title: reactive[str] = reactive("")
    """Title shown on the first row, followed by the view state."""
    smoothing: reactive[float] = reactive(0.0)
    """EMA strength: 0 (off) to 0.99 (TensorBoard-style debiased EMA)."""
    log_y: reactive[bool] = reactive(False)
    """Log-scaled y axis (non-positive values are dropped)."""
    x_axis: reactive[str] = reactive("step")
    """What x measures: ``"step"``, ``"wall"`` or ``"relative"``."""
    follow: reactive[bool] = reactive(True)
    """When zoomed, slide the window to keep the newest data in view."""
    x_window: reactive[tuple[float, float] | None] = reactive(None)
    """Zoom window on x, in x-axis units; ``None`` shows all data."""
    cursor: reactive[float | None] = reactive(None)
    """Value cursor position on x; the legend shows every series' value there."""
    shared_options: reactive[SharedChartOptions] = reactive(SharedChartOptions, init=False)
    """Options set for all charts at once: a change sets the options that changed (and only
    those), so a chart keeps its own choice of the others."""

    def __init__(self, title: str = "", **options: Unpack[WidgetOptions]) -> None:
        """Create a chart.

        Args:
            title: Title shown on the first row.
            **options: Textual's widget keywords (``name``, ``id``, ``classes``, ``disabled``).
        """
        super().__init__(**options)
        self.title = title
        self._series: tuple[SeriesData, ...] = ()
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._colors = ColorAssigner()
        self._smoothing_cache = SmoothingCache()
        self._last_smoothing = DEFAULT_SMOOTHING
        self._frame: ChartFrame | None = None

    @property
    def series(self) -> tuple[SeriesData, ...]:
        """The series currently shown."""
        return self._series

    @property
    def frame(self) -> ChartFrame | None:
        """The last rendered frame (for tests and tooling)."""
        return self._frame

    def set_series(self, series: Sequence[SeriesData]) -> None:
        """Replace the data; redraws only if keys, versions or lengths changed."""
        signature = tuple((item.key, item.version, len(item.steps)) for item in series)
        self._series = tuple(series)
        if signature != self._signature:
            self._signature = signature
            self._smoothing_cache.prune({item.key for item in series})
            self.refresh()

    def options(self) -> ChartOptions:
        """The current view state."""
        return ChartOptions(
            title=self.title,
            smoothing=self.smoothing,
            log_y=self.log_y,
            x_axis=self.x_axis,
            x_window=self.x_window,
            follow=self.follow,
            cursor=self.cursor,
        )

    def strips_key(self) -> Hashable:
        """The data signature and the view state."""
        return (self._signature, self.options())

    def build_strips(self, width: int, height: int) -> list[Strip]:
        """Render the series as a chart frame, styled by the ``chart--*`` classes."""
        self._frame = render_series_chart(
            self._series,
            width,
            height,
            self.options(),
            colors=self._colors,
            smoothing=self._smoothing_cache,
        )
        return frame_strips(self._frame, role_styler(self, "chart"), width)

    # View state helpers -------------------------------------------------------------------

    def _extent(self) -> tuple[float, float] | None:
        curves, _ = build_curves(self._series, self.options(), self._colors, self._smoothing_cache)
        return data_extent(curves)

    def _current_window(self) -> tuple[float, float] | None:
        extent = self._extent()
        window = visible_window(extent, self.x_window, self.follow)
        return window if window is not None else extent

    def _cell_span(self) -> float:
        window = self._current_window()
        if window is None:
            return 1.0
        plot_width = self._frame.plot_width if self._frame and self._frame.plot_width else 40
        return max((window[1] - window[0]) / plot_width, 1e-12)

    def watch_shared_options(self, old: SharedChartOptions, new: SharedChartOptions) -> None:
        """Take over the shared options that changed."""
        if new.smoothing != old.smoothing:
            self.smoothing = new.smoothing
        if new.log_y != old.log_y:
            self.log_y = new.log_y
        if new.x_axis != old.x_axis:
            self.x_axis = new.x_axis
        if new.follow != old.follow:
            self.follow = new.follow

    def validate_smoothing(self, smoothing: float) -> float:
        """Clamp the EMA strength to ``0 .. 0.99``."""
        return min(max(float(smoothing), 0.0), MAX_WEIGHT)

    def validate_x_axis(self, x_axis: str) -> str:
        """Unknown axes fall back to ``"step"``."""
        return x_axis if x_axis in X_AXES else X_AXES[0]

    def watch_x_axis(self) -> None:
        """A different x axis invalidates the zoom window and the cursor."""
        self.x_window = None
        self.cursor = None

    def on_click(self, event: events.Click) -> None:
        """Put the value cursor where the plot was clicked (the mouse is optional)."""
        frame = self._frame
        if frame is None or frame.viewport is None:
            return
        column = event.x - frame.plot_left
        if 0 <= column < frame.plot_width:
            position = frame.viewport.px_to_x(column * DOTS_X + (DOTS_X - 1) / 2)
            if effective_x_axis(self._series, self.x_axis) == "step":
                position = float(round(position))
            self.cursor = position
            self.focus()

    # Actions ------------------------------------------------------------------------------

    def action_toggle_smoothing(self) -> None:
        """Switch smoothing off, or back on at the last strength."""
        if self.smoothing > 0:
            self._last_smoothing = self.smoothing
            self.smoothing = 0.0
        else:
            self.smoothing = self._last_smoothing

    def action_smoothing_up(self) -> None:
        """Smooth more (next level)."""
        higher = [level for level in SMOOTHING_LEVELS if level > self.smoothing + 1e-9]
        if higher:
            self.smoothing = higher[0]

    def action_smoothing_down(self) -> None:
        """Smooth less (previous level; 0 is off)."""
        lower = [level for level in SMOOTHING_LEVELS if level < self.smoothing - 1e-9]
        if lower:
            self.smoothing = lower[-1]
        if self.smoothing > 0:
            self._last_smoothing = self.smoothing

    def action_toggle_log_y(self) -> None:
        """Toggle the log-scaled y axis."""
        self.log_y = not self.log_y

    def action_cycle_x_axis(self) -> None:
        """Step, then wall time, then relative time."""
        index = X_AXES.index(self.x_axis) if self.x_axis in X_AXES else -1
        self.x_axis = X_AXES[(index + 1) % len(X_AXES)]

    def action_zoom_in(self) -> None:
        """Halve the x window, around the cursor or the newest data."""
        window = self._current_window()
        if window is None:
            return
        lo, hi = window
        span = (hi - lo) / 2
        if span <= 0:
            return
        if self.cursor is not None and lo <= self.cursor <= hi:
            center = self.cursor
            self.follow = False
            self.x_window = (center - span / 2, center + span / 2)
        elif self.follow:
            self.x_window = (hi - span, hi)
        else:
            center = (lo + hi) / 2
            self.x_window = (center - span / 2, center + span / 2)

    def action_zoom_out(self) -> None:
        """Double the x window; back to all data once it covers everything."""
        window = self._current_window()
        extent = self._extent()
        if window is None or extent is None or self.x_window is None:
            return
        lo, hi = window
        span = (hi - lo) * 2
        if span >= extent[1] - extent[0]:
            self.x_window = None
            return
        center = (lo + hi) / 2
        lo = max(extent[0], min(center - span / 2, extent[1] - span))
        self.x_window = (lo, lo + span)

    def _pan(self, fraction: float) -> None:
        window = self._current_window()
        extent = self._extent()
        if self.x_window is None or window is None or extent is None:
            return
        lo, hi = window
        span = hi - lo
        lo = min(max(lo + span * fraction, extent[0]), extent[1] - span)
        self.x_window = (lo, lo + span)
        self.follow = lo + span >= extent[1]

    def action_pan_left(self) -> None:
        """Move the zoom window a quarter to the left (stops following)."""
        self._pan(-0.25)

    def action_pan_right(self) -> None:
        """Move the zoom window a quarter to the right (follows again at the end)."""
        self._pan(0.25)

    def _move_cursor(self, cells: int) -> None:
        window = self._current_window()
        if window is None:
            return
        lo, hi = window
        if self.cursor is None or not lo <= self.cursor <= hi:
            self.cursor = float(math.floor(hi)) if cells < 0 else float(math.ceil(lo))
            return
        position = min(max(self.cursor + cells * self._cell_span(), lo), hi)
        if effective_x_axis(self._series, self.x_axis) == "step":
            # Steps are whole numbers: land on one, and always move at least one step.
            rounded = float(round(position))
            if rounded == self.cursor:
                rounded += 1 if cells > 0 else -1
            position = min(max(rounded, math.ceil(lo)), math.floor(hi))
        self.cursor = position

    def action_cursor_left(self) -> None:
        """Move the value cursor one cell left (appears at the right edge)."""
        self._move_cursor(-1)

    def action_cursor_right(self) -> None:
        """Move the value cursor one cell right (appears at the left edge)."""
        self._move_cursor(1)

    def action_reset_view(self) -> None:
        """Show all data, follow the tail, hide the cursor."""
        self.x_window = None
        self.cursor = None
        self.follow = True

    def action_toggle_follow(self) -> None:
        """Toggle following the newest data while zoomed."""
        self.follow = not self.follow
