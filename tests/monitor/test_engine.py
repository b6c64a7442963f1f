"""Headless alerts with injected clocks: every NaN caught within one poll, a stall reported
once, a plateau once per generation, a spike between two polls caught at its step."""

from __future__ import annotations

import math
import os
import shutil
import threading
from pathlib import Path

import pytest

from dvclive_tui.monitor.engine import AlertEngine, check_state
from dvclive_tui.monitor.events import Event
from dvclive_tui.monitor.headless import WAKE_LATE, HeadlessMonitor
from dvclive_tui.monitor.rules import parse_rule, parse_rules
from dvclive_tui.monitor.schedule import Cadence
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_writer.read.reader import load_run
from tests.data.conftest import FakeClock
from tests.monitor.fleets import write_fleet
from tests.tui.runs import FROZEN, write_run


class Harness:
    """A run in ``tmp_path``, a watcher and a headless monitor on injected clocks."""

    def __init__(self, tmp_path: Path, rules: list[str], *, skip_existing: bool = False) -> None:
        self.clock = FakeClock(FROZEN + 5)
        self.ticks = FakeClock(0.0)
        self.root = tmp_path
        self.warnings: list[str] = []
        self.events: list[Event] = []
        watcher = RunWatcher([tmp_path], clock=self.clock, monotonic=self.ticks)
        engine = AlertEngine(parse_rules(rules), clock=self.clock)
        self.monitor = HeadlessMonitor(
            watcher, engine, [self.events.append], warn=self.warnings.append,
            skip_existing=skip_existing,
        )  # fmt: skip

    def step(self, seconds: float = 0.25) -> list[Event]:
        self.clock.advance(seconds)
        self.ticks.advance(seconds)
        return self.monitor.step()

    def append(self, run: Path, metric: str, rows: list[tuple[int, float]]) -> None:
        tsv = run / "plots" / "metrics" / f"{metric}.tsv"
        with tsv.open("a") as handle:
            handle.writelines(f"{step}\t{value}\n" for step, value in rows)
        os.utime(tsv, (self.clock.now, self.clock.now))


def test_every_nan_is_caught_within_one_poll(tmp_path: Path) -> None:
    harness = Harness(tmp_path, [])
    run = write_run(tmp_path / "a" / "dvclive", steps=10)
    assert harness.step() == []
    harness.append(run, "train/loss", [(10, 0.5), (11, math.nan), (12, 0.4), (13, math.inf)])
    harness.append(run, "eval/loss", [(10, 0.5), (11, 0.6), (12, -math.inf)])
    events = harness.step()
    assert [(e.kind, e.metric, e.step, e.message) for e in events] == [
        ("nan", "eval/loss", 12, "eval/loss became -inf at step 12"),
        ("nan", "train/loss", 11, "train/loss became NaN at step 11"),
    ]
    assert events[0].to_dict()["value"] == "-inf" and events[0].severity == "error"
    harness.append(run, "train/loss", [(14, math.nan)])
    assert harness.step() == [], "once per metric and generation"


def test_a_stall_is_reported_once(tmp_path: Path) -> None:
    harness = Harness(tmp_path, [])
    run = write_run(tmp_path / "a" / "dvclive", steps=5)
    harness.step()
    for step in range(5, 8):
        harness.append(run, "train/loss", [(step, 0.1)])
        harness.step(1.0)
    kinds = [event.kind for _ in range(40) for event in harness.step(5.0)]
    assert kinds == ["stalled"]
    harness.append(run, "train/loss", [(8, 0.1)])
    assert [event.kind for event in harness.step()] == ["resumed"]


def test_a_plateau_fires_once_per_generation(tmp_path: Path) -> None:
    harness = Harness(tmp_path, ["plateau(val/acc, 5)"])
    run = tmp_path / "a" / "dvclive"
    (run / "plots" / "metrics" / "val").mkdir(parents=True)
    (run / "plots" / "metrics" / "val" / "acc.tsv").write_text("step\tacc\n")
    harness.step()
    harness.append(run, "val/acc", [(step, 0.5 + step / 100) for step in range(10)])
    assert harness.step() == []
    harness.append(run, "val/acc", [(step, 0.55) for step in range(10, 14)])
    assert harness.step() == [], "4 steps without improvement"
    harness.append(run, "val/acc", [(14, 0.58)])
    [event] = harness.step()
    assert (event.kind, event.step, event.values) == ("plateau", 14, {"best": 0.59, "best_step": 9})
    assert "not improved for 5 steps (best 0.59 at step 9)" in event.message
    harness.append(run, "val/acc", [(step, 0.5) for step in range(15, 30)])
    assert harness.step() == []
    # A new run in the same directory (dvclive recreates its files): the rule is re-armed.
    shutil.rmtree(run / "plots")
    (run / "plots" / "metrics" / "val").mkdir(parents=True)
    rows = "".join(f"{step}\t0.7\n" for step in range(7))
    (run / "plots" / "metrics" / "val" / "acc.tsv").write_text("step\tacc\n" + rows)
    events = [event for _ in range(6) for event in harness.step(1.0)]
    assert [(event.kind, event.generation, event.step) for event in events] == [("plateau", 1, 6)]


def test_a_spike_between_two_polls_is_caught_at_its_step(tmp_path: Path) -> None:
    harness = Harness(tmp_path, ["eval/loss > 2 and train/loss < 1"])
    run = write_run(tmp_path / "a" / "dvclive", steps=5)
    assert harness.step() == []
    harness.append(run, "train/loss", [(5, 0.5), (6, 0.5), (7, 0.5)])
    harness.append(run, "eval/loss", [(5, 1.0), (6, 3.5), (7, 1.0)])
    [event] = harness.step()
    assert (event.kind, event.rule, event.step, event.metric) == (
        "threshold",
        "eval/loss > 2 and train/loss < 1",
        6,
        "eval/loss",
    )
    assert event.values == {"eval/loss": 3.5, "train/loss": 0.5} and event.value == 3.5
    harness.append(run, "eval/loss", [(8, 9.0)])
    assert harness.step() == [], "once per generation"


