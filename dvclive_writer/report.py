"""The ``Live`` report hook: rate-limited regeneration of ``report.html`` / ``report.md``.

``Live`` calls :func:`make_report` on every sync while its report mode is set. During
training the report is rebuilt at most once per :data:`MIN_INTERVAL_S`, or less often when a
build is slow (:data:`OVERHEAD_FACTOR`), so the per-step cost stays flat however fast steps
come; it is always rebuilt at ``end()`` and on an explicit ``Live.make_report()``. The
html report carries an auto-refresh tag only while the run is live; the final build at
``end()`` drops it.

The renderers live in :mod:`dvclive_tui.report` (numpy, dvc-render, Pillow); they are
imported on the first actual build, never when ``dvclive_writer`` or ``Live`` is loaded.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dvclive_writer.logger import logger

if TYPE_CHECKING:
    from dvclive_writer.live import Live

#: Minimum seconds between two regenerations during training.
MIN_INTERVAL_S = 5.0

#: A rebuild that took ``t`` seconds delays the next one by at least ``t * OVERHEAD_FACTOR``
#: (at most 5% of the training time goes to the report, however large the run).
OVERHEAD_FACTOR = 20.0

_ATTRIBUTE = "_report_scheduler"


class ReportScheduler:
    """Decides when a ``Live``'s report is rebuilt, and builds it."""

    def __init__(
        self,
        live: Live,
        *,
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = MIN_INTERVAL_S,
    ) -> None:
        self.live = live
        self.clock = clock
        self.min_interval = min_interval
        self.last_build: float | None = None
        self.interval = min_interval
        """Current spacing of rebuilds: ``min_interval``, or longer when builds are slow."""
        self.builds = 0
        """Reports rendered so far."""
        self.skipped = 0
        """Syncs that did not rebuild (rate limit)."""
        self._builder: Any = None
        self._builder_key: tuple[str, str | None] | None = None

    def update(self, *, final: bool = False, force: bool = False) -> None:
        """Rebuild now if due (``final``/``force`` always rebuild)."""
        now = self.clock()
        due = final or force or self.last_build is None or now - self.last_build >= self.interval
        if not due:
            self.skipped += 1
            return
        self._build(final=final)
        took = self.clock() - now
        # Keep report building under 1/OVERHEAD_FACTOR of training time for huge runs.
        self.interval = max(self.min_interval, took * OVERHEAD_FACTOR)
        self.last_build = now
        self.builds += 1

    def _build(self, *, final: bool) -> None:
        live = self.live
        mode = live._report_mode
        if mode is None:
            return
        builder = self._get_builder(mode, live.report_file)
        text = builder.build(live=not final)
        if mode == "notebook" and live._report_notebook is not None:
            display = importlib.import_module("IPython.display")
            live._report_notebook.update(display.Markdown(text))

    def _get_builder(self, mode: str, output: str | None) -> Any:
        key = (mode, output)
        if self._builder is None or self._builder_key != key:
            builder_module = importlib.import_module("dvclive_tui.report.builder")
            self._builder = builder_module.ReportBuilder(self.live.dir, mode, output)
            self._builder_key = key
        return self._builder


def attach(
    live: Live,
    *,
    clock: Callable[[], float] = time.monotonic,
    min_interval: float = MIN_INTERVAL_S,
) -> ReportScheduler:
    """Give ``live`` a scheduler with this clock and interval (replacing any previous one)."""
    scheduler = ReportScheduler(live, clock=clock, min_interval=min_interval)
    setattr(live, _ATTRIBUTE, scheduler)
    return scheduler


def scheduler_of(live: Live) -> ReportScheduler:
    """``live``'s scheduler, created on first use."""
    scheduler = getattr(live, _ATTRIBUTE, None)
    if not isinstance(scheduler, ReportScheduler):
        scheduler = attach(live)
    return scheduler


def make_report(live: Live, final: bool = False, force: bool = False) -> None:
    """The hook called by ``Live`` on each sync (``final`` at ``end()``)."""
    try:
        scheduler_of(live).update(final=final, force=force)
    except Exception as error:  # a report problem must never stop training
        logger.warning("Error in make_report: %s", error)
        logger.debug("make_report failed", exc_info=True)
