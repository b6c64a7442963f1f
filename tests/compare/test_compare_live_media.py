"""Live refresh of running experiments and the side-by-side media view (Pilot)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from dvclive_tui.app.compare.app import CompareApp
from dvclive_tui.app.compare.media_screen import MediaScreen
from dvclive_tui.app.compare.table_screen import CompareScreen
from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_tui.experiments.load import load_experiments
from dvclive_tui.experiments.model import ExpStatus
from dvclive_tui.experiments.readers import ParseCache
from dvclive_tui.experiments.running import directory_row
from tests.compare.factory import add_media, build_experiments, write_run
from tests.compare.ui import open_overlay
from tests.settle import settle


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause(0.1)


async def test_media_side_by_side(tmp_path: Path) -> None:
    exps = build_experiments(tmp_path)
    for shade, name in ((40, "brisk-lion"), (200, "calm-owl")):
        add_media(tmp_path / name, shade)
    cache = ParseCache()
    from dvclive_tui.experiments.readers import read_revision

    for exp in exps.experiments:
        assert exp.source is not None
        exp.data = read_revision(exp.source, cache)  # re-read the updated dvc.yaml
    app = CompareApp(exps, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "down", "space", "i")
        await settle(pilot)
        media = app.screen
        assert isinstance(media, MediaScreen)
        assert media.items == [("image", "sample.png"), ("plot", "roc")]
        views = list(media.query(ImageView))
        assert len(views) == 2 and all(view.display for view in views)
        await pilot.press("n")
        plots = list(media.query(PlotView))
        assert all(view.display for view in plots)
        assert not any(view.display for view in media.query(ImageView))


async def test_running_directory_updates_live(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dvclive_tui.app.compare.app as app_module

    monkeypatch.setattr(app_module, "MIN_REFRESH_S", 0.2)
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "run"
    write_run(run, {"lr": 0.5}, [1.0, 0.5], [0.1, 0.2])
    live_dir = run / "dvclive"
    exps = load_experiments(tmp_path, [live_dir])
    assert exps.experiments[0].status is ExpStatus.RUNNING  # written just now
    app = CompareApp(exps, dirs=[live_dir])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        chart = await open_overlay(pilot, "acc")
        assert len(chart.series[0].steps) == 2
        with (live_dir / "plots" / "metrics" / "acc.tsv").open("a") as handle:
            handle.write("2\t0.3\n3\t0.4\n")
        await wait_for(pilot, lambda: len(chart.series[0].steps) == 4)
        await pilot.press("escape")
        summary = json.loads((live_dir / "metrics.json").read_text())
        summary["acc"] = 0.4
        (live_dir / "metrics.json").write_text(json.dumps(summary))
        await wait_for(
            pilot,
            lambda: any(
                str(screen.table.get_row_at(0)[i]).strip() == "0.4"
                for i in range(len(screen.table.columns))
            ),
        )


def test_directory_row_without_dvc_yaml_uses_dvclive_defaults(tmp_path: Path) -> None:
    run = tmp_path / "plain"
    write_run(run, {"lr": 0.25}, [1.0], [0.5])
    (run / "dvc.yaml").unlink()
    row = directory_row(run / "dvclive", ParseCache(), "plain/dvclive")
    assert row.params["dvclive/params.yaml"].data == {"lr": 0.25}
    assert row.metrics["dvclive/metrics.json"].data["acc"] == 0.5
