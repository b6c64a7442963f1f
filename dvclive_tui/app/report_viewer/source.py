"""What the report viewer shows, read off the event loop (no Textual here).

A run directory's ``report.md`` when it has one, otherwise the report's text rendered from
the run's files (charts linked, not drawn: the terminal shows no PNGs, and the run directory
is never written to); a ``report.md`` path as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dvclive_writer.read.files import DOCUMENT_CAP, read_file
from dvclive_writer.read.model import Run
from dvclive_writer.read.naming import shown_path
from dvclive_writer.read.reader import load_run
from dvclive_writer.report.builder import WORKSPACE
from dvclive_writer.report.content import Experiment, collect
from dvclive_writer.report.markdown import render_markdown

REPORT_MD = "report.md"


@dataclass(frozen=True)
class ReportText:
    """The Markdown to show and where it came from."""

    text: str
    """The Markdown source."""
    path: Path
    """The ``report.md`` read, or the one the rendered text stands for."""
    generated: bool
    """No ``report.md`` to show: the text was rendered from the run's files."""
    origin: str
    """One line naming the source, as the user would type it."""


def read_report(source: Path) -> ReportText:
    """Read (or render) the report of ``source``, a ``report.md`` file or a run directory.

    An unreadable file gives a short Markdown page that says why, never an exception.
    """
    is_dir = source.is_dir()
    path = source / REPORT_MD if is_dir else source
    if is_dir and not path.is_file():
        run = load_run(source, name=WORKSPACE)
        return render_run(run, path, shown_path(source, outside="given"))
    read = read_file(path, DOCUMENT_CAP)  # regular files only, capped: a FIFO cannot hang it
    try:
        if read.data is None:
            raise OSError(read.error or "no such file")
        text = read.data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = str(error) if isinstance(error, OSError) else "not UTF-8 text"
        text = f"# No report\n\nCannot read `{path}`: {reason}\n"
    return ReportText(text, path, False, shown_path(path, outside="given"))


def render_run(run: Run, path: Path, origin: str) -> ReportText:
    """The report of a run already read (a remote one: its ``report.md`` stays there),
    rendered on the fly; ``path`` is the ``report.md`` it stands for."""
    content = collect([Experiment(WORKSPACE, run)])
    text = render_markdown(content, path, draw_charts=False)
    return ReportText(text, path, True, f"{origin} (rendered on the fly)")
