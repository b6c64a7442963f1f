"""Figures the header shows about a run: current step, elapsed time, speed, last-write age.

Pure functions of a :class:`Run` and the current time, plus :class:`StepRate`, which
measures steps per second from the polls when the files carry no timestamps.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dvclive_writer.read.model import Run, RunStatus

#: Points (from the newest) used to estimate steps per second from timestamps.
RATE_WINDOW = 50
#: Seconds of poll observations kept by :class:`StepRate`.
OBSERVATION_WINDOW = 30.0


def current_step(run: Run) -> int | None:
    """The newest step of any metric, else the summary's ``step``."""
    latest = [step for series in run.metrics.values() if (step := series.last_step) is not None]
    if latest:
        return max(latest)
    step = run.summary.get("step")
    return step if isinstance(step, int) and not isinstance(step, bool) else None


def elapsed(run: Run, now: float) -> float | None:
    """Seconds from the first write to now (to the last write once the run is over)."""
    return _elapsed(run.started, run.last_write, run.status, now)


def _elapsed(
    started: float | None, last_write: float | None, status: RunStatus, now: float
) -> float | None:
    if started is None:
        return None
    end = now
    if status in (RunStatus.FINISHED, RunStatus.STALLED) and last_write is not None:
        end = last_write
    return max(0.0, end - started)


def write_age(run: Run, now: float) -> float | None:
    """Seconds since the newest write seen in the run's directory."""
    return None if run.last_write is None else max(0.0, now - run.last_write)


@dataclass(frozen=True)
class HeaderFacts:
    """What the header shows about the primary run, copied out of the model under its lock.

    The time-dependent figures (:meth:`elapsed`, :meth:`age`) are computed at render time.
    """

    name: str
    status: RunStatus
    step: int | None
    started: float | None
    last_write: float | None
    rate: float | None
    """Steps per second, when known."""
    others: int
    """How many more runs are watched."""
    warnings: int
    """File warnings over all runs."""
    warned_runs: int = 0
    """How many runs have warnings."""
    connection: str | None = None
    """Why a watched run's files cannot be reached now (the first such run's)."""

    def elapsed(self, now: float) -> float | None:
        """Seconds from the first write to ``now`` (to the last write once over)."""
        return _elapsed(self.started, self.last_write, self.status, now)

    def age(self, now: float) -> float | None:
        """Seconds since the newest write."""
        return None if self.last_write is None else max(0.0, now - self.last_write)


def header_facts(runs: Sequence[Run], rate_of: Callable[[Run], float | None]) -> HeaderFacts | None:
    """Facts about ``runs[0]`` (``None`` while no run is known); ``rate_of`` gives the
    steps per second the runs table shows."""
    if not runs:
        return None
    run = runs[0]
    return HeaderFacts(
        name=run.name,
        status=run.status,
        step=current_step(run),
        started=run.started,
        last_write=run.last_write,
        rate=rate_of(run),
        others=len(runs) - 1,
        warnings=sum(len(item.warnings) for item in runs),
        warned_runs=sum(1 for item in runs if item.warnings),
        connection=next((item.connection for item in runs if item.connection), None),
    )


RECONNECTING = "reconnecting…"
"""The status shown for a run whose files cannot be reached now (last data kept)."""


def status_label(run: Run) -> str:
    """The status shown for ``run``: :data:`RECONNECTING` while its host does not answer."""
    return RECONNECTING if run.connection is not None else run.status.value


def timestamp_rate(run: Run) -> float | None:
    """Steps per second from the newest timestamped rows of the longest metric."""
    best: tuple[int, float] | None = None
    for series in run.metrics.values():
        times = series.timestamps_tail(RATE_WINDOW)
        if times is None or len(series) < 2:
            continue
        steps = series.steps_tail(RATE_WINDOW)
        valid = times >= 0
        steps, times = steps[valid], times[valid]
        if len(steps) < 2:
            continue
        span_s = float(times[-1] - times[0]) / 1000.0
        step_span = int(np.max(steps) - np.min(steps))
        if span_s <= 0 or step_span <= 0:
            continue
        if best is None or len(series) > best[0]:
            best = (len(series), step_span / span_s)
    return None if best is None else best[1]


class StepRate:
    """Steps per second measured from ``(time, step)`` observations made at each poll."""

    def __init__(self) -> None:
        self._samples: collections.deque[tuple[float, int]] = collections.deque()

    def observe(self, now: float, step: int | None) -> None:
        """Record the step seen at ``now``; a step going back (new run) starts over."""
        if step is None:
            return
        if self._samples and step < self._samples[-1][1]:
            self._samples.clear()
        if not self._samples or step != self._samples[-1][1]:
            self._samples.append((now, step))
        while self._samples and now - self._samples[0][0] > OBSERVATION_WINDOW:
            self._samples.popleft()

    def rate(self) -> float | None:
        """Steps per second over the window, or ``None`` before two observations."""
        if len(self._samples) < 2:
            return None
        (t0, s0), (t1, s1) = self._samples[0], self._samples[-1]
        if t1 <= t0:
            return None
        return (s1 - s0) / (t1 - t0)


def steps_per_second(run: Run, observed: StepRate | None) -> float | None:
    """Timestamp-based speed when the files have timestamps, else the observed one."""
    rate = timestamp_rate(run)
    if rate is None and observed is not None:
        rate = observed.rate()
    return rate if rate is None or math.isfinite(rate) else None
