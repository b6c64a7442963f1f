"""The one-line header: run name, status, step, elapsed time, speed, last write, warnings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from dvclive_tui.app import run_stats
from dvclive_tui.app.text import format_duration, sanitize
from dvclive_tui.data.model import Run, RunStatus

_STATUS_STYLE: dict[RunStatus, str] = {
    RunStatus.RUNNING: "run-header--running",
    RunStatus.FINISHED: "run-header--finished",
    RunStatus.STALLED: "run-header--stalled",
    RunStatus.WAITING: "run-header--waiting",
}
_STATUS_ICON: dict[RunStatus, str] = {
    RunStatus.RUNNING: "●",
    RunStatus.FINISHED: "✔",
    RunStatus.STALLED: "⏸",
    RunStatus.WAITING: "…",
}


class RunHeader(Widget):
    """Shows the state of the primary run (and how many others are watched).

    The time-dependent parts (elapsed, age of the last write) are computed from the
    injected clock at render time; the App refreshes the header once a second.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "run-header--name",
        "run-header--running",
        "run-header--finished",
        "run-header--stalled",
        "run-header--waiting",
        "run-header--label",
        "run-header--warning",
    }
    """
    | Class | Description |
    | :- | :- |
    | `run-header--name` | The run name. |
    | `run-header--running` | Status of a running run. |
    | `run-header--finished` | Status of a finished run. |
    | `run-header--stalled` | Status of a stalled run. |
    | `run-header--waiting` | Status while waiting for data. |
    | `run-header--label` | Labels next to figures. |
    | `run-header--warning` | The corrupt-file warning badge. |
    """

    DEFAULT_CSS = """
    RunHeader {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    RunHeader > .run-header--name { text-style: bold; color: $accent; }
    RunHeader > .run-header--running { color: $success; text-style: bold; }
    RunHeader > .run-header--finished { color: $primary; text-style: bold; }
    RunHeader > .run-header--stalled { color: $warning; text-style: bold; }
    RunHeader > .run-header--waiting { color: $text-muted; }
    RunHeader > .run-header--label { color: $text-muted; }
    RunHeader > .run-header--warning { background: $warning; color: $background; }
    """

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        waiting_for: str = ".",
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own keyword
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._waiting_for = waiting_for
        self._runs: list[Run] = []
        self._rates: dict[int, run_stats.StepRate] = {}
        self._warnings = 0

    def show(
        self,
        runs: Sequence[Run],
        rates: dict[int, run_stats.StepRate],
        warnings: int,
    ) -> None:
        """Update what the header describes and redraw it."""
        self._runs = list(runs)
        self._rates = rates
        self._warnings = warnings
        self.refresh()

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def render(self) -> RenderResult:
        """One line of text; the warning badge sits at the right end."""
        text = Text(no_wrap=True, overflow="ellipsis")
        label = self._style("run-header--label")
        if not self._runs:
            text.append("… ", self._style("run-header--waiting"))
            text.append(f"waiting for a run in {sanitize(self._waiting_for)}", label)
            return text
        run = self._runs[0]
        now = self._clock()
        status_style = self._style(_STATUS_STYLE[run.status])
        text.append(f"{_STATUS_ICON[run.status]} ", status_style)
        text.append(sanitize(run.name), self._style("run-header--name"))
        if len(self._runs) > 1:
            text.append(f" +{len(self._runs) - 1}", label)
        text.append("  ")
        text.append(run.status.value, status_style)
        if self._warnings:
            text.append("  ")
            text.append(f" ⚠ {self._warnings} ", self._style("run-header--warning"))
        step = run_stats.current_step(run)
        if step is not None:
            text.append("  step ", label)
            text.append(str(step))
        elapsed = run_stats.elapsed(run, now)
        if elapsed is not None:
            text.append("  elapsed ", label)
            text.append(format_duration(elapsed))
        rate = run_stats.steps_per_second(run, self._rates.get(id(run)))
        if rate is not None and run.status is RunStatus.RUNNING:
            text.append("  ")
            text.append(f"{rate:.3g}")
            text.append(" step/s", label)
        age = run_stats.write_age(run, now)
        if age is not None:
            text.append("  wrote ", label)
            text.append(f"{format_duration(age)} ago")
        return text
