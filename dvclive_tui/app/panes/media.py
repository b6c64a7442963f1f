"""The Images and Plots tabs."""

from __future__ import annotations

from textual.widget import Widget

from dvclive_tui.app.panes.browser import BrowserPane
from dvclive_tui.app.panes.update import Update
from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_tui.data.model import ImageSeries, PlotData, Run


class ImagesPane(BrowserPane[ImageSeries]):
    """Logged images; per-step images get a scrubber that survives refreshes."""

    EMPTY = "No images logged yet"

    def items_of(self, run: Run) -> dict[str, ImageSeries]:
        """The run's image series."""
        return dict(sorted(run.images.items()))

    def make_viewer(self) -> Widget:
        """An :class:`ImageView`."""
        return ImageView()

    def view(self, viewer: Widget, item: ImageSeries) -> None:
        """Show the image series."""
        assert isinstance(viewer, ImageView)
        viewer.set_series(item)

    def wants(self, update: Update) -> bool:
        """Only image changes concern this pane."""
        return update.images


class PlotsPane(BrowserPane[PlotData]):
    """sklearn and custom plots."""

    EMPTY = "No plots logged yet"

    def items_of(self, run: Run) -> dict[str, PlotData]:
        """The run's plots."""
        return dict(sorted(run.plots.items()))

    def make_viewer(self) -> Widget:
        """A :class:`PlotView`."""
        return PlotView()

    def view(self, viewer: Widget, item: PlotData) -> None:
        """Show the plot."""
        assert isinstance(viewer, PlotView)
        viewer.set_plot(item)

    def wants(self, update: Update) -> bool:
        """Only plot changes concern this pane."""
        return update.plots
