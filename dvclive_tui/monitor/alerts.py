"""Alerts raised while watching, as the TUI shows them: a title, a message, a severity.

:class:`AlertTracker` is a thin view over :class:`~dvclive_tui.monitor.engine.AlertEngine`
(NaN/inf, stalled, finished, running again, directory gone, and user rules): it turns its
:class:`~dvclive_tui.monitor.events.Event` s into :class:`Alert` values with file-supplied
text sanitized, which the App shows with ``notify``. The state found when a run is first
seen is taken as known (no toast storm when opening old runs): the App calls
:meth:`AlertTracker.prime` for new runs and :meth:`AlertTracker.check` for the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dvclive_tui.monitor.engine import AlertEngine
from dvclive_tui.monitor.events import Event, Severity
from dvclive_tui.monitor.rules import Rule
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import Changes, Run

__all__ = ["Alert", "AlertTracker", "Severity", "alert_of"]


@dataclass(frozen=True)
class Alert:
    """One notification."""

    title: str
    message: str
    severity: Severity


def alert_of(event: Event) -> Alert:
    """The notification for ``event`` (run name as the title, sanitized)."""
    return Alert(sanitize(event.run), sanitize(event.message), event.severity)


class AlertTracker:
    """Decides which alerts a poll deserves, each at most once (see the engine's rules).

    Args:
        rules: User rules checked besides the built-in alerts.
    """

    def __init__(self, rules: Sequence[Rule] = ()) -> None:
        self.engine = AlertEngine(rules)

    def prime(self, runs: Iterable[Run]) -> None:
        """Take the current state as known: no alert for what is already there."""
        self.engine.prime(runs)

    def check(self, runs: Iterable[Run], changes: Mapping[Path, Changes]) -> list[Alert]:
        """Alerts for the runs that changed."""
        return [alert_of(event) for event in self.engine.observe(runs, changes)]
