"""Turning successive looks at runs into alert :class:`~dvclive_tui.monitor.events.Event` s.

:class:`AlertEngine` is plain Python with an injected clock. For each run it keeps a cursor
per metric (series generation, points already seen), so every new point is examined exactly
once, however many arrive between two looks:

- **First look** at a run (or :meth:`AlertEngine.prime`): rules are evaluated on its
  current state only: the newest value of each metric, the newest step. ``prime`` records
  what holds as already reported (the TUI's "no toast storm when opening old runs");
  ``observe`` reports it (``watch --headless``, ``snap --check``).
- **Afterwards**: a threshold rule is evaluated at every new step of the metrics it names
  (each metric taking its newest value at or before that step), so a spike between two
  polls is caught; the non-finite check looks at every new point; a plateau is tracked
  over the whole history.
- **Once per generation**: a user rule or a metric's non-finite alert fires at most once
  per (run, rule, generation); the run's generation changes when a new run replaces it in
  the same directory (dvclive recreated its files), which re-arms every rule for that run.
- **Status alerts** (stalled, finished, resumed, gone) fire on each transition into that
  status after the first look; a run stalled, running again and stalled again says so
  twice.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dvclive_tui.experiments.table import MISSING
from dvclive_tui.monitor.events import Event, EventKind, Severity, describe
from dvclive_tui.monitor.rules import NonFiniteRule, PlateauRule, Rule, ThresholdRule
from dvclive_tui.monitor.run_stats import current_step
from dvclive_writer.read.model import Changes, MetricSeries, Run, RunStatus
from dvclive_writer.read.naming import flatten

_RESERVED = ("step", "name", "path", "status")


@dataclass
class _Plateau:
    generation: int
    consumed: int = 0
    best: float | None = None
    best_step: int | None = None


@dataclass
class _RunState:
    generation: int
    status: RunStatus | None
    latest_only: bool
    fired: set[str] = field(default_factory=set)
    cursors: dict[str, tuple[int, int]] = field(default_factory=dict)
    plateaus: dict[str, _Plateau] = field(default_factory=dict)
    documents: tuple[int, int] = (0, 0)
    """Identity of the summary and params mappings last evaluated (the reader replaces them)."""


class AlertEngine:
    """Evaluates the built-in alerts and user rules over the watched runs.

    Args:
        rules: User rules (:func:`~dvclive_tui.monitor.rules.parse_rule`).
        clock: Wall clock for the events' ``time``.
        builtin: Report the built-in alerts (non-finite values and status changes); without
            it only ``rules`` are checked (``nan`` among them turns the non-finite check on).
    """

    def __init__(
        self,
        rules: Sequence[Rule] = (),
        *,
        clock: Callable[[], float] = time.time,
        builtin: bool = True,
    ) -> None:
        self.rules = [rule for rule in rules if not isinstance(rule, NonFiniteRule)]
        self.non_finite = builtin or any(isinstance(rule, NonFiniteRule) for rule in rules)
        self.status_alerts = builtin
        self._clock = clock
        self._states: dict[Path, _RunState] = {}

    def prime(self, runs: Iterable[Run]) -> None:
        """Take the current state of ``runs`` as known: what holds now is not reported."""
        for run in runs:
            state = self._states[run.path] = _RunState(run.generation, None, latest_only=True)
            self._look(run, state, report=False)

    def observe(
        self, runs: Iterable[Run], changes: Mapping[Path, Changes] | None = None
    ) -> list[Event]:
        """Events for ``runs`` (only those in ``changes`` and new ones, when it is given)."""
        events: list[Event] = []
        for run in runs:
            state = self._states.get(run.path)
            if changes is not None and state is not None and run.path not in changes:
                continue
            if state is None or state.generation != run.generation:
                status = None if state is None else state.status
                state = _RunState(run.generation, status, latest_only=state is None)
                self._states[run.path] = state
            events.extend(self._look(run, state, report=True))
        return events

    def forget(self, path: Path) -> None:
        """Drop what is known about the run in ``path``."""
        self._states.pop(path, None)

    # -- one run ------------------------------------------------------------------------

    def _look(self, run: Run, state: _RunState, *, report: bool) -> list[Event]:
        looker = _Look(run, state, self._clock())
        if self.non_finite:
            looker.non_finite()
        for rule in self.rules:
            if isinstance(rule, ThresholdRule):
                looker.threshold(rule)
            elif isinstance(rule, PlateauRule):
                looker.plateau(rule)
        if self.status_alerts:
            looker.status(first=state.status is None)
        state.status = run.status
        looker.advance()
        return looker.events if report else []


def check_state(
    runs: Iterable[Run], rules: Sequence[Rule], *, clock: Callable[[], float] = time.time
) -> list[Event]:
    """The rules that hold on each run's current state (``snap --check``)."""
    return AlertEngine(rules, clock=clock, builtin=False).observe(runs)


