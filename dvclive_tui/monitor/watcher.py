"""Keeps the runs under the watched folders up to date: polling, discovery, change merging.

:class:`RunWatcher` is plain Python (no Textual): one :class:`RunReader` per dvclive
directory, polled on a schedule that scales to fleets (:mod:`~dvclive_tui.monitor.schedule`),
incremental discovery with a full re-walk at the heartbeat
(:mod:`~dvclive_tui.monitor.discovery`), and a buffer of merged :class:`Changes` that the UI
drains. The dashboard calls :meth:`RunWatcher.poll` from worker threads (every interval, or
once) and drains the changes on its event loop.

Polls never hold :attr:`RunWatcher.lock` while they do file I/O. Each reader fills its own
run; the watcher then publishes what changed into the run the UI reads
(:mod:`~dvclive_tui.monitor.mirror`) in a short critical section under the lock. The UI
reads :attr:`RunWatcher.runs` under the same lock, so it never sees a run half updated, and
a slow poll (a big fleet, a slow file system) never stalls it. Polls themselves are
serialised by a second, private lock.

A poll with many runs to read for the first time (the first load of a fleet) reads them
with several threads, the runs :meth:`RunWatcher.prefer` names first, and can report
progress while it goes on, so a dashboard shows the runs it needs first before the rest
are read.

Remote roots (``[user@]host:path``) are found in one listing of the path per discovery
(:mod:`dvclive_tui.remote.runs`); the due runs of one host are read by one thread each,
gathered so that their wants reach the host in one request per poll. A host that cannot be
reached leaves its runs as they were, with ``Run.connection`` saying so.
"""

from __future__ import annotations

import functools
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from dvclive_tui.monitor.discovery import DiscoveryStats, IncrementalDiscovery
from dvclive_tui.monitor.mirror import RunMirror, Staged
from dvclive_tui.monitor.schedule import Cadence, PollSchedule, Tier
from dvclive_tui.remote.fetch import FetchCache
from dvclive_tui.remote.host import HostClient, HostUnavailable
from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.runs import (
    RemoteRunsError,
    find_remote_runs,
    remote_key,
    remote_name,
    remote_reader,
)
from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.model import Changes, Run, RunStatus
from dvclive_writer.read.naming import relative_inside
from dvclive_writer.read.reader import RunReader

