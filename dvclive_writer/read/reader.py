"""The incremental reader of one dvclive directory: :class:`RunReader` keeps a :class:`Run`.

Polling is the source of truth (it works on NFS and SSHFS, where no file events arrive).
Each :meth:`RunReader.poll` re-opens and stats the known files, tails metric histories by
byte offset, re-reads JSON/YAML only when their stat changed, and re-scans the directory
tree at most once per :data:`RESCAN_SECONDS` or when a known folder's mtime changed. It
returns :class:`Changes` so views update incrementally. Nothing here raises on bad files:
problems become :class:`FileWarning` entries in ``Run.warnings``.
"""

from __future__ import annotations

import math
import os
import re
import stat as stat_module
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dvclive_writer.read.documents import DocumentWatcher
from dvclive_writer.read.model import (
    Changes,
    FileWarning,
    ImageSeries,
    MetricSeries,
    PlotData,
    Run,
)
from dvclive_writer.read.naming import shown_path
from dvclive_writer.read.parsing import (
    TsvLayout,
    TsvTable,
    parse_json_bytes,
    parse_metric_rows,
    parse_metric_tsv,
    parse_yaml_bytes,
)
from dvclive_writer.read.plots import (
    PlotEntry,
    dvcyaml_candidates,
    infer_config,
    plot_entries,
    resolve_config,
    unwrap_rows,
)
from dvclive_writer.read.signals import read_writer_signal
from dvclive_writer.read.status import (
    FinalReport,
    decide_status,
    find_dvc_root,
    signal_applies,
)
from dvclive_writer.read.tail import FileTailer

RESCAN_SECONDS = 1.0
"""Longest time between two walks of the directory tree."""
METRIC_SUFFIXES = (".tsv", ".csv")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".gif", ".png")
PLOT_KINDS = ("sklearn", "custom")
SUMMARY_FILE = "metrics.json"
PARAMS_FILE = "params.yaml"
_INTEGER = re.compile(r"-?\d+")
_CANNOT_READ = "cannot read: "
_STEP_HISTORY = 64


@dataclass
class _MetricTrack:
    """A tailed metric history and the series it feeds."""

    rel: str
    name: str
    tailer: FileTailer
    series: MetricSeries | None = None
    layout: TsvLayout | None = None
    separator: bytes = b"\t"
    started: bool = False


@dataclass
class _PlotTrack:
    rel: str
    key: str
    name: str
    kind: str
    watcher: DocumentWatcher
    rows: list[dict[str, Any]] | None = None
    sklearn_kind: str | None = None


