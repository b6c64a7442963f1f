"""``report.html``: dvc-render's tables, Vega-Lite templates and images in one offline page.

Differences from dvclive's page: Vega, Vega-Lite and Vega-Embed are inlined (charts render
with no network); the auto-refresh tag is written only while the run is live; chart data is
decimated and sent column-wise (rows are rebuilt in the browser), so size stays bounded; every
run-supplied string is escaped (HTML text, and JSON inside ``<script>``).
"""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

from dvc_render.exceptions import DvcRenderError
from dvc_render.image import ImageRenderer
from dvc_render.table import TableRenderer
from dvc_render.vega import VegaRenderer

from dvclive_tui.report.assets import vega_scripts
from dvclive_tui.report.content import REV_COLORS, Chart, ImageGroup, ReportContent, Table
from dvclive_tui.report.escape import html_text, script_json

_HELPER_JS = """
<script>
(function () {
  function rows(blocks) {
    var out = [];
    blocks.forEach(function (block) {
      var keys = Object.keys(block.columns);
      var count = keys.length ? block.columns[keys[0]].length : 0;
      for (var i = 0; i < count; i++) {
        var row = {rev: block.rev};
        for (var k = 0; k < keys.length; k++) row[keys[k]] = block.columns[keys[k]][i];
        out.push(row);
      }
    });
    return out;
  }
  window.dvcliveDraw = function (id, spec, blocks) {
    spec.data = {values: rows(blocks)};
    var target = document.getElementById(id);
    vegaEmbed(target, spec, {actions: {export: true, source: false, compiled: false,
                                       editor: false}})
      .catch(function (error) { target.textContent = "Chart failed: " + error; });
  };
})();
</script>
"""

_STYLE = """
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
  h1 { font-size: 1.5em; margin-bottom: 0.2em; }
  .status { color: #555; margin-top: 0; }
  h2 { font-size: 1.15em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
  table { border-collapse: collapse; margin: 0.5em 0; }
  th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; }
  .charts { display: flex; flex-wrap: wrap; gap: 1em; }
  .chart { min-width: 320px; }
  .note { color: #777; font-size: 0.85em; }
  .images > div { margin: 0.5em 0; }
  .images img { max-width: 100%; min-width: 48px; image-rendering: pixelated; }
</style>
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{refresh}
<title>DVC Report</title>
{style}
{scripts}
</head>
<body>
<h1>DVC Report</h1>
<p class="status">{status}</p>
{body}
</body>
</html>
"""


def render_html(content: ReportContent, *, refresh_seconds: int | None = None) -> str:
    """The whole page; ``refresh_seconds`` adds the auto-refresh tag (only while live)."""
    sections = [_table_html(table) for table in content.tables]
    sections.append(_charts_html("Metrics", content.metrics, 0))
    sections.append(_images_html(content.images))
    offset = len(content.metrics)
    sections.append(_charts_html("sklearn plots", content.sklearn, offset))
    sections.append(_charts_html("Custom plots", content.custom, offset + len(content.sklearn)))
    if refresh_seconds is not None:
        refresh = f'<meta http-equiv="refresh" content="{int(refresh_seconds)}">'
        status = f"Live: this page reloads every {int(refresh_seconds)} s while the run is going."
    else:
        refresh = ""
        status = "Finished."
    if len(content.experiments) > 1:
        status += " Experiments: " + ", ".join(html_text(n) for n in content.experiments) + "."
    return _fill(
        PAGE,
        refresh=refresh,
        style=_STYLE,
        scripts=vega_scripts() + _HELPER_JS,
        status=status,
        body="\n".join(s for s in sections if s),
    )


def _fill(template: str, **values: str) -> str:
    """Single-pass placeholder substitution (inserted text is never re-scanned)."""
    out = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        key, _, rest = tail.partition("}")
        out.append(head)
        out.append(values[key])
    out.append(rest)
    return "".join(out)


def _table_html(table: Table) -> str:
    renderer = TableRenderer(table.rows, table.title)
    return f"<section>\n<h2>{html_text(table.title)}</h2>\n{renderer.partial_html()}\n</section>"