def unknown_names(rules: Iterable[Rule], runs: Sequence[Run]) -> list[tuple[Rule, list[str]]]:
    """For each rule, the names it reads that no run in ``runs`` has (typos never fire)."""
    looks = [_Look(run, _RunState(run.generation, None, latest_only=True), 0.0) for run in runs]
    found: list[tuple[Rule, list[str]]] = []
    for rule in rules:
        names: Sequence[str] = ()
        if isinstance(rule, ThresholdRule):
            names = rule.names
        elif isinstance(rule, PlateauRule):
            names = (rule.metric,)
        missing = [
            name
            for name in names
            if name not in _RESERVED and all(look.value(name, None) is MISSING for look in looks)
        ]
        if missing:
            found.append((rule, missing))
    return found


class _Look:
    """One look at one run: the new points per metric and the events they raise."""

    def __init__(self, run: Run, state: _RunState, now: float) -> None:
        self.run = run
        self.state = state
        self.now = now
        self.events: list[Event] = []
        self.starts: dict[str, int] = {}
        for name, series in run.metrics.items():
            generation, consumed = state.cursors.get(name, (series.generation, 0))
            start = consumed if generation == series.generation else 0
            if state.latest_only:
                start = max(start, len(series) - 1)
            self.starts[name] = min(start, len(series))
        self._steps: dict[str, npt.NDArray[np.int64]] = {}
        self._summary: dict[str, Any] | None = None
        self._params: dict[str, Any] | None = None

    def advance(self) -> None:
        state = self.state
        state.cursors = {
            name: (series.generation, len(series)) for name, series in self.run.metrics.items()
        }
        state.documents = self.documents()
        state.latest_only = False

    def documents(self) -> tuple[int, int]:
        return (id(self.run.summary), id(self.run.params))

    def emit(
        self, kind: EventKind, rule: str, severity: Severity, message: str, **extra: Any
    ) -> None:
        self.events.append(
            Event(
                kind=kind,
                rule=rule,
                severity=severity,
                run=self.run.name,
                path=self.run.path,
                generation=self.run.generation,
                time=self.now,
                message=message,
                **extra,
            )
        )

    def fire_once(self, key: str) -> bool:
        if key in self.state.fired:
            return False
        self.state.fired.add(key)
        return True

    # -- built-in checks --------------------------------------------------------------

    def non_finite(self) -> None:
        for name in sorted(self.run.metrics):
            series = self.run.metrics[name]
            start = self.starts[name]
            tail = series.values[start:]
            if not len(tail):
                continue
            bad = np.flatnonzero(~np.isfinite(tail))
            if len(bad) == 0 or not self.fire_once(f"nan:{name}"):
                continue
            index = start + int(bad[0])
            value = float(series.values[index])
            step = int(series.steps[index])
            what = "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")
            verb = "is" if self.state.latest_only else "became"
            self.emit(
                "nan", "nan", "error", f"{name} {verb} {what} at step {step}",
                metric=name, step=step, value=value,
            )  # fmt: skip

    def status(self, *, first: bool) -> None:
        before, after = self.state.status, self.run.status
        if first or before is after:
            return
        step = current_step(self.run)
        at = "" if step is None else f" at step {step}"
        if after is RunStatus.STALLED:
            self.emit(
                "stalled", "stalled", "warning", f"stalled{at}: no new step for a while", step=step
            )
        elif after is RunStatus.FINISHED:
            self.emit("finished", "finished", "information", f"finished{at}", step=step)
        elif after is RunStatus.RUNNING and before is RunStatus.STALLED:
            self.emit("resumed", "resumed", "information", f"running again{at}", step=step)
        elif after is RunStatus.WAITING:
            self.emit("gone", "gone", "warning", "directory gone: waiting for a new run")

    # -- user rules ---------------------------------------------------------------------

    def threshold(self, rule: ThresholdRule) -> None:
        key = f"threshold:{rule.text}"
        if key in self.state.fired:
            return
        metrics = [name for name in (self.metric_name(n) for n in rule.names) if name is not None]
        steps: list[int | None] = []
        if metrics:
            steps.extend(self.new_steps(metrics))
        elif self.state.latest_only or self.state.documents != self.documents():
            steps.append(current_step(self.run))
        for step in steps:
            values = self.holds(rule, step)
            if values is None:
                continue
            self.fire_once(key)
            metric = metrics[0] if metrics else None
            shown = ", ".join(f"{name} = {describe(value)}" for name, value in values.items())
            where = f" at step {step}" if step is not None else ""
            self.emit(
                "threshold", rule.text, "warning",
                f"{rule.text}{where}" + (f" ({shown})" if shown else ""),
                metric=metric, step=step,
                value=values.get(metric) if metric is not None else None, values=values,
            )  # fmt: skip
            return

    def holds(self, rule: ThresholdRule, step: int | None) -> dict[str, Any] | None:
        """The values ``rule`` read at ``step`` when it holds there, else ``None``."""
        values: dict[str, Any] = {}

        def lookup(name: str) -> Any:
            value = self.value(name, step)
            if value is not MISSING:
                values[name] = value
            return value

        return values if rule.expression.evaluate(lookup) else None

    def plateau(self, rule: PlateauRule) -> None:
        name = self.metric_name(rule.metric)
        if name is None:
            return
        series = self.run.metrics[name]
        tracker = self.state.plateaus.get(rule.text)
        if tracker is None or tracker.generation != series.generation:
            tracker = self.state.plateaus[rule.text] = _Plateau(series.generation)
        steps = self.steps(name)
        _track_best(rule, tracker, series.values[tracker.consumed :], steps[tracker.consumed :])
        tracker.consumed = len(series)
        if tracker.best_step is None or not len(steps):
            return
        last_step = int(steps[-1])
        quiet = last_step - tracker.best_step
        if quiet < rule.steps or not self.fire_once(f"plateau:{rule.text}"):
            return
        best = tracker.best
        self.emit(
            "plateau", rule.text, "warning",
            f"{name} has not improved for {quiet} steps "
            f"(best {describe(best)} at step {tracker.best_step})",
            metric=name, step=last_step, value=float(series.values[-1]),
            values={"best": best, "best_step": tracker.best_step},
        )  # fmt: skip

    # -- name resolution ----------------------------------------------------------------

    def metric_name(self, name: str) -> str | None:
        """The metric series a rule name refers to, if any."""
        if name in _RESERVED or name.startswith(("params.", "summary.")):
            return None
        metrics = self.run.metrics
        for candidate in (name, name.replace(".", "/")):
            if candidate in metrics and len(metrics[candidate]):
                return candidate
        return None

    def steps(self, name: str) -> npt.NDArray[np.int64]:
        steps = self._steps.get(name)
        if steps is None:
            steps = self._steps[name] = self.run.metrics[name].steps
        return steps

    def new_steps(self, metrics: list[str]) -> list[int]:
        """Steps with a new point in any of ``metrics`` (only the newest on a first look)."""
        chunks = [self.steps(name)[self.starts[name] :] for name in metrics]
        merged = np.unique(np.concatenate(chunks)) if chunks else np.empty(0, dtype=np.int64)
        if self.state.latest_only and len(merged):
            merged = merged[-1:]
        return [int(step) for step in merged]

    def value(self, name: str, step: int | None) -> Any:
        """What ``name`` is worth at ``step`` (see the rules module docstring)."""
        run = self.run
        if name == "step":
            return MISSING if step is None else step
        if name == "name":
            return run.name
        if name == "path":
            return str(run.path)
        if name == "status":
            return run.status.value
        if name.startswith("params."):
            return self.params().get(name.removeprefix("params."), MISSING)
        if name.startswith("summary."):
            return self.summary().get(name.removeprefix("summary."), MISSING)
        metric = self.metric_name(name)
        if metric is not None:
            return self.metric_value(run.metrics[metric], metric, step)
        for mapping in (self.summary(), self.params()):
            for candidate in (name, name.replace("/", ".")):
                if candidate in mapping:
                    return mapping[candidate]
        return MISSING

    def metric_value(self, series: MetricSeries, name: str, step: int | None) -> Any:
        steps = self.steps(name)
        if step is None:
            return float(series.values[-1])
        index = int(np.searchsorted(steps, step, side="right")) - 1
        return float(series.values[index]) if index >= 0 else MISSING

    def summary(self) -> dict[str, Any]:
        if self._summary is None:
            self._summary = flatten(self.run.summary)
        return self._summary

    def params(self) -> dict[str, Any]:
        if self._params is None:
            self._params = flatten(self.run.params)
        return self._params


def _track_best(
    rule: PlateauRule,
    tracker: _Plateau,
    values: npt.NDArray[np.float64],
    steps: npt.NDArray[np.int64],
) -> None:
    """Fold new points into the best value and its step (NaN and ±inf never improve)."""
    if not len(values):
        return
    if rule.min_delta == 0:
        sign = 1.0 if rule.direction == "min" else -1.0
        signed = np.where(np.isfinite(values), values * sign, math.inf)
        running = np.minimum.accumulate(signed)
        prior = math.inf if tracker.best is None else tracker.best * sign
        before = np.concatenate(([prior], running[:-1]))
        improved = np.flatnonzero(running < before)
        if len(improved):
            last = int(improved[-1])
            tracker.best = float(running[last]) * sign
            tracker.best_step = int(steps[last])
        return
    for value, step in zip(values.tolist(), steps.tolist(), strict=True):
        if math.isfinite(value) and (tracker.best is None or rule.improves(value, tracker.best)):
            tracker.best, tracker.best_step = value, int(step)
