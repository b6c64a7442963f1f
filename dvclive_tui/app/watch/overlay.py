"""One metric of many runs as chart series: colours, marks, and a legend that ranks.

A chart legend has room for a few entries; the rest is a ``+N``. With more runs than the
palette has colours (:data:`RANK_ABOVE`), :func:`overlay_series` therefore puts them in rank
order, best first, by the chart's own metric: in the direction the runs view sorts it,
else the direction its name implies (``loss`` down, ``acc`` up;
:func:`~dvclive_tui.monitor.rules.guess_direction`); runs without a finite newest value
come last. Fewer runs, or a metric with no known direction, keep the given order (the runs
view's list order), so a small legend does not reshuffle as values cross.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from dvclive_tui.charts.marks import marked
from dvclive_tui.charts.series import SeriesData
from dvclive_tui.monitor.rules import Direction, guess_direction
from dvclive_tui.text import sanitize
from dvclive_writer.plotting.palette import PALETTE
from dvclive_writer.read.model import MetricSeries, Run

RANK_ABOVE = len(PALETTE)
"""Legends rank their runs when a chart overlays more runs than this."""


def series_version(generation: int, length: int) -> int:
    """A version number that changes whenever a series grows or is reset."""
    return generation * 2**40 + length


def rank_direction(metric: str, sort_by: str, descending: bool) -> Direction | None:
    """How a chart of ``metric`` ranks its legend (see the module docstring)."""
    if sort_by == metric:
        return "max" if descending else "min"
    return guess_direction(metric)


def overlay_series(
    runs: Sequence[Run],
    metric: str,
    colors: Mapping[Path, int],
    rank: Direction | None,
) -> list[SeriesData]:
    """The series of ``metric`` in each of ``runs`` that has it, legend order first."""
    found: list[tuple[int, Run, MetricSeries]] = []
    for index, run in enumerate(runs):
        series = run.metrics.get(metric)
        if series is not None:
            found.append((colors.get(run.path, index), run, series))
    if rank is not None and len(found) > RANK_ABOVE:
        found.sort(key=lambda item: _rank_key(item[2], rank))
    return [
        SeriesData(
            key=f"{run.path}::{metric}",
            label=marked(sanitize(run.name), color),
            steps=series.steps,
            values=series.values,
            timestamps=series.timestamps,
            color=color,
            version=series_version(series.generation, len(series)),
        )
        for color, run, series in found
    ]


def _rank_key(series: MetricSeries, rank: Direction) -> float:
    if not len(series):
        return math.inf
    value = float(series.values[-1])
    if not math.isfinite(value):
        return math.inf
    return value if rank == "min" else -value
