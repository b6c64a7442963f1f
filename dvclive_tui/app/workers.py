"""What the app's thread workers share: a cadence for the ones that poll until stopped.

File and git I/O never runs on the event loop: screens and the apps start
``@work(thread=True, exclusive=True, group=...)`` workers that call the headless layers and
post the results back as messages. Workers that keep polling (the watch dashboard, live
curves in compare) loop over :func:`ticks`, in a group named ``loop:…``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from textual.worker import get_current_worker

LOOP_GROUP = "loop:"
"""Prefix of the groups of workers that poll until stopped (waiting for them never ends)."""


def ticks(interval: float, stop: threading.Event) -> Iterator[None]:
    """Yield at once, then every ``interval`` seconds, inside a thread worker.

    Ends when ``stop`` is set (the owner's ``on_unmount`` sets it, which also wakes a waiting
    worker at once) or the worker is cancelled. A slow iteration delays the next one, but
    every rest lasts at least a quarter interval, so slow polls cannot spin a core.

    Args:
        interval: Seconds from the start of one iteration to the start of the next.
        stop: Set by the owner to end the loop.
    """
    worker = get_current_worker()
    while not (stop.is_set() or worker.is_cancelled):
        started = time.monotonic()
        yield
        spent = time.monotonic() - started
        if stop.wait(max(interval / 4, interval - spent)):
            return
