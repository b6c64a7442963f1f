"""No handler of the apps reads run data on the event loop: workers do.

A ``sys.addaudithook`` hook records the file opens and folder listings under the test's data
folder that happen on the thread running the apps, while keys drive every screen that
loads something (start-up, images, plots, report, warnings, re-scan; compare's curves,
media and diff; the standalone report viewer). Reads by pygit2 (C code) raise no audit
event, so git objects are covered by the compare run's workspace files only.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dvclive_tui.app.compare.app import CompareApp
from dvclive_tui.app.report_viewer.app import ReportViewerApp
from dvclive_tui.app.watch.app import WatchApp
from dvclive_tui.settings import Settings
from tests.compare.factory import add_media, build_experiments
from tests.settle import settle
from tests.tui.conftest import Clock
from tests.tui.runs import write_run

AUDITED = frozenset({"open", "os.listdir", "os.scandir", "subprocess.Popen"})
"""Audit events that touch files, folders or other programs."""

_watched: list[tuple[str, list[str]]] = []
"""``(folder, events)`` of the active recorder (an audit hook cannot be removed)."""


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _watched or event not in AUDITED or threading.current_thread() is not _loop_thread:
        return
    folder, events = _watched[-1]
    target = str(args[0]) if args else ""
    if target.startswith(folder) or event == "subprocess.Popen":
        events.append(f"{event} {target}")


_loop_thread = threading.main_thread()
sys.addaudithook(_hook)


@contextmanager
def loop_io(folder: Path) -> Iterator[list[str]]:
    """Record file and folder access under ``folder`` by the event-loop (main) thread."""
    events: list[str] = []
    _watched.append((str(folder), events))
    try:
        yield events
    finally:
        _watched.pop()


def test_the_recorder_sees_a_read_on_the_loop_thread(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    with loop_io(tmp_path) as events:
        (tmp_path / "file.txt").read_text()
        list(tmp_path.iterdir())
    assert [event.split()[0] for event in events] == ["open", "os.listdir"]


async def test_watch_dashboard_reads_in_workers(
    workdir: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_run(workdir / "dvclive", steps=6, images=True, plots=True, system=True)
    app = WatchApp(Settings(paths=(Path("dvclive"),), watch=False, clock=clock))
    with loop_io(workdir) as events:
        async with app.run_test(size=(100, 30)) as pilot:
            for key in ("", "4", "left", "5", "2", "3", "w", "escape", "R", "escape", "r"):
                if key:
                    await pilot.press(key)
                await settle(pilot)
            assert app.runs and app.runs[0].images
    assert events == []


async def test_compare_screens_read_in_workers(tmp_path: Path) -> None:
    exps = build_experiments(tmp_path)
    add_media(tmp_path / "brisk-lion", 40)
    app = CompareApp(exps, live=False)
    with loop_io(tmp_path) as events:
        async with app.run_test(size=(100, 30)) as pilot:
            for keys in (["space", "down", "space", "g"], ["escape", "i"], ["n", "escape", "d"]):
                for key in keys:
                    await pilot.press(key)
                await settle(pilot)
            assert type(app.screen).__name__ == "DiffScreen"
    assert events == []


async def test_report_viewer_reads_in_workers(tmp_path: Path) -> None:
    run = write_run(tmp_path / "dvclive", steps=3)
    app = ReportViewerApp(run)
    with loop_io(tmp_path) as events:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert "rendered on the fly" in str(app.screen.query_one("#report-source").render())
    assert events == []
