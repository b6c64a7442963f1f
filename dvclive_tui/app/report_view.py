"""A screen that shows a run's ``report.md`` with Textual's Markdown viewer (markdown-it-py).

:class:`ReportScreen` takes a ``report.md`` file, or a run directory: the directory's
``report.md`` when it has one, otherwise the report's text rendered on the fly (charts are
linked, not drawn: the terminal shows no PNGs; the run directory is never written to).
``r`` reloads (and re-renders a generated report), ``t`` toggles the table of contents,
``?`` lists the keys, ``escape``/``q`` closes.
``dvclive-tui report --view`` runs it standalone through :func:`run_report_viewer`.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, MarkdownViewer, Static

from dvclive_tui.app.screens.help import HelpScreen, binding_rows
from dvclive_writer.read.naming import shown_path
from dvclive_writer.read.reader import load_run
from dvclive_writer.report.builder import WORKSPACE
from dvclive_writer.report.content import Experiment, collect
from dvclive_writer.report.markdown import render_markdown

REPORT_MD = "report.md"


class ReportScreen(Screen[None]):
    """Shows a Markdown report; reloads it on ``r``."""

    DEFAULT_CSS = """
    ReportScreen #report-source { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    ReportScreen MarkdownViewer { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("r", "reload", "Reload"),
        Binding("t", "toggle_toc", "Contents"),
        Binding("question_mark", "help", "Help", show=False, key_display="?"),
    ]

    def __init__(self, source: Path, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.source = source
        self.generated = source.is_dir() and not (source / REPORT_MD).is_file()
        """No report.md to show: the report's text is rendered from the run's files."""
        self.report_path = source / REPORT_MD if source.is_dir() else source

    def _read(self) -> str:
        if self.generated:
            # Text only: the terminal shows no PNGs, so none is drawn and nothing is written.
            run = load_run(self.source, name=WORKSPACE)
            content = collect([Experiment(WORKSPACE, run)])
            return render_markdown(content, self.report_path, draw_charts=False)
        try:
            return self.report_path.read_text(encoding="utf-8")
        except OSError as error:
            return f"# No report\n\nCannot read `{self.report_path}`: {error.strerror}\n"

    def compose(self) -> ComposeResult:
        """The source line, the Markdown viewer and the key footer."""
        yield Static(self._describe(), id="report-source", markup=False)
        yield MarkdownViewer(self._read(), show_table_of_contents=False, open_links=False)
        yield Footer()

    def _describe(self) -> str:
        if self.generated:
            return f"{shown_path(self.source, outside='given')} (rendered on the fly)"
        return shown_path(self.report_path, outside="given")

    def action_reload(self) -> None:
        """Read (or re-render) the report again."""
        self.query_one(MarkdownViewer).document.update(self._read())

    def action_toggle_toc(self) -> None:
        """Show or hide the table of contents."""
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def action_help(self) -> None:
        """List this screen's keys."""
        self.app.push_screen(HelpScreen([("Report", binding_rows(self.BINDINGS))]))

    def action_close(self) -> None:
        """Leave the screen, back to whatever pushed it."""
        self.dismiss()


class ReportViewerApp(App[None]):
    """Standalone viewer for ``dvclive-tui report --view``."""

    TITLE = "dvclive-tui report"

    def __init__(self, source: Path) -> None:
        super().__init__()
        self.source = source

    def on_mount(self) -> None:
        self.push_screen(ReportScreen(self.source), callback=lambda _: self.exit())


def run_report_viewer(source: Path) -> None:
    """Show ``source`` (a report.md or run directory) until the user closes it."""
    ReportViewerApp(source).run()
