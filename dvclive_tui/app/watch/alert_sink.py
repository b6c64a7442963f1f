"""Where the dashboard's alerts go: toasts, the bell, desktop notifications, run marks.

Every alert is a toast, unless one poll raises more than :data:`MAX_TOASTS` (a sweep whose
runs all finish at once): then each kind of alert gets one toast naming its runs. Each
poll that raises a warning or an error rings once: the bell and a desktop notification
through the terminal (OSC 9 / OSC 777, :class:`~dvclive_tui.monitor.notify.TerminalNotifier`)
when ``--notify`` enables them, else Textual's bell. A rule about a run's values (NaN,
``--rule`` thresholds and plateaus) also marks the run in the runs view (``!``), and the
runs view's status line shows the messages of the run under the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import App

from dvclive_tui.monitor.alerts import Alert, Severity
from dvclive_tui.monitor.notify import TerminalNotifier

MAX_TOASTS = 4
"""Most toasts one poll shows before it sums up by kind."""
_RANK: dict[Severity, int] = {"information": 0, "warning": 1, "error": 2}
_NAMED = 3
"""Runs named in a summary toast."""


class AlertSink:
    """Shows alerts in ``app`` and through ``terminal`` (see the module docstring)."""

    def __init__(self, app: App[Any], terminal: TerminalNotifier) -> None:
        self.app = app
        self.terminal = terminal
        self._messages: dict[Path, list[str]] = {}

    def messages(self, path: Path) -> list[str]:
        """The rule messages about the run in ``path``, oldest first."""
        return self._messages.get(path, [])

    def alerted(self, path: Path) -> bool:
        """Whether a rule about its values fired for the run in ``path``."""
        return bool(self._messages.get(path))

    def record(self, alerts: Sequence[Alert]) -> None:
        """Remember which runs the rules about values fired for."""
        for alert in alerts:
            if alert.about_values and alert.path is not None:
                self._messages.setdefault(alert.path, []).append(alert.message)

    def raise_alerts(self, alerts: Sequence[Alert]) -> None:
        """Toast ``alerts`` (summed up by kind when many) and ring once if any matters."""
        if not alerts:
            return
        if len(alerts) <= MAX_TOASTS:
            for alert in alerts:
                self.app.notify(
                    alert.message, title=alert.title, severity=alert.severity, markup=False
                )
        else:
            for kind, group in _by_kind(alerts).items():
                self.app.notify(_summary(group), title=kind, severity=_worst(group), markup=False)
        worst = _worst(alerts)
        ring = worst != "information"
        if len(alerts) == 1:
            title, body = alerts[0].title, alerts[0].message
        else:
            title, body = f"{len(alerts)} alerts", _summary(alerts)
        if not self.terminal.notify(title, body, bell=ring) and ring:
            self.app.bell()  # reaches a terminal in another tmux pane or tab


def _by_kind(alerts: Sequence[Alert]) -> dict[str, list[Alert]]:
    groups: dict[str, list[Alert]] = {}
    for alert in alerts:
        groups.setdefault(alert.kind or "alert", []).append(alert)
    return groups


def _worst(alerts: Sequence[Alert]) -> Severity:
    return max((alert.severity for alert in alerts), key=lambda severity: _RANK[severity])


def _summary(alerts: Sequence[Alert]) -> str:
    """``3 runs: a, b, c`` (``+N`` past a few names); one alert: its run and message."""
    if len(alerts) == 1:
        return f"{alerts[0].title}: {alerts[0].message}"
    names = ", ".join(alert.title for alert in alerts[:_NAMED])
    more = f" +{len(alerts) - _NAMED}" if len(alerts) > _NAMED else ""
    return f"{len(alerts)} runs: {names}{more}"
