"""The runs view of a fleet, headless: which runs are listed, in which order and groups,
which are overlaid on the charts and in which colours.

Names (columns, the sort and group keys, the top-k metric) are names of the runs filter
(:mod:`~dvclive_tui.monitor.run_filter`): a metric (``eval/loss``, its newest value),
``params.KEY``, ``summary.KEY``, or a base column: ``name``, ``status``, ``step``,
``rate`` (steps per second), ``wrote`` (seconds since the last write). Runs are keyed by
their absolute path (as sessions store them).

The rules:

- **filter**: a runs filter; a starred run always passes;
- **hidden** runs are left out of the list and the charts until shown again;
- **order**: starred runs first, then by the sort key (missing and NaN values last in
  either direction), else in the order the runs were found; with a **group** key, runs
  are listed under one header per value of that key (groups in ascending order, missing
  last), and a collapsed group lists no runs;
- **charted**: the selected runs, or while none is selected the first
  :data:`DEFAULT_CHARTED` listed runs (all of a smaller fleet; the best ones once sorted),
  plus the pinned runs, in list order (the legends rank them as the list does). A
  selection has no limit;
- **colours**: one index per charted run (:class:`~dvclive_tui.charts.marks.ColorSlots`:
  distinct while at most eight runs are charted, marks beyond), or per group when grouped;
- **top-k**: the ``k`` listed runs with the best newest value of a metric become the
  selection, and the list is sorted by that metric.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dvclive_tui.charts.marks import ColorSlots
from dvclive_tui.experiments.filter import Filter
from dvclive_tui.experiments.table import MISSING, format_value
from dvclive_tui.monitor.fleet_choices import FleetChoices
from dvclive_tui.monitor.run_filter import FLAGS, TIMELY, RunLookup, compile_run_filter
from dvclive_tui.monitor.run_values import RESERVED
from dvclive_writer.read.model import Run

BASE_COLUMNS: tuple[str, ...] = ("name", "status", "step", "rate", "wrote")
"""Columns every runs table shows first."""
SYSTEM_PREFIX = "system/"
NO_VALUE = "(none)"
"""Group of the runs without a value for the group key."""
DEFAULT_TOP_K = 8
"""Runs ``t`` selects: as many as the palette has colours, so each keeps its own."""
DEFAULT_CHARTED = 60
"""Listed runs charted while none is selected: a legible overlay that draws in a few
milliseconds, and all a dashboard must read before its first screen."""

Direction = Literal["min", "max"]
RateOf = Callable[[Run], float | None]


@dataclass(frozen=True)
class GroupRow:
    """The header of a group of runs."""

    key: str
    """The group's value as text (also its key)."""
    count: int
    charted: int
    collapsed: bool


@dataclass(frozen=True)
class RunRow:
    """One listed run."""

    run: Run
    key: str
    """The run's absolute path."""
    group: str | None = None


Row = GroupRow | RunRow


@dataclass(frozen=True)
class Arrangement:
    """The runs view at one moment."""

    rows: list[Row]
    listed: list[Run]
    """Runs passing the filter and not hidden, in list order (collapsed ones included)."""
    charted: list[Run]
    """Runs overlaid on the charts, in legend order."""
    colors: dict[Path, int]
    """Chart colour index of each charted run."""
    total: int
    hidden: int
    sort: tuple[str, bool] = ("", False)
    """The sort key and whether it is descending."""
    runs: list[Run] = field(default_factory=list)
    """Every known run, in the order they were found."""
    groups: dict[str, list[Run]] = field(default_factory=dict)
    """The listed runs of each group (empty when not grouped)."""


def key_of(run: Run) -> str:
    """The key of a run in choices and sessions: its absolute path."""
    return str(run.path)


def groupable(name: str) -> bool:
    """Whether runs may be grouped by the column ``name``: a param or the status (a
    metric's values are all different, and change at every step)."""
    return name.startswith("params.") or name == "status"


