"""A tiny app hosting one PlotView."""

from __future__ import annotations

from textual.app import App, ComposeResult

from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_tui.data.model import PlotData


class PlotApp(App[None]):
    """One plot view filling the screen."""

    def __init__(self, plot: PlotData) -> None:
        super().__init__()
        self.plot = plot
        self.theme = "textual-dark"

    def compose(self) -> ComposeResult:
        yield PlotView(self.plot, id="plot")

    def on_mount(self) -> None:
        self.query_one(PlotView).focus()
