"""What the App hands every pane on a refresh: the runs, the filter and what changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dvclive_writer.read.model import Changes, Run


@dataclass(frozen=True)
class Update:
    """One refresh of the panes.

    Attributes:
        runs: Watched runs in colour order (index ``i`` has palette colour ``i``).
        query: The ``/`` filter (empty shows everything).
        metrics: Metric names whose data changed, or ``None`` for all of them.
        tables: Params or summary changed.
        images: Images changed.
        plots: Plots changed.
    """

    runs: tuple[Run, ...]
    query: str = ""
    metrics: frozenset[str] | None = None
    tables: bool = True
    images: bool = True
    plots: bool = True

    @classmethod
    def everything(cls, runs: tuple[Run, ...], query: str) -> Update:
        """An update that redraws every pane completely."""
        return cls(runs, query)

    @classmethod
    def from_changes(
        cls, runs: tuple[Run, ...], query: str, changes: Mapping[Path, Changes]
    ) -> Update:
        """An update covering what the polls reported (a new or reset run redraws all)."""
        if any(change.new_run for change in changes.values()):
            return cls(runs, query)
        metrics: set[str] = set()
        for change in changes.values():
            metrics.update(change.new_points)
            metrics.update(change.reset_metrics)
            metrics.update(change.removed_metrics)
        return cls(
            runs,
            query,
            frozenset(metrics),
            tables=any(c.params or c.summary for c in changes.values()),
            images=any(c.images for c in changes.values()),
            plots=any(c.plots for c in changes.values()),
        )
