"""``--on-alert CMD``: run a shell command for each event, with the event in its environment.

The command line is the user's text, run by ``/bin/sh -c`` exactly as given: nothing from a
run (names, paths, metric names) is ever put into it. The event reaches the command through
environment variables only:

=============================  =========================================================
``DVCLIVE_TUI_EVENT``          the event's JSON line (the ``watch --headless`` schema)
``DVCLIVE_TUI_KIND``           ``threshold``, ``plateau``, ``nan``, ``stalled``, ...
``DVCLIVE_TUI_RULE``           the rule's text
``DVCLIVE_TUI_SEVERITY``       ``error``, ``warning`` or ``information``
``DVCLIVE_TUI_RUN``            the run's display name
``DVCLIVE_TUI_PATH``           the run directory (absolute)
``DVCLIVE_TUI_METRIC``         the metric, or empty
``DVCLIVE_TUI_STEP``           the step, or empty
``DVCLIVE_TUI_VALUE``          the value (``nan``, ``inf`` as dvclive writes them), or empty
``DVCLIVE_TUI_MESSAGE``        the human message (control characters escaped)
``DVCLIVE_TUI_TIME``           when the event was detected (epoch seconds)
=============================  =========================================================

Commands run in the background, at most :data:`MAX_RUNNING` at once (later events wait
their turn), with standard input closed and their standard output sent to our standard
error, so the JSON stream on standard output stays clean. A command that fails is reported
on standard error, once per failure; it never stops the watcher.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TextIO

from dvclive_tui.monitor.events import Event

MAX_RUNNING = 4
"""Commands running at once; further events queue."""
GRACE_SECONDS = 10.0
"""How long :meth:`AlertCommand.close` waits for running and queued commands."""
ENV_PREFIX = "DVCLIVE_TUI_"


def event_environment(event: Event) -> dict[str, str]:
    """The ``DVCLIVE_TUI_*`` variables for ``event`` (values never hold a NUL byte)."""
    data = event.to_dict()
    flat = {
        "EVENT": event.to_json(),
        "KIND": data["kind"],
        "RULE": data["rule"],
        "SEVERITY": data["severity"],
        "RUN": data["run"],
        "PATH": data["path"],
        "METRIC": data["metric"],
        "STEP": data["step"],
        "VALUE": data["value"],
        "MESSAGE": data["message"],
        "TIME": repr(data["time"]),
    }
    return {
        f"{ENV_PREFIX}{name}": "" if value is None else str(value).replace("\0", "")
        for name, value in flat.items()
    }


class AlertCommand:
    """Runs ``command`` once per event (see the module docstring).

    Args:
        command: A shell command line, run with ``/bin/sh -c``.
        warn: Where failures are reported (one line each).
        output: Where the commands' standard output and error go (default: our stderr).
    """

    def __init__(
        self,
        command: str,
        *,
        warn: Callable[[str], None],
        output: TextIO | None = None,
        max_running: int = MAX_RUNNING,
    ) -> None:
        self.command = command
        self._warn = warn
        self._output = output if output is not None else sys.stderr
        self._max_running = max_running
        self._running: list[tuple[subprocess.Popen[bytes], Event]] = []
        self._queued: collections.deque[Event] = collections.deque()

    def __call__(self, event: Event) -> None:
        """Start the command for ``event`` (or queue it while enough are running)."""
        self._queued.append(event)
        self.reap()

    @property
    def busy(self) -> int:
        """Commands running or queued."""
        return len(self._running) + len(self._queued)

    def reap(self) -> None:
        """Collect finished commands (reporting failures) and start queued ones."""
        still: list[tuple[subprocess.Popen[bytes], Event]] = []
        for process, event in self._running:
            code = process.poll()
            if code is None:
                still.append((process, event))
            elif code != 0:
                self._warn(
                    f"--on-alert command exited with status {code} "
                    f"(event {event.kind} of {event.run!r})"
                )
        self._running = still
        while self._queued and len(self._running) < self._max_running:
            event = self._queued.popleft()
            started = self._start(event)
            if started is not None:
                self._running.append((started, event))

    def close(self, grace: float = GRACE_SECONDS) -> None:
        """Let running and queued commands finish for up to ``grace`` seconds, then stop them."""
        deadline = time.monotonic() + grace
        while self.busy and time.monotonic() < deadline:
            self.reap()
            if self.busy:
                time.sleep(0.02)
        for process, _event in self._running:
            process.kill()
            process.wait()
        if self._running or self._queued:
            self._warn(
                f"--on-alert: stopped {len(self._running)} command(s) still running "
                f"and dropped {len(self._queued)} queued after {grace:g} s"
            )
        self._running = []
        self._queued.clear()

    def _start(self, event: Event) -> subprocess.Popen[bytes] | None:
        env = {**os.environ, **event_environment(event)}
        try:
            return subprocess.Popen(
                self.command,
                shell=True,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._output,
                stderr=self._output,
                start_new_session=True,
            )
        except OSError as error:
            self._warn(f"--on-alert command could not start: {error.strerror or error}")
            return None
