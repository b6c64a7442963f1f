"""The one-line header: run name, status, step, elapsed time, speed, last write, warnings."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from dvclive_tui.monitor.run_stats import HeaderFacts
from dvclive_tui.text import format_duration, sanitize, shorten_middle
from dvclive_writer.read.model import RunStatus

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
        self._facts: HeaderFacts | None = None

    @property
    def facts(self) -> HeaderFacts | None:
        """What the header currently describes."""
        return self._facts

    def show(self, facts: HeaderFacts | None) -> None:
        """Describe ``facts`` (``None``: waiting for a run) and redraw."""
        self._facts = facts
        self.refresh()

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def render(self) -> RenderResult:
        """One line: status, name, warning badge, step, elapsed, speed, last write."""
        text = Text(no_wrap=True, overflow="ellipsis")
        label = self._style("run-header--label")
        facts = self._facts
        if facts is None:
            text.append("… ", self._style("run-header--waiting"))
            text.append(f"waiting for a run in {sanitize(self._waiting_for)}", label)
            return text
        now = self._clock()
        status_style = self._style(_STATUS_STYLE[facts.status])
        text.append(f"{_STATUS_ICON[facts.status]} ", status_style)
        name = sanitize(facts.name)
        width = self.content_size.width - text.cell_len
        # Which run it is matters most, then the status and step; the times and the speed
        # go first when the line is short, then the usual "/dvclive" ending of the name,
        # and only then the middle of the name.
        rest = self._facts_text(facts, now, status_style, times=True)
        if width - rest.cell_len < len(name):
            rest = self._facts_text(facts, now, status_style, times=False)
        if width - rest.cell_len < len(name) and name.endswith("/dvclive"):
            name = name.removesuffix("/dvclive")
        room = width - rest.cell_len
        text.append(shorten_middle(name, max(room, 12)), self._style("run-header--name"))
        text.append_text(rest)
        return text

    def _facts_text(
        self, facts: HeaderFacts, now: float, status_style: Style, *, times: bool
    ) -> Text:
        """Everything after the run name (``times``: with the elapsed time, the speed and
        the age of the last write)."""
        label = self._style("run-header--label")
        text = Text()
        if facts.others:
            text.append(f" +{facts.others}", label)
        text.append("  ")
        text.append(facts.status.value, status_style)
        if facts.connection:
            text.append("  ")
            text.append(f" ⚠ {sanitize(facts.connection)} ", self._style("run-header--warning"))
        if facts.warnings:
            text.append("  ")
            # Over every watched run (the warnings dialog lists them): say so with several.
            where = f" in {facts.warned_runs} runs" if facts.warned_runs > 1 else ""
            if facts.others and facts.warned_runs == 1:
                where = " in 1 run"
            text.append(f" ⚠ {facts.warnings}{where} ", self._style("run-header--warning"))
        if facts.step is not None:
            text.append("  step ", label)
            text.append(str(facts.step))
        if not times:
            return text
        elapsed = facts.elapsed(now)
        if elapsed is not None:
            text.append("  elapsed ", label)
            text.append(format_duration(elapsed))
        if facts.rate is not None and facts.status is RunStatus.RUNNING:
            text.append("  ")
            text.append(f"{facts.rate:.3g}")
            text.append(" step/s", label)
        age = facts.age(now)
        if age is not None:
            text.append("  wrote ", label)
            text.append(f"{format_duration(age)} ago")
        return text
