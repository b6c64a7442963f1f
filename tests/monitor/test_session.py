"""Sessions: save/restore round trips, tolerant reading, atomic writes, debounced saves."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from dvclive_tui.monitor.session import (
    SESSION_VERSION,
    SessionSaver,
    SessionState,
    SessionStore,
    session_key,
    state_home,
)
from tests.data.conftest import FakeClock


def full_state() -> SessionState:
    return SessionState(
        tab="runs",
        charts_per_page=6,
        page=2,
        metric_list=False,
        metric_filter="loss",
        run_filter="lr >= 0.01",
        sort_by="eval/loss",
        sort_descending=True,
        group_by="optimizer",
        columns=["eval/loss", "params.lr"],
        selected=["/r/a", "/r/b"],
        hidden=["/r/c"],
        pinned=["/r/a"],
        starred=["/r/b"],
        cursor_run="/r/b",
        smoothing=0.6,
        log_y=True,
        x_axis="relative",
        follow=False,
        zoom={"train/loss": [10.0, 200.0]},
        cursors={"train/loss": 42},
        focused_chart="train/loss",
    )


def test_round_trip_and_key(tmp_path: Path) -> None:
    store = SessionStore([tmp_path / "b", tmp_path / "a"], root=tmp_path / "state")
    assert store.load() is None
    store.save(full_state())
    assert (
        SessionStore([tmp_path / "a", tmp_path / "b"], root=tmp_path / "state").load()
        == full_state()
    )
    assert session_key(["a", "./b"]) == session_key([os.path.abspath("b"), "a"])
    assert session_key(["a"]) != session_key(["b"])
    document = json.loads(store.path.read_text())
    assert document["version"] == SESSION_VERSION
    assert document["paths"] == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert store.path.parent == tmp_path / "state" / "dvclive-tui" / "sessions"
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    assert [path.name for path in store.path.parent.iterdir()] == [store.path.name]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a dvclive-tui session"),
        (b'{"version": "1", "state": {}}', "no valid version"),
        (b'{"version": 99, "state": {}}', "newer dvclive-tui (v99)"),
        (b"\xff\xfe", "not valid JSON"),
    ],
)
def test_unusable_files_are_ignored_with_one_warning(
    tmp_path: Path, content: bytes, why: str
) -> None:
    store = SessionStore([tmp_path], root=tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    warnings: list[str] = []
    assert store.load(warn=warnings.append) is None
    [warning] = warnings
    assert why in warning and warning.startswith("session ignored:")
    store.save(SessionState(tab="plots"))
    assert store.load() == SessionState(tab="plots")


def test_odd_fields_keep_their_defaults(tmp_path: Path) -> None:
    store = SessionStore([tmp_path], root=tmp_path)
    store.path.parent.mkdir(parents=True)
    state = {"tab": 3, "smoothing": 2, "log_y": "yes", "hidden": ["a", 1], "zoom": {"x": "y"},
             "future_field": 1, "charts_per_page": 9}  # fmt: skip
    store.path.write_text(json.dumps({"version": 1, "state": state}))
    assert store.load() == SessionState(smoothing=2, charts_per_page=9)


def test_state_home_follows_xdg() -> None:
    assert state_home({"XDG_STATE_HOME": "/x/state", "HOME": "/h"}) == Path("/x/state")
    assert state_home({"XDG_STATE_HOME": "relative", "HOME": "/h"}) == Path("/h/.local/state")
    assert state_home({"HOME": "/h"}) == Path("/h/.local/state")


def test_saves_are_debounced_within_two_seconds(tmp_path: Path) -> None:
    clock = FakeClock(0.0)
    store = SessionStore([tmp_path], root=tmp_path)
    saver = SessionSaver(store, delay=1.0, clock=clock)
    assert not saver.tick()
    for step in range(12):  # a change every 0.25 s for 3 s
        saver.changed(SessionState(page=step))
        clock.advance(0.25)
        saver.tick()
    assert saver.saves == 3, "saved once per delay while changes keep coming"
    assert store.load() == SessionState(page=11)
    saver.changed(SessionState(page=99))
    assert not saver.tick()
    saver.close()
    assert store.load() == SessionState(page=99) and saver.saves == 4


def test_a_failed_save_warns_once(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    warnings: list[str] = []
    saver = SessionSaver(SessionStore([tmp_path], root=blocker), warn=warnings.append)
    for page in range(3):
        saver.changed(SessionState(page=page))
        assert not saver.flush()
    assert len(warnings) == 1 and warnings[0].startswith("cannot save the session")


def test_the_saver_thread_saves_on_its_own(tmp_path: Path) -> None:
    store = SessionStore([tmp_path], root=tmp_path)
    saver = SessionSaver(store, delay=0.05)
    saver.start()
    saver.changed(SessionState(tab="images"))
    try:
        for _ in range(400):
            if store.load() is not None:
                break
            time.sleep(0.01)
    finally:
        saver.close()
    assert store.load() == SessionState(tab="images")
