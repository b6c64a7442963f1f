"""The Images and Plots tabs."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from dvclive_tui.app.watch.panes.browser import BrowserPane
from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_writer.read.model import ImageSeries, PlotData


class ImagesPane(BrowserPane[ImageSeries]):
    """Logged images; per-step images get a scrubber that survives refreshes."""

    EMPTY = "No images logged yet"
    FIELD = "images"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,comma", "viewer('prev_frame')", "Prev frame", show=False),
        Binding("right,full_stop", "viewer('next_frame')", "Next frame", show=False),
    ]
    """The frame keys also work while the list has the focus."""

    def make_viewer(self) -> Widget:
        """An :class:`ImageView`."""
        return ImageView()

    def view(self, viewer: Widget, item: ImageSeries) -> None:
        """Show the image series."""
        assert isinstance(viewer, ImageView)
        viewer.set_series(item)


class PlotsPane(BrowserPane[PlotData]):
    """sklearn and custom plots, drawn by their dvc template."""

    EMPTY = "No plots logged yet"
    FIELD = "plots"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "viewer('toggle_normalized')", "Normalize", show=False),
    ]
    """``n`` also works while the list has the focus (it would turn chart pages there)."""

    def make_viewer(self) -> Widget:
        """A :class:`PlotView`."""
        return PlotView()

    def view(self, viewer: Widget, item: PlotData) -> None:
        """Show the plot."""
        assert isinstance(viewer, PlotView)
        viewer.set_plot(item)
