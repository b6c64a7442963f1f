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
    """No new step for much longer than the run's usual step interval, while its writer is
    alive (signal file) or after the reader saw it grow (rule: :mod:`~dvclive_writer.read.status`).
    """
    FINISHED = "finished"
    """The writer ended (signal file gone, dead pid, final report), or the run was quiet
    when first read."""


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
    may be narrower than the views it returns (the memory budget is 16 bytes per point):
    steps are held as ``int32`` until a step needs more, and timestamps as ``uint32``
    millisecond offsets from the first timestamp until one falls outside that range (then
    both upgrade to ``int64`` transparently). ``steps`` and ``timestamps`` therefore return
    fresh ``int64`` arrays while the storage is narrow; ``values`` is always a view.
    A missing timestamp reads as ``-1``.
    """

    __slots__ = (
        "_n",
        "_steps",
        "_timestamps",
        "_ts_base",
        "_values",
        "generation",
        "name",
        "path",
    )

    def __init__(self, name: str, path: str, *, has_timestamp: bool, capacity: int = 64) -> None:
        self.name = name
        """Metric name as logged, with ``/`` for nesting (``train/loss``)."""
        self.path = path
        """TSV path relative to the run directory."""
        self.generation = 0
        """Bumped each time the series is reset (new run, truncated file)."""
        self._n = 0
        self._steps: npt.NDArray[np.int32] | npt.NDArray[np.int64] = np.empty(
            capacity, dtype=np.int32
        )
        self._values: npt.NDArray[np.float64] = np.empty(capacity, dtype=np.float64)
        self._timestamps: npt.NDArray[np.uint32] | npt.NDArray[np.int64] | None = (
            np.empty(capacity, dtype=np.uint32) if has_timestamp else None
        )
        self._ts_base: int | None = None

    def __len__(self) -> int:
        return self._n

    @property
    def steps(self) -> npt.NDArray[np.int64]:
        """Steps as ``int64`` (a copy while the storage is ``int32``)."""
        return self.steps_tail(self._n)

    def steps_tail(self, count: int) -> npt.NDArray[np.int64]:
        """The newest ``count`` steps (fewer when the series is shorter), as :attr:`steps`;
        cheap however long the series."""
        held = self._steps[max(0, self._n - count) : self._n]
        if held.dtype == np.int64:
            return held  # type: ignore[return-value]
        return held.astype(np.int64)

    @property
    def last_step(self) -> int | None:
        """The newest step (``None`` while empty)."""
        return int(self._steps[self._n - 1]) if self._n else None

    @property
    def values(self) -> npt.NDArray[np.float64]:
        """Values as ``float64`` (NaN and ±inf kept)."""
        return self._values[: self._n]

    @property
    def timestamps(self) -> npt.NDArray[np.int64] | None:
        """Epoch-millisecond timestamps as ``int64`` (``-1`` where missing), or ``None``."""
        return self.timestamps_tail(self._n)

    def timestamps_tail(self, count: int) -> npt.NDArray[np.int64] | None:
        """The newest ``count`` timestamps, as :attr:`timestamps`."""
        if self._timestamps is None:
            return None
        held = self._timestamps[max(0, self._n - count) : self._n]
        if held.dtype == np.int64:
            return held  # type: ignore[return-value]
        base = self._ts_base if self._ts_base is not None else 0
        wide = held.astype(np.int64)
        missing = held == _TS_MISSING
        wide += base
        wide[missing] = -1
        return wide

    @property
    def has_timestamp(self) -> bool:
        """Whether the series holds a timestamp column."""
        return self._timestamps is not None

    def append(
        self,
        steps: npt.ArrayLike,
        values: npt.ArrayLike,
        timestamps: npt.ArrayLike | None = None,
    ) -> None:
        """Append points (arrays of equal length); ``-1`` marks a missing timestamp."""
        new_steps = np.asarray(steps, dtype=np.int64)
        count = len(new_steps)
        if count == 0:
            return
        self._reserve(self._n + count)
        start, stop = self._n, self._n + count
        if self._steps.dtype != np.int64 and not _fits_int32(new_steps):
            self._steps = self._steps.astype(np.int64)
        self._steps[start:stop] = new_steps
        self._values[start:stop] = np.asarray(values, dtype=np.float64)
        if self._timestamps is not None:
            if timestamps is None:
                new_ts = np.full(count, -1, dtype=np.int64)
            else:
                new_ts = np.asarray(timestamps, dtype=np.int64)
            self._store_timestamps(start, stop, new_ts)
        self._n = stop

    def _store_timestamps(self, start: int, stop: int, new_ts: npt.NDArray[np.int64]) -> None:
        assert self._timestamps is not None
        if self._timestamps.dtype == np.int64:
            self._timestamps[start:stop] = new_ts
            return
        low, high = int(new_ts.min()), int(new_ts.max())
        if low >= 0:  # every row has a timestamp: the common case, without temporaries
            if self._ts_base is None:
                self._ts_base = low
            base = self._ts_base
            if low - base >= 0 and high - base < _TS_MISSING:
                np.subtract(new_ts, base, out=self._timestamps[start:stop], casting="unsafe")
                return
        present = new_ts >= 0
        if self._ts_base is None and present.any():
            self._ts_base = int(new_ts[present].min())
        base = self._ts_base if self._ts_base is not None else 0
        offsets = new_ts - base
        if present.any() and (
            int(offsets[present].min()) < 0 or int(offsets[present].max()) >= _TS_MISSING
        ):
            self._timestamps = self._widen_timestamps()
            self._timestamps[start:stop] = new_ts
            return
        offsets[~present] = _TS_MISSING
        self._timestamps[start:stop] = offsets.astype(np.uint32)

    def _widen_timestamps(self) -> npt.NDArray[np.int64]:
        """The whole timestamp buffer (capacity) as ``int64``, for the upgrade."""
        assert self._timestamps is not None
        held = self._timestamps
        if held.dtype == np.int64:
            return held  # type: ignore[return-value]
        base = self._ts_base if self._ts_base is not None else 0
        wide = held.astype(np.int64) + base
        wide[held == _TS_MISSING] = -1
        return wide

    def reset(self, *, has_timestamp: bool) -> None:
        """Drop every point (a new run started) and bump :attr:`generation`."""
        self._n = 0
        self.generation += 1
        self._ts_base = None
        self._steps = np.empty(len(self._values), dtype=np.int32)
        if has_timestamp:
            self._timestamps = np.empty(len(self._values), dtype=np.uint32)
        else:
            self._timestamps = None

    def shrink_to_fit(self) -> None:
        """Release spare capacity (after a bulk load)."""
        if len(self._values) == self._n:
            return
        self._steps = self._steps[: self._n].copy()
        self._values = self._values[: self._n].copy()
        if self._timestamps is not None:
            self._timestamps = self._timestamps[: self._n].copy()

    def _reserve(self, needed: int) -> None:
        capacity = len(self._values)
        if needed <= capacity:
            return
        # A bulk load into an empty series is sized exactly; later growth is by half.
        capacity = needed if self._n == 0 else max(needed, capacity + capacity // 2, 64)
        self._steps = _grow(self._steps, capacity)
        self._values = _grow(self._values, capacity)
        if self._timestamps is not None:
            self._timestamps = _grow(self._timestamps, capacity)

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffers (for memory accounting)."""
        total = self._steps.nbytes + self._values.nbytes
        return total + (0 if self._timestamps is None else self._timestamps.nbytes)


_TS_MISSING = 0xFFFFFFFF
"""``uint32`` offset that marks a missing timestamp in narrow storage."""

_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1


def _fits_int32(values: npt.NDArray[np.int64]) -> bool:
    return bool(int(values.min()) >= _INT32_MIN and int(values.max()) <= _INT32_MAX)


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
    """Wall-clock time of the run's first write (first timestamp, else oldest file or folder)."""
    warnings: dict[str, FileWarning] = field(default_factory=dict)
    """Per-file warnings keyed by relative path."""
    generation: int = 0
    """Bumped when a new run replaces the previous one in the same directory."""
    origin: str | None = None
    """Where the files are when they are not on this machine (``[user@]host:path``)."""
    connection: str | None = None
    """Why the files cannot be reached now (``"host: reconnecting… (...)"``): the run keeps
    its last data meanwhile; ``None`` while they can."""


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
