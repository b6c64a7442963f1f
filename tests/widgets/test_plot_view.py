"""PlotView: confusion normalisation toggle, template-driven drawing, live updates."""

from __future__ import annotations

import pytest

from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_writer.read.model import PlotData
from dvclive_writer.read.reader import load_run
from tests.charts.sample_runs import write_run
from tests.widgets.host import plot_app


@pytest.fixture(scope="module")
def plots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PlotData]:
    return load_run(write_run(tmp_path_factory.mktemp("run") / "dvclive", images=False)).plots


async def test_n_toggles_confusion_counts_and_rates(plots: dict[str, PlotData]) -> None:
    app = plot_app(plots["cm"])
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(PlotView)
        await pilot.pause()
        assert not view.normalized
        assert view.frame is not None
        counts_text = view.frame.text()
        assert "0." not in counts_text.splitlines()[3]
        await pilot.press("n")
        await pilot.pause()
        assert view.normalized
        assert view.frame is not None
        assert "(normalized)" in view.frame.text()
        assert "0." in view.frame.text().splitlines()[3]
        await pilot.press("n")
        assert not view.normalized


async def test_switching_plots_redraws_and_n_is_ignored_for_curves(
    plots: dict[str, PlotData],
) -> None:
    app = plot_app(plots["cm"])
    async with app.run_test(size=(60, 16)) as pilot:
        view = app.query_one(PlotView)
        view.set_plot(plots["roc"])
        await pilot.press("n")
        await pilot.pause()
        assert not view.normalized
        assert view.frame is not None
        assert "AUC" in view.frame.text()
