"""Alerts raised while watching: a metric turned NaN/inf, a run stalled or finished.

:class:`AlertTracker` is plain Python: it remembers what it already reported and turns
successive polls into :class:`Alert` values, which the App shows with ``notify``. The
state found at start-up is taken as known (no toast storm when opening old runs).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from dvclive_tui.monitor.run_stats import current_step
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import Changes, Run, RunStatus

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Alert:
    """One notification."""

    title: str
    message: str
    severity: Severity


class AlertTracker:
    """Decides which alerts a poll deserves, each at most once."""

    def __init__(self) -> None:
        self._status: dict[Path, RunStatus] = {}
        self._reported: set[tuple[Path, int, str]] = set()

    def prime(self, runs: Iterable[Run]) -> None:
        """Take the current state as known: no alert for what is already there."""
        for run in runs:
            self._status[run.path] = run.status
            for name, series in run.metrics.items():
                if len(series) and not bool(np.all(np.isfinite(series.values))):
                    self._reported.add((run.path, series.generation, name))

    def check(self, runs: Iterable[Run], changes: Mapping[Path, Changes]) -> list[Alert]:
        """Alerts for the runs that changed."""
        alerts: list[Alert] = []
        for run in runs:
            change = changes.get(run.path)
            if change is None:
                continue
            alerts.extend(self._non_finite(run, change))
            alerts.extend(self._status_change(run))
        return alerts

    def _non_finite(self, run: Run, change: Changes) -> Iterable[Alert]:
        for name in sorted(set(change.new_points) | change.reset_metrics):
            series = run.metrics.get(name)
            if series is None or not len(series):
                continue
            key = (run.path, series.generation, name)
            if key in self._reported:
                continue
            count = change.new_points.get(name, len(series))
            tail = series.values[-count:]
            bad = np.flatnonzero(~np.isfinite(tail))
            if len(bad) == 0:
                continue
            self._reported.add(key)
            index = len(series) - len(tail) + int(bad[0])
            value = float(series.values[index])
            what = "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")
            step = int(series.steps[index])
            yield Alert(
                sanitize(run.name),
                f"{sanitize(name)} became {what} at step {step}",
                "error",
            )

    def _status_change(self, run: Run) -> Iterable[Alert]:
        before = self._status.get(run.path)
        self._status[run.path] = run.status
        if before is None or before is run.status:
            return
        name = sanitize(run.name)
        step = current_step(run)
        at = "" if step is None else f" at step {step}"
        if run.status is RunStatus.STALLED:
            yield Alert(name, f"stalled{at}: no new step for a while", "warning")
        elif run.status is RunStatus.FINISHED:
            yield Alert(name, f"finished{at}", "information")
        elif run.status is RunStatus.RUNNING and before is RunStatus.STALLED:
            yield Alert(name, f"running again{at}", "information")
        elif run.status is RunStatus.WAITING:
            yield Alert(name, "directory gone: waiting for a new run", "warning")
