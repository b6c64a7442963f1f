"""The Images and Plots tabs."""

from __future__ import annotations

from textual.widget import Widget

from dvclive_tui.app.panes.browser import BrowserPane
from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_tui.data.model import ImageSeries, PlotData


class ImagesPane(BrowserPane[ImageSeries]):
    """Logged images; per-step images get a scrubber that survives refreshes."""

    EMPTY = "No images logged yet"
    FIELD = "images"

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

    def make_viewer(self) -> Widget:
        """A :class:`PlotView`."""
        return PlotView()

    def view(self, viewer: Widget, item: PlotData) -> None:
        """Show the plot."""
        assert isinstance(viewer, PlotView)
        viewer.set_plot(item)
