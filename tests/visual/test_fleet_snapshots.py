"""SVG snapshots of a fleet: 60 runs overlaid, in the Runs tab and the Charts tab, at
80×24 and 160×45 (a sweep written by ``dvclive_writer``, fixed clock, no polling loop)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.watch.widgets.fleet_table import FleetTable
from dvclive_tui.settings import Settings
from tests.settle import settle, snapshot_after
from tests.tui.fleet_runs import write_sweep
from tests.tui.runs import FROZEN

SMALL = (80, 24)
LARGE = (160, 45)
RUNS = 60
SnapCompare = Callable[..., bool]


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_sweep(tmp_path, RUNS)
    return tmp_path


def fleet_app() -> WatchApp:
    settings = Settings(
        paths=(Path("runs"),), watch=False, theme="textual-dark", clock=lambda: FROZEN + 42
    )
    return WatchApp(settings)


def after(*keys: str) -> Callable[[Any], Any]:
    return lambda pilot: snapshot_after(pilot, *keys)


def at_column(name: str, *keys: str) -> Callable[[Any], Any]:
    """Open the Runs tab, put the cursor on column ``name``, press ``keys``."""

    async def run(pilot: Any) -> None:
        await snapshot_after(pilot, "6")
        table = pilot.app.query_one(FleetTable)
        table.move_cursor(column=table.column_keys.index(name), animate=False)
        await settle(pilot)
        await snapshot_after(pilot, *keys)

    return run


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x45"])
def test_runs_tab_60_overlaid(
    snap_compare: SnapCompare, fleet: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(fleet_app(), terminal_size=size, run_before=after("6"))


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x45"])
def test_charts_tab_60_overlaid(
    snap_compare: SnapCompare, fleet: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(fleet_app(), terminal_size=size, run_before=after())


def test_runs_grouped_by_lr(snap_compare: SnapCompare, fleet: Path) -> None:
    assert snap_compare(fleet_app(), terminal_size=LARGE, run_before=at_column("params.lr", "g"))


def test_top_k_by_eval_loss(snap_compare: SnapCompare, fleet: Path) -> None:
    assert snap_compare(
        fleet_app(), terminal_size=LARGE, run_before=at_column("eval/loss", "s", "t")
    )
