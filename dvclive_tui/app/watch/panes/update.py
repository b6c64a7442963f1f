"""What the App hands every pane on a refresh: the runs, the filter and what changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dvclive_tui.monitor.fleet_view import Arrangement
from dvclive_writer.read.model import Changes, Run


@dataclass(frozen=True)
class Update:
    """One refresh of the panes.

    Attributes:
        runs: The charted runs (the selection, else every listed run) in legend order.
        query: The ``/`` filter of metric names (empty shows everything).
        metrics: Metric names whose data changed, or ``None`` for all of them.
        tables: Params or summary changed.
        images: Images changed.
        plots: Plots changed.
        colors: Chart colour index of each run (by path); a run without one takes its
            position in :attr:`runs`.
        fleet: The runs view's arrangement (``None`` before the first one).
    """

    runs: tuple[Run, ...]
    query: str = ""
    metrics: frozenset[str] | None = None
    tables: bool = True
    images: bool = True
    plots: bool = True
    colors: Mapping[Path, int] = field(default_factory=dict)
    fleet: Arrangement | None = None

    @classmethod
    def everything(
        cls, runs: tuple[Run, ...], query: str, fleet: Arrangement | None = None
    ) -> Update:
        """An update that redraws every pane completely."""
        colors = {} if fleet is None else fleet.colors
        return cls(runs, query, colors=colors, fleet=fleet)

    @classmethod
    def from_changes(
        cls,
        runs: tuple[Run, ...],
        query: str,
        changes: Mapping[Path, Changes],
        fleet: Arrangement | None = None,
    ) -> Update:
        """An update covering what the polls reported about ``runs`` (a new or replaced run
        among them redraws all)."""
        shown = {run.path for run in runs}
        relevant = [change for path, change in changes.items() if path in shown]
        if any(change.new_run for change in relevant):
            return cls.everything(runs, query, fleet)
        metrics: set[str] = set()
        for change in relevant:
            metrics.update(change.new_points)
            metrics.update(change.reset_metrics)
            metrics.update(change.removed_metrics)
        return cls(
            runs,
            query,
            frozenset(metrics),
            tables=any(c.params or c.summary for c in relevant),
            images=any(c.images for c in relevant),
            plots=any(c.plots for c in relevant),
            colors={} if fleet is None else fleet.colors,
            fleet=fleet,
        )

    def color(self, run: Run, index: int) -> int:
        """The chart colour of ``run``, at position ``index`` of :attr:`runs`."""
        return self.colors.get(run.path, index)
