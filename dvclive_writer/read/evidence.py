"""The evidence a run's status is decided on, gathered while it is read.

:class:`StatusEvidence` keeps the step rhythm (when new steps arrived, the usual interval
per step), the run's write times (newest write, oldest file or folder, first timestamp),
the writer's signal files under the DVC root and the final ``report.html``, and applies
the rule of :func:`~dvclive_writer.read.status.decide_status`. The signal files and the
report come through the transport like every other file (:meth:`StatusEvidence.wants`).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from dvclive_writer.read.files import SIGNAL_CAP, FileStat
from dvclive_writer.read.model import Changes, Run
from dvclive_writer.read.parsing import TsvTable
from dvclive_writer.read.signals import WriterSignal, freshest, parse_signal
from dvclive_writer.read.status import FinalReport, decide_status, signal_applies
from dvclive_writer.read.transport import Got, Want

STEP_HISTORY = 64
"""How many step intervals the rhythm remembers."""


class StatusEvidence:
    """Step rhythm, write times, signal files and final report of one run."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.max_step: int | None = None
        self.last_step_time: float | None = None
        self.step_intervals: deque[float] = deque(maxlen=STEP_HISTORY)
        self.oldest_mtime: float | None = None
        self.writer_seen = False
        """A live signal file of this run was seen (its disappearance means finished)."""
        self.seen_growing = False
        """New steps arrived after the first look (a quiet run is then stalled)."""
        self.final_report = FinalReport()
        self._signal_rels: list[str] = []
        self._signals: dict[str, tuple[FileStat, WriterSignal | None]] = {}

    # -- write times ------------------------------------------------------------------

    def saw_mtime(self, mtime: float) -> None:
        """A file of the run was written at ``mtime``."""
        run = self.run
        if run.last_write is None or mtime > run.last_write:
            run.last_write = mtime
        self.saw_oldest(mtime)

    def saw_oldest(self, mtime: float) -> None:
        """Something of the run (a folder) dates from ``mtime``."""
        if self.oldest_mtime is None or mtime < self.oldest_mtime:
            self.oldest_mtime = mtime

    def saw_start(self, started: float) -> None:
        """A timestamp of the run's history says it started at ``started`` at the latest."""
        if self.run.started is None or started < self.run.started:
            self.run.started = started

    # -- step rhythm ------------------------------------------------------------------

    def note_steps(
        self, table: TsvTable, mtime: float | None, now: float, *, initial: bool
    ) -> None:
        """Track when new steps arrive, to tell a stalled run from a slow one."""
        newest = int(table.steps.max())
        if self.max_step is not None and newest <= self.max_step:
            return
        previous = self.max_step
        self.max_step = newest
        if initial or previous is None:
            self._learn_intervals(table, mtime)
            return
        if self.last_step_time is not None:
            per_step = (now - self.last_step_time) / max(newest - previous, 1)
            self.step_intervals.append(per_step)
        self.last_step_time = now
        self.seen_growing = True

    def _learn_intervals(self, table: TsvTable, mtime: float | None) -> None:
        """Usual step interval from the timestamps; the last step's time from the file's mtime
        (the writer's clock may differ from ours, the file system's is the one we compare)."""
        stamps = table.timestamps
        if stamps is not None and len(stamps) >= 2:
            tail_steps = table.steps[-(STEP_HISTORY + 1) :]
            tail_stamps = stamps[-(STEP_HISTORY + 1) :]
            valid = tail_stamps >= 0
            steps, seconds = tail_steps[valid], tail_stamps[valid] / 1000
            if len(steps) >= 2:
                step_gaps = np.diff(steps)
                time_gaps = np.diff(seconds)
                forward = step_gaps > 0
                per_step = time_gaps[forward] / step_gaps[forward]
                self.step_intervals.clear()
                self.step_intervals.extend(float(gap) for gap in per_step if gap >= 0)
        if mtime is not None:
            self.last_step_time = mtime
        elif stamps is not None and len(stamps) and stamps[-1] >= 0:
            self.last_step_time = float(stamps[-1]) / 1000

    def new_run(self) -> None:
        """A new run replaces the old one: forget its step rhythm, writer and start."""
        self.max_step = None
        self.last_step_time = None
        self.step_intervals.clear()
        self.writer_seen = False
        self.seen_growing = False
        self.oldest_mtime = None
        self.run.started = None

    # -- signal files and final report --------------------------------------------------

    def watch_signals(self, rels: list[str]) -> None:
        """The signal files to read (relative to the run root), nearest DVC root's."""
        self._signal_rels = rels

    def wants(self) -> list[Want]:
        """The signal files (whole, unless unchanged) and the report's head."""
        wants = [
            Want(
                rel,
                "whole",
                known=self._signals[rel][0] if rel in self._signals else None,
                cap=SIGNAL_CAP,
            )
            for rel in self._signal_rels
        ]
        wants.append(self.final_report.want())
        return wants

    def apply(self, gots: list[Got]) -> Want | None:
        """Take the answers to :meth:`wants`; a whole-report want when the head cannot tell."""
        *signals, report = gots
        for got in signals:
            stat = got.stat
            if stat is None or got.error is not None:
                self._signals.pop(got.rel, None)
            elif not got.unchanged(self._signals.get(got.rel, (None, None))[0]):
                self._signals[got.rel] = (stat, parse_signal(got.data, stat.mtime))
        return self.final_report.apply(report)

    def update(self, *, has_data: bool, changes: Changes, now: float) -> None:
        """Decide the run's status from the evidence; flag ``changes.status`` if it moved."""
        run = self.run
        signal = freshest(parsed for _, parsed in self._signals.values())
        live = signal is not None and signal.alive and signal_applies(signal, run.last_write)
        self.writer_seen = self.writer_seen or live
        status = decide_status(
            has_data=has_data,
            now=now,
            last_write=run.last_write,
            last_step_time=self.last_step_time,
            step_intervals=list(self.step_intervals),
            signal=signal,
            writer_ended=self.writer_seen and not live,
            finished_at=self.final_report.finished_at if run.last_write is not None else None,
            seen_growing=self.seen_growing,
        )
        if status is not run.status:
            run.status = status
            changes.status = True
        if run.started is None and self.oldest_mtime is not None:
            run.started = self.oldest_mtime
