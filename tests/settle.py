"""Waiting for an app's workers in Pilot tests and snapshots: no sleeps.

The apps read files and git in thread workers and post the results back as messages;
handling a result may start another worker (a shown image is decoded in one). A test waits
with :func:`settle` until nothing is left to do.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerState

from dvclive_tui.app.workers import LOOP_GROUP

ROUNDS = 50
"""Most pause-and-wait rounds before a test gives up (a worker chain that never ends)."""


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs (polling loops aside) and every message was handled."""
    app = pilot.app
    for _ in range(ROUNDS):
        await pilot.pause()
        busy = [
            worker
            for worker in app.workers
            if not worker.is_finished and not worker.group.startswith(LOOP_GROUP)
        ]
        if not busy:
            return
        started = [worker for worker in busy if worker.state is not WorkerState.PENDING]
        if started:  # an empty list would mean every worker, polling loops included
            await app.workers.wait_for_complete(started)
    names = ", ".join(worker.name or worker.group for worker in busy)
    raise AssertionError(f"workers still busy after {ROUNDS} rounds: {names}")


async def poll(pilot: Pilot[Any]) -> None:
    """Make the watch dashboard poll its runs once and wait for the redraw."""
    pilot.app.poll_now()
    await settle(pilot)


async def snapshot_after(pilot: Pilot[Any], *keys: str) -> None:
    """``run_before`` of a snapshot: let the app load, press ``keys`` one by one, settle.

    Each key waits for the workers the previous one started, as a user would see it.
    """
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
