"""What the chart, plot and image widgets share: cached strips and chart-frame styling.

:class:`StripWidget` draws a list of strips that it rebuilds only when its cache key, size,
theme, focus or CSS change. :func:`frame_css`, :func:`frame_component_classes`,
:func:`role_styler` and :func:`frame_strips` style a headless
:class:`~dvclive_tui.charts.frame.ChartFrame` through ``<prefix>--<role>`` component classes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypedDict, Unpack

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

from dvclive_tui.charts.frame import ChartFrame, Role
from dvclive_writer.plotting.palette import PALETTE

SERIES_CLASSES = 8
"""Number of ``<prefix>--series-N`` component classes."""
RAW_OPACITY = 0.35
"""Opacity of the raw values drawn behind a smoothed line."""
_ROLES = ("axis", "label", "title", "cursor", "value")


def frame_component_classes(prefix: str) -> set[str]:
    """Component classes of a widget drawing chart frames: roles and series colours."""
    return {
        *(f"{prefix}--{role}" for role in _ROLES),
        *(f"{prefix}--series-{index}" for index in range(SERIES_CLASSES)),
    }


def frame_css(widget_type: str, prefix: str) -> str:
    """Default CSS of a widget drawing chart frames (sizes and role colours)."""
    return f"""
    {widget_type} {{
        height: 1fr;
        min-height: 6;
        min-width: 20;
    }}
    {widget_type} > .{prefix}--axis {{
        color: $foreground 40%;
    }}
    {widget_type} > .{prefix}--label {{
        color: $foreground 70%;
    }}
    {widget_type} > .{prefix}--title {{
        color: $foreground;
        text-style: bold;
    }}
    {widget_type}:focus > .{prefix}--title {{
        text-style: bold underline;
    }}
    {widget_type} > .{prefix}--value {{
        color: $foreground;
        text-style: bold;
    }}
    {widget_type} > .{prefix}--cursor {{
        color: $foreground;
    }}
    """


def role_styler(widget: Widget, prefix: str) -> Callable[[int], Style]:
    """Map frame roles to rich styles from ``widget``'s ``<prefix>--*`` component classes.

    Series roles use ``<prefix>--series-N`` when the stylesheet sets its colour, otherwise
    the palette colour, on the widget's background.
    """
    base = widget.rich_style
    cache: dict[int, Style] = {
        int(Role.BLANK): base,
        int(Role.AXIS): widget.get_component_rich_style(f"{prefix}--axis"),
        int(Role.LABEL): widget.get_component_rich_style(f"{prefix}--label"),
        int(Role.TITLE): widget.get_component_rich_style(f"{prefix}--title"),
        int(Role.CURSOR): widget.get_component_rich_style(f"{prefix}--cursor"),
        int(Role.REFERENCE): widget.get_component_rich_style(f"{prefix}--axis"),
        int(Role.VALUE): widget.get_component_rich_style(f"{prefix}--value"),
    }

    _, background = widget.background_colors

    def style(role: int) -> Style:
        found = cache.get(role)
        if found is None:
            dim = role >= int(Role.DIM_SERIES)
            first = int(Role.DIM_SERIES) if dim else int(Role.SERIES)
            index = (role - first) % SERIES_CLASSES
            name = f"{prefix}--series-{index}"
            styles = widget.get_component_styles(name)
            color = styles.color if styles.has_rule("color") else Color.parse(PALETTE[index])
            if dim:
                color = background.blend(color, RAW_OPACITY)
            found = base + Style(color=color.rich_color)
            cache[role] = found
        return found

    return style


_TEXT_ROLES = frozenset({int(Role.LABEL), int(Role.TITLE), int(Role.VALUE)})


def frame_strips(frame: ChartFrame, style: Callable[[int], Style], width: int) -> list[Strip]:
    """One strip per frame row, padded to ``width`` with the blank style."""
    blank = style(int(Role.BLANK))
    strips: list[Strip] = []
    for row in frame.rows:
        segments = [Segment(text, style(role)) for text, role in row]
        # Plot, axis and blank runs hold one cell per character; only text is measured.
        cells = sum(cell_len(text) if role in _TEXT_ROLES else len(text) for text, role in row)
        strips.append(Strip(segments, cells).adjust_cell_length(width, blank))
    return strips


class WidgetOptions(TypedDict, total=False):
    """Textual's own widget keywords, passed through by the widgets of this package."""

    name: str | None
    """The name of the widget."""
    id: str | None
    """The ID of the widget in the DOM."""
    classes: str | None
    """The CSS classes for the widget."""
    disabled: bool
    """Whether the widget is disabled."""


class StripWidget(Widget):
    """A widget drawn from strips that are rebuilt only when something they show changed.

    Subclasses implement :meth:`strips_key` (what the content depends on, besides size,
    theme and focus) and :meth:`build_strips`; :meth:`invalidate` forces a rebuild.
    """

    def __init__(self, **options: Unpack[WidgetOptions]) -> None:
        super().__init__(**options)
        self._cache_key: tuple[Any, ...] | None = None
        self._strips: list[Strip] = []

    def strips_key(self) -> Hashable:
        """What the strips depend on besides size, theme and focus."""
        raise NotImplementedError

    def build_strips(self, width: int, height: int) -> list[Strip]:
        """Draw the content in ``width`` x ``height`` cells."""
        raise NotImplementedError

    def invalidate(self) -> None:
        """Rebuild the strips at the next render."""
        self._cache_key = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """One row, from the cached strips."""
        strips = self._current_strips()
        return strips[y] if 0 <= y < len(strips) else Strip.blank(self.size.width)

    def _current_strips(self) -> list[Strip]:
        width, height = self.size
        key = (self.strips_key(), width, height, self.app.theme, self.has_focus)
        if key != self._cache_key:
            self._strips = self.build_strips(width, height)
            self._cache_key = key
        return self._strips

    def notify_style_update(self) -> None:
        """Drop cached strips when CSS changes (theme switch, focus)."""
        super().notify_style_update()
        self._cache_key = None