@dataclass
class _Scan:
    """What one walk of the directory tree found."""

    metrics: dict[str, str] = field(default_factory=dict)
    """Relative path -> metric name."""
    images: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    """Relative path -> (image series name, step)."""
    image_stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    plots: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Relative path -> (kind, name)."""
    unknown: list[str] = field(default_factory=list)
    folders: dict[str, int] = field(default_factory=dict)
    """Absolute folder path -> st_mtime_ns."""


class RunReader:
    """Reads one dvclive directory incrementally into :attr:`run`.

    The constructor does no I/O. ``clock`` gives wall-clock seconds (injected by tests) and
    is used for status decisions and warning grace periods.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
    ) -> None:
        self.path = Path(os.path.abspath(path))
        self.clock = clock
        self.run = Run(path=self.path, name=name if name is not None else shown_path(self.path))
        self._metrics: dict[str, _MetricTrack] = {}
        self._plots: dict[str, _PlotTrack] = {}
        self._image_stats: dict[str, tuple[int, int]] = {}
        self._summary, self._params = self._document_watchers()
        self._dvcyamls: list[DocumentWatcher] | None = None
        self._entries: list[list[PlotEntry]] = []
        self._dvc_root: Path | None = None
        self._folders: dict[str, int] = {}
        self._last_scan = -math.inf
        self._dir_ident: tuple[int, int] | None = None
        self._max_step: int | None = None
        self._last_step_time: float | None = None
        self._step_intervals: deque[float] = deque(maxlen=_STEP_HISTORY)
        self._oldest_mtime: float | None = None
        self._first_poll = True
        self._shape_problems: dict[str, str] = {}
        """metrics.json / params.yaml that parse but hold no mapping -> the problem."""
        self._retired_generations: dict[str, int] = {}
        """Metric name -> generation for a series re-created under that name."""
        self._writer_seen = False
        """A live signal file of this run was seen (its disappearance means finished)."""
        self._seen_growing = False
        """New steps arrived after the first look (a quiet run is then stalled)."""
        self._final_report = FinalReport(self.path)

    # -- public ------------------------------------------------------------------------

    def poll(self, *, rescan: bool = False) -> Changes:
        """Read only what changed since the previous call and report it.

        ``rescan`` walks the directory tree whatever the folders' mtimes say: a file created
        in the same mtime tick as the previous walk leaves them unchanged, and is otherwise
        found only by the next timed walk (a report built at ``end()`` must not miss it).
        """
        changes = Changes()
        now = self.clock()
        first = self._first_poll
        self._first_poll = False
        if first:
            self._locate_repository()
        try:
            stat = os.stat(self.path)
        except OSError:
            stat = None
        if stat is None or not _is_dir(stat.st_mode):
            if self._dir_ident is not None or self._has_data():
                self._drop_everything(changes)
            self._dir_ident = None
            return self._finish_poll(changes, now)
        ident = (stat.st_dev, stat.st_ino)
        if self._dir_ident is not None and ident != self._dir_ident:
            self._drop_everything(changes)
        self._dir_ident = ident
        due = first or rescan or now - self._last_scan >= RESCAN_SECONDS
        if due or self._folders_changed():
            self._apply_scan(self._scan(), changes, now)
            self._last_scan = now
        self._poll_metrics(changes, now, initial=first)
        self._poll_documents(changes, now)
        self._poll_plots(changes, now)
        return self._finish_poll(changes, now)

    def _finish_poll(self, changes: Changes, now: float) -> Changes:
        if changes.new_run:
            self.run.generation += 1
        self._update_status(changes, now)
        return changes

    # -- directory scan ----------------------------------------------------------------

    def _scan(self) -> _Scan:
        scan = _Scan()
        plots = self.path / "plots"
        mtime = _mtime_ns(self.path)
        if mtime is not None:
            scan.folders[str(self.path)] = mtime
        known = {"metrics", "images", *PLOT_KINDS}
        for rel, _entry in self._walk(plots, scan, skip=known):
            scan.unknown.append(f"plots/{rel}")
        for rel, _entry in self._walk(plots / "metrics", scan):
            if rel.endswith(METRIC_SUFFIXES):
                scan.metrics[f"plots/metrics/{rel}"] = rel.rsplit(".", 1)[0]
            else:
                scan.unknown.append(f"plots/metrics/{rel}")
        for rel, entry in self._walk(plots / "images", scan):
            if not rel.endswith(IMAGE_SUFFIXES):
                scan.unknown.append(f"plots/images/{rel}")
                continue
            full = f"plots/images/{rel}"
            scan.images[full] = _image_slot(rel)
            try:
                file_stat = entry.stat()
            except OSError:
                continue
            scan.image_stats[full] = (file_stat.st_mtime_ns, file_stat.st_size)
        for kind in PLOT_KINDS:
            for rel, _entry in self._walk(plots / kind, scan):
                if rel.endswith(".json"):
                    scan.plots[f"plots/{kind}/{rel}"] = (kind, rel[: -len(".json")])
                else:
                    scan.unknown.append(f"plots/{kind}/{rel}")
        return scan

    def _walk(
        self, top: Path, scan: _Scan, *, skip: set[str] | None = None
    ) -> Iterator[tuple[str, os.DirEntry[str]]]:
        """Files under ``top`` as (POSIX path relative to ``top``, entry); records folders.

        ``skip`` names sub-folders of ``top`` itself that are not entered. Hidden files are
        left out: writers' temporary siblings (``.roc.json.<pid>.<tid>.tmp`` while a plot is
        replaced atomically) and desktop litter (``.DS_Store``) are no part of the run.
        """
        stack = [(top, "")]
        while stack:
            folder, prefix = stack.pop()
            try:
                # The mtime before the listing: a file created in between re-triggers a scan.
                mtime = os.stat(folder).st_mtime_ns
                with os.scandir(folder) as entries:
                    listed = list(entries)
                scan.folders[str(folder)] = mtime
            except OSError:
                continue
            for entry in sorted(listed, key=lambda item: item.name):
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                rel = f"{prefix}{entry.name}"
                if not is_dir:
                    if not entry.name.startswith("."):
                        yield rel, entry
                elif not (skip and not prefix and entry.name in skip):
                    stack.append((Path(entry.path), f"{rel}/"))

    def _folders_changed(self) -> bool:
        return any(_mtime_ns(Path(folder)) != mtime for folder, mtime in self._folders.items())

    def _apply_scan(self, scan: _Scan, changes: Changes, now: float) -> None:
        self._folders = scan.folders
        # Folders change only when entries come and go, so the oldest one dates the run's
        # start better than files that are rewritten at every step (metrics.json, TSVs).
        for mtime_ns in scan.folders.values():
            self._saw_oldest(mtime_ns / 1e9)
        taken = {track.name for track in self._metrics.values()}
        for rel, name in sorted(scan.metrics.items()):
            if rel in self._metrics:
                continue
            if name in taken:
                name = rel.removeprefix("plots/metrics/")
            taken.add(name)
            tailer = FileTailer(self.path / rel)
            self._metrics[rel] = _MetricTrack(rel=rel, name=name, tailer=tailer)
        self._apply_images(scan, changes)
        for rel, (kind, name) in scan.plots.items():
            if rel in self._plots:
                continue
            key = name
            if any(track.key == key for track in self._plots.values()):
                key = f"{kind}/{name}"
            self._plots[rel] = _PlotTrack(
                rel=rel,
                key=key,
                name=name,
                kind=kind,
                watcher=DocumentWatcher(self.path / rel, parse_json_bytes, clock=self.clock),
            )
        unknown = set(scan.unknown)
        for rel in unknown:
            message = "unknown file: dvclive does not write this kind of file here"
            self._set_warning(rel, message, changes, now)
        for rel, warning in list(self.run.warnings.items()):
            if warning.message.startswith("unknown file") and rel not in unknown:
                self._clear_warning(rel, changes)

    def _apply_images(self, scan: _Scan, changes: Changes) -> None:
        if scan.image_stats == self._image_stats:
            return
        series_by_name: dict[str, list[tuple[int | None, Path]]] = {}
        for rel, (name, step) in scan.images.items():
            series_by_name.setdefault(name, []).append((step, self.path / rel))
        changed_names = {
            scan.images[rel][0]
            for rel in set(scan.image_stats) | set(self._image_stats)
            if rel in scan.images and scan.image_stats.get(rel) != self._image_stats.get(rel)
        }
        for rel in set(self._image_stats) - set(scan.image_stats):
            changed_names.add(_image_slot(rel.removeprefix("plots/images/"))[0])
        for name, frames in series_by_name.items():
            frames.sort(key=lambda frame: (frame[0] is not None, frame[0] or 0, str(frame[1])))
            series = self.run.images.get(name)
            if series is None:
                self.run.images[name] = ImageSeries(name=name, frames=frames, version=1)
            elif name in changed_names:
                series.frames = frames
                series.version += 1
        for name in list(self.run.images):
            if name not in series_by_name:
                del self.run.images[name]
        for stamp in scan.image_stats.values():
            self._saw_mtime(stamp[0] / 1e9)
        self._image_stats = scan.image_stats
        changes.images = True

    # -- metrics -----------------------------------------------------------------------

    def _poll_metrics(self, changes: Changes, now: float, *, initial: bool) -> None:
        for rel, track in list(self._metrics.items()):
            read = track.tailer.read()
            if read.error is not None:
                self._set_warning(rel, f"{_CANNOT_READ}{read.error}", changes, now)
                continue
            stale = self.run.warnings.get(rel)
            if stale is not None and stale.message.startswith(_CANNOT_READ):
                self._clear_warning(rel, changes)
            if not read.exists:
                self._remove_metric(track, changes)
                del self._metrics[rel]
                continue
            if read.mtime is not None:
                self._saw_mtime(read.mtime)
            if read.reset:
                self._reset_metric(track, changes)
            if read.data:
                self._ingest(track, read.data, read.mtime, changes, now, initial=initial)

    def _ingest(
        self,
        track: _MetricTrack,
        data: bytes,
        mtime: float | None,
        changes: Changes,
        now: float,
        *,
        initial: bool,
    ) -> None:
        if not track.started:
            table = parse_metric_tsv(data)
            track.layout = table.layout
            track.separator = table.separator
            track.started = True
        else:
            table = parse_metric_rows(data, track.layout, separator=track.separator)
        if table.warnings:
            self._set_warning(track.rel, "; ".join(table.warnings), changes, now)
        series = track.series
        if series is None:
            series = MetricSeries(
                track.name,
                track.rel,
                has_timestamp=table.timestamps is not None,
                capacity=max(len(table), 64),
            )
            # A series re-created under a known name continues its generation count, so
            # caches keyed on (generation, len) never mistake it for the removed one.
            series.generation = self._retired_generations.get(track.name, 0)
            track.series = series
            self.run.metrics[track.name] = series
            changes.new_points.setdefault(track.name, 0)
        count = len(table)
        if count == 0:
            return
        series.append(table.steps, table.values, table.timestamps)
        changes.new_points[track.name] = changes.new_points.get(track.name, 0) + count
        self._note_steps(table, mtime, now, initial=initial)
        if table.timestamps is not None and self.run.started is None:
            stamps = table.timestamps[table.timestamps >= 0]
            if len(stamps):
                self._saw_start(int(stamps.min()) / 1000)

    def _note_steps(
        self, table: TsvTable, mtime: float | None, now: float, *, initial: bool
    ) -> None:
        """Track when new steps arrive, to tell a stalled run from a slow one."""
        newest = int(table.steps.max())
        if self._max_step is not None and newest <= self._max_step:
            return
        previous = self._max_step
        self._max_step = newest
        if initial or previous is None:
            self._learn_intervals(table, mtime)
            return
        if self._last_step_time is not None:
            per_step = (now - self._last_step_time) / max(newest - previous, 1)
            self._step_intervals.append(per_step)
        self._last_step_time = now
        self._seen_growing = True

    def _learn_intervals(self, table: TsvTable, mtime: float | None) -> None:
        """Usual step interval from the timestamps; the last step's time from the file's mtime
        (the writer's clock may differ from ours, the file system's is the one we compare)."""
        stamps = table.timestamps
        if stamps is not None and len(stamps) >= 2:
            tail_steps = table.steps[-(_STEP_HISTORY + 1) :]
            tail_stamps = stamps[-(_STEP_HISTORY + 1) :]
            valid = tail_stamps >= 0
            steps, seconds = tail_steps[valid], tail_stamps[valid] / 1000
            if len(steps) >= 2:
                step_gaps = np.diff(steps)
                time_gaps = np.diff(seconds)
                forward = step_gaps > 0
                per_step = time_gaps[forward] / step_gaps[forward]
                self._step_intervals.clear()
                self._step_intervals.extend(float(gap) for gap in per_step if gap >= 0)
        if mtime is not None:
            self._last_step_time = mtime
        elif stamps is not None and len(stamps) and stamps[-1] >= 0:
            self._last_step_time = float(stamps[-1]) / 1000

    def _reset_metric(self, track: _MetricTrack, changes: Changes) -> None:
        track.layout = None
        track.started = False
        self._clear_warning(track.rel, changes)
        series = track.series
        if series is None:
            return
        if len(series):
            self._new_run(changes)
        series.reset(has_timestamp=series.has_timestamp)
        changes.reset_metrics.add(track.name)
        changes.new_points.pop(track.name, None)

    def _remove_metric(self, track: _MetricTrack, changes: Changes) -> None:
        self._clear_warning(track.rel, changes)
        if track.series is None:
            return
        if len(track.series):
            self._new_run(changes)
        self._retire(track.series)
        self.run.metrics.pop(track.name, None)
        changes.removed_metrics.add(track.name)
        changes.new_points.pop(track.name, None)

    # -- documents ---------------------------------------------------------------------

    def _poll_documents(self, changes: Changes, now: float) -> None:
        for watcher, rel in ((self._summary, SUMMARY_FILE), (self._params, PARAMS_FILE)):
            result = watcher.poll()
            if result.mtime is not None:
                self._saw_mtime(result.mtime)
            if result.value_changed:
                value = watcher.value if watcher.has_value else {}
                if value is None:  # an empty YAML document
                    value = {}
                self._shape_problems.pop(rel, None)
                if not isinstance(value, dict):
                    self._shape_problems[rel] = "not a mapping of names to values"
                    value = {}
                if rel == SUMMARY_FILE:
                    changes.summary = True
                    self.run.summary = value
                else:
                    changes.params = True
                    self.run.params = value
            if result.warning_changed or result.value_changed:
                message = watcher.warning or self._shape_problems.get(rel)
                self._sync_warning(rel, message, watcher.problem_since, changes, now)

    # -- plots -------------------------------------------------------------------------

    def _poll_plots(self, changes: Changes, now: float) -> None:
        configs_changed = self._poll_dvcyamls()
        for rel, track in list(self._plots.items()):
            result = track.watcher.poll()
            if result.mtime is not None:
                self._saw_mtime(result.mtime)
            if result.warning_changed:
                self._sync_warning(
                    rel, track.watcher.warning, track.watcher.problem_since, changes, now
                )
            if not track.watcher.exists:
                del self._plots[rel]
                if self.run.plots.pop(track.key, None) is not None:
                    changes.plots = True
                continue
            if result.value_changed:
                rows, sklearn_kind = unwrap_rows(track.watcher.value)
                if rows is None:
                    self._set_warning(rel, "not a list of datapoints", changes, now)
                    rows = []
                elif rel in self.run.warnings and track.watcher.warning is None:
                    self._clear_warning(rel, changes)
                track.rows = rows
                track.sklearn_kind = sklearn_kind if track.kind == "sklearn" else None
            if (result.value_changed or configs_changed) and track.rows is not None:
                self._publish_plot(track, changes)

    def _publish_plot(self, track: _PlotTrack, changes: Changes) -> None:
        assert track.rows is not None
        inferred = infer_config(track.kind, track.rows, track.sklearn_kind)
        config = resolve_config(self.path / track.rel, self._entries, inferred)
        plot = self.run.plots.get(track.key)
        if plot is None:
            self.run.plots[track.key] = PlotData(
                name=track.name,
                kind=track.kind,
                path=track.rel,
                config=config,
                rows=track.rows,
                version=1,
            )
        elif plot.rows is not track.rows or plot.config != config:
            plot.rows = track.rows
            plot.config = config
            plot.version += 1
        else:
            return
        changes.plots = True

    def _poll_dvcyamls(self) -> bool:
        if self._dvcyamls is None:
            return False
        changed = False
        for watcher in self._dvcyamls:
            if watcher.poll().value_changed:
                changed = True
        if changed:
            self._entries = [
                plot_entries(watcher.path, watcher.value) if watcher.has_value else []
                for watcher in self._dvcyamls
            ]
        return changed

    # -- status, warnings, bookkeeping -----------------------------------------------

    def _locate_repository(self) -> None:
        self._dvcyamls = [
            DocumentWatcher(path, parse_yaml_bytes, clock=self.clock)
            for path in dvcyaml_candidates(self.path)
        ]
        self._dvc_root = find_dvc_root(self.path)

    def _update_status(self, changes: Changes, now: float) -> None:
        run = self.run
        signal = read_writer_signal(self._dvc_root) if self._dvc_root is not None else None
        live = signal is not None and signal.alive and signal_applies(signal, run.last_write)
        self._writer_seen = self._writer_seen or live
        status = decide_status(
            has_data=self._has_data(),
            now=now,
            last_write=run.last_write,
            last_step_time=self._last_step_time,
            step_intervals=list(self._step_intervals),
            signal=signal,
            writer_ended=self._writer_seen and not live,
            finished_at=self._final_report.poll() if run.last_write is not None else None,
            seen_growing=self._seen_growing,
        )
        if status is not run.status:
            run.status = status
            changes.status = True
        if run.started is None and self._oldest_mtime is not None:
            run.started = self._oldest_mtime

    def _retire(self, series: MetricSeries) -> None:
        self._retired_generations[series.name] = series.generation + 1

    def _new_run(self, changes: Changes) -> None:
        """A new run replaces the old one: forget its step rhythm, writer and start."""
        changes.new_run = True
        self._max_step = None
        self._last_step_time = None
        self._step_intervals.clear()
        self._writer_seen = False
        self._seen_growing = False
        self._oldest_mtime = None
        self.run.started = None

    def _document_watchers(self) -> tuple[DocumentWatcher, DocumentWatcher]:
        return (
            DocumentWatcher(self.path / SUMMARY_FILE, parse_json_bytes, clock=self.clock),
            DocumentWatcher(self.path / PARAMS_FILE, parse_yaml_bytes, clock=self.clock),
        )

    def _has_data(self) -> bool:
        run = self.run
        return bool(run.metrics or run.summary or run.params or run.images or run.plots)

    def _saw_mtime(self, mtime: float) -> None:
        run = self.run
        if run.last_write is None or mtime > run.last_write:
            run.last_write = mtime
        self._saw_oldest(mtime)

    def _saw_oldest(self, mtime: float) -> None:
        if self._oldest_mtime is None or mtime < self._oldest_mtime:
            self._oldest_mtime = mtime

    def _saw_start(self, started: float) -> None:
        if self.run.started is None or started < self.run.started:
            self.run.started = started

    def _set_warning(self, rel: str, message: str, changes: Changes, now: float) -> None:
        current = self.run.warnings.get(rel)
        if current is not None and current.message == message:
            return
        since = current.since if current is not None else now
        self.run.warnings[rel] = FileWarning(path=rel, message=message, since=since)
        changes.warnings = True

    def _clear_warning(self, rel: str, changes: Changes) -> None:
        if self.run.warnings.pop(rel, None) is not None:
            changes.warnings = True

    def _sync_warning(
        self, rel: str, message: str | None, since: float | None, changes: Changes, now: float
    ) -> None:
        if message is None:
            self._clear_warning(rel, changes)
            return
        current = self.run.warnings.get(rel)
        if current is None or current.message != message:
            self.run.warnings[rel] = FileWarning(
                path=rel, message=message, since=since if since is not None else now
            )
            changes.warnings = True

    def _drop_everything(self, changes: Changes) -> None:
        """The directory vanished or was replaced: forget the old run."""
        run = self.run
        had_data = self._has_data()
        changes.removed_metrics.update(run.metrics)
        for series in run.metrics.values():
            self._retire(series)
        changes.new_points.clear()
        run.metrics.clear()
        self._metrics.clear()
        for attribute in ("summary", "params"):
            if getattr(run, attribute):
                setattr(changes, attribute, True)
        run.summary = {}
        run.params = {}
        if run.images:
            changes.images = True
        run.images.clear()
        self._image_stats = {}
        if run.plots:
            changes.plots = True
        run.plots.clear()
        self._plots.clear()
        if run.warnings:
            changes.warnings = True
        run.warnings.clear()
        self._summary, self._params = self._document_watchers()
        self._folders = {}
        self._shape_problems.clear()
        self._last_scan = -math.inf
        run.last_write = None
        if had_data:
            self._new_run(changes)


def load_run(path: str | os.PathLike[str], *, name: str | None = None) -> Run:
    """Read a dvclive directory once (a fresh :class:`RunReader`'s first poll)."""
    reader = RunReader(path, name=name)
    reader.poll()
    return reader.run


def _image_slot(rel: str) -> tuple[str, int | None]:
    """``steps/3.png`` -> (``steps``, 3); anything else is a single image (name, None)."""
    folder, _, filename = rel.rpartition("/")
    stem = filename.rsplit(".", 1)[0]
    if folder and _INTEGER.fullmatch(stem):
        return folder, int(stem)
    return rel, None


def _mtime_ns(path: Path) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _is_dir(mode: int) -> bool:
    return stat_module.S_ISDIR(mode)
