"""Filters and columns of the runs view: the expression language of ``compare --filter``.

:func:`compile_run_filter` accepts what ``compare --filter`` and ``--rule`` accept, with
metric names written as logged (``eval/loss < 0.5 and lr == 0.01``; the rules' own
quoting of ``/`` names), and a bare glob (``runs/4170*``) that matches run names.

:class:`RunLookup` says what a name is worth for one run now: the names of
:mod:`~dvclive_tui.monitor.run_values` (a metric is its newest value, ``params.KEY``,
``summary.KEY``, a bare key of either file), then the runs view's own:

- ``step``: the newest step; ``rate``: steps per second; ``wrote``: seconds since the last
  write (each ``MISSING`` while unknown);
- ``starred``, ``pinned``, ``selected``: whether the run is;
- the last parts of a params or summary key (``lr`` finds ``optimizer.lr``), as
  ``compare`` resolves them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from dvclive_tui.experiments.filter import Filter, FilterError, compile_filter
from dvclive_tui.experiments.table import MISSING
from dvclive_tui.monitor.rules import quote_slash_names
from dvclive_tui.monitor.run_stats import current_step
from dvclive_tui.monitor.run_values import RunValues
from dvclive_writer.read.model import Run

FLAGS = ("starred", "pinned", "selected")
"""Names of the marks a user puts on runs."""
TIMELY = frozenset({"rate", "wrote"})
"""Names whose value changes with time alone."""
_BARE = re.compile(r"[^\s<>=!()\"'~,]+")


def compile_run_filter(text: str) -> Filter:
    """Parse a runs filter; raises :class:`FilterError` (one readable line) when invalid."""
    stripped = text.strip()
    if _BARE.fullmatch(stripped) and "`" not in stripped:
        return compile_filter(stripped)  # a name or a glob: matched against run names
    source = quote_slash_names(stripped)
    try:
        return compile_filter(source)
    except FilterError as error:
        raise FilterError(str(error).replace(repr(source), repr(stripped))) from None


class RunLookup(RunValues):
    """Names of the runs view resolved against one run (see the module docstring).

    What depends on the run alone is computed once (keep one per run until it changes);
    :meth:`at` sets what changes without it: the rate, the time and the marks.
    """

    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.generation = run.generation
        """The run's generation when this lookup was made."""
        self.step = current_step(run)
        """The newest step, computed once."""
        self.rate: float | None = None
        self.now = 0.0
        self.flags: Collection[str] = ()

    def at(self, *, rate: float | None, now: float, flags: Collection[str]) -> RunLookup:
        """Set what changes without the run changing; returns itself."""
        self.rate, self.now, self.flags = rate, now, flags
        return self

    def __call__(self, name: str) -> Any:
        """The value of ``name`` (``MISSING`` when the run has none)."""
        if name == "step":
            return MISSING if self.step is None else self.step
        if name == "rate":
            return MISSING if self.rate is None else self.rate
        if name == "wrote":
            last = self.run.last_write
            return MISSING if last is None else max(0.0, self.now - last)
        if name in FLAGS:
            return name in self.flags
        value = self.value(name, None)
        if value is not MISSING:
            return value
        return self._by_suffix(name)

    def _by_suffix(self, name: str) -> Any:
        suffix = "." + name.replace("/", ".")
        for mapping in (self.params(), self.summary()):
            for key, value in mapping.items():
                if key.endswith(suffix):
                    return value
        return MISSING
