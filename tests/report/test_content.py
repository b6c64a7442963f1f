"""Report building blocks: escaping, compact numbers, decimation bounds, several experiments."""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvclive_writer.read.model import MetricSeries, Run
from dvclive_writer.report.assets import SCRIPT_FILES
from dvclive_writer.report.compact import compact
from dvclive_writer.report.content import DEFAULT_MAX_POINTS, Experiment, collect
from dvclive_writer.report.escape import script_json
from dvclive_writer.report.fields import field_key
from dvclive_writer.report.html import render_html
from tests.report.conftest import chart_names


@given(st.text())
def test_script_json_cannot_leave_the_script_element(text: str) -> None:
    encoded = script_json({"name": text, "list": [text]})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert "\u2028" not in encoded and "\u2029" not in encoded
    assert json.loads(encoded) == {"name": text, "list": [text]}


def test_script_json_keeps_javascript_non_finite_literals() -> None:
    assert script_json([math.inf, -math.inf]) == "[Infinity,-Infinity]"


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=50))
def test_compact_rounds_to_8_significant_digits(values: list[float]) -> None:
    out = compact(np.array(values, dtype=np.float64))
    assert len(out) == len(values)
    for original, short in zip(values, out, strict=True):
        if not math.isfinite(original):
            assert short is None
            continue
        assert short is not None
        assert math.isclose(short, original, rel_tol=1e-7, abs_tol=0) or (
            abs(original) < 1e-300 or abs(original) > 1e300
        )


def test_compact_prints_short() -> None:
    values = np.array([0.1 + 0.2, 1 / 3, 123456789.123, 2.5e-12])
    assert json.dumps(compact(values)) == "[0.3, 0.33333333, 123456790.0, 2.5e-12]"


def test_field_key_keeps_plain_names_and_defuses_the_rest() -> None:
    assert field_key("loss") == "loss"
    assert field_key("val acc-2") == "val acc-2"
    assert field_key('a.b["x"]\u2028') == "a_b__x___"


def series(name: str, steps: int, seed: int = 0) -> MetricSeries:
    rng = np.random.default_rng(seed)
    metric = MetricSeries(name, f"plots/metrics/{name}.tsv", has_timestamp=False)
    metric.append(np.arange(steps), np.cumsum(rng.standard_normal(steps)))
    return metric


def test_long_series_are_decimated_to_a_bound() -> None:
    run = Run(path=Path("/nowhere"), name="big")
    run.metrics["loss"] = series("loss", 100_000)
    content = collect([Experiment("workspace", run)])
    (chart,) = content.metrics
    (block,) = chart.blocks
    assert len(block) <= DEFAULT_MAX_POINTS
    assert chart.total_points == 100_000
    # M4 keeps the extremes and the ends exactly (to 8 significant digits).
    values = run.metrics["loss"].values
    drawn = block.columns["loss"]
    assert block.columns["step"][0] == 0 and block.columns["step"][-1] == 99_999
    assert min(drawn) == pytest.approx(values.min(), rel=1e-7)
    assert max(drawn) == pytest.approx(values.max(), rel=1e-7)
    page = render_html(content)
    assert f"{len(block)} of 100000 points drawn" in page


def test_several_experiments_share_charts_and_tables() -> None:
    first = Run(path=Path("/a"), name="a", params={"lr": 0.1, "opt": {"name": "sgd"}})
    second = Run(path=Path("/b"), name="b", params={"lr": 0.2, "dropout": 0.5})
    first.metrics["loss"] = series("loss", 10)
    second.metrics["loss"] = series("loss", 20, seed=1)
    second.metrics["acc"] = series("acc", 5)
    content = collect([Experiment("exp-a", first), Experiment("exp-b", second)])
    (params,) = content.tables
    assert params.rows == [
        {"Experiment": "exp-a", "lr": 0.1, "opt.name": "sgd", "dropout": ""},
        {"Experiment": "exp-b", "lr": 0.2, "opt.name": "", "dropout": 0.5},
    ]
    assert [c.name for c in content.metrics] == ["static/acc", "static/loss"]
    acc, loss = content.metrics
    assert [b.rev for b in acc.blocks] == ["exp-b"]
    assert [b.rev for b in loss.blocks] == ["exp-a", "exp-b"]
    assert chart_names(render_html(content)) == ["static/acc", "static/loss"]


def test_vendored_scripts_are_safe_to_inline() -> None:
    static = resources.files("dvclive_writer.report").joinpath("static")
    for name in SCRIPT_FILES:
        source = static.joinpath(name).read_text(encoding="utf-8")
        assert len(source) > 50_000
        assert "</script" not in source.lower()
        assert "<!--" not in source
    for licence in ("LICENSE.vega", "LICENSE.vega-lite", "LICENSE.vega-embed"):
        assert "Redistribution and use" in static.joinpath(licence).read_text(encoding="utf-8")


def test_a_metric_named_step_keeps_its_own_column() -> None:
    run = Run(path=Path("/nowhere"), name="r")
    run.metrics["step"] = series("step", 3)
    (chart,) = collect([Experiment("workspace", run)]).metrics
    (block,) = chart.blocks
    assert block.columns["step"] == [0, 1, 2]
    assert block.columns["value"] == compact(run.metrics["step"].values)
    assert chart.config.y_label == "step"


@pytest.mark.parametrize(
    "template", ["linear", "simple", "scatter", "confusion", "bar_horizontal", "no-such"]
)
def test_odd_plots_never_break_a_report(template: str) -> None:
    from dvclive_writer.read.model import PlotConfig, PlotData
    from dvclive_writer.report.markdown import render_markdown

    run = Run(path=Path("/nowhere"), name="r")
    run.metrics["loss"] = series("loss", 5)
    odd = {
        "huge": [{"x": 1e308, "y": 1}, {"x": -1e308, "y": 2}],
        "text": [{"x": "a", "y": "b"}],
        "gaps": [{"x": 1, "y": None}, {"x": 2, "y": "nan"}, {"x": 3}],
    }
    for name, rows in odd.items():
        config = PlotConfig(template=template, x="x", y="y")
        run.plots[name] = PlotData(
            name=name, kind="custom", path=f"{name}.json", config=config, rows=rows
        )
    content = collect([Experiment("workspace", run)])
    assert chart_names(render_html(content)) == [
        "static/loss",
        "custom/gaps",
        "custom/huge",
        "custom/text",
    ]
    text = render_markdown(content, None)
    assert text.count("![") + text.count("cannot draw this chart") == 4
