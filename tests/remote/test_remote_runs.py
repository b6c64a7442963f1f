"""Remote runs in the dashboard: the same reader, run model and views as local runs, one
ssh connection and one request per host and poll, reconnection without lost or doubled
rows, a directory replaced, images fetched when shown. Everything goes through the real
sshd of :mod:`tests.remote.sshd` (the remote side has only ``sh`` and coreutils)."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import numpy as np

from dvclive_tui.app.report_viewer.screen import ReportScreen
from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.app.watch.widgets.runs_table import RunsTable
from dvclive_tui.monitor.engine import AlertEngine
from dvclive_tui.monitor.headless import HeadlessMonitor
from dvclive_tui.monitor.run_stats import RECONNECTING, status_label
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_tui.remote.fetch import materialize
from dvclive_tui.remote.runs import remote_key, runs_in_listing
from dvclive_tui.remote.ssh import SshSettings
from dvclive_tui.remote.transport import RemotePool
from dvclive_tui.settings import Settings
from dvclive_writer.read.discovery import discover_runs
from dvclive_writer.read.listing import walk
from dvclive_writer.read.model import Run
from tests.remote.conftest import at
from tests.remote.sshd import SILENT_ALIAS, SshTestHost
from tests.settle import poll, settle
from tests.tui.runs import append_step, write_run

SIZE = (110, 30)


def watcher_of(pool: RemotePool, *roots: Path) -> RunWatcher:
    return RunWatcher([], remote=[at(root) for root in roots], pool=pool)


def steps_of(run: Run, metric: str = "train/loss") -> list[int]:
    return [int(step) for step in run.metrics[metric].steps]


def ssh_processes(settings: SshSettings) -> list[int]:
    """This test's ssh processes (their command lines name its control folder)."""
    assert settings.control_dir is not None
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if Path(words[0].decode()).name == "ssh" and any(
            str(settings.control_dir).encode() in word for word in words
        ):
            found.append(int(entry.name))
    return found


def test_discovery_in_a_listing_matches_local_discovery(remote_dir: Path) -> None:
    write_run(remote_dir / "a" / "dvclive", steps=2)
    write_run(remote_dir / "b" / "dvclive", steps=2)
    write_run(remote_dir / "b" / "dvclive" / "fold_0", steps=2)
    write_run(remote_dir / "repo" / ".dvc" / "tmp" / "exps" / "tmpab12" / "dvclive", steps=2)
    (remote_dir / "node_modules" / "x" / "plots" / "metrics").mkdir(parents=True)
    local = [path.relative_to(remote_dir).as_posix() for path in discover_runs(remote_dir)]
    assert runs_in_listing(walk(str(remote_dir))) == local
    assert len(local) == 4


async def test_a_run_written_while_watched_shows_up(
    pool: RemotePool, remote_dir: Path, ssh_host: SshTestHost
) -> None:
    run_dir = write_run(remote_dir / "dvclive", steps=5)
    settings = Settings(paths=(), remote=(f"{at(run_dir)}",), watch=False)
    app = WatchApp(settings, None, pool)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [run] = app.runs
        assert run.origin == str(at(run_dir)) and run.path == remote_key(at(run_dir))
        assert steps_of(run) == list(range(5))
        for step in (5, 6):
            append_step(run_dir, "train/loss", step, 0.5)
        await poll(pilot)
        assert steps_of(app.runs[0]) == list(range(7))
        table = app.query_one(RunsTable)
        assert "dlt-test:dvclive" in str(table.get_row_at(0)[1])

        client = pool.host(at(run_dir))
        master = client.runner.master_pid()
        assert master
        os.kill(master, signal.SIGKILL)
        ssh_host.stop()
        append_step(run_dir, "train/loss", 7, 0.5)
        await poll(pilot)
        assert str(table.get_row_at(0)[2]) == RECONNECTING
        assert "reconnecting…" in str(app.query_one("#header").render())
        assert steps_of(app.runs[0]) == list(range(7))  # the last data stays

        ssh_host.start()
        for _ in range(100):
            await poll(pilot)
            if app.runs[0].connection is None and len(app.runs[0].metrics["train/loss"]) == 8:
                break
            await pilot.pause(0.2)
        assert steps_of(app.runs[0]) == list(range(8))
        assert str(table.get_row_at(0)[2]) != RECONNECTING

        await pilot.press("R")  # the report, rendered from the run already read
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen) and screen.report is not None
        assert screen.report.generated and "train/loss" in screen.report.text
        assert screen.report.origin.startswith(str(at(run_dir)))


