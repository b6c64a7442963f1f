"""Fleets in the layouts of DVC's queue, Optuna, SLURM and per-rank logging, written by
``dvclive_writer`` and by the real dvclive: discovered, read and found again incrementally."""

from __future__ import annotations

from pathlib import Path

import pytest

from dvclive_tui.monitor.schedule import Cadence
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_writer.read.discovery import discover_runs
from dvclive_writer.read.model import RunStatus
from tests.data.conftest import FakeClock
from tests.monitor.fleets import LAYOUTS, write_fleet, write_fleet_run

WRITERS = ("dvclive_writer", "dvclive")


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_run_of_a_fleet_is_found_and_read(
    tmp_path: Path, layout: str, writer: str, clock: FakeClock, ticks: FakeClock
) -> None:
    expected = write_fleet(tmp_path, layout, writer)
    watcher = RunWatcher([tmp_path], clock=clock, monotonic=ticks)
    assert watcher.poll()
    runs = {run.path: run for run in watcher.runs}
    assert sorted(runs) == sorted(path.resolve() for path in expected)
    assert sorted(runs) == sorted(path.resolve() for path in discover_runs(tmp_path))
    for run in runs.values():
        assert run.params["lr"] > 0
        if layout == "optuna":
            assert run.summary["metric"] >= 0.5 and not run.metrics
        else:
            assert len(run.metrics["train/loss"]) == 8
            assert run.status is not RunStatus.WAITING


@pytest.mark.parametrize("writer", WRITERS)
def test_a_new_slurm_task_is_found_without_a_full_walk(
    tmp_path: Path, writer: str, clock: FakeClock, ticks: FakeClock
) -> None:
    write_fleet(tmp_path, "slurm", writer)
    cadence = Cadence(discover_every=2.0)
    watcher = RunWatcher([tmp_path], clock=clock, heartbeat=3600, cadence=cadence, monotonic=ticks)
    watcher.poll()
    first = watcher.last_poll.discovery
    assert first is not None and first.full
    ticks.advance(2.0)
    clock.advance(60)  # folder mtimes are now old: nothing is racy
    watcher.poll()
    quiet = watcher.last_poll.discovery
    assert quiet is not None and not quiet.full
    assert quiet.listings == 0, "no folder changed: nothing is listed again"
    new = write_fleet_run(tmp_path, "runs/41871/3/dvclive", writer, seed=9)
    ticks.advance(2.0)
    assert watcher.poll()
    found = watcher.last_poll.discovery
    assert found is not None and not found.full
    assert 0 < found.listings < first.listings
    assert new.resolve() in {run.path for run in watcher.runs}
    assert len(watcher.runs) == len(LAYOUTS["slurm"]) + 1