def sort_value(value: Any) -> tuple[int, Any]:
    """Order of values: numbers, then booleans, then strings, then others; missing and NaN
    last (the rank is kept first when the order is reversed)."""
    if value is MISSING or value is None:
        return (4, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (4, 0) if isinstance(value, float) and math.isnan(value) else (0, value)
    if isinstance(value, str):
        return (2, value)
    return (3, str(value))


def cell_text(value: Any) -> str:
    """A value as the runs table shows it (5 significant digits, empty when missing)."""
    return format_value(value)


class FleetView:
    """The choices of the runs view and what they make of the runs (see the module docstring).

    Args:
        choices: Restored choices (default: nothing chosen).
    """

    def __init__(self, choices: FleetChoices | None = None) -> None:
        self.choices = choices if choices is not None else FleetChoices()
        self.filter: Filter = compile_run_filter("")
        self._lookups: dict[str, RunLookup] = {}
        self._slots = ColorSlots()
        self._defaults: tuple[tuple[tuple[int, int], ...], list[str]] = ((), [])
        if self.choices.run_filter:
            try:
                self.filter = compile_run_filter(self.choices.run_filter)
            except ValueError:
                self.choices.run_filter = ""

    # -- values ---------------------------------------------------------------------------

    def lookup(self, run: Run, rate: float | None, now: float) -> RunLookup:
        """The names of ``run`` now (what depends on the run alone is cached)."""
        key = key_of(run)
        found = self._lookups.get(key)
        if found is None or found.run is not run or found.run.generation != found.generation:
            found = self._lookups[key] = RunLookup(run)
        return found.at(rate=rate, now=now, flags=self.flags(key))

    def invalidate(self, paths: Iterable[Path]) -> None:
        """Forget what was computed for the runs in ``paths`` (they changed)."""
        for path in paths:
            self._lookups.pop(str(path), None)

    def flags(self, key: str) -> tuple[str, ...]:
        """The marks of run ``key``: ``starred``, ``pinned``, ``selected``."""
        choices = self.choices
        lists = (choices.starred, choices.pinned, choices.selected)
        return tuple(flag for flag, keys in zip(FLAGS, lists, strict=True) if key in keys)

    def default_columns(self, runs: Sequence[Run]) -> list[str]:
        """Every metric (but system ones), then the params whose values differ across runs."""
        token = tuple((id(run.params), len(run.metrics)) for run in runs)
        if token == self._defaults[0]:
            return self._defaults[1]
        metrics = sorted(
            {name for run in runs for name in run.metrics if not name.startswith(SYSTEM_PREFIX)}
        )
        values: dict[str, set[str]] = {}
        for run in runs:
            for key, value in self.lookup(run, None, 0.0).params().items():
                values.setdefault(key, set()).add(repr(value))
        keys = sorted(values)
        varying = [key for key in keys if len(values[key]) > 1 or len(runs) == 1]
        columns = [*metrics, *(f"params.{key}" for key in varying)]
        self._defaults = (token, columns)
        return columns

    def columns(self, runs: Sequence[Run]) -> list[str]:
        """The columns after the base ones: the chosen ones, else :meth:`default_columns`."""
        return list(self.choices.columns) or self.default_columns(runs)

    # -- the arrangement ----------------------------------------------------------------

    def arrange(self, runs: Sequence[Run], rate: RateOf, now: float) -> Arrangement:
        """List, group, chart and colour ``runs`` under the current choices."""
        choices = self.choices
        hidden = set(choices.hidden)
        starred = set(choices.starred)
        visible = [run for run in runs if key_of(run) not in hidden]
        lookups = {key_of(run): self.lookup(run, rate(run), now) for run in visible}
        listed = [
            run
            for run in visible
            if key_of(run) in starred or self.filter.evaluate(lookups[key_of(run)])
        ]
        if choices.sort_by:
            present: list[tuple[tuple[int, Any], Run]] = []
            absent: list[tuple[tuple[int, Any], Run]] = []
            for run in listed:
                value = sort_value(lookups[key_of(run)](choices.sort_by))
                (absent if value[0] == 4 else present).append((value, run))
            present.sort(key=lambda item: item[0], reverse=choices.sort_descending)
            listed = [run for _, run in present] + [run for _, run in absent]
        listed.sort(key=lambda run: key_of(run) not in starred)  # stable: stars first
        charted = self._charted(runs, listed, hidden)
        groups: dict[str, list[Run]] = {}
        if choices.group_by:
            for run in listed:
                groups.setdefault(self.group_of(lookups[key_of(run)]), []).append(run)
        rows = self._rows(listed, groups, {key_of(run) for run in charted})
        colors = self._colors(charted, groups)
        return Arrangement(
            rows,
            listed,
            charted,
            colors,
            len(runs),
            len(runs) - len(visible),
            (choices.sort_by, choices.sort_descending),
            list(runs),
            groups,
        )

    def group_of(self, lookup: RunLookup) -> str:
        """The group (value text) of a run."""
        value = lookup(self.choices.group_by)
        return NO_VALUE if value is MISSING else cell_text(value)

    def _charted(self, runs: Sequence[Run], listed: list[Run], hidden: set[str]) -> list[Run]:
        choices = self.choices
        if choices.selected:
            wanted = set(choices.selected)
        else:
            wanted = {key_of(run) for run in listed[:DEFAULT_CHARTED]}
        wanted |= set(choices.pinned)
        wanted -= hidden
        order = {key_of(run): index for index, run in enumerate(listed)}
        chosen = [run for run in runs if key_of(run) in wanted]
        chosen.sort(key=lambda run: order.get(key_of(run), len(order)))
        return chosen

    def _rows(
        self, listed: list[Run], groups: dict[str, list[Run]], charted: set[str]
    ) -> list[Row]:
        if not self.choices.group_by:
            return [RunRow(run, key_of(run)) for run in listed]
        collapsed = set(self.choices.collapsed)
        rows: list[Row] = []
        for name in sorted(groups, key=_group_order):
            members = groups[name]
            count = sum(key_of(run) in charted for run in members)
            rows.append(GroupRow(name, len(members), count, name in collapsed))
            if name not in collapsed:
                rows.extend(RunRow(run, key_of(run), name) for run in members)
        return rows

    def _colors(self, charted: list[Run], groups: Mapping[str, list[Run]]) -> dict[Path, int]:
        if not groups:
            slots = self._slots.assign([key_of(run) for run in charted])
            return {run.path: slots[key_of(run)] for run in charted}
        group_of = {key_of(run): name for name, members in groups.items() for run in members}
        names = [group_of.get(key_of(run), NO_VALUE) for run in charted]
        slots = self._slots.assign([f"group:{name}" for name in dict.fromkeys(names)])
        return {run.path: slots[f"group:{name}"] for run, name in zip(charted, names, strict=True)}

    # -- choices --------------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Filter by ``text`` (raises ``FilterError`` with one readable line)."""
        self.filter = compile_run_filter(text)
        self.choices.run_filter = text.strip()

    def unknown_filter_names(self, runs: Sequence[Run]) -> list[str]:
        """The names the filter reads that no run in ``runs`` has (a typo lists nothing)."""
        lookups = [self.lookup(run, None, 0.0) for run in runs]  # names alone: no rate, no time
        base = {*RESERVED, *FLAGS, *TIMELY}
        return [
            name
            for name in self.filter.names
            if name not in base and all(lookup(name) is MISSING for lookup in lookups)
        ]

    def reads_time(self) -> bool:
        """Whether the filter or the sort reads a value that changes with time alone."""
        names = {*self.filter.names, self.choices.sort_by}
        return bool(names & TIMELY)

    def toggle_sort(self, name: str) -> None:
        """Sort by ``name``; again: descending; a third time: no sort."""
        choices = self.choices
        if choices.sort_by != name:
            choices.sort_by, choices.sort_descending = name, False
        elif not choices.sort_descending:
            choices.sort_descending = True
        else:
            choices.sort_by, choices.sort_descending = "", False

    def toggle_group(self, name: str) -> None:
        """Group by ``name``, or stop grouping when already grouped by it."""
        choices = self.choices
        choices.group_by = "" if choices.group_by == name else name
        choices.collapsed = []

    def toggle_collapsed(self, group: str) -> None:
        """Collapse or expand a group."""
        _toggle(self.choices.collapsed, group)

    def toggle_selected(self, keys: Sequence[str]) -> None:
        """Select ``keys`` (a run, or a group's runs); unselect them if all were selected."""
        selected = self.choices.selected
        if keys and all(key in selected for key in keys):
            self.choices.selected = [key for key in selected if key not in keys]
        else:
            selected.extend(key for key in keys if key not in selected)

    def select_only(self, keys: Sequence[str]) -> None:
        """Make ``keys`` the selection."""
        self.choices.selected = list(dict.fromkeys(keys))

    def toggle_hidden(self, key: str) -> None:
        """Hide a run (dropping it from the selection), or show it again."""
        _toggle(self.choices.hidden, key)
        if key in self.choices.hidden and key in self.choices.selected:
            self.choices.selected.remove(key)

    def toggle_pinned(self, key: str) -> None:
        """Pin a run to the charts, or unpin it."""
        _toggle(self.choices.pinned, key)

    def toggle_starred(self, key: str) -> None:
        """Star a run (listed first, always passes the filter), or unstar it."""
        _toggle(self.choices.starred, key)

    def top_k(
        self,
        runs: Sequence[Run],
        metric: str,
        direction: Direction,
        k: int,
        rate: RateOf,
        now: float,
    ) -> list[Run]:
        """Select the ``k`` listed runs with the best newest ``metric`` and sort by it.

        Returns the runs selected (none when no listed run has a value).
        """
        listed = self.arrange(runs, rate, now).listed
        scored = []
        for run in listed:
            value = self.lookup(run, rate(run), now)(metric)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if numeric and math.isfinite(value):
                scored.append((value, run))
        scored.sort(key=lambda item: item[0], reverse=direction == "max")
        best = [run for _, run in scored[: max(0, k)]]
        if best:
            self.select_only([key_of(run) for run in best])
            self.choices.sort_by, self.choices.sort_descending = metric, direction == "max"
        return best


def _group_order(name: str) -> tuple[int, Any]:
    if name == NO_VALUE:
        return (9, 0)
    try:
        return (0, float(name))
    except ValueError:
        return (1, name)


def _toggle(items: list[str], item: str) -> None:
    if item in items:
        items.remove(item)
    else:
        items.append(item)


@dataclass(frozen=True)
class TopK:
    """A top-k request: the ``k`` runs with the best newest value of ``metric``."""

    metric: str
    direction: Direction
    k: int = DEFAULT_TOP_K

    def text(self) -> str:
        """How :func:`parse_top_k` reads it back (``eval/loss min 8``)."""
        return f"{self.metric} {self.direction} {self.k}"


def parse_top_k(text: str, guess: Callable[[str], Direction | None]) -> TopK:
    """Read ``METRIC [min|max] [K]``; the direction defaults to ``guess(metric)``.

    Raises ``ValueError`` with one readable line.
    """
    words = text.split()
    k = DEFAULT_TOP_K
    if words and words[-1].isdigit():
        k = int(words.pop())
        if k < 1:
            raise ValueError("k must be at least 1")
    direction: Direction | None = None
    if words and words[-1].lower() in ("min", "max"):
        direction = "min" if words.pop().lower() == "min" else "max"
    metric = " ".join(words).strip("`")
    if not metric:
        raise ValueError("name a metric: METRIC [min|max] [K], e.g. eval/loss min 8")
    if direction is None:
        direction = guess(metric)
    if direction is None:
        raise ValueError(f"cannot tell whether {metric!r} should go down or up: add min or max")
    return TopK(metric, direction, k)
