"""One host: its agent session, what the agent holds, and reconnection with back-off.

The agent keeps, per file, the path, the last stat key it reported and the offset; this
side mirrors that state, so a steady poll is one short line (``P <seq>``) and an idle
reply a few bytes. Before each request the mirror is compared with what the reader wants
(offset, known stat) and only differences are sent. A lost session is restarted (and the
master with it) after a growing pause; until then :meth:`HostClient.exchange` raises
:class:`HostUnavailable` at once, with the status line to show.

Threads that poll runs of the same host together (:meth:`HostClient.gather`) have their
requests sent as one: the first request waits until every gathered thread has asked (or
:data:`GATHER_S` passed), then one exchange answers them all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.script import (
    DISCOVERY_CAP,
    TIME_LIMIT_S,
    command,
    discovery_limit,
    encode,
    quote_root,
)
from dvclive_tui.remote.session import AgentSession, SessionLost
from dvclive_tui.remote.ssh import SshError, SshRunner, SshSettings
from dvclive_tui.remote.wire import (
    FileRecords,
    ListingRecord,
    Reply,
    WireError,
    parse_key,
    read_reply,
    stat_key,
)
from dvclive_writer.read.files import too_large
from dvclive_writer.read.listing import Listing
from dvclive_writer.read.tail import HEAD_BYTES
from dvclive_writer.read.transport import Got, TransportUnavailable, Want

LISTING_INTERVAL_S = 1.0
"""A root is listed at most this often; in between its last listing is returned."""
CLOSE_WAIT_S = 2.0
"""Longest wait of :meth:`HostClient.close` for the request or connection in progress."""
LISTED_ENTRIES_PER_S = 1000
"""A root of more entries is listed less often (one second per this many entries, at most
:data:`LISTING_MAX_INTERVAL_S`): a listing is sent whole whenever one entry changed (about
70 bytes an entry), so a run that adds an image at every step over thousands of them would
otherwise send its whole tree every second."""
LISTING_MAX_INTERVAL_S = 10.0
"""Longest time between two listings of a root (a new file is found within it)."""
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
"""Pauses before the 1st, 2nd, ... reconnection attempt (the last one repeats)."""
GATHER_S = 0.05
"""Longest wait of a gathered thread's request for the others' (see :meth:`HostClient.gather`)."""
_MODES = {"tail": "t", "whole": "w", "head": "h", "stat": "s"}


class HostUnavailable(TransportUnavailable):
    """The host cannot be reached now; the message is the status line to show."""


@dataclass(frozen=True)
class RootRequest:
    """What one poll wants from one root (a run folder) on the host."""

    root: str
    wants: Sequence[Want] = ()
    listing: bool = False
    """Include the root's listing (a fresh one at most every :func:`listing_interval`)."""
    discovery: bool = False
    """Include what discovery looks at under the root instead (always fresh; see
    :func:`~dvclive_tui.remote.script.seek_operands`)."""


@dataclass(frozen=True)
class RootAnswer:
    """The answer for one :class:`RootRequest`."""

    root: str
    gots: list[Got]
    listing: Listing | None = None
    listing_error: str | None = None
    """Why the root could not be listed (``no such directory``...)."""
    listing_note: str | None = None
    """Discovery: why the listing is partial (its cap, its time limit)."""
    timed_out: bool = False
    """Discovery: the listing ran out of time."""


@dataclass
class _Slot:
    """One thread's requests waiting to be sent with the others'."""

    requests: Sequence[RootRequest]
    answers: list[RootAnswer] | None = None
    error: HostUnavailable | None = None
    done: bool = False


@dataclass
class _File:
    """The agent's state of one registered file, as this side knows it."""

    id: int
    mode: str
    back: int
    cap: int
    key: str = "-"
    offset: int = 0
    head: bytes = b""


@dataclass
class _Mirror:
    """Everything registered in the current agent session."""

    roots: dict[str, int] = field(default_factory=dict)
    files: dict[tuple[int, str, int], _File] = field(default_factory=dict)
    """``(root id, rel, n)`` -> file: ``n`` tells apart wants of the same file in a batch."""
    polled: tuple[int, ...] = ()
    next_id: int = 1


