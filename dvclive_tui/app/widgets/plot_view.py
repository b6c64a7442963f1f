"""A pane that draws one sklearn or custom plot by its dvc template.

Confusion matrices become a heat grid with counts; ``n`` toggles rates normalised per row, as
dvc's ``confusion_normalized`` template does. ROC, precision-recall, DET, calibration and
custom x/y plots use the chart renderer; bar templates draw text bars. The drawing itself is
headless (:mod:`dvclive_tui.charts.plots`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, ClassVar, Unpack

from rich.style import Style
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
from dvclive_tui.charts.plots import HEAT, HEAT_LEVELS, is_confusion, render_plot
from dvclive_writer.read.model import PlotData


class PlotView(StripWidget, can_focus=True):
    """Draws a :class:`~dvclive_writer.read.model.PlotData` by its template."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "toggle_normalized", "Normalize", tooltip="Counts or rates per row"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | n | Confusion matrix: toggle counts and rates normalised per row (predicted class). |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = frame_component_classes("plotview") | {"plotview--heat"}
    """
    | Class | Description |
    | :- | :- |
    | `plotview--axis` | Axes, tick marks and the diagonal reference line. |
    | `plotview--label` | Tick labels, class labels and axis titles. |
    | `plotview--title` | The title. |
    | `plotview--value` | Legend values (AUC, AP, latest) and bar values. |
    | `plotview--cursor` | Reserved for a value cursor (same role as in `Chart`). |
    | `plotview--heat` | `background` of the hottest confusion cell (cooler ones fade). |
    | `plotview--series-0` … `-7` | Curve and bar colours (`color`); unset: `PALETTE`. |
    """

    DEFAULT_CSS = (
        frame_css("PlotView", "plotview")
        + """
    PlotView > .plotview--heat {
        background: $primary;
    }
    """
    )

    normalized: reactive[bool] = reactive(False)
    """Confusion matrix: show rates per row (dvc's ``percent_of_y``) instead of counts."""

    def __init__(self, plot: PlotData | None = None, **options: Unpack[WidgetOptions]) -> None:
        """Create a plot view.

        Args:
            plot: The plot to draw (or call :meth:`set_plot` later).
            **options: Textual's widget keywords (``name``, ``id``, ``classes``, ``disabled``).
        """
        super().__init__(**options)
        self._plot: PlotData | None = None
        self._signature: tuple[Any, ...] = ()
        self._frame: ChartFrame | None = None
        if plot is not None:
            self.set_plot(plot)

    @property
    def plot(self) -> PlotData | None:
        """The plot shown."""
        return self._plot

    @property
    def frame(self) -> ChartFrame | None:
        """The last rendered frame (for tests and tooling)."""
        return self._frame

    def set_plot(self, plot: PlotData) -> None:
        """Show ``plot``; a new plot (other path) starts with its template's normalisation."""
        signature = (plot.path, plot.version, len(plot.rows), plot.config)
        if self._plot is None or plot.path != self._plot.path:
            self.set_reactive(PlotView.normalized, plot.config.template == "confusion_normalized")
        self._plot = plot
        if signature != self._signature:
            self._signature = signature
            self.invalidate()

    def action_toggle_normalized(self) -> None:
        """Toggle counts and normalised rates (confusion matrices only)."""
        if self._plot is not None and is_confusion(self._plot):
            self.normalized = not self.normalized

    def strips_key(self) -> Hashable:
        """The plot's signature and the normalisation."""
        return (self._signature, self.normalized)

    def build_strips(self, width: int, height: int) -> list[Strip]:
        """Draw the plot by its template, styled by the ``plotview--*`` classes."""
        if self._plot is None:
            self._frame = None
            return [Strip.blank(width, self.rich_style) for _ in range(height)]
        self._frame = render_plot(self._plot, width, height, normalized=self.normalized)
        return frame_strips(self._frame, self._styler(), width)

    def _styler(self) -> Callable[[int], Style]:
        chart_style = role_styler(self, "plotview")
        base = self.rich_style
        _, background = self.background_colors
        heat = self.get_component_styles("plotview--heat").background
        heat_styles: dict[int, Style] = {}
        for level in range(HEAT_LEVELS):
            share = level / (HEAT_LEVELS - 1)
            fill = background.blend(heat, 0.12 + 0.88 * share) if level else background
            text = fill.get_contrast_text(0.9)
            heat_styles[HEAT + level] = base + Style(color=text.rich_color, bgcolor=fill.rich_color)

        def style(role: int) -> Style:
            found = heat_styles.get(role)
            return found if found is not None else chart_style(role)

        return style
