"""sklearn and custom plots drawn by template, on files written by the real dvclive."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, confusion_matrix, roc_auc_score

from dvclive_tui.charts.plots import render_plot
from dvclive_writer.plotting.confusion import confusion_counts
from dvclive_writer.read.model import PlotConfig, PlotData
from dvclive_writer.read.reader import load_run
from tests.charts.sample_runs import CLASSES_PRED, CLASSES_TRUE, LABELS, SCORES, write_run


@pytest.fixture(scope="module")
def run_plots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PlotData]:
    folder = write_run(tmp_path_factory.mktemp("run") / "dvclive", images=False)
    return load_run(folder).plots


def test_roc_legend_shows_the_auc_sklearn_computes(run_plots: dict[str, PlotData]) -> None:
    text = render_plot(run_plots["roc"], 70, 20).text()
    assert f"AUC {roc_auc_score(LABELS, SCORES):.3f}" in text
    assert text.startswith("Receiver operating characteristic (ROC)")
    assert "1.0┤" in text and "0┤" in text


def test_pr_legend_shows_sklearn_average_precision(run_plots: dict[str, PlotData]) -> None:
    text = render_plot(run_plots["precision_recall"], 70, 20).text()
    assert f"AP {average_precision_score(LABELS, SCORES):.3f}" in text


@pytest.mark.parametrize("name", ["det", "calibration"])
def test_other_sklearn_curves_draw_lines(run_plots: dict[str, PlotData], name: str) -> None:
    text = render_plot(run_plots[name], 60, 16).text()
    assert any(0x2800 < ord(char) <= 0x28FF for char in text)
    assert "no data" not in text
    # A threshold curve has no "latest" value: the legend names the curve only.
    y_field = {"det": "fnr", "calibration": "prob_true"}[name]
    assert text.splitlines()[-1].strip() == f"● {y_field}"


def test_confusion_matrix_counts_match_sklearn(run_plots: dict[str, PlotData]) -> None:
    grid = confusion_counts(run_plots["cm"].rows)
    assert grid.x_labels == ("0", "1", "2")
    # Rows are predicted (y), columns actual (x): sklearn's matrix transposed.
    expected = confusion_matrix(CLASSES_TRUE, CLASSES_PRED).T
    np.testing.assert_array_equal(grid.counts, expected)
    text = render_plot(run_plots["cm"], 60, 10).text()
    assert "True Label →" in text and "Predicted Label ↓" in text
    first_row = next(line for line in text.splitlines() if line.strip().startswith("0 "))
    assert first_row.split()[1:] == [str(v) for v in expected[0]]


def test_normalized_confusion_rates_sum_to_one_per_row_like_dvc(
    run_plots: dict[str, PlotData],
) -> None:
    frame = render_plot(run_plots["cm"], 60, 10, normalized=True)
    rows = [line.split() for line in frame.text().splitlines()[3:6]]
    rates = np.array([[float(value) for value in row[1:]] for row in rows])
    # dvc-render's confusion_normalized divides each count by its y (row) total.
    np.testing.assert_allclose(rates.sum(axis=1), 1.0, atol=0.02)
    assert "(normalized)" in frame.text().splitlines()[0]


def test_custom_templates() -> None:
    rows = [{"epoch": i, "a": i * 0.5, "b": 10 - i, "name": f"f{i}"} for i in range(10)]
    linear = PlotData("custom", "custom", "c.json", PlotConfig("linear", "epoch", ["a", "b"]), rows)
    text = render_plot(linear, 60, 14).text()
    assert "● a 4.5" in text and "● b 1" in text
    scatter = PlotData("s", "custom", "s.json", PlotConfig("scatter", "a", "b"), rows)
    assert any(0x2800 < ord(c) <= 0x28FF for c in render_plot(scatter, 40, 10).text())
    bars = PlotData(
        "imp", "custom", "b.json", PlotConfig("bar_horizontal_sorted", "a", "name"), rows
    )
    lines = render_plot(bars, 40, 12).text().splitlines()
    assert lines[1].strip().startswith("f9 │") and lines[1].rstrip().endswith("4.5")
    assert lines[1].count("█") > lines[2].count("█")
    unsorted = PlotData("imp", "custom", "b.json", PlotConfig("bar_horizontal", "a", "name"), rows)
    assert render_plot(unsorted, 40, 12).text().splitlines()[1].strip().startswith("f0 │")


def test_bad_rows_are_skipped_not_fatal() -> None:
    rows: list[object] = [
        {"x": 1, "y": 2},
        "junk",
        {"x": "a"},
        {"x": 3, "y": None},
        {"x": 4, "y": 5},
    ]
    plot = PlotData("p", "custom", "p.json", PlotConfig("linear", "x", "y"), rows)  # type: ignore[arg-type]
    assert "● y 5" in render_plot(plot, 40, 10).text()
    empty = PlotData("e", "custom", "e.json", PlotConfig("confusion", "actual", "predicted"), [])
    assert "no data" in render_plot(empty, 40, 6).text()
