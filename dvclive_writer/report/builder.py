"""Build and write reports: from a live run directory (incrementally) or from several runs.

:class:`ReportBuilder` keeps one :class:`~dvclive_writer.read.reader.RunReader` on a run's
directory, so each regeneration reads only the bytes appended since the previous one, and
one :class:`~dvclive_writer.report.markdown.ChartCache`, so unchanged PNG charts are not
redrawn, and one :class:`~dvclive_writer.report.decimation.Decimator`, so only new points are
decimated. :func:`write_report` renders any list of experiments once (the CLI).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from dvclive_writer.read.reader import RunReader
from dvclive_writer.report.content import DEFAULT_MAX_POINTS, Experiment, collect
from dvclive_writer.report.decimation import Decimator
from dvclive_writer.report.files import write_atomic
from dvclive_writer.report.html import render_html
from dvclive_writer.report.markdown import ChartCache, render_markdown

Mode = Literal["html", "md", "notebook"]

#: Seconds between reloads of a live ``report.html`` (dvclive's value).
REFRESH_SECONDS = 5

#: Experiment label of a single run (dvc-render's ``rev`` for the workspace, as dvclive).
WORKSPACE = "workspace"


def write_report(
    experiments: Sequence[Experiment],
    mode: Mode,
    output: Path | None,
    *,
    refresh_seconds: int | None = None,
    cache: ChartCache | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    inline_images: bool = False,
    snapshot: bool = False,
    decimator: Decimator | None = None,
) -> str:
    """Render ``experiments`` and write the text atomically to ``output`` (if given).

    Args:
        experiments: Runs to show (one, or several overlaid).
        mode: ``"html"``, ``"md"`` or ``"notebook"`` (Markdown with inline PNGs, not written).
        output: The report file; PNGs of the md report go to ``static/`` beside it.
        refresh_seconds: Auto-refresh interval of a live html report (``None``: no refresh).
        cache: PNG cache kept between calls (md).
        max_points: Bound on drawn points per series (M4 decimation).
        inline_images: Embed logged images in a md report instead of linking them.
        snapshot: A one-off html report from files (not the writer's live/final one).
        decimator: Decimations kept between calls (only new points are decimated).

    Returns:
        The report's text.
    """
    content = collect(experiments, max_points=max_points, decimator=decimator)
    if mode == "html":
        text = render_html(content, refresh_seconds=refresh_seconds, snapshot=snapshot)
    else:
        target = output if mode == "md" else None
        text = render_markdown(content, target, cache, inline_images=inline_images)
    if output is not None and mode != "notebook":
        write_atomic(output, text)
    return text


class ReportBuilder:
    """Regenerates one run directory's report, reading only appended data each time."""

    def __init__(
        self,
        run_dir: str | os.PathLike[str],
        mode: Mode,
        output: str | os.PathLike[str] | None = None,
        *,
        max_points: int = DEFAULT_MAX_POINTS,
    ) -> None:
        self.mode: Mode = mode
        self.reader = RunReader(run_dir)
        if output is None and mode != "notebook":
            output = Path(run_dir) / f"report.{mode}"
        self.output = Path(output) if output is not None else None
        self.cache = ChartCache()
        self.decimator = Decimator()
        self.max_points = max_points
        self.builds = 0
        """How many times the report was rendered."""

    def build(self, *, live: bool = False) -> str:
        """Poll the run (a full walk: builds are seconds apart) and render; ``live`` adds the
        html auto-refresh tag."""
        self.reader.poll(rescan=True)
        self.builds += 1
        return write_report(
            [Experiment(WORKSPACE, self.reader.run)],
            self.mode,
            self.output,
            refresh_seconds=REFRESH_SECONDS if live else None,
            cache=self.cache,
            max_points=self.max_points,
            decimator=self.decimator,
        )
