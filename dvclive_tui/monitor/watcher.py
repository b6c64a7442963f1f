"""Keeps the runs under the watched folders up to date: polling, discovery, change merging.

:class:`RunWatcher` is plain Python (no Textual): one :class:`RunReader` per dvclive
directory, a heartbeat that re-discovers runs, and a buffer of merged :class:`Changes`
that the UI drains. :class:`PollerThread` calls :meth:`RunWatcher.poll` every interval
from a daemon thread and calls ``notify()`` (which posts a ``can_replace`` message to the
App) when something changed. Every access to the run model goes through
:attr:`RunWatcher.lock`, so the UI never reads a run while the poller mutates it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from dvclive_writer.read.discovery import discover_runs
from dvclive_writer.read.model import Changes, Run
from dvclive_writer.read.naming import relative_inside
from dvclive_writer.read.reader import RunReader

#: Seconds between re-discoveries while no run has been found yet.
EMPTY_REDISCOVERY = 1.0


def merge_changes(into: Changes, other: Changes) -> None:
    """Fold ``other`` into ``into`` (what two successive polls changed together)."""
    for name, count in other.new_points.items():
        into.new_points[name] = into.new_points.get(name, 0) + count
    into.reset_metrics |= other.reset_metrics
    into.removed_metrics |= other.removed_metrics
    into.summary |= other.summary
    into.params |= other.params
    into.images |= other.images
    into.plots |= other.plots
    into.status |= other.status
    into.warnings |= other.warnings
    into.new_run |= other.new_run


def display_name(run_path: Path, root: Path) -> str:
    """Name a run by its path relative to the current folder, else relative to ``root``.

    Never an absolute path, so screens (and snapshots) do not depend on where data lives.
    """
    here = relative_inside(run_path)
    if here is not None:
        return here if here != "." else run_path.resolve().name
    below_root = relative_inside(run_path, root)
    if below_root is not None:
        return below_root if below_root != "." else root.resolve().name
    return run_path.name


class RunWatcher:
    """The runs found under some folders, kept current by :meth:`poll`.

    Args:
        roots: dvclive directories or folders to discover them in.
        clock: Wall clock handed to the readers (tests inject a fixed one).
        heartbeat: Seconds between re-discoveries once a run is known.
        discover: Finds dvclive directories under a folder.
    """

    def __init__(
        self,
        roots: Sequence[Path],
        *,
        clock: Callable[[], float] = time.time,
        heartbeat: float = 15.0,
        discover: Callable[[Path], Iterable[Path]] = discover_runs,
    ) -> None:
        self.roots = tuple(roots)
        self.lock = threading.RLock()
        """Held while the model is read or mutated."""
        self._clock = clock
        self._heartbeat = heartbeat
        self._discover = discover
        self._readers: dict[Path, RunReader] = {}
        self._pending: dict[Path, Changes] = {}
        self._next_discovery = 0.0

    @property
    def runs(self) -> list[Run]:
        """Known runs in the order they were found (their colour order)."""
        return [reader.run for reader in self._readers.values()]

    def rediscover(self) -> bool:
        """Look for new dvclive directories under the roots; return whether any was added."""
        added = False
        for root in self.roots:
            try:
                found = list(self._discover(root))
            except OSError:
                found = []
            for path in sorted(found):
                key = Path(os.path.abspath(path))
                if key in self._readers:
                    continue
                self._readers[key] = RunReader(key, clock=self._clock, name=display_name(key, root))
                self._pending.setdefault(key, Changes()).new_run = True
                added = True
        delay = self._heartbeat if self._readers else EMPTY_REDISCOVERY
        self._next_discovery = time.monotonic() + delay
        return added

    def poll(self) -> bool:
        """Poll every run once (re-discovering when due); return whether anything changed."""
        with self.lock:
            changed = False
            if time.monotonic() >= self._next_discovery:
                changed = self.rediscover()
            for key, reader in self._readers.items():
                changes = reader.poll()
                if changes:
                    merge_changes(self._pending.setdefault(key, Changes()), changes)
                    changed = True
            return changed

    def take_changes(self) -> dict[Path, Changes]:
        """Return and forget what changed since the previous call, per run directory."""
        with self.lock:
            pending, self._pending = self._pending, {}
            return pending

    def run_for(self, key: Path) -> Run | None:
        """The run read from directory ``key`` (absolute), if known."""
        reader = self._readers.get(key)
        return None if reader is None else reader.run


class PollerThread(threading.Thread):
    """Polls a :class:`RunWatcher` every ``interval`` seconds until :meth:`stop`.

    Args:
        watcher: What to poll.
        interval: Seconds between two polls.
        notify: Called (from this thread) after a poll that changed something.
        on_error: Called (from this thread) with the exception of a failed poll.
    """

    def __init__(
        self,
        watcher: RunWatcher,
        interval: float,
        notify: Callable[[], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        super().__init__(name="dvclive-tui-poller", daemon=True)
        self._watcher = watcher
        self._interval = interval
        self._notify = notify
        self._on_error = on_error
        self._stopped = threading.Event()

    def run(self) -> None:
        """Poll at once, then every interval until stopped; a failed poll is retried."""
        while not self._stopped.is_set():
            started = time.monotonic()
            try:
                changed = self._watcher.poll()
            except Exception as error:  # the next tick retries; never kill the dashboard
                if self._on_error is not None:
                    self._on_error(error)
            else:
                if changed:
                    self._notify()
            spent = time.monotonic() - started
            # Keep the cadence, but always rest a little so slow polls cannot spin a core.
            self._stopped.wait(max(self._interval / 4, self._interval - spent))

    def stop(self) -> None:
        """Ask the thread to finish after the current poll."""
        self._stopped.set()
