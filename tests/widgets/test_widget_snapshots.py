"""Visual baselines of the rendering widgets (SVGs under ``snapshots/test_widget_snapshots``).

Every app is built from seeded data with a fixed size and the ``textual-dark`` theme.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dvclive_writer.read.model import PlotData
from dvclive_writer.read.reader import load_run
from tests.charts.sample_runs import write_run
from tests.settle import snapshot_after
from tests.widgets.chart_apps import ChartApp, loss_series
from tests.widgets.host import image_app, plot_app
from tests.widgets.image_apps import write_frames

SnapCompare = Callable[..., bool]


@pytest.fixture(scope="module")
def plots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PlotData]:
    return load_run(write_run(tmp_path_factory.mktemp("run") / "dvclive", images=False)).plots


def test_chart_three_series_with_legend(snap_compare: SnapCompare) -> None:
    assert snap_compare(ChartApp(loss_series()), terminal_size=(80, 24))


def test_chart_log_y_smoothed(snap_compare: SnapCompare) -> None:
    assert snap_compare(ChartApp(loss_series()), press=["s", "l"], terminal_size=(80, 24))


def test_chart_zoomed_with_cursor(snap_compare: SnapCompare) -> None:
    app = ChartApp(loss_series(runs=2))
    assert snap_compare(app, press=["z", "left", "left", "left"], terminal_size=(80, 24))


def test_chart_tiny(snap_compare: SnapCompare) -> None:
    assert snap_compare(ChartApp(loss_series(runs=2)), terminal_size=(20, 6))


def test_confusion_matrix(snap_compare: SnapCompare, plots: dict[str, PlotData]) -> None:
    assert snap_compare(plot_app(plots["cm"]), terminal_size=(60, 12))


def test_confusion_matrix_normalized(snap_compare: SnapCompare, plots: dict[str, PlotData]) -> None:
    assert snap_compare(plot_app(plots["cm"]), press=["n"], terminal_size=(60, 12))


def test_roc_curve(snap_compare: SnapCompare, plots: dict[str, PlotData]) -> None:
    assert snap_compare(plot_app(plots["roc"]), terminal_size=(70, 20))


def test_image_with_scrubber(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = image_app(write_frames(tmp_path / "steps", [0, 5, 10, 15]))
    assert snap_compare(
        app, run_before=lambda pilot: snapshot_after(pilot, "left"), terminal_size=(40, 14)
    )
