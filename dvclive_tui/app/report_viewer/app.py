"""``dvclive-tui report --view``: the report screen as a standalone app."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from dvclive_tui.app.report_viewer.screen import ReportScreen


class ReportViewerApp(App[None]):
    """Shows one report until the user closes it.

    Args:
        source: A ``report.md`` file or a run directory.
    """

    CSS_PATH = "../styles/report.tcss"
    TITLE = "dvclive-tui report"

    def __init__(self, source: Path) -> None:
        super().__init__()
        self.source = source

    def on_mount(self) -> None:
        """Show the report; closing it ends the app."""
        self.push_screen(ReportScreen(self.source), callback=lambda _: self.exit())


def run_report_viewer(source: Path) -> None:
    """Show ``source`` (a report.md or run directory) until the user closes it."""
    ReportViewerApp(source).run()
