"""Metric tracks: each metric history tailed into its :class:`MetricSeries`.

A track pairs a :class:`~dvclive_writer.read.tail.FileTailer` with the series it feeds and
the TSV layout of its header. :class:`MetricTracks` asks for every known history in a
poll, ingests the complete lines that arrive (in chunks of at most
:data:`~dvclive_writer.read.files.TSV_CHUNK`, asking again while a file goes on), resets a
series when its file starts over, and removes it when the file goes away. A series holds
at most :data:`MAX_SERIES_POINTS` points; past that its file is no longer read (a warning
says so), so no history, however long or sparse, can take the memory of the process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dvclive_writer.read.evidence import StatusEvidence
from dvclive_writer.read.model import Changes, MetricSeries, Run
from dvclive_writer.read.parsing import (
    BATCH_FILE_MAX_BYTES,
    TsvLayout,
    TsvTable,
    parse_metric_rows,
    parse_metric_tsv,
    parse_metric_tsvs,
)
from dvclive_writer.read.problems import CANNOT_READ, Problems
from dvclive_writer.read.tail import MAX_LINE_BYTES, UNCHANGED, FileTailer, TailRead
from dvclive_writer.read.transport import Got, Want

MAX_SERIES_POINTS = 5_000_000
"""Most points one series holds (80 MB at 16 bytes a point); the rest is not read."""
METRICS_PREFIX = "plots/metrics/"
BATCH_BYTES = 8 << 20
"""First reads parsed together hold at most about this many bytes at once."""


@dataclass
class MetricTrack:
    """A tailed metric history and the series it feeds."""

    rel: str
    name: str
    tailer: FileTailer
    series: MetricSeries | None = None
    layout: TsvLayout | None = None
    separator: bytes = b"\t"
    started: bool = False
    full: bool = False
    """The series holds :data:`MAX_SERIES_POINTS`: the file is only watched for a reset."""

    def want(self) -> Want:
        """The next chunk of the history (none once full: only a reset is watched for)."""
        return self.tailer.want(0) if self.full else self.tailer.want()


class MetricTracks:
    """The metric histories of one run, by relative path."""

    def __init__(self, run: Run, problems: Problems, evidence: StatusEvidence) -> None:
        self.run = run
        self.problems = problems
        self.evidence = evidence
        self.tracks: dict[str, MetricTrack] = {}
        self._retired_generations: dict[str, int] = {}
        """Metric name -> generation for a series re-created under that name."""

    def add(self, found: dict[str, str]) -> list[str]:
        """Track the histories of a scan (relative path -> metric name) not tracked yet; a
        name already taken (``a.tsv`` and ``a.csv``) becomes the file's path. Returns the
        new tracks' paths."""
        taken = {track.name for track in self.tracks.values()}
        added = []
        for rel, name in sorted(found.items()):
            if rel in self.tracks:
                continue
            if name in taken:
                name = rel.removeprefix(METRICS_PREFIX)
            taken.add(name)
            self.tracks[rel] = MetricTrack(rel=rel, name=name, tailer=FileTailer(rel))
            added.append(rel)
        return added

    def wants(self, rels: list[str] | None = None) -> list[Want]:
        """What to read of each track (of ``rels`` only, when given)."""
        if rels is None:
            return [track.want() for track in self.tracks.values()]
        tracks = self.tracks
        return [tracks[rel].want() for rel in rels if rel in tracks]

    def apply(self, gots: Iterable[Got], changes: Changes, now: float, initial: bool) -> list[str]:
        """Take a batch of answers; return the paths of the tracks that want to read again in
        this poll. First reads of small histories are parsed together
        (:func:`~dvclive_writer.read.parsing.parse_metric_tsvs`), in their order."""
        again: list[str] = []
        pending: list[tuple[MetricTrack, TailRead]] = []
        pending_bytes = 0
        for got in gots:
            track = self.tracks.get(got.rel)
            if track is None:
                continue
            read = self._take(track, got, changes, now)
            if read is None:
                continue
            first_read = not track.started and len(read.data) <= BATCH_FILE_MAX_BYTES
            if read.data and first_read:
                pending.append((track, read))
                pending_bytes += len(read.data)
                if pending_bytes >= BATCH_BYTES:
                    self._ingest_first_reads(pending, changes, now, initial=initial)
                    pending, pending_bytes = [], 0
            elif read.data:
                self._ingest_first_reads(pending, changes, now, initial=initial)
                pending, pending_bytes = [], 0
                self._ingest(track, read, self._parse(track, read), changes, now, initial=initial)
            # An empty read may still be a reset of a full track: it asks again from 0.
            if read.more and not track.full:
                again.append(track.rel)
        self._ingest_first_reads(pending, changes, now, initial=initial)
        return again

    def _take(self, track: MetricTrack, got: Got, changes: Changes, now: float) -> TailRead | None:
        """Apply one answer to the track's tailer; the read unless the track is done with
        this poll (idle, unreadable or gone)."""
        read = track.tailer.apply(got)
        if read is UNCHANGED:  # an idle file: the usual poll
            if track.rel in self.run.warnings:
                self.problems.clear_unreadable(track.rel, changes)
            return None
        if read.error is not None:
            self.problems.set(track.rel, f"{CANNOT_READ}{read.error}", changes, now)
            return None
        self.problems.clear_unreadable(track.rel, changes)
        if not read.exists:
            self._remove(track, changes)
            del self.tracks[track.rel]
            return None
        if read.mtime is not None:
            self.evidence.saw_mtime(read.mtime)
        if read.reset:
            self._reset(track, changes)
        if read.dropped:
            message = f"a line longer than {MAX_LINE_BYTES:,} bytes skipped"
            self.problems.set(track.rel, message, changes, now)
        return read

    def _ingest_first_reads(
        self,
        pending: list[tuple[MetricTrack, TailRead]],
        changes: Changes,
        now: float,
        *,
        initial: bool,
    ) -> None:
        if not pending:
            return
        tables = parse_metric_tsvs([read.data for _, read in pending])
        for (track, read), table in zip(pending, tables, strict=True):
            self._ingest(track, read, table, changes, now, initial=initial)

    @staticmethod
    def _parse(track: MetricTrack, read: TailRead) -> TsvTable:
        if not track.started:
            return parse_metric_tsv(read.data)
        return parse_metric_rows(read.data, track.layout, separator=track.separator)

    def retire_all(self, changes: Changes) -> None:
        """Forget every track (the directory vanished or was replaced)."""
        changes.removed_metrics.update(self.run.metrics)
        for series in self.run.metrics.values():
            self._retire(series)
        changes.new_points.clear()
        self.run.metrics.clear()
        self.tracks.clear()

    def _ingest(
        self,
        track: MetricTrack,
        read: TailRead,
        table: TsvTable,
        changes: Changes,
        now: float,
        *,
        initial: bool,
    ) -> None:
        if not track.started:
            track.layout = table.layout
            track.separator = table.separator
            track.started = True
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
        table = self._within_room(track, series, table)
        notes = list(table.warnings)
        if track.full:
            notes.append(f"more than {MAX_SERIES_POINTS:,} points: the rest is not read")
        if notes:
            self.problems.set(track.rel, "; ".join(notes), changes, now)
        count = len(table)
        if count == 0:
            return
        series.append(table.steps, table.values, table.timestamps)
        changes.new_points[track.name] = changes.new_points.get(track.name, 0) + count
        self.evidence.note_steps(table, read.mtime, now, initial=initial)
        if table.timestamps is not None and self.run.started is None:
            stamps = table.timestamps[table.timestamps >= 0]
            if len(stamps):
                self.evidence.saw_start(int(stamps.min()) / 1000)

    @staticmethod
    def _within_room(track: MetricTrack, series: MetricSeries, table: TsvTable) -> TsvTable:
        """``table`` cut to what the series may still hold (marking the track full)."""
        room = MAX_SERIES_POINTS - len(series)
        if len(table) < room:
            return table
        track.full = True
        if len(table) == room:
            return table
        stamps = table.timestamps
        return TsvTable(
            steps=table.steps[:room],
            values=table.values[:room],
            timestamps=None if stamps is None else stamps[:room],
            layout=table.layout,
            has_header=table.has_header,
            separator=table.separator,
            warnings=table.warnings,
        )

    def _reset(self, track: MetricTrack, changes: Changes) -> None:
        track.layout = None
        track.started = False
        track.full = False
        self.problems.clear(track.rel, changes)
        series = track.series
        if series is None:
            return
        if len(series):
            self._new_run(changes)
        series.reset(has_timestamp=series.has_timestamp)
        changes.reset_metrics.add(track.name)
        changes.new_points.pop(track.name, None)

    def _remove(self, track: MetricTrack, changes: Changes) -> None:
        self.problems.clear(track.rel, changes)
        if track.series is None:
            return
        if len(track.series):
            self._new_run(changes)
        self._retire(track.series)
        self.run.metrics.pop(track.name, None)
        changes.removed_metrics.add(track.name)
        changes.new_points.pop(track.name, None)

    def _new_run(self, changes: Changes) -> None:
        changes.new_run = True
        self.evidence.new_run()

    def _retire(self, series: MetricSeries) -> None:
        self._retired_generations[series.name] = series.generation + 1
