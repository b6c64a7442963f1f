"""``watch --headless``: poll, evaluate the alert rules, hand each event out; no screen.

:class:`HeadlessMonitor` ties a :class:`~dvclive_tui.monitor.watcher.RunWatcher` to an
:class:`~dvclive_tui.monitor.engine.AlertEngine` and calls every sink (the JSON printer, the
``--on-alert`` command) with each event. :meth:`HeadlessMonitor.step` is one poll (tests
drive it with injected clocks); :meth:`HeadlessMonitor.run` loops until a stop event is set,
which :func:`stop_on_signals` does on SIGINT and SIGTERM.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from dvclive_tui.monitor.engine import AlertEngine, unknown_names
from dvclive_tui.monitor.events import Event
from dvclive_tui.monitor.remote_notes import ProblemNotes
from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_tui.text import sanitize

Sink = Callable[[Event], None]
WAKE_LATE = 0.005
"""Seconds a sleeping thread may wake after its time (kept free in each step's period)."""


class JsonLines:
    """Writes each event as one JSON line and flushes (a pipe sees it at once)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __call__(self, event: Event) -> None:
        self._stream.write(event.to_json() + "\n")
        self._stream.flush()


class HeadlessMonitor:
    """Polls ``watcher`` and hands the events of ``engine`` to ``sinks``.

    Args:
        watcher: The runs to poll.
        engine: The rules.
        sinks: Called with each event, in order.
        warn: Reports problems (a failed poll, a rule naming nothing known) in one line.
        skip_existing: Take each run's state at its first look as known (as the TUI does)
            instead of reporting what already holds.
    """

    def __init__(
        self,
        watcher: RunWatcher,
        engine: AlertEngine,
        sinks: Sequence[Sink],
        *,
        warn: Callable[[str], None],
        skip_existing: bool = False,
    ) -> None:
        self.watcher = watcher
        self.engine = engine
        self.sinks = list(sinks)
        self._warn = warn
        self._skip_existing = skip_existing
        self._last_error: str | None = None
        self._unknown_checked = False
        self._remote_notes = ProblemNotes()
        self.hot_seconds: float | None = None
        """How long the last step took to read and judge the runs being written."""

    def step(self) -> list[Event]:
        """Poll once and hand out the events; return them.

        The events of the runs being written are handed out as soon as those are read,
        before the quiet runs and discovery (see :meth:`RunWatcher.poll`).
        """
        events: list[Event] = []
        self.hot_seconds = None
        started = time.monotonic()
        sink_failure: list[BaseException] = []

        def hand_out_hot() -> None:
            try:
                events.extend(self._hand_out())
            except BaseException as error:  # a sink's (a closed pipe): raised after the poll
                sink_failure.append(error)
            self.hot_seconds = time.monotonic() - started

        try:
            self.watcher.poll(hot_read=hand_out_hot)
        except Exception as error:  # a poll that fails is retried at the next tick
            if sink_failure:
                raise sink_failure[0] from None
            message = sanitize(f"{type(error).__name__}: {error}").splitlines()[0]
            if message != self._last_error:
                self._warn(f"poll failed: {message}")
            self._last_error = message
            return events
        if sink_failure:
            raise sink_failure[0]
        self._last_error = None
        with self.watcher.lock:
            problems = self._remote_notes.news(self.watcher.remote_problems)
        for problem in problems:
            self._warn(problem)
        return events + self._hand_out()

    def _hand_out(self) -> list[Event]:
        """Judge what changed since the last call and hand the events to the sinks."""
        changes = self.watcher.take_changes()
        with self.watcher.lock:
            runs = self.watcher.runs
            if self._skip_existing:
                fresh = [run for run in runs if run.path in changes and changes[run.path].new_run]
                self.engine.prime(fresh)
                primed = {id(run) for run in fresh}
                runs = [run for run in runs if id(run) not in primed]
            events = self.engine.observe(runs, changes)
            if not self._unknown_checked and self.watcher.runs:
                self._unknown_checked = True
                for rule, names in unknown_names(self.engine.rules, self.watcher.runs):
                    shown = ", ".join(repr(sanitize(name)) for name in names)
                    self._warn(f"rule {sanitize(rule.text)!r}: no run has {shown} yet")
        for event in events:
            for sink in self.sinks:
                sink(event)
        return events

    def run(self, interval: float, stop: threading.Event) -> None:
        """Call :meth:`step` until ``stop`` is set, so that a row is reported within
        ``interval`` seconds of reaching the disk.

        A row written just after its file was read is read at the next step, then judged:
        steps start ``interval`` minus the time reading and judging the written runs took
        (the most of the last few steps, plus how late a timer may wake; at most a
        quarter interval) apart.
        """
        recent: deque[float] = deque(maxlen=8)
        while not stop.is_set():
            started = time.monotonic()
            self.step()
            spent = time.monotonic() - started
            recent.append(spent if self.hot_seconds is None else self.hot_seconds)
            period = interval - min(max(recent) + WAKE_LATE, interval / 4)
            stop.wait(max(interval / 4, period - spent))


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGINT and SIGTERM while inside the block (main thread only)."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
