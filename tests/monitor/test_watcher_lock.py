"""A poll does its file I/O without the watcher's lock and publishes runs atomically.

The slow poll is real: a reader held at the start of its poll by the injected wall clock
(:class:`~tests.monitor.gate.GateClock`), or a discovery held by the watcher's ``discover``
seam, while the test takes the lock the UI takes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from dvclive_tui.monitor.schedule import Cadence
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_writer.read.discovery import discover_runs
from tests.data.conftest import FakeClock
from tests.monitor.gate import GateClock
from tests.tui.runs import FROZEN, append_step, write_run

QUIET = Cadence(discover_every=1e6)
"""No discovery after the first poll: a held clock call then comes from a reader."""


def poll_in_thread(watcher: RunWatcher) -> threading.Thread:
    thread = threading.Thread(target=watcher.poll, daemon=True)
    thread.start()
    return thread


def test_the_lock_is_free_while_a_reader_polls(tmp_path: Path) -> None:
    run = write_run(tmp_path / "a" / "dvclive", steps=5)
    clock = GateClock(FROZEN + 5)
    watcher = RunWatcher([tmp_path], clock=clock, cadence=QUIET, heartbeat=1e6)
    watcher.poll()
    watcher.take_changes()
    append_step(run, "train/loss", 5, 0.5)
    clock.arm()
    thread = poll_in_thread(watcher)
    try:
        assert clock.entered.wait(10), "the poll never reached the reader"
        assert watcher.lock.acquire(timeout=2), "the poll holds the lock during file I/O"
        try:
            [published] = watcher.runs
            assert len(published.metrics["train/loss"]) == 5, "nothing published before the end"
        finally:
            watcher.lock.release()
    finally:
        clock.release()
        thread.join(10)
    assert not thread.is_alive()
    [published] = watcher.runs
    assert len(published.metrics["train/loss"]) == 6
    assert watcher.take_changes()[run.resolve()].new_points == {"train/loss": 1}


def test_the_lock_is_free_while_discovery_walks(tmp_path: Path) -> None:
    write_run(tmp_path / "a" / "dvclive", steps=3)
    held = threading.Event()
    walking = threading.Event()
    watcher_ready = threading.Event()

    def slow_discover(root: Path) -> Iterable[Path]:
        if watcher_ready.is_set():
            walking.set()
            held.wait(20)
        return discover_runs(root)

    watcher = RunWatcher([tmp_path], clock=FakeClock(FROZEN + 5), discover=slow_discover)
    watcher.poll()
    watcher_ready.set()
    thread = threading.Thread(target=watcher.rediscover, daemon=True)
    thread.start()
    try:
        assert walking.wait(10)
        assert watcher.lock.acquire(timeout=2), "discovery holds the lock during its walk"
        watcher.lock.release()
        assert [run.name for run in watcher.runs] == ["a/dvclive"]
    finally:
        held.set()
        thread.join(10)


def test_published_arrays_are_never_written_again(tmp_path: Path) -> None:
    """What a view took from a published series stays as it was: appends go to the
    published copy's free room (or a bigger buffer), a restarted run to a new series."""
    run = write_run(tmp_path / "dvclive", steps=20)
    watcher = RunWatcher([run], clock=FakeClock(FROZEN + 5))
    watcher.poll()
    series = watcher.runs[0].metrics["train/loss"]
    values, steps = series.values, series.steps
    kept_values, kept_steps = values.copy(), steps.copy()
    append_step(run, "train/loss", 20, 123.0)
    watcher.poll()
    assert len(watcher.runs[0].metrics["train/loss"]) == 21
    # The writer starts over in the same file: fewer rows, other values.
    tsv = run / "plots" / "metrics" / "train" / "loss.tsv"
    tsv.write_text("timestamp\tstep\tloss\n" + "".join(f"0\t{i}\t9.5\n" for i in range(3)))
    watcher.poll()
    restarted = watcher.runs[0].metrics["train/loss"]
    assert restarted is not series and list(restarted.values) == [9.5, 9.5, 9.5]
    assert (values == kept_values).all() and (steps == kept_steps).all()


def test_the_reader_and_the_ui_never_share_a_run(tmp_path: Path) -> None:
    run = write_run(tmp_path / "dvclive", steps=4, images=True)
    watcher = RunWatcher([run], clock=FakeClock(FROZEN + 5))
    watcher.poll()
    [published] = watcher.runs
    reader_run = watcher._readers[run.resolve()].run
    assert published is not reader_run
    assert published.metrics.keys() == reader_run.metrics.keys()
    for name, series in published.metrics.items():
        assert series is not reader_run.metrics[name]
        assert list(series.values) == list(reader_run.metrics[name].values)
    assert published.images.keys() == reader_run.images.keys()
    assert all(published.images[k] is not reader_run.images[k] for k in published.images)
    assert published.params == reader_run.params and published.status is reader_run.status
    watcher.poll()
    assert watcher.runs[0] is published, "a run keeps its identity across polls"