def chart_spec(chart: Chart) -> dict[str, Any]:
    """The filled dvc-render template for ``chart``, with ``data.values`` left empty.

    The renderer is given one probe row per experiment (enough for field checks and the
    colour domain); the real rows are sent column-wise and rebuilt in the page. The result
    is shared between calls: treat it as read-only.
    """
    props = chart.properties
    key = (repr(sorted(props.items())), tuple((b.rev, *b.columns) for b in chart.blocks))
    cached = _SPEC_CACHE.get(key)
    if cached is None:
        cached = _fill_spec(chart, props)
        if len(_SPEC_CACHE) >= _SPEC_CACHE_SIZE:
            _SPEC_CACHE.pop(next(iter(_SPEC_CACHE)))
        _SPEC_CACHE[key] = cached
    return cached


#: Filled templates by (properties, experiments and their columns): a chart's spec does not
#: change while only its data grows, so regenerations skip dvc-render's template filling.
_SPEC_CACHE: dict[tuple[str, tuple[tuple[str, ...], ...]], dict[str, Any]] = {}
_SPEC_CACHE_SIZE = 512


def _fill_spec(chart: Chart, props: dict[str, Any]) -> dict[str, Any]:
    probes = [{**{k: v[0] for k, v in b.columns.items() if v}, "rev": b.rev} for b in chart.blocks]
    try:
        renderer = VegaRenderer(probes, chart.name, **props)
        spec = renderer.get_filled_template()
    except DvcRenderError:
        props["template"] = "linear"
        renderer = VegaRenderer(probes, chart.name, **props)
        spec = renderer.get_filled_template()
    spec = dict(spec)
    spec["data"] = {"values": []}
    _recolor(spec)
    return spec


def _recolor(node: Any) -> None:
    """Give the ``rev`` colour scale the longer :data:`REV_COLORS` cycle."""
    if isinstance(node, dict):
        scale = node.get("scale")
        if node.get("field") == "rev" and isinstance(scale, dict) and "range" in scale:
            domain = scale.get("domain") or []
            if domain and all(isinstance(c, str) and c.startswith("#") for c in scale["range"]):
                scale["range"] = [REV_COLORS[i % len(REV_COLORS)] for i in range(len(domain))]
        for value in node.values():
            _recolor(value)
    elif isinstance(node, list):
        for value in node:
            _recolor(value)


def _charts_html(heading: str, charts: list[Chart], offset: int) -> str:
    parts = []
    for index, chart in enumerate(charts, start=offset):
        if not any(len(block) for block in chart.blocks):
            continue
        try:
            spec = chart_spec(chart)
        except DvcRenderError as error:
            parts.append(
                f'<div class="chart"><p>{html_text(chart.config.title or chart.name)}</p>'
                f'<p class="note">cannot draw: {html_text(error)}</p></div>'
            )
            continue
        blocks = [{"rev": b.rev, "columns": b.columns} for b in chart.blocks]
        drawn = sum(len(b) for b in chart.blocks)
        note = ""
        if chart.kind == "metric" and drawn < chart.total_points:
            note = (
                f'<p class="note">{drawn} of {chart.total_points} points drawn '
                "(M4 decimation; the TSV files hold all)</p>"
            )
        chart_id = f"chart-{index}"
        parts.append(
            f'<div class="chart"><div class="vega" id="{chart_id}" '
            f'data-chart="{html_text(chart.name)}"></div>{note}\n'
            f"<script>dvcliveDraw({script_json(chart_id)},{script_json(spec)},"
            f"{script_json(blocks)});</script></div>"
        )
    if not parts:
        return ""
    body = "\n".join(parts)
    title = f"<h2>{html_text(heading)}</h2>"
    return f'<section>\n{title}\n<div class="charts">\n{body}\n</div>\n</section>'


def _images_html(groups: list[ImageGroup]) -> str:
    parts = []
    multi_rev = len({g.rev for g in groups}) > 1
    for group in groups:
        datapoints = []
        for frame in group.frames:
            try:
                data = frame.path.read_bytes()
            except OSError:
                continue
            mime = mimetypes.guess_type(frame.path.name)[0] or "image/png"
            src = f"data:{mime};base64,{base64.b64encode(data).decode()}"
            datapoints.append(
                {ImageRenderer.SRC_FIELD: src, ImageRenderer.TITLE_FIELD: html_text(frame.caption)}
            )
        title = f"{group.rev}: {group.name}" if multi_rev else group.name
        if group.total_frames > len(group.frames):
            title += f" ({len(group.frames)} of {group.total_frames} frames)"
        renderer = ImageRenderer(datapoints, html_text(title))
        html = renderer.partial_html()
        if html:
            parts.append(f"<div>{html}</div>")
    if not parts:
        return ""
    return '<section class="images">\n<h2>Images</h2>\n' + "\n".join(parts) + "\n</section>"
