"""Decimation of growing metric histories for a report, without re-decimating the past.

A report that is regenerated during training would otherwise run M4
(:func:`dvclive_writer.plotting.decimate.m4_decimate`) over every point of every metric each
time. Here the pixel columns are laid on a grid that only changes when the x-span outgrows
it (the grid spans the data's span rounded up to a power of :data:`GRID_GROWTH`, so the
data always fills at least ``1 / GRID_GROWTH`` of the columns). While the grid holds and
points are only appended in step order, the columns left of the newest point are
complete: they are decimated once and kept (:class:`SeriesCache`), and each regeneration
decimates only the points of newer columns. Anything else (a new grid, a reset series,
steps going backwards) starts the series over.

Every column keeps its first, min, max and last point (or all its points when a chunk of
columns holds no more than four per column), so a series never draws more than
``4 * width + 4`` points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from dvclive_writer.plotting.decimate import m4_decimate

FloatArray = npt.NDArray[np.float64]

#: Ratio between two successive grid spans.
GRID_GROWTH = 1.25


def grid_span(span: float) -> float:
    """``span`` rounded up to a power of :data:`GRID_GROWTH` (at least 1)."""
    if span <= 1:
        return 1.0
    return float(GRID_GROWTH ** math.ceil(math.log(span, GRID_GROWTH) - 1e-12))


@dataclass
class SeriesCache:
    """The frozen (complete-column) part of one series' decimation."""

    generation: int
    x_min: float
    span: float
    width: int
    done: int = 0
    """Raw points already decimated into :attr:`xs` / :attr:`ys`."""
    xs: list[FloatArray] = field(default_factory=list)
    ys: list[FloatArray] = field(default_factory=list)


class Decimator:
    """Decimates series for repeated reports, reusing the complete columns of the last call.

    Keys name a series (metric and experiment); the same key must always be given the same
    series, growing by appends (``generation`` changes when it was reset).
    """

    def __init__(self) -> None:
        self.series: dict[tuple[str, str], SeriesCache] = {}
        self.points_decimated = 0
        """Raw points passed to M4 so far (how much work the cache saved)."""

    def decimate(
        self,
        key: tuple[str, str],
        generation: int,
        x: FloatArray,
        y: FloatArray,
        x_min: float,
        x_max: float,
        width: int,
    ) -> tuple[FloatArray, FloatArray]:
        """At most about four points per column of ``width`` columns over the grid that
        covers ``[x_min, x_max]``."""
        count = len(x)
        if count <= 4 * width:
            self.series.pop(key, None)
            return x, y
        span = grid_span(x_max - x_min)
        cache = self.series.get(key)
        if cache is None or not _still_valid(cache, generation, x, x_min, span, width):
            if not _ascending(x):  # steps out of order: no complete columns to keep
                self.series.pop(key, None)
                self.points_decimated += count
                return m4_decimate(x, y, x_min, x_max, width)
            cache = SeriesCache(generation=generation, x_min=x_min, span=span, width=width)
            self.series[key] = cache
        size = span / width
        last_column = min(width - 1, int((x[-1] - x_min) // size))
        edge = x_min + last_column * size
        frozen_end = cache.done + int(np.searchsorted(x[cache.done :], edge, side="left"))
        if frozen_end > cache.done:
            chunk = slice(cache.done, frozen_end)
            first_column = min(last_column, int((x[cache.done] - x_min) // size))
            cx, cy = m4_decimate(
                x[chunk], y[chunk], x_min + first_column * size, edge, last_column - first_column
            )
            self.points_decimated += frozen_end - cache.done
            cache.xs.append(cx)
            cache.ys.append(cy)
            cache.done = frozen_end
        tx, ty = m4_decimate(x[cache.done :], y[cache.done :], edge, edge + size, 1)
        self.points_decimated += count - cache.done
        return np.concatenate([*cache.xs, tx]), np.concatenate([*cache.ys, ty])


def _still_valid(
    cache: SeriesCache,
    generation: int,
    x: FloatArray,
    x_min: float,
    span: float,
    width: int,
) -> bool:
    """Same grid, same series, and the points since ``done`` continue in step order."""
    if (cache.generation, cache.x_min, cache.span, cache.width) != (generation, x_min, span, width):
        return False
    if cache.done > len(x):
        return False
    return _ascending(x[max(cache.done - 1, 0) :])


def _ascending(x: FloatArray) -> bool:
    return bool(np.all(x[1:] >= x[:-1]))