def test_what_holds_at_the_first_look(tmp_path: Path) -> None:
    write_run(tmp_path / "a" / "dvclive", steps=10, nan_at=8)
    harness = Harness(tmp_path, ["eval/loss < 5"])
    kinds = sorted(event.kind for event in harness.step())
    assert kinds == ["nan", "threshold"]
    quiet = Harness(tmp_path, ["eval/loss < 5"], skip_existing=True)
    assert quiet.step() == [] and quiet.step() == []


def test_summary_only_runs_and_unknown_names(tmp_path: Path) -> None:
    runs = write_fleet(tmp_path, "optuna", "dvclive_writer")
    rule = parse_rule("metric >= 0.7 and params.seed > 1")
    events = check_state([load_run(run, name=run.name) for run in runs], [rule])
    assert sorted(event.run for event in events) == ["trial-2", "trial-3"]
    harness = Harness(tmp_path, ["eval/los > 1"])
    harness.step()
    assert harness.warnings == ["rule 'eval/los > 1': no run has 'eval/los' yet"]


@pytest.mark.parametrize("builtin", [True, False])
def test_status_alerts_follow_the_builtin_switch(tmp_path: Path, builtin: bool) -> None:
    clock = FakeClock(FROZEN + 5)
    run = write_run(tmp_path / "a" / "dvclive", steps=5)
    watcher = RunWatcher([tmp_path], clock=clock)
    engine = AlertEngine([], clock=clock, builtin=builtin)
    watcher.poll()
    assert engine.observe(watcher.runs) == []
    shutil.rmtree(run)
    watcher.poll()
    kinds = [event.kind for event in engine.observe(watcher.runs, watcher.take_changes())]
    assert kinds == (["gone"] if builtin else [])


def test_alerts_of_runs_being_written_go_out_before_the_quiet_runs_are_read(
    tmp_path: Path,
) -> None:
    clock, ticks = FakeClock(FROZEN + 5), FakeClock(0.0)
    tiered = Cadence(hot_seconds=30.0, cold_every=2.0, all_hot_below=0)
    hot = write_run(tmp_path / "hot" / "dvclive", steps=5).resolve()
    cold = write_run(tmp_path / "cold" / "dvclive", steps=5).resolve()
    watcher = RunWatcher([tmp_path], clock=clock, cadence=tiered, monotonic=ticks)
    cold_step_when_sent: dict[Path, int] = {}

    def sink(event: Event) -> None:
        run = watcher.run_for(cold)
        assert run is not None
        cold_step_when_sent[event.path] = run.metrics["train/loss"].steps[-1]

    monitor = HeadlessMonitor(watcher, AlertEngine([], clock=clock), [sink], warn=print)
    monitor.step()
    for run in (hot, cold):
        write_rows(run, "train/loss", [(5, 0.1)], clock)
    for seconds in (0.25, 31.0):  # seen growing, then quiet: cold, not finished
        clock.advance(seconds)
        ticks.advance(seconds)
        monitor.step()
    watcher.wake(hot)
    write_rows(hot, "train/loss", [(6, math.nan)], clock)
    write_rows(cold, "train/loss", [(6, math.nan)], clock)
    clock.advance(2.0)
    ticks.advance(2.0)  # the cold run is due too
    events = monitor.step()
    assert [(event.path.parent.name, event.kind) for event in events] == [
        ("hot", "nan"),
        ("cold", "nan"),
    ]
    assert cold_step_when_sent == {hot: 5, cold: 6}, "the hot run's alert left first"
    assert monitor.hot_seconds is not None


def write_rows(run: Path, metric: str, rows: list[tuple[int, float]], clock: FakeClock) -> None:
    tsv = run / "plots" / "metrics" / f"{metric}.tsv"
    with tsv.open("a") as handle:
        handle.writelines(f"{step}\t{value}\n" for step, value in rows)
    os.utime(tsv, (clock.now, clock.now))


def test_steps_start_early_by_what_reading_the_written_runs_takes(tmp_path: Path) -> None:
    """A row written just after its file was read is judged within one interval: the next
    step starts the interval minus that reading time (and timer lateness) later."""
    harness = Harness(tmp_path, [])
    write_run(tmp_path / "a" / "dvclive", steps=5)
    harness.step()
    waits: list[float] = []

    class Stop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            assert timeout is not None and harness.monitor.hot_seconds is not None
            assert 0.25 / 4 <= timeout <= 0.25 - WAKE_LATE - harness.monitor.hot_seconds
            waits.append(timeout)
            if len(waits) == 3:
                self.set()
            return self.is_set()

    harness.monitor.run(0.25, Stop())
    assert len(waits) == 3


def test_a_sink_failing_during_the_hot_hand_out_stops_the_step(tmp_path: Path) -> None:
    """``watch --headless | head -1``: the closed pipe must reach the command (it exits),
    not pass for a failed poll that the loop retries for ever."""
    harness = Harness(tmp_path, [])
    run = write_run(tmp_path / "a" / "dvclive", steps=5)
    harness.step()

    def closed_pipe(_event: Event) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    harness.monitor.sinks = [closed_pipe]
    harness.append(run, "train/loss", [(5, math.nan)])
    with pytest.raises(BrokenPipeError):
        harness.step()
    assert harness.warnings == []
