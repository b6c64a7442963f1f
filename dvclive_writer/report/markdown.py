"""``report.md``: dvclive's Markdown report, with every chart kind and no redundant redraws.

Layout as dvclive (``# DVC Report``, tabulate "github" tables headed by the file name, one
PNG per metric at ``static/<metric>.png``, then images), plus what dvclive drops: sklearn and
custom plots, drawn offline with Pillow (:mod:`dvclive_writer.report.png`) to
``static/sklearn/<name>.png`` and ``static/custom/<name>.png``.

A PNG is redrawn only when its chart's content digest changed: the digest is kept in memory
and in the PNG itself (a text chunk), so a new process skips unchanged charts too.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from pathlib import Path
from urllib.parse import quote

from dvc_render.table import TableRenderer

from dvclive_writer.read.listing import walk
from dvclive_writer.report.escape import markdown_text
from dvclive_writer.report.files import is_inside, write_atomic
from dvclive_writer.report.model import Chart, ImageGroup, ReportContent
from dvclive_writer.report.png import png_digest, render_png
from dvclive_writer.text_safety import terminal_text

HEADER = "# DVC Report\n"


class ChartCache:
    """Digest of each PNG written, to skip redrawing unchanged charts."""

    def __init__(self) -> None:
        self.digests: dict[Path, str] = {}
        self.inline: dict[str, tuple[str, str]] = {}
        """Chart name -> (digest, base64 PNG) of charts embedded in the text (notebook)."""
        self.drawn = 0
        """How many PNGs were drawn (for tests and benchmarks)."""

    def is_current(self, path: Path, digest: str) -> bool:
        """Whether the PNG at ``path`` was drawn from content with this ``digest``."""
        if self.digests.get(path) == digest and path.is_file():
            return True
        if path.is_file() and png_digest(str(path)) == digest:
            self.digests[path] = digest
            return True
        return False


def chart_png_path(chart: Chart) -> str:
    """PNG path relative to the report's folder: ``static/<metric>.png`` etc.; a name's
    control and invisible characters are written escaped (``\x1b``), so no file name the
    report creates can drive a terminal that lists the folder."""
    name = terminal_text(chart.name)
    if chart.kind == "metric":
        return f"{name}.png"
    return f"static/{name}.png"


def render_markdown(
    content: ReportContent,
    report_path: Path | None,
    cache: ChartCache | None = None,
    *,
    inline_images: bool = False,
    draw_charts: bool = True,
) -> str:
    """The Markdown text; PNGs go beside ``report_path`` (inline base64 when ``None``).

    Logged images are linked relative to the report, or inlined as base64 when
    ``inline_images`` is set or ``report_path`` is ``None`` (files that will not outlive
    the call, such as runs read from git). Without ``draw_charts`` (a text-only viewer),
    charts are linked where their PNGs would be and nothing is drawn or written.
    """
    cache = cache if cache is not None else ChartCache()
    elements = [
        TableRenderer([_cells(row) for row in t.rows], t.title).generate_markdown()
        for t in content.tables
    ]
    if len(content.experiments) > 1:
        names = ", ".join(f"`{markdown_text(n)}`" for n in content.experiments)
        elements.insert(0, f"\nExperiments: {names}")

    def chart(chart: Chart) -> str:
        return _chart(chart, report_path, cache) if draw_charts else _chart_placeholder(chart)

    elements.extend(chart(c) for c in content.metrics)
    if content.undrawn_metrics:
        elements.append(f"\n*{markdown_text(content.undrawn_note)}*")
    multi = len(content.experiments) > 1
    target = None if inline_images else report_path
    elements.extend(_images(group, target, multi) for group in content.images)
    elements.extend(chart(c) for c in content.sklearn)
    elements.extend(chart(c) for c in content.custom)
    if report_path is not None and draw_charts:
        keep = {report_path.parent / chart_png_path(chart) for chart in content.charts}
        prune_stale_pngs(report_path.parent / "static", keep)
    return HEADER + "\n".join(e for e in elements if e) + "\n"


def prune_stale_pngs(static: Path, keep: set[Path]) -> list[Path]:
    """Delete chart PNGs this renderer wrote earlier (they carry its digest) that the
    report no longer shows, e.g. metrics of a previous run. Other files are left alone."""
    removed: list[Path] = []
    if static.is_symlink():  # a static/ link may lead out of the report's folder
        return removed
    for rel, found in walk(str(static)).files.items():  # bounded; links not followed
        png = static / rel
        if found.kind != "file" or png.suffix != ".png" or png in keep:
            continue
        if png_digest(str(png)) is not None:
            png.unlink(missing_ok=True)
            removed.append(png)
    return removed


def _cell(value: object) -> object:
    """A table cell that cannot break the table or inject HTML (numbers stay numbers)."""
    if isinstance(value, bool | int | float) or value is None:
        return value
    text = terminal_text(" ".join(str(value).splitlines()))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _cells(row: dict[str, object]) -> dict[str, object]:
    return {str(_cell(key)): _cell(value) for key, value in row.items()}


def _chart(chart: Chart, report_path: Path | None, cache: ChartCache) -> str:
    if not any(len(block) for block in chart.blocks):
        return ""
    alt = markdown_text(chart.config.title or chart.name)
    try:
        return _chart_link(chart, alt, report_path, cache)
    except (ValueError, TypeError, OverflowError, OSError) as error:
        # One odd plot must not take the whole report down.
        return f"\n*{alt}: cannot draw this chart ({markdown_text(error)})*"


def _chart_placeholder(chart: Chart) -> str:
    if not any(len(block) for block in chart.blocks):
        return ""
    alt = markdown_text(chart.config.title or chart.name)
    return f"\n![{alt}]({quote(chart_png_path(chart))})"


def _chart_link(chart: Chart, alt: str, report_path: Path | None, cache: ChartCache) -> str:
    if report_path is None:
        digest, data = cache.inline.get(chart.name, ("", ""))
        if digest != chart.digest:
            data = base64.b64encode(render_png(chart)).decode()
            cache.inline[chart.name] = (chart.digest, data)
            cache.drawn += 1
        return f"\n![{alt}](data:image/png;base64,{data})"
    relative = chart_png_path(chart)
    target = report_path.parent / relative
    if not is_inside(target, report_path.parent):
        raise OSError(f"{relative}: its folder leads outside the report's folder")
    if not cache.is_current(target, chart.digest):
        write_atomic(target, render_png(chart))
        cache.digests[target] = chart.digest
        cache.drawn += 1
    return f"\n![{alt}]({quote(relative)})"


def _images(group: ImageGroup, report_path: Path | None, multi: bool) -> str:
    lines = []
    title = f"{group.rev}: {group.name}" if multi else group.name
    for frame in group.frames:
        alt = markdown_text(f"{title} ({frame.caption})" if frame.caption != group.name else title)
        if report_path is not None:
            relative = os.path.relpath(frame.path, report_path.parent)
            lines.append(f"\n![{alt}]({quote(Path(relative).as_posix())})")
            continue
        raw = frame.read()
        if raw is None:
            continue
        data = base64.b64encode(raw).decode()
        mime = mimetypes.guess_type(frame.path.name)[0] or "image/png"
        lines.append(f"\n![{alt}](data:{mime};base64,{data})")
    return "\n".join(lines)
