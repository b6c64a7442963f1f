"""The run model shared by every view: what one dvclive directory holds right now.

This module is the contract between the data layer (which fills these objects by tailing
files) and the views (the Textual app, the report renderers, the one-shot printers), which
only read them. Nothing here does I/O.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


class RunStatus(enum.Enum):
    """Life-cycle state of a run, as far as its files and signal files tell."""

    WAITING = "waiting"
    """The directory does not exist yet or holds no data."""
    RUNNING = "running"
    """A writer is alive (signal-file pid alive) or writes are recent."""
    STALLED = "stalled"
    """No new step for much longer than the run's usual step interval."""
    FINISHED = "finished"
    """The writer ended (or no writer and no recent writes)."""


@dataclass(frozen=True)
class FileWarning:
    """A problem with one file; the rest of the run stays readable."""

    path: str
    """Path relative to the run directory (POSIX)."""
    message: str
    """One readable line."""
    since: float
    """Wall-clock time (seconds) when the problem was first seen."""


@dataclass(frozen=True)
class PlotConfig:
    """How a plot is drawn: dvc.yaml plot properties (dvc-render's names)."""

    template: str = "linear"
    x: str | None = None
    y: str | list[str] | None = None
    title: str | None = None
    x_label: str | None = None
    y_label: str | None = None


class MetricSeries:
    """One metric's history in compact growable arrays (step, value, optional timestamp).

    Views read the ``steps`` / ``values`` / ``timestamps`` properties (``int64`` steps,
    ``float64`` values, ``int64`` epoch-millisecond timestamps or ``None``), ``len()``,
    ``generation`` and ``nbytes``. The storage behind them is the data layer's business and
    may be narrower than the views it returns (the memory budget is 16 bytes per point).
    """

    __slots__ = ("_n", "_steps", "_timestamps", "_values", "generation", "name", "path")

    def __init__(self, name: str, path: str, *, has_timestamp: bool, capacity: int = 64) -> None:
        self.name = name
        """Metric name as logged, with ``/`` for nesting (``train/loss``)."""
        self.path = path
        """TSV path relative to the run directory."""
        self.generation = 0
        """Bumped each time the series is reset (new run, truncated file)."""
        self._n = 0
        self._steps: npt.NDArray[np.int64] = np.empty(capacity, dtype=np.int64)
        self._values: npt.NDArray[np.float64] = np.empty(capacity, dtype=np.float64)
        self._timestamps: npt.NDArray[np.int64] | None = (
            np.empty(capacity, dtype=np.int64) if has_timestamp else None
        )

    def __len__(self) -> int:
        return self._n

    @property
    def steps(self) -> npt.NDArray[np.int64]:
        return self._steps[: self._n]

    @property
    def values(self) -> npt.NDArray[np.float64]:
        return self._values[: self._n]

    @property
    def timestamps(self) -> npt.NDArray[np.int64] | None:
        return None if self._timestamps is None else self._timestamps[: self._n]

    def append(
        self,
        steps: npt.ArrayLike,
        values: npt.ArrayLike,
        timestamps: npt.ArrayLike | None = None,
    ) -> None:
        """Append points (arrays of equal length)."""
        new_steps = np.asarray(steps, dtype=np.int64)
        count = len(new_steps)
        if count == 0:
            return
        self._reserve(self._n + count)
        self._steps[self._n : self._n + count] = new_steps
        self._values[self._n : self._n + count] = np.asarray(values, dtype=np.float64)
        if self._timestamps is not None:
            if timestamps is None:
                self._timestamps[self._n : self._n + count] = -1
            else:
                self._timestamps[self._n : self._n + count] = np.asarray(timestamps, dtype=np.int64)
        self._n += count

    def reset(self, *, has_timestamp: bool) -> None:
        """Drop every point (a new run started) and bump :attr:`generation`."""
        self._n = 0
        self.generation += 1
        if has_timestamp and self._timestamps is None:
            self._timestamps = np.empty(len(self._steps), dtype=np.int64)
        elif not has_timestamp:
            self._timestamps = None

    def _reserve(self, needed: int) -> None:
        capacity = len(self._steps)
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        self._steps = _grow(self._steps, capacity)
        self._values = _grow(self._values, capacity)
        if self._timestamps is not None:
            self._timestamps = _grow(self._timestamps, capacity)

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffers (for memory accounting)."""
        total = self._steps.nbytes + self._values.nbytes
        return total + (0 if self._timestamps is None else self._timestamps.nbytes)


def _grow(array: npt.NDArray[Any], capacity: int) -> npt.NDArray[Any]:
    grown = np.empty(capacity, dtype=array.dtype)
    grown[: len(array)] = array
    return grown


@dataclass
class ImageSeries:
    """Images logged under one name, or one folder of per-step images (``steps/3.png``)."""

    name: str
    """``img.png`` for a single image; the folder (``steps``) for per-step images."""
    frames: list[tuple[int | None, Path]] = field(default_factory=list)
    """``(step, absolute path)`` ordered by step; step is ``None`` for a single image."""
    version: int = 0
    """Bumped whenever a frame is added or a file's content changes."""


@dataclass
class PlotData:
    """An sklearn plot (``plots/sklearn``) or a custom plot (``plots/custom``)."""

    name: str
    """Name relative to its folder without ``.json`` (``confusion_matrix``, ``train/roc``)."""
    kind: str
    """``"sklearn"`` or ``"custom"``."""
    path: str
    """JSON path relative to the run directory."""
    config: PlotConfig
    """Template and axes, from the dvc.yaml that references it (or inferred)."""
    rows: list[dict[str, Any]]
    """Datapoints, unwrapped (``{"roc": [...]}`` becomes the list)."""
    version: int = 0


@dataclass
class Run:
    """Everything known about one dvclive directory."""

    path: Path
    """The dvclive directory (absolute)."""
    name: str
    """Display name: the experiment name when known, else the directory relative to cwd."""
    metrics: dict[str, MetricSeries] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    images: dict[str, ImageSeries] = field(default_factory=dict)
    plots: dict[str, PlotData] = field(default_factory=dict)
    status: RunStatus = RunStatus.WAITING
    last_write: float | None = None
    """Wall-clock time of the newest write seen in the directory."""
    started: float | None = None
    """Wall-clock time of the run's first write (first timestamp or oldest file)."""
    warnings: dict[str, FileWarning] = field(default_factory=dict)
    """Per-file warnings keyed by relative path."""
    generation: int = 0
    """Bumped when a new run replaces the previous one in the same directory."""


@dataclass
class Changes:
    """What one ``poll()`` found changed since the previous call."""

    new_points: dict[str, int] = field(default_factory=dict)
    """Metric name -> number of points appended."""
    reset_metrics: set[str] = field(default_factory=set)
    """Metrics whose history was dropped and re-read (new run, truncation)."""
    removed_metrics: set[str] = field(default_factory=set)
    summary: bool = False
    params: bool = False
    images: bool = False
    plots: bool = False
    status: bool = False
    warnings: bool = False
    new_run: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.new_points
            or self.reset_metrics
            or self.removed_metrics
            or self.summary
            or self.params
            or self.images
            or self.plots
            or self.status
            or self.warnings
            or self.new_run
        )
