"""The runs view, headless: filter, sort, groups, marks, charted runs, colours, top-k.

Runs are a sweep written by ``dvclive_writer`` and read through the watcher.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dvclive_tui.experiments.filter import FilterError
from dvclive_tui.monitor.fleet_choices import FleetChoices
from dvclive_tui.monitor.fleet_view import (
    DEFAULT_TOP_K,
    NO_VALUE,
    FleetView,
    GroupRow,
    RunRow,
    TopK,
    key_of,
    parse_top_k,
)
from dvclive_tui.monitor.rules import guess_direction
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_writer.read.model import Run
from tests.data.conftest import FakeClock
from tests.tui.fleet_runs import LRS, write_sweep
from tests.tui.runs import FROZEN, append_step

NOW = FROZEN + 42


def no_rate(_run: Run) -> float | None:
    return None


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    write_sweep(root, 12)
    return root


@pytest.fixture
def runs(sweep: Path) -> list[Run]:
    watcher = RunWatcher([sweep / "runs"], clock=FakeClock(NOW))
    watcher.poll()
    return watcher.runs


def names(runs: list[Run]) -> list[str]:
    """``00`` for ``00/dvclive`` (names are relative to the watched folder)."""
    return [run.name.split("/")[0] for run in runs]


def newest(run: Run, metric: str) -> float:
    return float(run.metrics[metric].values[-1])


def test_filter_uses_the_rule_language(runs: list[Run]) -> None:
    view = FleetView()
    view.set_filter("eval/loss < 0.4 and batch == 32")
    listed = view.arrange(runs, no_rate, NOW).listed
    expected = [r for r in runs if newest(r, "eval/loss") < 0.4 and r.params["batch"] == 32]
    assert listed == expected and 0 < len(listed) < len(runs)
    view.set_filter("lr >= 0.01")  # a bare params key
    assert {run.params["lr"] for run in view.arrange(runs, no_rate, NOW).listed} == {0.01, 0.03}
    view.set_filter("0[0-3]/*")  # a bare glob matches the names
    assert names(view.arrange(runs, no_rate, NOW).listed) == ["00", "01", "02", "03"]
    view.set_filter('status == "finished" and params.seed > 9')
    assert names(view.arrange(runs, no_rate, NOW).listed) == ["10", "11"]


def test_a_bad_filter_is_one_line_and_keeps_the_old_one(runs: list[Run]) -> None:
    view = FleetView()
    view.set_filter("lr == 0.01")
    with pytest.raises(FilterError) as caught:
        view.set_filter("eval/loss <")
    assert "eval/loss <" in str(caught.value) and "\n" not in str(caught.value)
    assert view.choices.run_filter == "lr == 0.01"
    assert len(view.arrange(runs, no_rate, NOW).listed) == 3


def test_sort_keeps_missing_and_nan_last_both_ways(sweep: Path, runs: list[Run]) -> None:
    view = FleetView()
    view.toggle_sort("eval/acc")
    ascending = view.arrange(runs, no_rate, NOW).listed
    values = [newest(run, "eval/acc") for run in ascending]
    assert values == sorted(values)
    view.toggle_sort("eval/acc")
    assert view.choices.sort_descending
    assert view.arrange(runs, no_rate, NOW).listed == ascending[::-1]
    # A run whose newest value is NaN, and one without the metric: last either way.
    nan_run = runs[3]
    append_step(nan_run.path, "eval/acc", 99, math.nan)
    watcher = RunWatcher([sweep / "runs"], clock=FakeClock(NOW))
    watcher.poll()
    fresh = watcher.runs
    view = FleetView(FleetChoices(sort_by="eval/acc", sort_descending=True))
    assert view.arrange(fresh, no_rate, NOW).listed[-1].path == nan_run.path
    view.toggle_sort("eval/acc")  # off
    assert not view.choices.sort_by
    view.toggle_sort("params.nothing")
    assert [r.path for r in view.arrange(fresh, no_rate, NOW).listed] == [r.path for r in fresh]


def test_groups_list_runs_under_their_value(runs: list[Run]) -> None:
    view = FleetView()
    view.toggle_group("params.lr")
    fleet = view.arrange(runs, no_rate, NOW)
    headers = [row for row in fleet.rows if isinstance(row, GroupRow)]
    assert [row.key for row in headers] == [str(lr) for lr in LRS]
    assert all(row.count == 3 for row in headers)
    under = [row for row in fleet.rows if isinstance(row, RunRow) and row.group == "0.01"]
    assert {row.run.params["lr"] for row in under} == {0.01}
    view.toggle_collapsed("0.01")
    fleet = view.arrange(runs, no_rate, NOW)
    assert not [row for row in fleet.rows if isinstance(row, RunRow) and row.group == "0.01"]
    assert len(fleet.listed) == len(runs), "collapsed runs stay listed (and charted)"
    # One colour per group.
    colors = {fleet.colors[run.path] for run in fleet.groups["0.003"]}
    assert len(colors) == 1 and len(set(fleet.colors.values())) == len(LRS)
    view.toggle_group("params.missing")
    assert [row.key for row in view.arrange(runs, no_rate, NOW).rows[:1]] == [NO_VALUE]
    view.toggle_group("params.missing")
    assert not view.choices.group_by


def test_marks_decide_what_is_listed_and_charted(runs: list[Run]) -> None:
    view = FleetView()
    a, b, c, d = (key_of(runs[i]) for i in (1, 4, 7, 9))
    assert view.arrange(runs, no_rate, NOW).charted == runs, "no selection: every listed run"
    view.toggle_selected([a, b])
    view.toggle_pinned(c)
    fleet = view.arrange(runs, no_rate, NOW)
    assert [key_of(run) for run in fleet.charted] == [a, b, c]
    view.toggle_hidden(b)
    assert b not in view.choices.selected, "hiding drops the run from the selection"
    fleet = view.arrange(runs, no_rate, NOW)
    assert b not in [key_of(run) for run in fleet.listed]
    assert [key_of(run) for run in fleet.charted] == [a, c]
    view.set_filter("lr == 0.03")
    view.toggle_starred(d)  # lr 0.003: fails the filter, but starred runs always pass
    listed = [key_of(run) for run in view.arrange(runs, no_rate, NOW).listed]
    assert listed[0] == d and all(runs[i].params["lr"] == 0.03 for i in (3, 7, 11))
    view.toggle_selected([a])
    view.toggle_selected([a])
    assert view.choices.selected == [a]


def test_top_k_selects_the_best_and_sorts_by_them(runs: list[Run]) -> None:
    view = FleetView()
    best = view.top_k(runs, "eval/loss", "min", 3, no_rate, NOW)
    expected = sorted(runs, key=lambda run: newest(run, "eval/loss"))[:3]
    assert best == expected
    assert view.choices.selected == [key_of(run) for run in expected]
    assert (view.choices.sort_by, view.choices.sort_descending) == ("eval/loss", False)
    fleet = view.arrange(runs, no_rate, NOW)
    assert fleet.charted == expected
    colors = [fleet.colors[run.path] for run in expected]
    assert len(set(colors)) == 3 and max(colors) < 8, "distinct palette colours"
    assert view.top_k(runs, "no/such", "max", 3, no_rate, NOW) == []
    assert view.choices.selected == [key_of(run) for run in expected], "nothing changed"


def test_colours_stay_distinct_and_stable(runs: list[Run]) -> None:
    view = FleetView()
    view.toggle_selected([key_of(run) for run in runs[:10]])
    fleet = view.arrange(runs, no_rate, NOW)
    colors = [fleet.colors[run.path] for run in runs[:10]]
    assert sorted(colors) == list(range(10)), "8 colours, then marked ones"
    view.toggle_selected([key_of(runs[2])])
    after = view.arrange(runs, no_rate, NOW).colors
    assert all(after[run.path] == fleet.colors[run.path] for run in runs[:8] if run != runs[2])
    assert after[runs[8].path] == fleet.colors[runs[2].path], "a freed colour is reused"


def test_default_columns_are_metrics_and_varying_params(runs: list[Run]) -> None:
    view = FleetView()
    assert view.columns(runs) == [
        "eval/acc",
        "eval/loss",
        "train/loss",
        "params.batch",
        "params.lr",
        "params.seed",
    ]
    view.choices.columns = ["params.lr"]
    assert view.columns(runs) == ["params.lr"]


def test_parse_top_k() -> None:
    assert parse_top_k("eval/loss", guess_direction) == TopK("eval/loss", "min", DEFAULT_TOP_K)
    assert parse_top_k("eval/acc 3", guess_direction) == TopK("eval/acc", "max", 3)
    assert parse_top_k("`system/gpu (%)` min 2", guess_direction) == TopK(
        "system/gpu (%)", "min", 2
    )
    for bad, why in (("", "name a metric"), ("speed 3", "min or max"), ("loss 0", "at least")):
        with pytest.raises(ValueError, match=why):
            parse_top_k(bad, guess_direction)
