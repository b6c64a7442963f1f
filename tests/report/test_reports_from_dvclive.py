"""report.html / report.md from directories written by the real dvclive 3.49.1 (both layouts)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from PIL import Image

from dvclive_writer.read.reader import load_run
from dvclive_writer.report.builder import ReportBuilder, write_report
from dvclive_writer.report.content import Experiment
from dvclive_writer.report.markdown import ChartCache
from tests.report.conftest import CUSTOM, METRICS, SKLEARN, chart_names


def html_report(run_dir: Path) -> str:
    run = load_run(run_dir)
    return write_report([Experiment("workspace", run)], "html", run_dir / "report.html")


def test_html_has_dvclive_content_in_order(run_copy: Path) -> None:
    page = html_report(run_copy)

    assert (run_copy / "report.html").read_text(encoding="utf-8") == page
    # Tables: params.yaml (nested keys flattened with dots) then metrics.json.
    params_at = page.index("<h2>params.yaml</h2>")
    summary_at = page.index("<h2>metrics.json</h2>")
    metrics_at = page.index("<h2>Metrics</h2>")
    images_at = page.index("<h2>Images</h2>")
    sklearn_at = page.index("<h2>sklearn plots</h2>")
    custom_at = page.index("<h2>Custom plots</h2>")
    assert params_at < summary_at < metrics_at < images_at < sklearn_at < custom_at
    for header in ("lr", "optimizer.name", "optimizer.betas", "epochs"):
        assert re.search(rf"<th[^>]*>\s*{re.escape(header)}\s*</th>", page[params_at:summary_at])
    assert "adam" in page[params_at:summary_at]
    assert "train.loss" in page[summary_at:metrics_at]
    # One chart per metric, then every sklearn and custom plot.
    expected = (
        [f"static/{m}" for m in METRICS]
        + [f"sklearn/{n}" for n in SKLEARN]
        + [f"custom/{n}" for n in CUSTOM]
    )
    assert chart_names(page) == expected
    # Images: the per-step folder and the single image, inlined.
    image_section = page[images_at:sklearn_at]
    assert "final.png" in image_section
    assert "samples" in image_section
    assert image_section.count("data:image/png;base64,") == 6 + 1
    # Offline: no external script or stylesheet.
    assert not re.search(r'<script[^>]+src=|<link[^>]+href="http', page)
    assert "cdn.jsdelivr" not in page


def test_html_uses_dvc_render_templates(run_copy: Path) -> None:
    page = html_report(run_copy)
    # The confusion plot is dvc-render's normalized confusion template; ROC is "simple".
    assert '"$schema":"https://vega.github.io/schema/vega-lite/v5.json"' in page
    cm = page[page.index('data-chart="sklearn/cm"') :]
    assert '"op":"sum"' in cm.split("dvcliveDraw", 2)[1] or "percent_of_y" in cm
    # ROC data keeps dvclive's Infinity threshold as a JavaScript literal.
    roc = page[page.index('data-chart="sklearn/roc"') :].split("</script>", 1)[0]
    assert "Infinity" in roc


def test_md_has_tables_every_chart_and_images(run_copy: Path) -> None:
    run = load_run(run_copy)
    text = write_report([Experiment("workspace", run)], "md", run_copy / "report.md")

    assert text.startswith("# DVC Report\n")
    assert "\nparams.yaml\n\n|" in text and "\nmetrics.json\n\n|" in text
    assert "optimizer.name" in text and "adam" in text
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    pngs = [link for link in links if link.startswith("static/")]
    assert pngs == (
        [f"static/{m}.png" for m in METRICS]
        + [f"static/sklearn/{n}.png" for n in SKLEARN]
        + [f"static/custom/{n}.png" for n in CUSTOM]
    )
    for link in pngs:
        with Image.open(run_copy / link) as image:
            assert image.format == "PNG"
            assert image.size[0] >= 640
            colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
            assert colours is not None and len(colours) > 20  # drawn, not blank
    image_links = [link for link in links if link.startswith("plots/images/")]
    assert "plots/images/final.png" in image_links
    assert len(image_links) == 7
    assert all((run_copy / link).is_file() for link in image_links)


def test_md_does_not_redraw_unchanged_charts(run_copy: Path) -> None:
    builder = ReportBuilder(run_copy, "md")
    builder.build()
    first = builder.cache.drawn
    assert first == len(METRICS) + len(SKLEARN) + len(CUSTOM)
    stamps = {p: p.stat().st_mtime_ns for p in (run_copy / "static").rglob("*.png")}

    builder.build()
    assert builder.cache.drawn == first  # nothing changed, nothing redrawn

    # A new process (fresh cache) also skips them: the digest is stored in each PNG.
    fresh = ChartCache()
    write_report(
        [Experiment("workspace", load_run(run_copy))], "md", run_copy / "report.md", cache=fresh
    )
    assert fresh.drawn == 0
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps

    # One metric grows: only its chart is redrawn.
    with open(run_copy / "plots/metrics/val/acc.tsv", "a", encoding="utf-8") as tsv:
        tsv.write("6\t0.9\n")
    builder.build()
    assert builder.cache.drawn == first + 1
    changed = [p for p, stamp in stamps.items() if p.stat().st_mtime_ns != stamp]
    assert changed == [run_copy / "static/val/acc.png"]


def test_plot_with_several_y_columns_draws_one_series_each(run_copy: Path) -> None:
    from dvclive_writer.report.content import collect

    content = collect([Experiment("workspace", load_run(run_copy))])
    (losses,) = content.custom
    assert [b.rev for b in losses.blocks] == ["train", "val"]
    assert losses.blocks[1].columns["value"] == [1.2, 0.6, 0.39999999999999997, 0.3]
    assert losses.config.x_label == "Epoch" and losses.config.y_label == "train, val"


def test_cli_regenerates_both_reports_of_a_dvclive_run(run_copy: Path) -> None:
    from click.testing import CliRunner

    from dvclive_tui.cli import cli

    for flag in ("--html", "--md"):
        result = CliRunner().invoke(cli, ["report", str(run_copy), flag])
        assert result.exit_code == 0, result.output
    page = (run_copy / "report.html").read_text(encoding="utf-8")
    assert len(chart_names(page)) == len(METRICS) + len(SKLEARN) + len(CUSTOM)
    text = (run_copy / "report.md").read_text(encoding="utf-8")
    assert text.count("](static/") == len(METRICS) + len(SKLEARN) + len(CUSTOM)


def test_notebook_text_reuses_unchanged_inline_charts(run_copy: Path) -> None:
    builder = ReportBuilder(run_copy, "notebook")
    first_text = builder.build()
    first = builder.cache.drawn
    assert first == len(METRICS) + len(SKLEARN) + len(CUSTOM)
    assert first_text.count("](data:image/png;base64,") >= first
    assert builder.output is None and not (run_copy / "static").exists()

    assert builder.build() == first_text  # nothing changed, nothing redrawn
    assert builder.cache.drawn == first

    with open(run_copy / "plots/metrics/val/acc.tsv", "a", encoding="utf-8") as tsv:
        tsv.write("6\t0.9\n")
    assert builder.build() != first_text
    assert builder.cache.drawn == first + 1  # only the chart that changed


def test_a_metric_created_in_the_same_mtime_tick_reaches_the_next_build(run_copy: Path) -> None:
    """Folder mtimes are coarse (a kernel tick): a new file may leave its folder's unchanged.

    (A notebook build writes nothing into the run, so no report write bumps the run's mtime.)
    """
    builder = ReportBuilder(run_copy, "notebook")  # writes nothing into the run's folder
    builder.reader.clock = lambda: 1_800_000_000.0  # builds well within one timed rescan
    builder.build()
    folder = run_copy / "plots" / "metrics"
    tick = folder.stat().st_mtime_ns
    (folder / "late.tsv").write_text("step\tlate\n0\t0.5\n", encoding="utf-8")
    os.utime(folder, ns=(tick, tick))  # created in the tick of the previous walk

    text = builder.build()
    assert "![late](data:image/png;base64," in text


def test_charts_of_huge_and_constant_values_are_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A constant 1e20 (``1e20 + 1 == 1e20``) and a ``[-1e308, 1e308]`` range (its span is inf)."""
    from dvclive import Live

    monkeypatch.chdir(tmp_path)
    live = Live("dvclive", save_dvc_exp=False, report=None)
    for step in range(3):
        live.log_metric("constant", 1e20)
        live.log_metric("wide", 1e308 * (-1) ** step)
        live.log_metric("top", 1.5e308 + step * 1e307)
        live.log_metric("largest", sys.float_info.max)
        live.next_step()
    live.end()
    run_dir = tmp_path / "dvclive"
    text = write_report([Experiment("workspace", load_run(run_dir))], "md", run_dir / "report.md")
    assert "cannot draw" not in text
    for name in ("constant", "wide", "top", "largest"):
        assert f"![{name}](static/{name}.png)" in text
        with Image.open(run_dir / "static" / f"{name}.png") as image:
            assert len(image.convert("RGB").getcolors(1 << 16) or ()) > 5  # drawn, not blank
