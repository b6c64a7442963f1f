"""The runs a UI reads: a copy of each reader's run, published in short critical sections.

A :class:`~dvclive_writer.read.reader.RunReader` mutates its :class:`Run` while it polls
(file I/O, parsing), which can take long on a big fleet or a slow file system. The watcher
therefore polls readers without holding its lock and then publishes what changed into a
:class:`RunMirror`'s own :class:`Run`, which is all the UI ever sees:

- :meth:`RunMirror.stage` runs on the polling thread, right after the reader's poll, while
  the reader is idle and without the watcher's lock. It compares the reader's run with the
  published one and prepares the update: the new points of each metric (slices of the
  reader's arrays), fresh series for new or reset metrics, copies of changed images and
  plots;
- :meth:`Staged.publish` runs under the lock and only appends the prepared points and
  swaps references, so a UI holding the lock waits for a copy of the new data, never for
  I/O.

The published metric series are :class:`MetricSeries` of their own, append-only: a reset
or re-created series gets a new object, so an array a view took from a published series
is never written again. ``summary`` and ``params`` are shared with the reader, which
replaces those mappings and never changes them in place; ``images``, ``plots`` and
``warnings`` are copied when they change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from dvclive_writer.read.model import FileWarning, ImageSeries, MetricSeries, PlotData, Run


@dataclass
class _Append:
    target: MetricSeries
    steps: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    timestamps: npt.NDArray[np.int64] | None


@dataclass
class Staged:
    """An update of one published run, prepared outside the lock; :meth:`publish` applies it."""

    run: Run
    metrics: dict[str, MetricSeries]
    appends: list[_Append] = field(default_factory=list)
    images: dict[str, ImageSeries] | None = None
    plots: dict[str, PlotData] | None = None
    warnings: dict[str, FileWarning] | None = None
    scalars: dict[str, object] = field(default_factory=dict)

    def publish(self) -> None:
        """Apply the update (call with the watcher's lock held; no I/O happens here)."""
        run = self.run
        for item in self.appends:
            item.target.append(item.steps, item.values, item.timestamps)
        run.metrics = self.metrics
        if self.images is not None:
            run.images = self.images
        if self.plots is not None:
            run.plots = self.plots
        if self.warnings is not None:
            run.warnings = self.warnings
        for name, value in self.scalars.items():
            setattr(run, name, value)


class RunMirror:
    """The published copy of one reader's run.

    Args:
        source: The reader's run (read only on the polling thread, between polls).
    """

    def __init__(self, source: Run) -> None:
        self.source = source
        self.run = Run(path=source.path, name=source.name)
        """The run the UI reads (under the watcher's lock); its identity never changes."""
        self._origins: dict[str, MetricSeries] = {}
        """Metric name -> the reader's series the published one copies."""
        self._images: list[tuple[str, ImageSeries, int]] = []
        self._plots: list[tuple[str, PlotData, int]] = []
        """``(name, object, version)`` of the reader's images and plots last published."""

    def stage(self) -> Staged:
        """Prepare publishing the reader's current state (polling thread, reader idle)."""
        source, published = self.source, self.run
        metrics: dict[str, MetricSeries] = {}
        staged = Staged(published, metrics)
        origins: dict[str, MetricSeries] = {}
        for name, series in source.metrics.items():
            origins[name] = series
            copy = published.metrics.get(name)
            if copy is None or not self._continues(name, series, copy):
                metrics[name] = _fresh_copy(series)
                continue
            metrics[name] = copy
            known = len(copy)
            if len(series) > known:
                timestamps = series.timestamps
                staged.appends.append(
                    _Append(
                        copy,
                        series.steps[known:],
                        series.values[known:],
                        None if timestamps is None else timestamps[known:],
                    )
                )
        self._origins = origins
        images = [(name, series, series.version) for name, series in source.images.items()]
        if not _same(images, self._images):
            staged.images = {
                name: replace(series, frames=list(series.frames))
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


def _fresh_copy(series: MetricSeries) -> MetricSeries:
    copy = MetricSeries(series.name, series.path, has_timestamp=series.has_timestamp, capacity=0)
    if len(series):
        copy.append(series.steps, series.values, series.timestamps)
    copy.generation = series.generation
    return copy


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
