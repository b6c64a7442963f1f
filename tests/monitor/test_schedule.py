"""The poll schedule: hot runs every tick, cold and finished ones rarely, woken within the
stated bound (injected wall and monotonic clocks; files written by ``dvclive_writer``)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from dvclive_tui.monitor.schedule import Cadence, PollSchedule, Tier, phase_of
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_writer.read.model import RunStatus
from tests.data.conftest import FakeClock
from tests.tui.runs import FROZEN, append_step, write_run

INTERVAL = 0.25
TIERED = Cadence(hot_seconds=30.0, cold_every=2.0, finished_every=10.0, all_hot_below=0)


def append_at(run: Path, step: int, value: float, clock: FakeClock) -> None:
    """Append a row to ``train/loss``, dated by the test's wall clock."""
    append_step(run, "train/loss", step, value)
    tsv = run / "plots" / "metrics" / "train" / "loss.tsv"
    os.utime(tsv, (clock.now, clock.now))


def tick(watcher: RunWatcher, clock: FakeClock, ticks: FakeClock, seconds: float = INTERVAL) -> int:
    """Move both clocks on and poll once; return how many runs the poll read."""
    clock.advance(seconds)
    ticks.advance(seconds)
    watcher.poll()
    return watcher.last_poll.polled


def test_a_cold_run_that_wakes_up_is_seen_within_the_bound(
    tmp_path: Path, ticks: FakeClock
) -> None:
    clock = FakeClock(FROZEN + 5)
    run = write_run(tmp_path / "a" / "dvclive", steps=5)
    watcher = RunWatcher([tmp_path], clock=clock, cadence=TIERED, monotonic=ticks)
    watcher.poll()
    key = run.resolve()
    assert watcher.tier(key) is Tier.HOT, "written 5 s ago: hot at the first look"
    append_at(run, 5, 0.3, clock)
    assert tick(watcher, clock, ticks) == 1
    watcher.take_changes()
    # Quiet for longer than hot_seconds: the run goes cold (not finished: it was seen growing).
    tick(watcher, clock, ticks, 31.0)
    assert watcher.tier(key) is Tier.COLD
    run_model = watcher.run_for(key)
    assert run_model is not None and run_model.status is not RunStatus.FINISHED
    assert tick(watcher, clock, ticks) == 0, "cold runs are not read at every tick"
    append_at(run, 6, 0.2, clock)
    waited = 0.0
    while key not in watcher.take_changes():
        tick(watcher, clock, ticks)
        waited += INTERVAL
        assert waited <= TIERED.wake_bound(INTERVAL), f"not seen after {waited} s"
    assert watcher.tier(key) is Tier.HOT
    assert tick(watcher, clock, ticks) == 1, "a run that wrote is read at every tick again"


def test_finished_runs_are_read_rarely(tmp_path: Path, ticks: FakeClock) -> None:
    clock = FakeClock(FROZEN + 3600)
    for name in ("a", "b", "c"):
        write_run(tmp_path / name / "dvclive", steps=3)
    watcher = RunWatcher([tmp_path], clock=clock, cadence=TIERED, monotonic=ticks)
    watcher.poll()
    assert watcher.last_poll.polled == 3
    assert all(watcher.tier(run.path) is Tier.FINISHED for run in watcher.runs)
    reads = sum(tick(watcher, clock, ticks) for _ in range(80))  # 20 s
    per_run = reads / 3
    assert 1 <= per_run <= math.ceil(20 / (TIERED.finished_every * 0.5))
    assert watcher.last_poll.tiers[Tier.FINISHED] == 3


def test_small_fleets_are_read_at_every_tick(tmp_path: Path, ticks: FakeClock) -> None:
    clock = FakeClock(FROZEN + 3600)
    for name in ("a", "b"):
        write_run(tmp_path / name / "dvclive", steps=3)
    watcher = RunWatcher([tmp_path], clock=clock, monotonic=ticks)
    watcher.poll()
    assert [tick(watcher, clock, ticks) for _ in range(5)] == [2] * 5


