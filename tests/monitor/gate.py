"""A wall clock that can hold a poll: the deliberately slow poll of the lock tests.

Readers read the watcher's wall clock at the start of every poll, so a clock that blocks
makes a reader's poll as slow as a stuck file system, through the watcher's own seam (the
injected clock). Only calls from other threads than the one that armed it wait, so the
test (and an App's event loop) keeps reading the clock.
"""

from __future__ import annotations

import threading

from tests.data.conftest import FakeClock

HOLD_LIMIT = 20.0
"""Longest a held poll waits (a broken lock then shows as a failed assertion, not a hang)."""


class GateClock(FakeClock):
    """A :class:`FakeClock` whose calls from other threads wait while it is armed."""

    def __init__(self, now: float) -> None:
        super().__init__(now)
        self.entered = threading.Event()
        """Set when a call from another thread started waiting."""
        self._open = threading.Event()
        self._open.set()
        self._owner: threading.Thread | None = None

    def arm(self) -> None:
        """Hold the next calls made by other threads until :meth:`release`."""
        self.entered.clear()
        self._owner = threading.current_thread()
        self._open.clear()

    def release(self) -> None:
        """Let held calls go on."""
        self._open.set()

    def __call__(self) -> float:
        if not self._open.is_set() and threading.current_thread() is not self._owner:
            self.entered.set()
            self._open.wait(HOLD_LIMIT)
        return self.now
