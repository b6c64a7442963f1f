"""A screen that shows a run's ``report.md`` with Textual's Markdown viewer (markdown-it-py).

:class:`ReportScreen` takes a ``report.md`` file, or a run directory: the directory's
``report.md`` when it has one, otherwise the report's text rendered on the fly (see
:mod:`~dvclive_tui.app.report_viewer.source`). The report is read in a worker behind a
loading indicator; ``r`` reloads (and re-renders a generated report), ``t`` toggles the
table of contents, ``?`` lists the keys, ``escape``/``q`` closes. Its layout is in
``styles/report.tcss``, which every app that shows it lists in ``CSS_PATH``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, MarkdownViewer, Static

from dvclive_tui.app.report_viewer.source import ReportText, read_report
from dvclive_tui.app.screens.help import HelpScreen
from dvclive_writer.read.naming import shown_path


class ReportScreen(Screen[None]):
    """Shows a Markdown report; reloads it on ``r``.

    Args:
        source: A ``report.md`` file or a run directory.
        name: The screen's name.
        render: Makes the report instead of reading ``source`` (a remote run's, rendered
            from the run already read).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("r", "reload", "Reload"),
        Binding("t", "toggle_toc", "Contents"),
        Binding("question_mark", "help", "Help", show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | escape / q | Back to whatever showed the report. |
    | r | Read (or render) the report again. |
    | t | Show or hide the table of contents. |
    | ? | List these keys. |
    """

    @dataclass
    class Loaded(Message):
        """The report was read (posted by the loading worker)."""

        report: ReportText
        """What to show."""

    def __init__(
        self,
        source: Path,
        *,
        name: str | None = None,
        render: Callable[[], ReportText] | None = None,
    ) -> None:
        super().__init__(name=name)
        self.source = source
        self._make_report = render
        self.report: ReportText | None = None
        """The report shown (``None`` until the first read finished)."""

    def compose(self) -> ComposeResult:
        """The source line, the Markdown viewer and the key footer."""
        yield Static(shown_path(self.source, outside="given"), id="report-source", markup=False)
        yield MarkdownViewer("", show_table_of_contents=False, open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        """Read the report."""
        self.action_reload()

    @work(thread=True, exclusive=True, group="report", description="read the report")
    def _read(self) -> None:
        make = self._make_report
        self.post_message(self.Loaded(read_report(self.source) if make is None else make()))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        if not self.is_attached:
            return  # read for a screen that was closed meanwhile
        self.report = message.report
        self.query_one("#report-source", Static).update(message.report.origin)
        viewer = self.query_one(MarkdownViewer)
        await viewer.document.update(message.report.text)
        viewer.loading = False

    def action_reload(self) -> None:
        """Read (or re-render) the report again."""
        self.query_one(MarkdownViewer).loading = True
        self._read()

    def action_toggle_toc(self) -> None:
        """Show or hide the table of contents."""
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def action_help(self) -> None:
        """List this screen's keys."""
        self.app.push_screen(HelpScreen([("Report", self.BINDINGS)]))

    def action_close(self) -> None:
        """Leave the screen, back to whatever pushed it."""
        self.dismiss()