def test_wake_makes_a_run_hot(tmp_path: Path, ticks: FakeClock) -> None:
    clock = FakeClock(FROZEN + 3600)
    run = write_run(tmp_path / "a" / "dvclive", steps=3).resolve()
    write_run(tmp_path / "b" / "dvclive", steps=3)
    watcher = RunWatcher([tmp_path], clock=clock, cadence=TIERED, monotonic=ticks)
    watcher.poll()
    assert watcher.tier(run) is Tier.FINISHED
    watcher.wake(run)
    assert watcher.tier(run) is Tier.HOT
    assert tick(watcher, clock, ticks) == 1


def test_schedule_bookkeeping() -> None:
    schedule = PollSchedule(TIERED)
    keys = [Path(f"/runs/{index}") for index in range(4)]
    for key in keys:
        schedule.add(key, 0.0)
    assert schedule.due(0.0) == keys
    schedule.polled(keys[0], 0.0, changed=True, finished=False)
    schedule.polled(keys[1], 0.0, changed=False, finished=False, age=100.0)
    schedule.polled(keys[2], 0.0, changed=False, finished=True, age=None)
    assert schedule.tier(keys[0]) is Tier.HOT and schedule.tier(keys[1]) is Tier.COLD
    assert schedule.tier(keys[2]) is Tier.FINISHED
    assert keys[1] not in schedule.due(0.5) and keys[1] in schedule.due(2.0)
    assert keys[2] not in schedule.due(4.0) and keys[2] in schedule.due(10.0)
    assert all(0.5 < phase_of(key) <= 1.0 for key in keys)
    assert len({phase_of(key) for key in keys}) > 1, "phases spread the cold polls"
    with pytest.raises(ValueError, match="cold_every"):
        Cadence(cold_every=0)


def test_the_first_poll_reads_every_run_found(tmp_path: Path) -> None:
    clock = FakeClock(FROZEN + 3600)
    for name in ("a", "b", "c"):
        write_run(tmp_path / name / "dvclive", steps=3)
    watcher = RunWatcher([tmp_path], clock=clock, cadence=TIERED)  # the real monotonic clock
    assert watcher.poll()
    assert watcher.last_poll.polled == 3
    assert all(len(run.metrics["train/loss"]) == 3 for run in watcher.runs)


def test_hot_runs_are_read_and_handed_over_before_the_quiet_ones(
    tmp_path: Path, ticks: FakeClock
) -> None:
    """``hot_read`` runs once the written runs are published and before the cold runs and
    the runs discovered by this poll are read."""
    clock = FakeClock(FROZEN + 5)
    hot = write_run(tmp_path / "hot" / "dvclive", steps=5).resolve()
    cold = write_run(tmp_path / "cold" / "dvclive", steps=5).resolve()
    watcher = RunWatcher([tmp_path], clock=clock, cadence=TIERED, monotonic=ticks)
    watcher.poll()
    append_at(hot, 5, 0.3, clock)
    append_at(cold, 5, 0.3, clock)
    tick(watcher, clock, ticks)  # both seen growing: never taken for finished
    tick(watcher, clock, ticks, 31.0)  # both quiet: cold
    watcher.wake(hot)
    assert watcher.tier(hot) is Tier.HOT and watcher.tier(cold) is Tier.COLD
    watcher.take_changes()
    append_at(hot, 6, 0.2, clock)
    append_at(cold, 6, 0.1, clock)
    write_run(tmp_path / "new" / "dvclive", steps=2)
    clock.advance(TIERED.cold_every)
    ticks.advance(TIERED.cold_every)  # the cold run and discovery are due as well
    seen_at_hand_over: dict[Path, int] = {}

    def hand_over() -> None:
        for key in (hot, cold):
            run = watcher.run_for(key)
            assert run is not None
            seen_at_hand_over[key] = run.metrics["train/loss"].steps[-1]
        assert len(watcher.runs) == 2, "discovery comes after the hand-over"
        assert set(watcher.take_changes()) == {hot}

    watcher.poll(hot_read=hand_over)
    assert seen_at_hand_over == {hot: 6, cold: 5}
    assert watcher.run_for(cold).metrics["train/loss"].steps[-1] == 6  # type: ignore[union-attr]
    assert len(watcher.runs) == 3
    assert set(watcher.take_changes()) == {cold, (tmp_path / "new" / "dvclive").resolve()}
