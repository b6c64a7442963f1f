"""What the report viewer shows, read off the event loop (no Textual here).

A run directory's ``report.md`` when it has one, otherwise the report's text rendered from
the run's files (charts linked, not drawn: the terminal shows no PNGs, and the run directory
is never written to); a ``report.md`` path as given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
        content = collect([Experiment(WORKSPACE, run)])
        text = render_markdown(content, path, draw_charts=False)
        return ReportText(text, path, True, f"{shown(source)} (rendered on the fly)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        text = f"# No report\n\nCannot read `{path}`: {reason}\n"
    return ReportText(text, path, False, shown(path))


def shown(path: Path) -> str:
    """``path`` relative to the current directory when below it, else absolute."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()
