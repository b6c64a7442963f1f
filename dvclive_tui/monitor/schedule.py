"""Which runs one poll reads: hot runs at every tick, cold and finished ones rarely.

A fleet of hundreds of runs has a handful writing at any time. :class:`PollSchedule` sorts
runs into tiers from what the polls saw:

- **hot**: its files changed within :attr:`Cadence.hot_seconds` (at the first look: its
  newest write is that recent): polled at every tick (the poll interval);
- **cold**: quiet for longer: polled once every :attr:`Cadence.cold_every` seconds;
- **finished**: quiet and its status is finished: once every :attr:`Cadence.finished_every`.

A cold run that starts writing again is therefore seen at most ``cold_every`` seconds plus
one tick after the write reaches the disk (a finished one: ``finished_every`` plus one
tick), and is hot from then on. Each run's period is scaled by a fixed phase in (0.5, 1]
taken from its path, so cold polls spread over the ticks instead of landing together.
With at most :attr:`Cadence.all_hot_below` runs every run is polled at every tick: the cost
is negligible and a single watched run reacts at once, as before tiers existed.
"""

from __future__ import annotations

import enum
import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class Tier(enum.Enum):
    """How often a run is polled."""

    HOT = "hot"
    COLD = "cold"
    FINISHED = "finished"


@dataclass(frozen=True)
class Cadence:
    """The polling and discovery rhythm of a :class:`~dvclive_tui.monitor.watcher.RunWatcher`.

    Attributes:
        hot_seconds: A run whose files changed this recently is polled at every tick.
        cold_every: Longest time between two polls of a quiet run.
        finished_every: Longest time between two polls of a quiet, finished run.
        all_hot_below: With at most this many runs, every run is polled at every tick.
        discover_every: Seconds between two incremental discoveries (folders whose mtime
            changed are listed again); the watcher's ``heartbeat`` re-walks everything.
    """

    hot_seconds: float = 30.0
    cold_every: float = 2.0
    finished_every: float = 10.0
    all_hot_below: int = 16
    discover_every: float = 2.0

    def __post_init__(self) -> None:
        for name in ("hot_seconds", "cold_every", "finished_every", "discover_every"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        if self.all_hot_below < 0:
            raise ValueError(f"all_hot_below must be >= 0, not {self.all_hot_below}")

    def wake_bound(self, interval: float) -> float:
        """Seconds within which a write to a cold run is seen (at a poll ``interval``)."""
        return self.cold_every + interval


@dataclass
class _Entry:
    last_change: float
    next_due: float
    tier: Tier
    phase: float


def phase_of(key: Path) -> float:
    """A stable number in (0.5, 1] for ``key`` (its share of the cold period)."""
    digest = zlib.crc32(str(key).encode("utf-8", "surrogateescape"))
    return 0.5 + 0.5 * ((digest % 1000) + 1) / 1000


class PollSchedule:
    """Due times and tiers of the watched runs (plain bookkeeping; no I/O, no clock).

    Every method takes ``now``, a monotonic time in seconds, from the caller.
    """

    def __init__(self, cadence: Cadence) -> None:
        self.cadence = cadence
        self._entries: dict[Path, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: Path, now: float) -> None:
        """A new run: due at once, hot until its first poll says otherwise."""
        if key not in self._entries:
            self._entries[key] = _Entry(-math.inf, now, Tier.HOT, phase_of(key))

    def due(self, now: float) -> list[Path]:
        """The runs to poll at this tick, in the order they were added."""
        if len(self._entries) <= self.cadence.all_hot_below:
            return list(self._entries)
        return [key for key, entry in self._entries.items() if entry.next_due <= now]

    def polled(
        self, key: Path, now: float, *, changed: bool, finished: bool, age: float | None = None
    ) -> Tier:
        """Record a poll of ``key`` and return its tier from now on.

        Args:
            key: The run.
            now: When the poll happened.
            changed: The poll found new data (not only a new status or warning).
            finished: The run's status is finished.
            age: At a run's first poll, seconds since its newest write (``None``: no
                write known); the first poll's data counts as new only if it is recent.
        """
        entry = self._entries[key]
        if age is not None:
            entry.last_change = max(entry.last_change, now - max(0.0, age))
        elif changed:
            entry.last_change = now
        cadence = self.cadence
        if now - entry.last_change < cadence.hot_seconds:
            entry.tier, entry.next_due = Tier.HOT, now
        elif finished:
            entry.tier = Tier.FINISHED
            entry.next_due = now + cadence.finished_every * entry.phase
        else:
            entry.tier = Tier.COLD
            entry.next_due = now + cadence.cold_every * entry.phase
        return entry.tier

    def wake(self, key: Path, now: float) -> None:
        """Make ``key`` hot now (e.g. the user looks at it): due at the next tick."""
        entry = self._entries.get(key)
        if entry is not None:
            entry.last_change, entry.next_due, entry.tier = now, now, Tier.HOT

    def tier(self, key: Path) -> Tier | None:
        """The tier of ``key`` (``None`` for an unknown run)."""
        entry = self._entries.get(key)
        return None if entry is None else entry.tier

    def counts(self) -> dict[Tier, int]:
        """How many runs are in each tier."""
        counts = dict.fromkeys(Tier, 0)
        for entry in self._entries.values():
            counts[entry.tier] += 1
        return counts

    def keys(self) -> Iterable[Path]:
        """Every scheduled run."""
        return self._entries.keys()
