"""Incremental discovery: only changed folders are listed again; a lying mtime (NFS) is
caught by the racy-listing rule or, at the latest, by the full re-walk."""

from __future__ import annotations

import os
from pathlib import Path

from dvclive_tui.monitor.discovery import IncrementalDiscovery
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_writer.read.discovery import discover_runs
from tests.data.conftest import FakeClock
from tests.tui.runs import write_run

OLD = 1_600_000_000.0


def age_everything(root: Path, at: float = OLD) -> None:
    """Date every folder under ``root`` far in the past (nothing is racy any more)."""
    for folder, names, _files in os.walk(root):
        for name in names:
            os.utime(Path(folder) / name, (at, at))
    os.utime(root, (at, at))


def test_unchanged_folders_are_not_listed_again(tmp_path: Path) -> None:
    for job in range(3):
        for task in range(4):
            write_run(tmp_path / "runs" / str(job) / str(task) / "dvclive", steps=2)
    age_everything(tmp_path)
    walker = IncrementalDiscovery(tmp_path, clock=FakeClock(OLD + 3600))
    first = walker.scan()
    assert first == discover_runs(tmp_path)
    assert walker.last.listings > 12
    assert walker.scan() == first
    assert walker.last.listings == 0 and walker.last.classified == 0
    write_run(tmp_path / "runs" / "1" / "9" / "dvclive", steps=2)
    again = walker.scan()
    assert again == discover_runs(tmp_path) and len(again) == 13
    # runs/1, the new runs/1/9 and the new run itself (runs are searched for nested runs)
    assert walker.last.listings == 3


def test_a_listing_in_the_same_mtime_tick_is_repeated(tmp_path: Path) -> None:
    clock = FakeClock(OLD + 3600)
    runs = tmp_path / "runs"
    runs.mkdir()
    walker = IncrementalDiscovery(tmp_path, clock=clock)
    os.utime(runs, (clock.now, clock.now))  # modified "now": racy
    assert walker.scan() == []
    write_run(runs / "a" / "dvclive", steps=2)
    os.utime(runs, (clock.now, clock.now))  # a coarse mtime that did not move
    assert walker.scan() == [runs / "a" / "dvclive"]


def test_a_lagging_mtime_is_caught_by_the_full_walk(tmp_path: Path) -> None:
    write_run(tmp_path / "runs" / "a" / "dvclive", steps=2)
    age_everything(tmp_path)
    walker = IncrementalDiscovery(tmp_path, clock=FakeClock(OLD + 3600))
    assert len(walker.scan()) == 1
    write_run(tmp_path / "runs" / "b" / "dvclive", steps=2)
    # An NFS client may keep serving the folder's old attributes (acdirmax).
    os.utime(tmp_path / "runs", (OLD, OLD))
    assert len(walker.scan()) == 1, "the cached mtime hides the new run"
    assert len(walker.scan(full=True)) == 2
    assert walker.last.full


def test_dvc_temp_workspaces_and_skipped_folders(tmp_path: Path) -> None:
    write_run(tmp_path / ".dvc" / "tmp" / "exps" / "tmpab12" / "dvclive", steps=2)
    write_run(tmp_path / ".dvc" / "tmp" / "exps" / "standalone" / "tmpcd34" / "dvclive", steps=2)
    write_run(tmp_path / ".venv" / "dvclive", steps=2)
    write_run(tmp_path / "dvclive", steps=2)
    walker = IncrementalDiscovery(tmp_path, clock=FakeClock(OLD + 3600))
    found = walker.scan()
    assert found == discover_runs(tmp_path)
    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "dvclive",
        ".dvc/tmp/exps/standalone/tmpcd34/dvclive",
        ".dvc/tmp/exps/tmpab12/dvclive",
    ]
    assert IncrementalDiscovery(tmp_path / "dvclive").scan() == [tmp_path / "dvclive"]


def test_runs_are_ordered_by_the_numbers_in_their_names(tmp_path: Path) -> None:
    # SLURM array tasks, folds and trials: runs/2 before runs/10, in every command's order.
    for task in (10, 2, 1, 0, 21, 3):
        write_run(tmp_path / "runs" / f"task{task}" / "dvclive", steps=1)
    expected = [tmp_path / "runs" / f"task{task}" / "dvclive" for task in (0, 1, 2, 3, 10, 21)]
    assert discover_runs(tmp_path) == expected
    assert IncrementalDiscovery(tmp_path, clock=FakeClock(OLD)).scan() == expected
    watcher = RunWatcher([tmp_path], clock=FakeClock(OLD), heartbeat=1e6)
    watcher.poll(everything=True)
    assert [Path(run.path) for run in watcher.runs] == expected
