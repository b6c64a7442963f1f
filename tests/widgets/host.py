"""A tiny app hosting one widget, focused, in the snapshot theme, and its uses."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widget import Widget

from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_writer.read.model import ImageSeries, PlotData


class HostApp(App[None]):
    """One focused widget filling the screen."""

    def __init__(self, hosted: Widget) -> None:
        super().__init__()
        self.hosted = hosted
        self.theme = "textual-dark"

    def compose(self) -> ComposeResult:
        yield self.hosted

    def on_mount(self) -> None:
        self.hosted.focus()


def image_app(series: ImageSeries | None) -> HostApp:
    """An app showing ``series`` in a focused :class:`ImageView`."""
    return HostApp(ImageView(series, id="images"))


def plot_app(plot: PlotData) -> HostApp:
    """An app showing ``plot`` in a focused :class:`PlotView`."""
    return HostApp(PlotView(plot, id="plot"))
