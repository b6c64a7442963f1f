"""Report scheduling for ``Live``: rate-limited regeneration of ``report.html`` / ``report.md``.

``Live`` calls :func:`make_report` with its :class:`~dvclive_writer.state.ReportState` on
every sync while its report mode is set; the state holds the run's scheduler. During
training the report is rebuilt at most once per :data:`MIN_INTERVAL_S`, or less often when a
build is slow (:data:`OVERHEAD_FACTOR`), and those rebuilds run in a background thread, so
``next_step()`` never waits for one: one build at a time, and a sync that falls due while
one is running is folded into the next (coalescing). Builds read only the run's files, never
the ``Live``'s state, and write atomically, so a reader sees the previous report or the new
one. A failing background build is logged, never raised into training.

``end()`` and an explicit ``Live.make_report()`` wait for a running build, then build in
the calling thread, so the report is complete when they return. The html report carries an
auto-refresh tag only while the run is live; the final build at ``end()`` drops it. The
``notebook`` mode, and ``html`` with ``DVCLIVE_OPEN`` set (the browser opens the file at
once), build in the calling thread too.

The renderers (numpy, dvc-render, Pillow) live beside this module in this package; they are
imported on the first actual build, never when ``dvclive_writer`` or ``Live`` is loaded.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from dvclive_writer import env
from dvclive_writer.logger import logger
from dvclive_writer.state import ReportMode, ReportState
from dvclive_writer.utils import env2bool

if TYPE_CHECKING:
    from dvclive_writer.report.builder import ReportBuilder

#: Minimum seconds between two regenerations during training.
MIN_INTERVAL_S = 5.0

#: A rebuild that took ``t`` seconds delays the next one by at least ``t * OVERHEAD_FACTOR``
#: (at most 5% of the training time goes to the report, however large the run).
OVERHEAD_FACTOR = 20.0

_THREAD_NAME = "dvclive-report"


class Target(NamedTuple):
    """What a build writes: the mode, the run directory and the report file (absolute)."""

    mode: ReportMode
    run_dir: str
    output: str | None


class ReportScheduler:
    """Decides when a run's report is rebuilt, and builds it (in the background
    during training, in the caller at ``end()`` and on explicit requests)."""

    def __init__(
        self,
        report: ReportState,
        *,
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = MIN_INTERVAL_S,
        background: bool = True,
    ) -> None:
        self.report = report
        self.clock = clock
        self.min_interval = min_interval
        self.background = background
        """Whether rate-limited rebuilds run in a background thread."""
        self.last_build: float | None = clock()
        """When the last build started; creation counts as one, so the first rebuild waits one
        interval (the report stack's imports stay off the first training steps)."""
        self.interval = min_interval
        """Current spacing of rebuilds: ``min_interval``, or longer when builds are slow."""
        self.builds = 0
        """Reports rendered so far."""
        self.skipped = 0
        """Syncs that did not rebuild (rate limit, or a build already running)."""
        self.failures = 0
        """Background builds that raised (each logged as a warning)."""
        self._builder: ReportBuilder | None = None
        self._builder_target: Target | None = None
        self._start_threading()

    def _start_threading(self) -> None:
        """Fresh locks and no build thread (at creation, and in a forked child, which
        inherits a parent's lock possibly held by a build thread it does not have)."""
        self._pid = os.getpid()
        self._state = threading.Lock()
        self._building = threading.Lock()
        """Held for the duration of a build: one at a time."""
        self._thread: threading.Thread | None = None

    def update(self, *, final: bool = False, force: bool = False) -> None:
        """Rebuild if due (``final``/``force`` always rebuild, and before returning)."""
        mode = self.report.mode
        if mode is None:
            return
        if os.getpid() != self._pid:
            self._start_threading()
        # Absolute now: the training script may change directory before a build runs.
        output = self.report.file
        target = Target(
            mode,
            os.path.abspath(self.report.paths.dir),
            os.path.abspath(output) if output else None,
        )
        if final or force or not self._in_background(mode):
            now = self.clock()
            with self._state:
                due = final or force or self._due(now)
            if not due:
                self.skipped += 1
                return
            self.wait()
            self._build(target, final=final, start=now)
            return
        with self._state:
            now = self.clock()
            if not self._due(now) or self._running():
                self.skipped += 1
                return
            self.last_build = now  # claims the slot: later syncs skip
            thread = threading.Thread(
                target=self._build_logged, args=(target, now), name=_THREAD_NAME
            )
            self._thread = thread
        thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background build to finish; False if one is still running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _in_background(self, mode: str) -> bool:
        if not self.background or mode == "notebook":
            return False
        return not (mode == "html" and env2bool(env.DVCLIVE_OPEN))

    def _due(self, now: float) -> bool:
        return self.last_build is None or now - self.last_build >= self.interval

    def _running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _build_logged(self, target: Target, start: float) -> None:
        try:
            self._build(target, final=False, start=start)
        except Exception as error:  # a report problem must never reach training
            self.failures += 1
            logger.warning("Error in make_report: %s", error)
            logger.debug("make_report failed", exc_info=True)

    def _build(self, target: Target, *, final: bool, start: float) -> None:
        """Build (``start``: the clock when the build was decided)."""
        with self._building:
            builder = self._get_builder(target)
            text = builder.build(live=not final)
            notebook = self.report.notebook
            if target.mode == "notebook" and notebook is not None:
                display = importlib.import_module("IPython.display")
                notebook.update(display.Markdown(text))
            took = self.clock() - start
            with self._state:
                # Keep report building under 1/OVERHEAD_FACTOR of training time.
                self.interval = max(self.min_interval, took * OVERHEAD_FACTOR)
                self.last_build = start
                self.builds += 1

    def _get_builder(self, target: Target) -> ReportBuilder:
        if self._builder is None or self._builder_target != target:
            # Imported on the first build: numpy, dvc-render and Pillow stay off ``import``.
            from dvclive_writer.report.builder import ReportBuilder

            self._builder = ReportBuilder(target.run_dir, target.mode, target.output)
            self._builder_target = target
        return self._builder


def attach(
    report: ReportState,
    *,
    clock: Callable[[], float] = time.monotonic,
    min_interval: float = MIN_INTERVAL_S,
    background: bool = True,
) -> ReportScheduler:
    """Give a run's report a scheduler with these settings (replacing any previous one)."""
    if report.scheduler is not None:
        report.scheduler.wait()
    scheduler = ReportScheduler(
        report, clock=clock, min_interval=min_interval, background=background
    )
    report.scheduler = scheduler
    return scheduler


def scheduler_of(report: ReportState) -> ReportScheduler:
    """The report's scheduler, created on first use."""
    return report.scheduler if report.scheduler is not None else attach(report)


def make_report(report: ReportState, final: bool = False, force: bool = False) -> None:
    """Called by ``Live`` on each sync (``final`` at ``end()``)."""
    try:
        scheduler_of(report).update(final=final, force=force)
    except Exception as error:  # a report problem must never stop training
        logger.warning("Error in make_report: %s", error)
        logger.debug("make_report failed", exc_info=True)
