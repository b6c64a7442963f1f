"""SVG snapshots of the watch dashboard: fixed size, theme, clock and data; no polling loop.

The runs load in a worker: every snapshot waits for the workers (``snapshot_after``)
before the screenshot, and presses its keys there, one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.settings import Settings
from tests.settle import poll, settle, snapshot_after
from tests.tui.conftest import Clock
from tests.tui.runs import FROZEN, freeze, write_run

SMALL = (80, 24)
LARGE = (120, 36)
SnapCompare = Callable[..., bool]


def after(*keys: str) -> Callable[[Any], Any]:
    """``run_before`` that lets the dashboard load, then presses ``keys``."""
    return lambda pilot: snapshot_after(pilot, *keys)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def app_for(*paths: str, clock: Callable[[], float] = lambda: FROZEN + 42) -> WatchApp:
    settings = Settings(
        paths=tuple(Path(path) for path in paths),
        watch=False,
        theme="textual-dark",
        clock=clock,
    )
    return WatchApp(settings)


def test_charts_80x24(snap_compare: SnapCompare, here: Path) -> None:
    write_run(here / "dvclive", steps=40)
    assert snap_compare(app_for("dvclive"), terminal_size=SMALL, run_before=after())


def test_charts_120x36(snap_compare: SnapCompare, here: Path) -> None:
    write_run(here / "dvclive", steps=60, extra_metrics=["lr"])
    assert snap_compare(app_for("dvclive"), terminal_size=LARGE, run_before=after())


def test_two_runs_overlaid(snap_compare: SnapCompare, here: Path) -> None:
    write_run(here / "baseline" / "dvclive", steps=40, seed=1)
    write_run(here / "tuned" / "dvclive", steps=25, seed=2)
    assert snap_compare(app_for("."), terminal_size=LARGE, run_before=after())


def test_two_runs_tables(snap_compare: SnapCompare, here: Path) -> None:
    write_run(here / "baseline" / "dvclive", steps=40, seed=1)
    write_run(here / "tuned" / "dvclive", steps=25, seed=2)
    assert snap_compare(app_for("."), terminal_size=SMALL, run_before=after("3"))


@pytest.mark.parametrize(
    ("key", "run_options"),
    [
        ("2", {"steps": 30, "system": True}),
        ("3", {"steps": 30}),
        ("4", {"steps": 5, "images": True}),
        ("5", {"steps": 5, "plots": True}),
    ],
    ids=["system", "tables", "images", "plots"],
)
def test_tab(snap_compare: SnapCompare, here: Path, key: str, run_options: dict[str, Any]) -> None:
    write_run(here / "dvclive", **run_options)
    assert snap_compare(app_for("dvclive"), terminal_size=SMALL, run_before=after(key))


def test_filter(snap_compare: SnapCompare, here: Path) -> None:
    write_run(here / "dvclive", steps=30)
    assert snap_compare(
        app_for("dvclive"), terminal_size=SMALL, run_before=after("slash", *"train")
    )


def test_help_overlay(snap_compare: SnapCompare, here: Path) -> None:
    write_run(here / "dvclive", steps=10)
    assert snap_compare(app_for("dvclive"), terminal_size=SMALL, run_before=after("question_mark"))


def test_waiting_for_a_run(snap_compare: SnapCompare, here: Path) -> None:
    (here / "runs").mkdir()
    assert snap_compare(app_for("runs"), terminal_size=SMALL, run_before=after())


def test_corrupt_file_badge(snap_compare: SnapCompare, here: Path) -> None:
    run = write_run(here / "dvclive", steps=10)
    clock = Clock(FROZEN + 42)

    async def corrupt(pilot: Any) -> None:
        await settle(pilot)
        (run / "params.yaml").write_text("model: [unclosed\n")
        freeze(run, FROZEN + 30)
        for _ in range(3):
            clock.advance(5)
            await poll(pilot)

    app = app_for("dvclive", clock=clock)
    assert snap_compare(app, terminal_size=SMALL, run_before=corrupt)
