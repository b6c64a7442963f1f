"""Alert events and their JSON form, the stable interface of ``watch --headless``.

One event is one JSON object on one line (schema version :data:`EVENT_VERSION`)::

    {"version": 1, "kind": "threshold", "rule": "eval/loss > 2", "severity": "warning",
     "run": "runs/17/dvclive", "path": "/abs/runs/17/dvclive", "generation": 0,
     "metric": "eval/loss", "step": 420, "value": 2.31, "values": {"eval/loss": 2.31},
     "time": 1700000123.5, "message": "eval/loss > 2 at step 420 (eval/loss = 2.31)"}

``kind`` is ``threshold`` or ``plateau`` (user rules), ``nan`` (a metric became NaN/±inf),
``stalled``, ``finished``, ``resumed`` (running again after a stall) or ``gone`` (the
directory vanished); ``rule`` is the rule's text (the kind itself for the built-in ones);
``severity`` is ``error`` (nan), ``warning`` (threshold, plateau, stalled, gone) or
``information``; ``run`` is the display name and ``path`` the absolute directory;
``generation`` counts the runs that replaced one another in that directory; ``metric``,
``step`` and ``value`` are ``null`` when they do not apply; ``values`` holds every name a
threshold rule read (``{}`` otherwise); ``time`` is when the event was detected (epoch
seconds). Non-finite numbers are the strings ``"nan"``, ``"inf"``, ``"-inf"`` (as dvclive
writes them). ``message`` is for people and has its control characters escaped; ``run``,
``path`` and ``metric`` are exact. New fields may be added within a version; a field is
never removed or changed in meaning without bumping ``version``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dvclive_tui.text import sanitize

EVENT_VERSION = 1
EventKind = Literal["threshold", "plateau", "nan", "stalled", "finished", "resumed", "gone"]
Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Event:
    """One alert about one run."""

    kind: EventKind
    rule: str
    severity: Severity
    run: str
    """The run's display name."""
    path: Path
    """The run directory (absolute)."""
    generation: int
    time: float
    """Wall-clock seconds when the event was detected."""
    message: str
    """One human line (raw: :meth:`to_dict` escapes it)."""
    metric: str | None = None
    step: int | None = None
    value: Any = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (the schema in the module docstring)."""
        return {
            "version": EVENT_VERSION,
            "kind": self.kind,
            "rule": self.rule,
            "severity": self.severity,
            "run": self.run,
            "path": str(self.path),
            "generation": self.generation,
            "metric": self.metric,
            "step": self.step,
            "value": json_value(self.value),
            "values": {str(name): json_value(value) for name, value in self.values.items()},
            "time": self.time,
            "message": sanitize(self.message),
        }

    def to_json(self) -> str:
        """One line of JSON (no newline inside, ASCII only)."""
        return json.dumps(self.to_dict(), allow_nan=False, ensure_ascii=True, default=str)


def json_value(value: Any) -> Any:
    """A value as JSON can hold it: non-finite floats as dvclive's strings."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if hasattr(value, "item"):
        return json_value(value.item())
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return str(value)


def describe(value: Any) -> str:
    """A value for a message: ``nan``, ``inf``, ``0.2314``, ``"adam"``."""
    shown = json_value(value)
    if isinstance(shown, float):
        return f"{shown:.6g}"
    return str(shown)
