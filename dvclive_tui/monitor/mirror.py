"""The runs a UI reads: a copy of each reader's run, published in short critical sections.

A :class:`~dvclive_writer.read.reader.RunReader` mutates its :class:`Run` while it polls
(file I/O, parsing), which can take long on a big fleet or a slow file system. The watcher
therefore polls readers without holding its lock and then publishes what changed into a
:class:`RunMirror`'s own :class:`Run`, which is all the UI ever sees:

- :meth:`RunMirror.stage` runs on the polling thread, right after the reader's poll, while
  the reader is idle and without the watcher's lock. It compares the reader's run with the
  published one and prepares the update: the new values of each metric copied past the
  published ones, fresh series for new or reset metrics, copies of changed images and
  plots;
- :meth:`Staged.publish` runs under the lock and only swaps references and lengths, so a
  UI holding the lock never waits for I/O or a copy.

The published metric series (:class:`PublishedSeries`) only grow: a reset or re-created
series gets a new object, and no array a view took from a published series is written
again. ``summary`` and ``params`` are shared with the reader, which replaces those mappings
and never changes them in place; ``images``, ``plots`` and ``warnings`` are copied when
they change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from dvclive_writer.read.model import FileWarning, ImageSeries, MetricSeries, PlotData, Run


class PublishedSeries(MetricSeries):
    """A reader's metric series as the UI sees it: its first ``len()`` points, fixed until
    the next publish.

    Steps and timestamps share the reader's buffers: the reader only writes them past the
    points it already holds, and replaces them when it grows, widens or resets a series,
    so the published prefix is never written again. Values live in a buffer of this
    object's own, because a reset series writes its new values over its old ones. That
    costs 8 bytes per point instead of a full copy's 16.
    """

    __slots__ = ()

    @classmethod
    def follow(cls, origin: MetricSeries) -> PublishedSeries:
        """An empty published series that will follow ``origin``."""
        series = cls(origin.name, origin.path, has_timestamp=origin.has_timestamp, capacity=0)
        series.generation = origin.generation
        return series

    def stage(self, origin: MetricSeries) -> _Stage | None:
        """What publishing ``origin``'s new points takes (``None``: nothing new).

        Called without the lock: new values go into room past the published ones (or a new,
        bigger buffer), where the UI does not read.
        """
        known, total = self._n, len(origin)
        if total == known:
            return None
        values = self._values
        if len(values) < total:
            grown = np.empty(max(total, len(values) + len(values) // 2), dtype=np.float64)
            grown[:known] = values[:known]
            values = grown
        values[known:total] = origin._values[known:total]
        return _Stage(self, origin._steps, values, origin._timestamps, origin._ts_base, total)


@dataclass
class _Stage:
    series: PublishedSeries
    steps: npt.NDArray[np.int32] | npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    timestamps: npt.NDArray[np.uint32] | npt.NDArray[np.int64] | None
    ts_base: int | None
    length: int

    def apply(self) -> None:
        series = self.series
        series._steps, series._values = self.steps, self.values
        series._timestamps, series._ts_base = self.timestamps, self.ts_base
        series._n = self.length


@dataclass
class Staged:
    """An update of one published run, prepared outside the lock; :meth:`publish` applies it."""

    run: Run
    metrics: dict[str, MetricSeries]
    mirror: RunMirror
    series: list[_Stage] = field(default_factory=list)
    images: dict[str, ImageSeries] | None = None
    plots: dict[str, PlotData] | None = None
    warnings: dict[str, FileWarning] | None = None
    scalars: dict[str, object] = field(default_factory=dict)

    def publish(self) -> None:
        """Apply the update (call with the watcher's lock held; no I/O happens here)."""
        run = self.run
        for stage in self.series:
            stage.apply()
        run.metrics = self.metrics
        if self.images is not None:
            run.images = self.images
        if self.plots is not None:
            run.plots = self.plots
        if self.warnings is not None:
            run.warnings = self.warnings
        for name, value in self.scalars.items():
            setattr(run, name, value)
        self.mirror.published = True


class RunMirror:
    """The published copy of one reader's run.

    Args:
        source: The reader's run (read only on the polling thread, between polls).
        path: The published run's path when it is not the reader's (a remote run's key).
        frame_path: Where the views read an image frame (a remote run's: a local copy
            fetched on demand), when not where the reader saw it.
    """

    def __init__(
        self,
        source: Run,
        path: Path | None = None,
        frame_path: Callable[[Path], Path] | None = None,
    ) -> None:
        self.source = source
        self._frame_path = frame_path
        self.run = Run(path=source.path if path is None else path, name=source.name)
        """The run the UI reads (under the watcher's lock); its identity never changes."""
        self.published = False
        """Whether :attr:`run` was published once (the reader read the run)."""
        self._origins: dict[str, MetricSeries] = {}
        """Metric name -> the reader's series the published one copies."""
        self._images: list[tuple[str, ImageSeries, int]] = []
        self._plots: list[tuple[str, PlotData, int]] = []
        """``(name, object, version)`` of the reader's images and plots last published."""

    def stage(self) -> Staged:
        """Prepare publishing the reader's current state (polling thread, reader idle)."""
        source, published = self.source, self.run
        metrics: dict[str, MetricSeries] = {}
        staged = Staged(published, metrics, self)
        origins: dict[str, MetricSeries] = {}
        for name, series in source.metrics.items():
            origins[name] = series
            copy = published.metrics.get(name)
            if not isinstance(copy, PublishedSeries) or not self._continues(name, series, copy):
                copy = PublishedSeries.follow(series)
            metrics[name] = copy
            stage = copy.stage(series)
            if stage is not None:
                staged.series.append(stage)
        self._origins = origins
        images = [(name, series, series.version) for name, series in source.images.items()]
        if not _same(images, self._images):
            moved = self._frame_path
            staged.images = {
                name: replace(
                    series,
                    frames=[(step, path) for step, path in series.frames]
                    if moved is None
                    else [(step, moved(path)) for step, path in series.frames],
                )
                for name, series in source.images.items()
            }
            self._images = images
        plots = [(key, plot, plot.version) for key, plot in source.plots.items()]
        if not _same(plots, self._plots):
            staged.plots = {key: replace(plot) for key, plot in source.plots.items()}
            self._plots = plots
        if source.warnings != published.warnings:
            staged.warnings = dict(source.warnings)
        staged.scalars = {
            "name": source.name,
            "summary": source.summary,
            "params": source.params,
            "status": source.status,
            "last_write": source.last_write,
            "started": source.started,
            "generation": source.generation,
            "origin": source.origin,
            "connection": source.connection,
        }
        return staged

    def _continues(self, name: str, series: MetricSeries, copy: MetricSeries) -> bool:
        """Whether ``copy`` holds a prefix of ``series`` (same series, same generation)."""
        return (
            self._origins.get(name) is series
            and copy.generation == series.generation
            and copy.has_timestamp == series.has_timestamp
            and len(series) >= len(copy)
        )


def _same(
    now: Sequence[tuple[str, object, int]], before: Sequence[tuple[str, object, int]]
) -> bool:
    """Whether the reader kept every image series or plot (it replaces one or bumps its
    version when the content changes)."""
    return len(now) == len(before) and all(
        name == old_name and item is old_item and version == old_version
        for (name, item, version), (old_name, old_item, old_version) in zip(
            now, before, strict=True
        )
    )