class HostClient:
    """Polls of one host through one agent session (thread-safe, one request at a time)."""

    def __init__(
        self,
        location: RemoteLocation,
        settings: SshSettings | None = None,
        *,
        time_limit_s: int = TIME_LIMIT_S,
        discovery_cap: int = DISCOVERY_CAP,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.location = location
        self.time_limit_s = time_limit_s
        """Seconds a request may run on the host before the agent's session is ended."""
        self.discovery_cap = discovery_cap
        """Most entries a discovery listing sends."""
        self.runner = SshRunner(location, settings)
        self.status: str | None = "connecting…"
        """One line for the views: ``None`` while connected."""
        self._clock = clock
        self._lock = threading.Lock()
        self._session: AgentSession | None = None
        self._mirror = _Mirror()
        self._seq = 0
        self._failures = 0
        self._retry_at = 0.0
        self._connected_once = False
        self._listed: dict[str, tuple[float, Listing]] = {}
        self._force_listing: set[str] = set()
        self.clock_offset = 0.0
        """The host's clock minus this machine's (seconds, from the agent's greeting)."""
        self._gathering = threading.Condition()
        self._queue: list[_Slot] = []
        self._gathered = 0
        self._asking = 0
        self._sending = False

    @property
    def failing(self) -> bool:
        """Whether the last connection attempt failed (reconnection pending)."""
        return self._failures > 0

    @property
    def name(self) -> str:
        """``[user@]host`` as shown in messages."""
        return self.location.destination

    def connect(self, *, interactive: bool = False) -> None:
        """Connect now (``interactive``: ssh may prompt on the terminal, before a UI)."""
        with self._lock:
            self._connect(interactive=interactive)

    def remote_time(self) -> float:
        """Now on the host's clock (epoch seconds): file times there compare with it."""
        return time.time() + self.clock_offset

    def gather(self, count: int) -> None:
        """``count`` threads are about to poll this host: their requests go out together
        (each calls :meth:`leave` when its poll is over)."""
        with self._gathering:
            self._gathered += count

    def leave(self) -> None:
        """A gathered thread's poll is over."""
        with self._gathering:
            self._gathered -= 1
            self._gathering.notify_all()

    def exchange(self, requests: Sequence[RootRequest]) -> list[RootAnswer]:
        """The answers to ``requests``, sent with the other gathered threads' in one
        exchange; raises :class:`HostUnavailable`."""
        slot = _Slot(requests)
        gathering = self._gathering
        with gathering:
            self._queue.append(slot)
            self._asking += 1
            gathering.notify_all()
            deadline = time.monotonic() + GATHER_S
            batch: list[_Slot] = []
            while not slot.done:
                everyone = self._asking >= self._gathered
                late = time.monotonic() >= deadline
                if not self._sending and self._queue and (everyone or late):
                    batch, self._queue = self._queue, []
                    self._sending = True
                    break
                gathering.wait(max(0.001, deadline - time.monotonic()) if not late else 0.05)
        if batch:
            self._send_batch(batch)
        if slot.error is not None:
            raise HostUnavailable(str(slot.error))
        assert slot.answers is not None
        return slot.answers

    def _send_batch(self, batch: list[_Slot]) -> None:
        merged = [request for slot in batch for request in slot.requests]
        answers: list[RootAnswer] = []
        error: HostUnavailable | None = None
        try:
            answers = self._exchange(merged)
        except HostUnavailable as lost:
            error = lost
        finally:
            with self._gathering:
                start = 0
                for slot in batch:
                    count = len(slot.requests)
                    if error is None and len(answers) >= start + count:
                        slot.answers = answers[start : start + count]
                    else:
                        slot.error = error or HostUnavailable(self.status or "request failed")
                    start += count
                    slot.done = True
                    self._asking -= 1
                self._sending = False
                self._gathering.notify_all()

    def _exchange(self, requests: Sequence[RootRequest]) -> list[RootAnswer]:
        """One batched request for every root; raises :class:`HostUnavailable`."""
        with self._lock:
            if self._session is None or not self._session.alive:
                if self._clock() < self._retry_at:
                    raise HostUnavailable(self.status or "reconnecting…")
                self._connect(interactive=False)
            session = self._session
            assert session is not None
            listed = self._due_listings(requests)
            payload, plan = self._build(requests, listed)
            try:
                stream = session.request(payload)
                reply = read_reply(stream, self._seq, session.hello.flavour)
                return self._answers(requests, plan, reply, listed)
            except (SessionLost, WireError) as exc:
                self._lost(session.failure(str(exc)))
                raise HostUnavailable(self.status or "reconnecting…") from None

    def close(self, *, stop_master: bool = False) -> None:
        """End the session; ``stop_master`` also ends the shared connection now.

        Waits at most :data:`CLOSE_WAIT_S` for a request or connection attempt that holds the
        client (a host that does not answer keeps it for ssh's ConnectTimeout): quitting never
        hangs on it, and a master it starts ends by itself after ``ControlPersist``.
        """
        if not self._lock.acquire(timeout=CLOSE_WAIT_S):
            return
        try:
            if self._session is not None:
                self._session.close()
                self._session = None
            if stop_master:
                self.runner.stop_master()
        finally:
            self._lock.release()

    # -- connection -------------------------------------------------------------------

    def _connect(self, *, interactive: bool) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
        session = AgentSession(
            self.runner, time_limit_s=self.time_limit_s, discovery_cap=self.discovery_cap
        )
        try:
            if self.runner.master_pid() is None:
                self.runner.start_master(interactive=interactive)
            try:
                session.start()
            except SshError:
                # A master that answers its socket may sit on a dead link: start afresh.
                self.runner.stop_master()
                self.runner.start_master(interactive=interactive)
                session = AgentSession(
                    self.runner, time_limit_s=self.time_limit_s, discovery_cap=self.discovery_cap
                )
                session.start()
        except SshError as exc:
            self._failed(str(exc))
            raise HostUnavailable(self.status or str(exc)) from None
        self._session = session
        if session.hello.clock is not None:
            self.clock_offset = session.hello.clock - time.time()
        self._mirror = _Mirror()
        self._listed.clear()
        self._failures = 0
        self._connected_once = True
        self.status = None

    def _failed(self, reason: str) -> None:
        pause = BACKOFF_S[min(self._failures, len(BACKOFF_S) - 1)]
        self._failures += 1
        self._retry_at = self._clock() + pause
        prefix = "reconnecting…" if self._connected_once else "cannot connect:"
        self.status = f"{self.name}: {prefix} {reason} (retry in {pause:g} s)"

    def _lost(self, reason: str) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
        self._failures = 0
        self._failed(reason)
        self._retry_at = self._clock()  # the first reconnection is tried at once

    # -- requests ---------------------------------------------------------------------

    def _due_listings(self, requests: Sequence[RootRequest]) -> set[str]:
        now = self._clock()
        due = set()
        for request in requests:
            if not request.listing:
                continue
            last = self._listed.get(request.root)
            if last is None or now - last[0] >= listing_interval(last[1]):
                due.add(request.root)
        return due

    def _build(
        self, requests: Sequence[RootRequest], listed: set[str]
    ) -> tuple[bytes, list[list[_File]]]:
        mirror = self._mirror
        lines: list[str] = []
        plan: list[list[_File]] = []
        polled: list[int] = []
        seen: dict[tuple[int, str], int] = {}
        for request in requests:
            rid = mirror.roots.get(request.root)
            if rid is None:
                rid = mirror.roots[request.root] = len(mirror.roots)
                lines.append(f"r {rid} {quote_root(request.root)}\n")
            entries = []
            for want in request.wants:
                nth = seen[rid, want.rel] = seen.get((rid, want.rel), -1) + 1
                entry = self._entry((rid, want.rel, nth), want, lines)
                entries.append(entry)
                if entry.id not in polled:
                    polled.append(entry.id)
            plan.append(entries)
        if tuple(polled) != mirror.polled:
            lines.append(command("q", *polled))
            mirror.polled = tuple(polled)
        targets = []
        for root in sorted(listed, key=lambda r: mirror.roots[r]):
            forced = root in self._force_listing or root not in self._listed
            targets.append(f"{mirror.roots[root]}{'!' if forced else ''}")
        for request in requests:
            target = f"{mirror.roots[request.root]}?"
            if request.discovery and target not in targets:
                targets.append(target)
        self._seq += 1
        lines.append(" ".join(["P", str(self._seq), *targets]) + "\n")
        return encode(lines), plan

    def _entry(self, key: tuple[int, str, int], want: Want, lines: list[str]) -> _File:
        mirror = self._mirror
        mode = _MODES[want.mode]
        entry = mirror.files.get(key)
        if entry is None:
            entry = _File(mirror.next_id, mode, want.back, want.cap)
            mirror.next_id += 1
            mirror.files[key] = entry
            rel = want.rel or "."
            lines.append(command("a", entry.id, key[0], rel, mode, want.back, want.cap, _up(rel)))
        elif (entry.mode, entry.back, entry.cap) != (mode, want.back, want.cap):
            entry.mode, entry.back, entry.cap = mode, want.back, want.cap
            lines.append(command("m", entry.id, mode, want.back, want.cap))
        known = stat_key(want.known)
        if known != entry.key:
            entry.key = known
            lines.append(command("k", entry.id, known))
        if mode == "t" and want.offset != entry.offset:
            entry.offset = want.offset
            lines.append(command("o", entry.id, want.offset))
        return entry

    # -- answers ----------------------------------------------------------------------

    def _answers(
        self,
        requests: Sequence[RootRequest],
        plan: list[list[_File]],
        reply: Reply,
        listed: set[str],
    ) -> list[RootAnswer]:
        before = {entry.id: (entry.key, entry.offset) for entries in plan for entry in entries}
        for entries in plan:
            for entry in entries:
                records = reply.files.get(entry.id)
                if records is not None and not records.dropped:
                    self._apply(entry, records)
        answers = []
        for request, entries in zip(requests, plan, strict=True):
            gots = [
                self._got(want, entry, reply.files.get(entry.id), before[entry.id])
                for want, entry in zip(request.wants, entries, strict=True)
            ]
            if request.discovery:
                answers.append(self._discovered(request.root, gots, reply))
                continue
            listing, listing_error = None, None
            if request.listing:
                listing, listing_error = self._listing(request.root, reply, listed)
            answers.append(RootAnswer(request.root, gots, listing, listing_error))
        return answers

    def _discovered(self, root: str, gots: list[Got], reply: Reply) -> RootAnswer:
        record = reply.discoveries.get(self._mirror.roots[root])
        if record is None or record.listing is None:
            raise WireError(f"no discovery listing of {root!r} in the reply")
        if record.error is not None:
            return RootAnswer(root, gots, Listing(), record.error)
        note = None
        if record.timed_out:
            limit = discovery_limit(self.time_limit_s)
            note = f"listing took longer than {limit} s: the rest not searched"
        elif record.entries > self.discovery_cap:
            note = f"more than {self.discovery_cap:,} entries: the rest not searched"
        return RootAnswer(root, gots, record.listing, listing_note=note, timed_out=record.timed_out)

    @staticmethod
    def _apply(entry: _File, records: FileRecords) -> None:
        if records.key is not None:
            entry.key = records.key
        if records.head is not None:
            entry.head = records.head
        if records.data is not None and entry.mode == "t":
            entry.offset = records.start + len(records.data)
            if records.start == 0:
                entry.head = records.data[:HEAD_BYTES]

    def _got(
        self,
        want: Want,
        entry: _File,
        records: FileRecords | None,
        before: tuple[str, int],
    ) -> Got:
        if records is None or records.dropped:
            if records is not None:
                entry.key, entry.offset = before
            return Got(want.rel, want.known)
        stat = parse_key(entry.key)
        error, truncated = records.error, records.more
        if error == "too large" and stat is not None:
            error, truncated = too_large(stat.size, want.cap), True
        if error is not None or stat is None:
            return Got(want.rel, stat, error=error, truncated=truncated)
        data = records.data if records.data is not None else b""
        if entry.mode != "t":
            return Got(want.rel, stat, b"", data, None, truncated)
        if records.data is not None:
            start = min(max(0, want.offset - want.back), stat.size)
            if records.start != start:
                raise WireError(f"agent sent bytes from {records.start} for {want.rel!r}")
        return Got(want.rel, stat, entry.head[: want.head], data, None, truncated)

    def _listing(self, root: str, reply: Reply, listed: set[str]) -> tuple[Listing, str | None]:
        rid = self._mirror.roots[root]
        record: ListingRecord | None = reply.listings.get(rid) if root in listed else None
        previous = self._listed.get(root)
        if record is None or record.unchanged:
            if previous is not None:
                if record is not None:
                    self._listed[root] = (self._clock(), previous[1])
                return previous[1], None
            return Listing(), None
        if record.error is not None:
            self._listed.pop(root, None)
            return Listing(), record.error
        assert record.listing is not None
        if not record.complete:
            self._force_listing.add(root)
            return (previous[1] if previous is not None else record.listing), None
        self._force_listing.discard(root)
        self._listed[root] = (self._clock(), record.listing)
        return record.listing, None


def listing_interval(listing: Listing) -> float:
    """Seconds before a root whose last listing was ``listing`` is listed again."""
    entries = len(listing.files) + len(listing.folders)
    return min(LISTING_MAX_INTERVAL_S, max(LISTING_INTERVAL_S, entries / LISTED_ENTRIES_PER_S))


def _up(rel: str) -> int:
    """How many leading ``..`` parts ``rel`` has."""
    parts = rel.split("/")
    count = 0
    while count < len(parts) and parts[count] == "..":
        count += 1
    return count