#: Seconds between re-discoveries while no run has been found yet.
EMPTY_REDISCOVERY = 1.0
PARALLEL_FROM = 8
"""Runs read for the first time in one poll (a fleet's first load, whole histories) from
which the poll reads with several threads; steady polls stay on one thread (cheaper)."""
READERS = 8
"""Most threads reading runs at once (the parser and file reads release the GIL)."""
PROGRESS_EVERY = 0.5
"""Seconds between two ``progress`` calls of a long poll."""
REMOTE_READERS = 64
"""Most threads reading remote runs at once (they wait on the network, not the CPU)."""


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
    re-walks every folder every ``heartbeat`` seconds. The runs it hands out (:attr:`runs`,
    :meth:`run_for`) are the published copies: read them under :attr:`lock`.

    Args:
        roots: dvclive directories or folders to discover them in.
        clock: Wall clock handed to the readers (tests inject a fixed one).
        heartbeat: Seconds between two full re-walks of the roots (the safety net for file
            systems whose folder mtimes lag, such as NFS).
        discover: Finds dvclive directories under a folder; when given, it is called at
            every discovery instead of the incremental walk.
        cadence: Tiers and discovery rhythm.
        monotonic: Monotonic clock for the schedule (tests inject one).
        remote: Remote folders (dvclive directories or folders to discover them in).
        pool: The connections to their hosts (needed with ``remote``).
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
        remote: Sequence[RemoteLocation] = (),
        pool: RemotePool | None = None,
    ) -> None:
        self.roots = tuple(Path(root) for root in roots)
        self.remote = tuple(remote)
        if self.remote and pool is None:
            raise ValueError("remote roots need a pool")
        self.pool = pool
        self.lock = threading.RLock()
        """Held while the published runs, the schedule or the pending changes are read or
        updated; a poll takes it only to publish (never during file I/O)."""
        self.cadence = cadence
        self.last_poll = PollStats()
        """What the latest :meth:`poll` did."""
        self._clock = clock
        self._monotonic = monotonic
        self._heartbeat = heartbeat
        self._discover = discover
        self._walkers = [IncrementalDiscovery(Path(root), clock=clock) for root in self.roots]
        self._polling = threading.Lock()
        """Serialises polls and discoveries (the readers' own state)."""
        self._readers: dict[Path, RunReader] = {}
        self._hosts: dict[Path, HostClient] = {}
        """Remote runs' keys -> their host's client."""
        self.remote_problems: dict[str, str] = {}
        """Remote root -> why it could not be searched (or not wholly) at the last
        discovery; changed under :attr:`lock`."""
        self._searches: dict[RemoteLocation, Future[_Found]] = {}
        self._closed = False
        self.fetch_cache: FetchCache | None = None
        """Local copies of remote runs' images, fetched when a view shows one."""
        self._mirrors: dict[Path, RunMirror] = {}
        self._schedule = PollSchedule(cadence)
        self._first_look: set[Path] = set()
        self._pending: dict[Path, Changes] = {}
        self._preferred: frozenset[Path] = frozenset()
        self._next_discovery = -math.inf
        self._next_full = -math.inf

    @property
    def runs(self) -> list[Run]:
        """Published runs (each read at least once) in the order they were found; read them
        under :attr:`lock`."""
        with self.lock:
            return [mirror.run for mirror in self._mirrors.values() if mirror.published]

    def close(self) -> None:
        """Delete the fetched copies of remote files (the pool is its owner's to close)."""
        self._closed = True  # no new background search (one going on ends by itself)
        if self.fetch_cache is not None:
            self.fetch_cache.close()
            self.fetch_cache = None

    def rediscover(self) -> bool:
        """Re-walk every root now, whatever the mtimes say; return whether runs were added."""
        with self._polling:
            return self._rediscover(self._monotonic(), full=True)[0]

    def prefer(self, keys: Iterable[Path]) -> None:
        """Read the runs in ``keys`` (absolute directories) first in each poll."""
        self._preferred = frozenset(keys)

    def poll(
        self,
        *,
        everything: bool = False,
        progress: Callable[[], None] | None = None,
        hot_read: Callable[[], None] | None = None,
    ) -> bool:
        """Read the due runs (all with ``everything``), discovering when due.

        Hot runs are read first, then ``hot_read`` is called (what they wrote is published
        by then: an alert on a run being written never waits for the quiet ones), then
        discovery runs when due and the other due runs are read. ``progress`` is called
        (from the polling thread) every :data:`PROGRESS_EVERY` seconds while a long poll
        goes on, after what it read so far was published. Returns whether anything changed;
        :attr:`last_poll` tells what the poll did.
        """
        with self._polling:
            started = time.perf_counter()
            now = self._monotonic()
            changed_runs = 0
            reported = started

            def read(keys: list[Path]) -> None:
                nonlocal changed_runs, reported
                preferred = self._preferred
                keys.sort(key=lambda key: key not in preferred)
                for changed_one in self._poll_all(keys, now):
                    changed_runs += changed_one
                    if progress is not None and time.perf_counter() - reported >= PROGRESS_EVERY:
                        progress()
                        reported = time.perf_counter()

            hot: list[Path] = []
            if not everything:
                with self.lock:
                    hot = [  # local runs: a host gets one request a poll, in the second part
                        key
                        for key in self._schedule.due(now)
                        if self._schedule.tier(key) is Tier.HOT
                        and key not in self._first_look
                        and key not in self._hosts
                    ]
                read(hot)
            if hot_read is not None:
                hot_read()
            changed = False
            discovery = None
            if now >= self._next_discovery:
                changed, discovery = self._rediscover(now, full=now >= self._next_full)
            with self.lock:
                due = list(self._readers) if everything else self._schedule.due(now)
            done = set(hot)
            rest = [key for key in due if key not in done]
            read(rest)
            with self.lock:
                tiers = self._schedule.counts()
            self.last_poll = PollStats(
                runs=len(self._readers),
                polled=len(hot) + len(rest),
                changed=changed_runs,
                tiers=tiers,
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
        """The published run of directory ``key`` (absolute), if known."""
        with self.lock:
            mirror = self._mirrors.get(key)
            return None if mirror is None or not mirror.published else mirror.run

    def tier(self, key: Path) -> Tier | None:
        """How often run ``key`` is polled now (``None`` for an unknown run)."""
        with self.lock:
            return self._schedule.tier(key)

    def wake(self, key: Path) -> None:
        """Poll run ``key`` at every tick again, e.g. while the user looks at it."""
        with self.lock:
            self._schedule.wake(key, self._monotonic())

    # -- internals (the polling thread, holding ``_polling``) -----------------------------

    def _poll_all(self, keys: list[Path], now: float) -> Iterator[bool]:
        """Poll ``keys`` and publish them in that order, yielding whether each changed.

        Runs are read in parallel when many are new; they are still published in order, so
        what a long poll shows before it ends is always the first runs. Remote runs are
        read meanwhile on other threads (a host that is slow to answer or to reconnect
        never holds up local runs) and published after the local ones.
        """
        remote = [key for key in keys if key in self._hosts]
        if not remote:
            yield from self._poll_local(keys, now)
            return
        with ThreadPoolExecutor(1, "dvclive-tui-remote-poll") as background:
            reading = background.submit(self._read_remote, remote)
            yield from self._poll_local([key for key in keys if key not in self._hosts], now)
            reads = reading.result()
        for key in remote:
            yield self._publish(reads[key], now)

    def _poll_local(self, keys: list[Path], now: float) -> Iterator[bool]:
        if sum(key in self._first_look for key in keys) < PARALLEL_FROM:
            for key in keys:
                yield self._publish(self._read(key), now)
            return
        with ThreadPoolExecutor(min(READERS, len(keys)), "dvclive-tui-read") as pool:
            for read in pool.map(self._read, keys):
                yield self._publish(read, now)

    def _read_remote(self, keys: list[Path]) -> dict[Path, _Read]:
        """Read remote runs, one thread each: a host gets one request for all its runs."""
        if not keys:
            return {}
        counts: dict[int, tuple[HostClient, int]] = {}
        for key in keys:
            client = self._hosts[key]
            counts[id(client)] = (client, counts.get(id(client), (client, 0))[1] + 1)
        workers = min(REMOTE_READERS, len(keys))
        for client, count in counts.values():
            client.gather(count)

        def read(key: Path) -> _Read:
            try:
                return self._read(key)
            finally:
                self._hosts[key].leave()

        with ThreadPoolExecutor(workers, "dvclive-tui-remote") as pool:
            return dict(zip(keys, pool.map(read, keys), strict=True))

    def _read(self, key: Path) -> _Read:
        """Poll one reader and stage its run (no lock: the file I/O happens here)."""
        reader = self._readers[key]
        changes = reader.poll()
        staged = self._mirrors[key].stage()
        age = None
        if key in self._first_look:
            last_write = reader.run.last_write
            age = math.inf if last_write is None else self._clock() - last_write
        return _Read(key, changes, staged, reader.run.status is RunStatus.FINISHED, age)

    def _publish(self, read: _Read, now: float) -> bool:
        """Publish a read run in a short critical section; return whether it changed."""
        key, changes = read.key, read.changes
        if key in self._first_look:
            self._first_look.discard(key)
            changes.new_run = True  # the UI hears of a run once it was read
        with self.lock:
            read.staged.publish()
            self._schedule.polled(
                key, now, changed=_data_changed(changes), finished=read.finished, age=read.age
            )
            if changes:
                merge_changes(self._pending.setdefault(key, Changes()), changes)
        return bool(changes)

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
            for path in found:  # in discovery's order (numbers in names by value)
                key = Path(os.path.abspath(path))
                if key in self._readers:
                    continue
                reader = RunReader(key, clock=self._clock, name=display_name(key, root))
                self._readers[key] = reader
                self._first_look.add(key)
                with self.lock:
                    self._mirrors[key] = RunMirror(reader.run)
                    self._schedule.add(key, now)
                added = True
        added |= self._rediscover_remote(now)
        delay = min(self.cadence.discover_every, self._heartbeat)
        self._next_discovery = now + (delay if self._readers else EMPTY_REDISCOVERY)
        if full:
            self._next_full = now + self._heartbeat
        return added, total

    def _rediscover_remote(self, now: float) -> bool:
        """Add the runs found under the remote roots (one listing each, hosts' errors and
        searches cut short kept in :attr:`remote_problems`).

        A host that failed before any of its runs is known is searched again on a thread of
        its own: reconnecting may take ssh's whole ConnectTimeout, which must not hold up the
        polls of the other runs; what it finds is added at a later poll.
        """
        pool = self.pool
        added = False
        for root in self.remote:
            assert pool is not None
            client = pool.host(root)
            found: _Found | None
            if root in self._searches:  # a search on its own thread: its result once over
                found = self._find_in_background(pool, root)
            elif not client.failing:
                found = _find_remote(pool, root)
            elif any(known is client for known in self._hosts.values()):
                continue  # its runs' polls reconnect it (off the polling thread)
            else:
                found = self._find_in_background(pool, root)
            if found is None:
                continue
            locations, partial = ([], [str(found)]) if isinstance(found, Exception) else found
            with self.lock:
                if partial:
                    self.remote_problems[str(root)] = partial[0]
                else:
                    self.remote_problems.pop(str(root), None)
            for location in locations:
                key = remote_key(location)
                if key in self._readers:
                    continue
                reader = remote_reader(pool, location, remote_name(location, root))
                self._readers[key] = reader
                self._hosts[key] = pool.host(location)
                self._first_look.add(key)
                if self.fetch_cache is None:
                    self.fetch_cache = FetchCache(pool)
                frame_path = functools.partial(self.fetch_cache.local_path, location)
                with self.lock:
                    self._mirrors[key] = RunMirror(reader.run, key, frame_path)
                    self._schedule.add(key, now)
                added = True
        return added

    def _find_in_background(self, pool: RemotePool, root: RemoteLocation) -> _Found | None:
        """The result of the background search of ``root`` once it is over (a new search is
        started when none runs); ``None`` while it goes on.

        Each search has a daemon thread: one waiting on ssh never holds up the program's
        exit, and none starts once the watcher is closed.
        """
        pending = self._searches.get(root)
        if pending is None:
            if self._closed:
                return None
            pending = self._searches[root] = Future()
            threading.Thread(
                target=_search_into,
                args=(pending, pool, root),
                name="dvclive-tui-remote-discovery",
                daemon=True,
            ).start()
            return None
        if not pending.done():
            return None
        del self._searches[root]
        return pending.result()


_Found = tuple[list[RemoteLocation], list[str]] | HostUnavailable | RemoteRunsError
"""The run folders found under a remote root and the notes on a search cut short, or why
the root could not be searched."""


def _search_into(future: Future[_Found], pool: RemotePool, root: RemoteLocation) -> None:
    try:
        future.set_result(_find_remote(pool, root))
    except Exception as error:  # told as the root's problem; searched again later
        future.set_result(HostUnavailable(f"{type(error).__name__}: {error}"))


def _find_remote(pool: RemotePool, root: RemoteLocation) -> _Found:
    partial: list[str] = []
    try:
        return find_remote_runs(pool, root, partial), partial
    except (HostUnavailable, RemoteRunsError) as problem:
        return problem


@dataclass(frozen=True)
class _Read:
    """One reader's poll, staged for publishing."""

    key: Path
    changes: Changes
    staged: Staged
    finished: bool
    age: float | None
    """Seconds since the newest write, at the run's first look (else ``None``)."""


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
