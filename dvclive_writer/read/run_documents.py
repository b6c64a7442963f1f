"""A run's documents: ``metrics.json``, ``params.yaml``, plot JSON and the ``dvc.yaml`` files
that configure the plots.

Each is a :class:`~dvclive_writer.read.documents.DocumentWatcher` (re-read only when its
stat changed, last good value kept through half-written states). :class:`RunDocuments`
asks for all of them in a poll and publishes what changed into the run: its summary and
params (a mapping, else a warning), and its plots with the properties the nearest
``dvc.yaml`` gives them (or dvclive's defaults).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dvclive_writer.read.documents import GRACE_SECONDS, DocumentWatcher
from dvclive_writer.read.evidence import StatusEvidence
from dvclive_writer.read.files import PLOT_CAP
from dvclive_writer.read.model import Changes, PlotData, Run
from dvclive_writer.read.parsing import parse_json_bytes, parse_yaml_bytes
from dvclive_writer.read.plots import (
    PlotEntry,
    infer_config,
    plot_entries,
    resolve_config,
    unwrap_rows,
)
from dvclive_writer.read.problems import Problems
from dvclive_writer.read.transport import Got, Want

SUMMARY_FILE = "metrics.json"
PARAMS_FILE = "params.yaml"
NOT_A_MAPPING = "not a mapping of names to values"


@dataclass
class PlotTrack:
    """One plot file and its last good datapoints."""

    rel: str
    key: str
    name: str
    kind: str
    watcher: DocumentWatcher
    rows: list[dict[str, Any]] | None = None
    sklearn_kind: str | None = None


class RunDocuments:
    """The summary, params, plots and plot configurations of one run."""

    def __init__(
        self,
        run: Run,
        problems: Problems,
        evidence: StatusEvidence,
        clock: Callable[[], float],
        grace: float = GRACE_SECONDS,
    ) -> None:
        self.run = run
        self.problems = problems
        self.evidence = evidence
        self.clock = clock
        self.grace = grace
        self._summary = DocumentWatcher(SUMMARY_FILE, parse_json_bytes, clock=clock, grace=grace)
        self._params = DocumentWatcher(PARAMS_FILE, parse_yaml_bytes, clock=clock, grace=grace)
        self.plots: dict[str, PlotTrack] = {}
        self._dvcyamls: list[tuple[DocumentWatcher, Path]] = []
        self._entries: list[list[PlotEntry]] = []
        self._shape_problems: dict[str, str] = {}
        """metrics.json / params.yaml that parse but hold no mapping -> the problem."""
        self.unread: list[str] = []
        """Plot files added since the last :meth:`wants` (to be read in this poll)."""

    def watch_dvcyamls(self, found: list[tuple[str, Path]]) -> None:
        """The ``dvc.yaml`` files to read: (path relative to the run root, absolute path)."""
        self._dvcyamls = [
            (DocumentWatcher(rel, parse_yaml_bytes, clock=self.clock, grace=self.grace), path)
            for rel, path in found
        ]

    def add_plots(self, found: Mapping[str, tuple[str, str]]) -> None:
        """Track the plot files of a scan (relative path -> (kind, name)) not tracked yet;
        a name shown twice (sklearn and custom) is keyed by ``kind/name``."""
        for rel, (kind, name) in found.items():
            if rel in self.plots:
                continue
            key = name
            if any(track.key == key for track in self.plots.values()):
                key = f"{kind}/{name}"
            watcher = DocumentWatcher(
                rel, parse_json_bytes, clock=self.clock, grace=self.grace, cap=PLOT_CAP
            )
            self.plots[rel] = PlotTrack(rel=rel, key=key, name=name, kind=kind, watcher=watcher)
            self.unread.append(rel)

    def wants(self) -> list[Want]:
        """Every document: summary, params, the ``dvc.yaml`` files, the plot files."""
        self.unread = []
        watchers = [self._summary, self._params, *(w for w, _ in self._dvcyamls)]
        watchers.extend(track.watcher for track in self.plots.values())
        return [watcher.want() for watcher in watchers]

    def unread_wants(self) -> list[Want]:
        """The documents that :meth:`wants` did not ask for yet (new plot files)."""
        rels, self.unread = self.unread, []
        return [self.plots[rel].watcher.want() for rel in rels if rel in self.plots]

    def apply(self, gots: Mapping[str, Got], changes: Changes, now: float) -> bool:
        """Take the answers (by relative path) and publish what changed; whether the plot
        configurations (the ``dvc.yaml`` files) changed."""
        for watcher in (self._summary, self._params):
            got = gots.get(watcher.rel)
            if got is not None:
                self._apply_document(watcher, got, changes, now)
        configs_changed = self._apply_dvcyamls(gots)
        for rel, track in list(self.plots.items()):
            got = gots.get(rel)
            if got is not None:
                self._apply_plot(track, got, configs_changed, changes, now)
        return configs_changed

    def apply_plots(
        self, gots: Iterable[Got], configs_changed: bool, changes: Changes, now: float
    ) -> None:
        """Take the answers to :meth:`unread_wants` (new plot files), one at a time."""
        for got in gots:
            track = self.plots.get(got.rel)
            if track is not None:
                self._apply_plot(track, got, configs_changed, changes, now)

    def clear(self, changes: Changes) -> None:
        """Forget every document (the directory vanished or was replaced)."""
        run = self.run
        if run.summary:
            changes.summary = True
        if run.params:
            changes.params = True
        run.summary = {}
        run.params = {}
        if run.plots:
            changes.plots = True
        run.plots.clear()
        self.plots.clear()
        self._summary = DocumentWatcher(
            SUMMARY_FILE, parse_json_bytes, clock=self.clock, grace=self.grace
        )
        self._params = DocumentWatcher(
            PARAMS_FILE, parse_yaml_bytes, clock=self.clock, grace=self.grace
        )
        self._shape_problems.clear()
        self.unread = []

    def _apply_document(
        self, watcher: DocumentWatcher, got: Got, changes: Changes, now: float
    ) -> None:
        rel = watcher.rel
        result = watcher.apply(got)
        if result.mtime is not None:
            self.evidence.saw_mtime(result.mtime)
        if result.value_changed:
            value = watcher.value if watcher.has_value else {}
            if value is None:  # an empty YAML document
                value = {}
            self._shape_problems.pop(rel, None)
            if not isinstance(value, dict):
                self._shape_problems[rel] = NOT_A_MAPPING
                value = {}
            if rel == SUMMARY_FILE:
                changes.summary = True
                self.run.summary = value
            else:
                changes.params = True
                self.run.params = value
        if result.warning_changed or result.value_changed:
            message = watcher.warning or self._shape_problems.get(rel)
            self.problems.sync(rel, message, watcher.problem_since, changes, now)

    def _apply_dvcyamls(self, gots: Mapping[str, Got]) -> bool:
        changed = False
        for watcher, _ in self._dvcyamls:
            got = gots.get(watcher.rel)
            if got is not None and watcher.apply(got).value_changed:
                changed = True
        if changed:
            self._entries = [
                plot_entries(path, watcher.value) if watcher.has_value else []
                for watcher, path in self._dvcyamls
            ]
        return changed

    def _apply_plot(
        self, track: PlotTrack, got: Got, configs_changed: bool, changes: Changes, now: float
    ) -> None:
        rel = track.rel
        result = track.watcher.apply(got)
        if result.mtime is not None:
            self.evidence.saw_mtime(result.mtime)
        if result.warning_changed:
            watcher = track.watcher
            self.problems.sync(rel, watcher.warning, watcher.problem_since, changes, now)
        if not track.watcher.exists:
            del self.plots[rel]
            if self.run.plots.pop(track.key, None) is not None:
                changes.plots = True
            return
        if result.value_changed:
            rows, sklearn_kind = unwrap_rows(track.watcher.value)
            if rows is None:
                self.problems.set(rel, "not a list of datapoints", changes, now)
                rows = []
            elif rel in self.run.warnings and track.watcher.warning is None:
                self.problems.clear(rel, changes)
            track.rows = rows
            track.sklearn_kind = sklearn_kind if track.kind == "sklearn" else None
        if (result.value_changed or configs_changed) and track.rows is not None:
            self._publish_plot(track, changes)

    def _publish_plot(self, track: PlotTrack, changes: Changes) -> None:
        assert track.rows is not None
        inferred = infer_config(track.kind, track.rows, track.sklearn_kind)
        plot_file = Path(os.path.normpath(self.run.path / track.rel))
        config = resolve_config(plot_file, self._entries, inferred)
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