async def test_a_local_and_a_remote_run_overlaid(
    pool: RemotePool, remote_dir: Path, tmp_path: Path
) -> None:
    remote_run = write_run(remote_dir / "dvclive", steps=6, seed=1)
    local_run = write_run(tmp_path / "dvclive", steps=4, seed=2)
    settings = Settings(paths=(local_run,), remote=(f"{at(remote_run)}",), watch=False)
    app = WatchApp(settings, None, pool)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        origins = sorted(
            (run.origin or "local", len(run.metrics["train/loss"])) for run in app.runs
        )
        assert origins == [(str(at(remote_run)), 6), ("local", 4)]
        charted = app.charted
        assert len(charted) == 2
        grid = app.query_one("#charts-pane ChartGrid")
        chart = grid.chart("train/loss")  # type: ignore[attr-defined]
        assert chart is not None and sorted(len(s.steps) for s in chart.series) == [4, 6]


def test_several_runs_on_one_host_share_one_connection_and_request(
    pool: RemotePool, remote_dir: Path, settings: SshSettings
) -> None:
    runs = [write_run(remote_dir / name / "dvclive", steps=3) for name in ("a", "b", "c")]
    watcher = watcher_of(pool, remote_dir)
    try:
        watcher.poll(everything=True)
        assert sorted(len(run.metrics["train/loss"]) for run in watcher.runs) == [3, 3, 3]
        client = pool.host(at(remote_dir))
        assert len(pool._hosts) == 1
        # Statuses compare file times with the host's clock (here: the same machine's).
        assert abs(client.clock_offset) < 2 and abs(client.remote_time() - time.time()) < 2
        processes = ssh_processes(settings)
        assert len(processes) == 2  # the master and one agent session, for three runs
        seq = client._seq
        for run in runs:
            append_step(run, "train/loss", 3, 0.1)
        watcher.poll(everything=True)
        assert client._seq == seq + 1  # all three runs' wants in one request
        assert sorted(len(run.metrics["train/loss"]) for run in watcher.runs) == [4, 4, 4]
        assert sorted(ssh_processes(settings)) == sorted(processes)
    finally:
        watcher.close()


