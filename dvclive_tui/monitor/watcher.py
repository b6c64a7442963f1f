"""Keeps the runs under the watched folders up to date: polling, discovery, change merging.

:class:`RunWatcher` is plain Python (no Textual): one :class:`RunReader` per dvclive
directory, polled on a schedule that scales to fleets (:mod:`~dvclive_tui.monitor.schedule`),
incremental discovery with a full re-walk at the heartbeat
(:mod:`~dvclive_tui.monitor.discovery`), and a buffer of merged :class:`Changes` that the UI
drains. The dashboard calls :meth:`RunWatcher.poll` from worker threads (every interval, or
once) and drains the changes on its event loop. Every access to the run model goes through
:attr:`RunWatcher.lock`, so the UI never reads a run while a poll mutates it.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dvclive_tui.monitor.discovery import DiscoveryStats, IncrementalDiscovery
from dvclive_tui.monitor.schedule import Cadence, PollSchedule, Tier
from dvclive_writer.read.model import Changes, Run, RunStatus
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


@dataclass(frozen=True)
class PollStats:
    """What one :meth:`RunWatcher.poll` did."""

    runs: int = 0
    """Runs known after the poll."""
    polled: int = 0
    """Runs read by this poll."""
    changed: int = 0
    """Runs in which the poll found something new."""
    tiers: Mapping[Tier, int] = field(default_factory=dict)
    """How many runs are in each tier after the poll."""
    discovery: DiscoveryStats | None = None
    """The discovery pass made by this poll, if any."""
    seconds: float = 0.0
    """Wall time the poll took."""


class RunWatcher:
    """The runs found under some folders, kept current by :meth:`poll`.

    Each :meth:`poll` reads the runs that :class:`~dvclive_tui.monitor.schedule.PollSchedule`
    says are due (hot runs every time, cold and finished ones rarely; see
    :mod:`~dvclive_tui.monitor.schedule` for the bound on how late a cold run's new write
    is seen), finds new runs incrementally every ``cadence.discover_every`` seconds and
    re-walks every folder every ``heartbeat`` seconds. Everything it does to the model
    happens under :attr:`lock`.

    Args:
        roots: dvclive directories or folders to discover them in.
        clock: Wall clock handed to the readers (tests inject a fixed one).
        heartbeat: Seconds between two full re-walks of the roots (the safety net for file
            systems whose folder mtimes lag, such as NFS).
        discover: Finds dvclive directories under a folder; when given, it is called at
            every discovery instead of the incremental walk.
        cadence: Tiers and discovery rhythm.
        monotonic: Monotonic clock for the schedule (tests inject one).
    """

    def __init__(
        self,
        roots: Sequence[Path],
        *,
        clock: Callable[[], float] = time.time,
        heartbeat: float = 15.0,
        discover: Callable[[Path], Iterable[Path]] | None = None,
        cadence: Cadence = Cadence(),  # noqa: B008 - frozen, shared safely
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.roots = tuple(Path(root) for root in roots)
        self.lock = threading.RLock()
        """Held while the model is read or mutated."""
        self.cadence = cadence
        self.last_poll = PollStats()
        """What the latest :meth:`poll` did."""
        self._clock = clock
        self._monotonic = monotonic
        self._heartbeat = heartbeat
        self._discover = discover
        self._walkers = [IncrementalDiscovery(Path(root), clock=clock) for root in self.roots]
        self._readers: dict[Path, RunReader] = {}
        self._schedule = PollSchedule(cadence)
        self._first_look: set[Path] = set()
        self._pending: dict[Path, Changes] = {}
        self._next_discovery = -math.inf
        self._next_full = -math.inf

    @property
    def runs(self) -> list[Run]:
        """Known runs in the order they were found (their colour order)."""
        return [reader.run for reader in self._readers.values()]

    def rediscover(self) -> bool:
        """Re-walk every root now, whatever the mtimes say; return whether runs were added."""
        with self.lock:
            return self._rediscover(self._monotonic(), full=True)[0]

    def poll(self, *, everything: bool = False) -> bool:
        """Read the due runs (all with ``everything``), discovering when due.

        Returns whether anything changed; :attr:`last_poll` tells what the poll did.
        """
        with self.lock:
            started = time.perf_counter()
            now = self._monotonic()
            changed = False
            discovery = None
            if now >= self._next_discovery:
                changed, discovery = self._rediscover(now, full=now >= self._next_full)
            keys = list(self._readers) if everything else self._schedule.due(now)
            changed_runs = 0
            for key in keys:
                if self._poll_one(key, now):
                    changed_runs += 1
            self.last_poll = PollStats(
                runs=len(self._readers),
                polled=len(keys),
                changed=changed_runs,
                tiers=self._schedule.counts(),
                discovery=discovery,
                seconds=time.perf_counter() - started,
            )
            return changed or changed_runs > 0

    def take_changes(self) -> dict[Path, Changes]:
        """Return and forget what changed since the previous call, per run directory."""
        with self.lock:
            pending, self._pending = self._pending, {}
            return pending

    def run_for(self, key: Path) -> Run | None:
        """The run read from directory ``key`` (absolute), if known."""
        reader = self._readers.get(key)
        return None if reader is None else reader.run

    def tier(self, key: Path) -> Tier | None:
        """How often run ``key`` is polled now (``None`` for an unknown run)."""
        with self.lock:
            return self._schedule.tier(key)

    def wake(self, key: Path) -> None:
        """Poll run ``key`` at every tick again, e.g. while the user looks at it."""
        with self.lock:
            self._schedule.wake(key, self._monotonic())

    # -- internals ----------------------------------------------------------------------

    def _poll_one(self, key: Path, now: float) -> bool:
        reader = self._readers[key]
        changes = reader.poll()
        first = key in self._first_look
        age = None
        if first:
            self._first_look.discard(key)
            last_write = reader.run.last_write
            age = math.inf if last_write is None else self._clock() - last_write
        self._schedule.polled(
            key,
            now,
            changed=_data_changed(changes),
            finished=reader.run.status is RunStatus.FINISHED,
            age=age,
        )
        if changes:
            merge_changes(self._pending.setdefault(key, Changes()), changes)
            return True
        return False

    def _rediscover(self, now: float, *, full: bool) -> tuple[bool, DiscoveryStats]:
        """Add the runs found under the roots: whether any was added, and what it cost."""
        added = False
        full = full or not self._readers
        total = DiscoveryStats(full=full)
        for root, walker in zip(self.roots, self._walkers, strict=True):
            try:
                if self._discover is not None:
                    found = list(self._discover(root))
                else:
                    found = walker.scan(full=full)
                    total.add(walker.last)
            except OSError:
                found = []
            for path in sorted(found):
                key = Path(os.path.abspath(path))
                if key in self._readers:
                    continue
                self._readers[key] = RunReader(key, clock=self._clock, name=display_name(key, root))
                self._schedule.add(key, now)
                self._first_look.add(key)
                self._pending.setdefault(key, Changes()).new_run = True
                added = True
        delay = min(self.cadence.discover_every, self._heartbeat)
        self._next_discovery = now + (delay if self._readers else EMPTY_REDISCOVERY)
        if full:
            self._next_full = now + self._heartbeat
        return added, total


def _data_changed(changes: Changes) -> bool:
    """New data, as opposed to a new status or warning (which say nothing about writes)."""
    return bool(
        changes.new_points
        or changes.reset_metrics
        or changes.removed_metrics
        or changes.summary
        or changes.params
        or changes.images
        or changes.plots
        or changes.new_run
    )
