"""The app's headless helpers: watcher, change merging, header figures, alerts, text."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from dvclive_tui.monitor.alerts import AlertTracker
from dvclive_tui.monitor.run_stats import StepRate, current_step, elapsed, timestamp_rate
from dvclive_tui.monitor.schedule import Cadence
from dvclive_tui.monitor.watcher import RunWatcher, display_name, merge_changes
from dvclive_tui.settings import Settings
from dvclive_tui.text import (
    format_duration,
    format_value,
    sanitize,
    shorten_middle,
    sparkline,
)
from dvclive_writer.read.model import Changes, MetricSeries, Run, RunStatus
from dvclive_writer.read.naming import flatten
from tests.tui.conftest import Clock
from tests.tui.runs import append_step, write_run


def test_merge_changes_adds_counts_and_ors_flags() -> None:
    total = Changes(new_points={"a": 2}, reset_metrics={"x"})
    merge_changes(total, Changes(new_points={"a": 3, "b": 1}, params=True, reset_metrics={"y"}))
    assert total.new_points == {"a": 5, "b": 1}
    assert total.reset_metrics == {"x", "y"}
    assert total.params and not total.summary


def test_watcher_polls_and_hands_changes_over_once(tmp_path: Path, clock: Clock) -> None:
    run = write_run(tmp_path / "dvclive", steps=4)
    watcher = RunWatcher([tmp_path], clock=clock, heartbeat=3600)
    assert watcher.poll()
    [(key, changes)] = watcher.take_changes().items()
    assert key == run and changes.new_run and changes.new_points["train/loss"] == 4
    assert watcher.take_changes() == {}
    assert not watcher.poll()
    append_step(run, "train/loss", 4, 0.5)
    assert watcher.poll()
    assert watcher.take_changes()[run].new_points == {"train/loss": 1}


def test_watcher_finds_new_runs_at_the_heartbeat(tmp_path: Path, clock: Clock) -> None:
    write_run(tmp_path / "a" / "dvclive", steps=2)
    watcher = RunWatcher(
        [tmp_path], clock=clock, heartbeat=3600, cadence=Cadence(discover_every=3600)
    )
    watcher.poll()
    write_run(tmp_path / "b" / "dvclive", steps=2)
    watcher.poll()
    assert len(watcher.runs) == 1  # the heartbeat is not due yet
    assert watcher.rediscover()
    assert len(watcher.runs) == 1, "a run is handed out once it was read"
    watcher.poll()
    assert [run.name for run in watcher.runs][1].endswith("b/dvclive")
    eager = RunWatcher([tmp_path], clock=clock, heartbeat=0)
    eager.poll()
    assert len(eager.runs) == 2


def test_display_names_are_never_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_name(tmp_path / "x" / "dvclive", tmp_path) == "x/dvclive"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert display_name(tmp_path / "x" / "dvclive", tmp_path / "x" / "dvclive") == "dvclive"
    assert display_name(tmp_path / "x" / "dvclive", tmp_path / "x") == "dvclive"
    assert display_name(tmp_path / "x" / "dvclive", tmp_path) == "x/dvclive"


def series(
    name: str, steps: list[int], values: list[float], stamps: list[int] | None = None
) -> MetricSeries:
    result = MetricSeries(name, f"plots/metrics/{name}.tsv", has_timestamp=stamps is not None)
    result.append(steps, values, stamps)
    return result


def test_header_figures() -> None:
    run = Run(path=Path("/r"), name="r")
    assert current_step(run) is None and elapsed(run, 10.0) is None
    run.metrics["a"] = series("a", [0, 1, 2, 3], [1.0] * 4, [0, 500, 1000, 1500])
    run.started, run.last_write, run.status = 100.0, 160.0, RunStatus.RUNNING
    assert current_step(run) == 3
    assert timestamp_rate(run) == pytest.approx(2.0)
    assert elapsed(run, 170.0) == 70.0
    run.status = RunStatus.FINISHED
    assert elapsed(run, 170.0) == 60.0


def test_step_rate_from_observations() -> None:
    rate = StepRate()
    rate.observe(0.0, 0)
    assert rate.rate() is None
    rate.observe(2.0, 10)
    assert rate.rate() == 5.0
    rate.observe(3.0, 1)  # a new run: start over
    assert rate.rate() is None


def test_alerts_fire_once_and_not_for_the_initial_state() -> None:
    run = Run(path=Path("/r"), name="r", status=RunStatus.RUNNING)
    run.metrics["loss"] = series("loss", [0, 1], [1.0, math.inf])
    tracker = AlertTracker()
    tracker.prime([run])
    run.metrics["loss"].append([2], [math.nan])
    assert tracker.check([run], {run.path: Changes(new_points={"loss": 1})}) == []
    run.metrics["acc"] = series("acc", [0, 1], [0.5, math.nan])
    [alert] = tracker.check([run], {run.path: Changes(new_points={"acc": 2})})
    assert (alert.message, alert.severity) == ("acc became NaN at step 1", "error")
    assert tracker.check([run], {run.path: Changes(new_points={"acc": 2})}) == []
    run.status = RunStatus.STALLED
    [stalled] = tracker.check([run], {run.path: Changes(status=True)})
    assert stalled.severity == "warning" and "stalled at step 2" in stalled.message


def test_text_helpers() -> None:
    assert sanitize("a\x1b[31mb\x07\u202e") == "a\\x1b[31mb\\x07\\u202e"
    assert format_value(float("nan")) == "nan" and format_value(-math.inf) == "-inf"
    assert format_value(0.123456) == "0.1235" and format_value(1234567.0) == "1.235e+06"
    assert format_value(3) == "3" and format_value("x\ny") == "x\\x0ay"
    assert format_duration(5) == "5s" and format_duration(125) == "2m05s"
    assert format_duration(7300) == "2h01m" and format_duration(None) == "–"
    assert sparkline(np.array([0.0, 1.0, 2.0, 3.0]), 4) == "▁▃▆█"
    assert sparkline(np.array([math.nan]), 4) == ""
    assert flatten({"a": {"b": 1, "c": {"d": 2}}, "e": {}}) == {"a.b": 1, "a.c.d": 2, "e": {}}
    assert shorten_middle("runs/alpha/dvclive", 11) == "runs/…clive"
    assert shorten_middle("short", 11) == "short" and shorten_middle("abc", 1) == "…"


@pytest.mark.parametrize(
    "options",
    [{"interval": 0.05}, {"interval": 6.0}, {"charts_per_page": 10}, {"color_system": "x"}],
)
def test_settings_reject_out_of_range_values(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Settings(**options)  # type: ignore[arg-type]
