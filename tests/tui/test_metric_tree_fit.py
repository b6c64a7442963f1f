"""The metric list at 80x24: long names shorten, the latest value always shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.watch.widgets.metric_tree import MetricTree, fit_leaf, shorten
from dvclive_tui.settings import Settings
from tests.settle import poll, settle
from tests.tui.conftest import Clock
from tests.tui.runs import append_step, write_run

LONG = "system/cpu/parallelization (%)"


def latest_in_file(run: Path, metric: str) -> str:
    """The last value of a metric's TSV, with the list's 4 significant digits."""
    last = (run / "plots" / "metrics" / f"{metric}.tsv").read_text().splitlines()[-1]
    return f"{float(last.split()[-1]):.4g}"


def leaf_line(tree: MetricTree, metric: str) -> str:
    """The text the tree draws on the row of ``metric``'s leaf."""
    node = tree.node_for(metric)
    assert node is not None and node.line >= 0
    return tree.render_line(node.line - round(tree.scroll_y)).text


async def system_tree(app: WatchApp, pilot: Pilot[None]) -> MetricTree:
    await pilot.press("2")
    await pilot.pause()
    return app.query_one("#system-pane MetricTree", MetricTree)


async def test_long_names_keep_their_latest_value_visible_at_80x24(
    workdir: Path, clock: Clock
) -> None:
    run = write_run(workdir / "dvclive", system=True, extra_metrics=[LONG])
    app = WatchApp(Settings(paths=(Path("dvclive"),), watch=False, clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = await system_tree(app, pilot)
        assert tree.size.width < 30  # the narrow list beside the charts
        for metric in [LONG, "system/ram/usage (GB)", "system/cpu/usage (%)"]:
            line = leaf_line(tree, metric)
            assert latest_in_file(run, metric) in line, line
            assert len(line.rstrip()) <= tree.scrollable_content_region.width
        assert "…" in leaf_line(tree, LONG)  # shortened, unit kept: "para…(%)"
        assert "(%)" in leaf_line(tree, LONG)

        # New data relabels the leaf, still fitted.
        append_step(run, LONG, 30, 12345.678)
        clock.advance(1)
        await poll(pilot)
        assert "1.235e+04" in leaf_line(tree, LONG)

        # Wider terminal: the whole name comes back; narrower again: shortened again.
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert "parallelization (%) 1.235e+04" in leaf_line(tree, LONG)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        line = leaf_line(tree, LONG)
        assert "1.235e+04" in line and "parallelization" not in line

        # The full name is one hover away.
        node = tree.node_for(LONG)
        assert node is not None
        await pilot.hover(tree, offset=(6, node.line - round(tree.scroll_y)))
        await pilot.pause()
        assert tree.tooltip is not None and LONG in str(tree.tooltip)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("usage (GB)", 20, "usage (GB)"),
        ("usage (GB)", 8, "usa…(GB)"),
        ("parallelization (%)", 11, "paral…n (%)"),
        ("learning_rate", 7, "lea…ate"),
        ("loss", 1, "…"),
        ("loss", 0, ""),
    ],
)
def test_shorten_cuts_the_middle_and_keeps_a_unit(text: str, width: int, expected: str) -> None:
    assert shorten(text, width) == expected
    assert len(shorten(text, width)) <= width


def test_fit_leaf_keeps_the_value_and_drops_the_sparkline_first() -> None:
    spark = "▁▂▃▄▅▆"
    assert fit_leaf("loss", "0.23", spark, 40) == ("loss", "0.23", spark)
    assert fit_leaf("usage (%)", "47.18", spark, 19) == ("usage (%)", "47.18", "▄▅▆")
    name, value, shown = fit_leaf("parallelization (%)", "0.2879", spark, 19)
    assert value == "0.2879" and shown == "▄▅▆" and name == "para…(%)"
    assert fit_leaf("parallelization (%)", "1.235e+04", spark, 15) == ("pa…%)", "1.235e+04", "")
    assert fit_leaf("parallelization (%)", "1.235e+04", spark, 30)[2] == ""  # name before spark
    for width in range(1, 40):
        name, value, shown = fit_leaf("parallelization (%)", "0.2879", spark, width)
        assert value == "0.2879"
        if width >= 8:
            assert len(f"{name} {value}" + (f" {shown}" if shown else "")) <= width