def test_connection_killed_mid_poll_recovers_every_row_once(
    pool: RemotePool, remote_dir: Path, ssh_host: SshTestHost
) -> None:
    run_dir = write_run(remote_dir / "dvclive", steps=10)
    watcher = watcher_of(pool, run_dir)
    client = pool.host(at(run_dir))
    try:
        watcher.poll(everything=True)
        [run] = watcher.runs
        assert steps_of(run) == list(range(10))
        master = client.runner.master_pid()
        assert master

        for step in range(10, 15):
            append_step(run_dir, "train/loss", step, 0.1)
        os.kill(master, signal.SIGKILL)  # the link goes while rows keep coming
        ssh_host.stop()
        for step in range(15, 20):
            append_step(run_dir, "train/loss", step, 0.1)
        watcher.poll(everything=True)
        with watcher.lock:
            assert run.connection is not None and "reconnecting…" in run.connection
            assert status_label(run) == RECONNECTING
            assert steps_of(run) == list(range(10))  # the last data stays on screen

        ssh_host.start()
        for step in range(20, 25):
            append_step(run_dir, "train/loss", step, 0.1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            watcher.poll(everything=True)
            with watcher.lock:
                if run.connection is None and len(run.metrics["train/loss"]) >= 25:
                    break
            time.sleep(0.2)
        with watcher.lock:
            assert run.connection is None
            assert steps_of(run) == list(range(25))  # every row exactly once
        assert client.runner.master_pid() not in (None, master)
    finally:
        watcher.close()


def test_a_remote_directory_deleted_and_recreated_is_a_new_run(
    pool: RemotePool, remote_dir: Path
) -> None:
    run_dir = write_run(remote_dir / "dvclive", steps=12, seed=1)
    watcher = watcher_of(pool, run_dir)
    try:
        watcher.poll(everything=True)
        [run] = watcher.runs
        generation = run.generation
        shutil.rmtree(run_dir)
        write_run(run_dir, steps=4, seed=2)
        watcher.poll(everything=True)
        with watcher.lock:
            assert steps_of(run) == list(range(4))
            assert run.generation == generation + 1
            local = np.loadtxt(
                run_dir / "plots" / "metrics" / "train" / "loss.tsv", skiprows=1, usecols=-1
            )
            assert np.allclose(run.metrics["train/loss"].values, local)
    finally:
        watcher.close()


def test_images_are_fetched_when_shown_only(pool: RemotePool, remote_dir: Path) -> None:
    run_dir = write_run(remote_dir / "dvclive", steps=3, images=True)
    watcher = watcher_of(pool, run_dir)
    try:
        watcher.poll(everything=True)
        [run] = watcher.runs
        frames = run.images["samples"].frames
        assert len(frames) == 3
        assert not any(path.exists() for _, path in frames)  # polls move no image bytes
        cache = watcher.fetch_cache
        assert cache is not None and frames[-1][1].is_relative_to(cache.folder)
        materialize(frames[-1][1])
        remote = run_dir / "plots" / "images" / "samples" / "2.png"
        assert frames[-1][1].read_bytes() == remote.read_bytes()
        assert not frames[0][1].exists()
        session = pool.host(at(run_dir))._session
        assert session is not None
        before = session.bytes_in
        materialize(frames[-1][1])  # unchanged there: nothing sent again
        assert session.bytes_in - before < 200
    finally:
        watcher.close()
    assert not frames[-1][1].exists()


def test_a_silent_host_without_known_runs_is_searched_off_the_polling_thread(
    ssh_host: SshTestHost, short_dir: Path, tmp_path: Path
) -> None:
    """After the first attempt (which the first screen waits for), a host that does not
    answer is searched again on a thread of its own: the local runs' polls stay quick and
    its problem stays reported."""
    settings = SshSettings(
        command=ssh_host.ssh_command, control_dir=short_dir / "ctl", connect_timeout_s=2
    )
    pool = RemotePool(settings)
    local = write_run(tmp_path / "local" / "dvclive", steps=3)
    silent = at("/tmp/runs", SILENT_ALIAS)
    watcher = RunWatcher([tmp_path], remote=[silent], pool=pool)
    try:
        watcher.poll()
        assert [run.name for run in watcher.runs] == ["local/dvclive"]
        assert "cannot connect" in watcher.remote_problems[str(silent)]
        client = pool.host(silent)
        assert client.failing
        slowest = 0.0
        deadline = time.monotonic() + 10  # back-off pauses of 0.5, 1, 2, 4 s: several retries
        step = 3
        while time.monotonic() < deadline:
            append_step(local, "train/loss", step, 0.1)
            step += 1
            started = time.monotonic()
            watcher.rediscover()
            watcher.poll()
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.1)
        assert slowest < 1.0, f"a poll waited {slowest:.1f} s on the silent host"
        [run] = watcher.runs
        assert steps_of(run) == list(range(step))
        assert "cannot connect" in watcher.remote_problems[str(silent)]
    finally:
        watcher.close()
        pool.close()


async def test_a_remote_path_without_runs_is_told_once_in_the_dashboard(
    pool: RemotePool, remote_dir: Path, tmp_path: Path
) -> None:
    local_run = write_run(tmp_path / "dvclive", steps=4)
    missing = at(remote_dir / "not-there")
    settings = Settings(paths=(local_run,), remote=(str(missing),), watch=False)
    app = WatchApp(settings, None, pool)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(3):
            await poll(pilot)
            app._tick()
            await pilot.pause()
        told = [note.message for note in app._notifications if note.title == "Remote path"]
        assert len(told) == 1 and "does not exist" in told[0], told
        assert [run.name for run in app.runs] == [local_run.name]


def test_headless_alerts_tell_a_remote_problem_once(pool: RemotePool, remote_dir: Path) -> None:
    missing = at(remote_dir / "not-there")
    watcher = RunWatcher([], remote=[missing], pool=pool)
    warnings: list[str] = []
    monitor = HeadlessMonitor(watcher, AlertEngine([]), [], warn=warnings.append)
    try:
        for _ in range(3):
            watcher.rediscover()
            monitor.step()
    finally:
        watcher.close()
    assert len(warnings) == 1 and "does not exist" in warnings[0], warnings
