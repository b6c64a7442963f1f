"""The incremental reader of one dvclive directory: :class:`RunReader` keeps a :class:`Run`.

Polling is the source of truth (it works on NFS and SSHFS, where no file events arrive).
Each :meth:`RunReader.poll` is one batch through the :class:`~dvclive_writer.read.transport.
Transport`: the reader says what it wants of every known file — metric histories tailed by
byte offset (:mod:`~dvclive_writer.read.tracks`), documents re-read only when their stat
changed (:mod:`~dvclive_writer.read.run_documents`), the status evidence
(:mod:`~dvclive_writer.read.evidence`), the folders' mtimes — and applies the answers. The
``plots/`` tree is listed again (:mod:`~dvclive_writer.read.scan`) when a known folder's
mtime changed and at least every :data:`RESCAN_SECONDS` (an image written again in place
leaves its folder's mtime as it was); files found then, histories
that go on past one chunk and files that started over are read in follow-up batches of the
same poll. It returns :class:`Changes` so views update incrementally. Nothing here raises
on bad files: problems become :class:`FileWarning` entries in ``Run.warnings``.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dvclive_writer.read.documents import GRACE_SECONDS
from dvclive_writer.read.evidence import StatusEvidence
from dvclive_writer.read.model import Changes, Run
from dvclive_writer.read.naming import shown_path
from dvclive_writer.read.plots import ROOT_MARKERS, dvcyaml_candidates
from dvclive_writer.read.problems import CANNOT_READ, Problems
from dvclive_writer.read.run_documents import RunDocuments
from dvclive_writer.read.scan import PLOTS, UNKNOWN_FILE, Scan, classify, update_images
from dvclive_writer.read.signals import SIGNAL_DIR, SIGNAL_FILES
from dvclive_writer.read.status import find_dvc_root
from dvclive_writer.read.tracks import MetricTracks
from dvclive_writer.read.transport import (
    FileStat,
    Got,
    LocalTransport,
    Transport,
    TransportUnavailable,
    Want,
    read_one,
)

RESCAN_SECONDS = 1.0
"""Longest time between two walks of the directory tree."""


class RunReader:
    """Reads one dvclive directory incrementally into :attr:`run`.

    The constructor does no I/O. ``clock`` gives wall-clock seconds (injected by tests) and
    is used for status decisions and warning grace periods. ``transport`` reaches the files
    (default: this machine's, bounded by :mod:`~dvclive_writer.read.files`); with another
    transport ``path`` is the run's path on the transport's side, used as given, and the
    writer's signal files are not read (their pid can only be checked on this machine), so
    the status rests on write times and the final report (``clock`` should then be the
    other host's). A transport that raises
    :class:`~dvclive_writer.read.transport.TransportUnavailable` leaves the run as it was,
    with ``Run.connection`` saying why. ``grace``: how long a JSON/YAML file may stay
    unparsable before it becomes a warning (``0``: at once, for one-shot reads).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        transport: Transport | None = None,
        grace: float = GRACE_SECONDS,
    ) -> None:
        local = transport is None
        self._local = local
        self.path = Path(os.path.abspath(path)) if local else Path(path)
        self.transport: Transport = LocalTransport() if transport is None else transport
        self.clock = clock
        shown = shown_path(self.path) if local else self.path.as_posix()
        self.run = Run(path=self.path, name=name if name is not None else shown)
        self._root = str(self.path)
        self._problems = Problems(self.run)
        self._evidence = StatusEvidence(self.run)
        self._tracks = MetricTracks(self.run, self._problems, self._evidence)
        self._documents = RunDocuments(self.run, self._problems, self._evidence, clock, grace)
        self._image_stats: dict[str, tuple[int, int]] = {}
        self._folders: dict[str, int] = {}
        self._listed_problems: set[str] = set()
        self._fresh_tracks: list[str] = []
        """Tracks added by this poll's scan (read after the known ones)."""
        self._last_scan = -math.inf
        self._dir_ident: tuple[int, int] | None = None
        self._first_poll = True

    # -- public ------------------------------------------------------------------------

    def poll(self, *, rescan: bool = False) -> Changes:
        """Read only what changed since the previous call and report it.

        ``rescan`` walks the directory tree whatever the folders' mtimes say: a file created
        in the same mtime tick as the previous walk leaves them unchanged, and is otherwise
        found only by the next timed walk (a report built at ``end()`` must not miss it).
        """
        changes = Changes()
        now = self.clock()
        run = self.run
        try:
            self._poll(changes, now, rescan=rescan)
        except TransportUnavailable as lost:
            # What this poll applied stays (and is reported); the rest is read next time.
            if run.connection != str(lost):
                run.connection = str(lost)
                changes.status = True
            return changes
        if run.connection is not None:
            run.connection = None
            changes.status = True
        return changes

    # -- one poll, step by step ------------------------------------------------------------

    def _poll(self, changes: Changes, now: float, *, rescan: bool) -> Changes:
        first = self._first_poll
        if first:
            self._locate_repository()
            self._first_poll = False
        folders = [rel for rel in self._folders if rel]
        track_wants = self._tracks.wants()
        wants = [
            Want("", "stat"),
            *(Want(rel, "stat") for rel in folders),
            *track_wants,
            *self._documents.wants(),
        ]
        evidence_wants = self._evidence.wants()
        gots = list(self.transport.read(self._root, [*wants, *evidence_wants]))
        evidence_gots = gots[len(wants) :]
        root = gots[0].stat
        if root is None or root.kind != "dir":
            if self._dir_ident is not None or self._has_data():
                self._drop_everything(changes)
            self._dir_ident = None
            return self._finish(changes, now, evidence_gots)
        if self._dir_ident is not None and root.ident != self._dir_ident:
            self._drop_everything(changes)
            return self._poll_replaced(changes, now, root, evidence_gots, first)
        self._dir_ident = root.ident
        folder_gots = gots[1 : 1 + len(folders)]
        track_gots = gots[1 + len(folders) : 1 + len(folders) + len(track_wants)]
        document_gots = gots[1 + len(folders) + len(track_wants) : len(wants)]
        due = first or rescan or now - self._last_scan >= RESCAN_SECONDS
        moved = root.mtime_ns != self._folders.get("")
        if due or moved or self._folders_changed(folder_gots):
            self._rescan(root, changes, now)
        self._read_tracks(track_wants, track_gots, changes, now, initial=first)
        self._read_documents(document_gots, changes, now)
        return self._finish(changes, now, evidence_gots)

    def _poll_replaced(
        self, changes: Changes, now: float, root: FileStat, evidence_gots: list[Got], first: bool
    ) -> Changes:
        """The directory was replaced: read the new one from scratch in this poll."""
        self._dir_ident = root.ident
        self._rescan(root, changes, now)
        self._read_tracks([], [], changes, now, initial=first)
        self._read_documents([], changes, now)
        return self._finish(changes, now, evidence_gots)

    def _rescan(self, root: FileStat, changes: Changes, now: float) -> None:
        scan = classify(self.transport.listing(self._root, PLOTS))
        scan.folders[""] = root.mtime_ns
        self._apply_scan(scan, changes, now)
        self._last_scan = now

    def _read_tracks(
        self,
        asked: list[Want],
        answered: list[Got],
        changes: Changes,
        now: float,
        *,
        initial: bool,
    ) -> None:
        """Apply this poll's answers, then read again what is new, goes on or started over."""
        fresh, self._fresh_tracks = self._fresh_tracks, []
        quiet = not self.run.warnings
        changed = [
            got
            for want, got in zip(asked, answered, strict=True)
            # An idle file (its known stat handed back) needs nothing: skip it.
            if not (quiet and got.stat is want.known and got.stat is not None and got.error is None)
        ]
        again = self._tracks.apply(changed, changes, now, initial)
        again.extend(fresh)
        while again:
            gots = self.transport.read(self._root, self._tracks.wants(again))
            again = self._tracks.apply(gots, changes, now, initial)

    def _read_documents(self, answered: list[Got], changes: Changes, now: float) -> None:
        """Apply this poll's answers, then read the plot files the scan found (one by one:
        an answer is applied before the next file is read)."""
        documents = self._documents
        if not answered:  # a replaced directory: everything afresh
            answered = list(self.transport.read(self._root, documents.wants()))
        configs_changed = documents.apply({got.rel: got for got in answered}, changes, now)
        missing = documents.unread_wants()
        if missing:
            fresh = self.transport.read(self._root, missing)
            documents.apply_plots(fresh, configs_changed, changes, now)

    def _finish(self, changes: Changes, now: float, evidence_gots: list[Got]) -> Changes:
        follow = self._evidence.apply(evidence_gots)
        if follow is not None:
            report = read_one(self.transport, self._root, follow)
            self._evidence.final_report.apply_whole(report)
        if changes.new_run:
            self.run.generation += 1
        self._evidence.update(has_data=self._has_data(), changes=changes, now=now)
        return changes

    # -- directory scan ----------------------------------------------------------------

    def _folders_changed(self, gots: list[Got]) -> bool:
        return any(
            got.stat is None or got.stat.mtime_ns != self._folders.get(got.rel) for got in gots
        )

    def _apply_scan(self, scan: Scan, changes: Changes, now: float) -> None:
        self._folders = scan.folders
        # Folders change only when entries come and go, so the oldest one dates the run's
        # start better than files that are rewritten at every step (metrics.json, TSVs).
        for mtime_ns in scan.folders.values():
            self._evidence.saw_oldest(mtime_ns / 1e9)
        self._fresh_tracks.extend(self._tracks.add(scan.metrics))
        if update_images(self.run, self.path, scan, self._image_stats, changes):
            for mtime_ns, _size in scan.image_stats.values():
                self._evidence.saw_mtime(mtime_ns / 1e9)
            self._image_stats = scan.image_stats
        self._documents.add_plots(scan.plots)
        unknown = set(scan.unknown)
        for rel in unknown:
            self._problems.set(rel, UNKNOWN_FILE, changes, now)
        for rel, warning in list(self.run.warnings.items()):
            if warning.message == UNKNOWN_FILE and rel not in unknown:
                self._problems.clear(rel, changes)
        for rel, problem in scan.problems.items():
            self._problems.set(rel, f"{CANNOT_READ}{problem}", changes, now)
        for rel in self._listed_problems - set(scan.problems):
            if rel not in self._tracks.tracks:
                self._problems.clear(rel, changes)
        self._listed_problems = set(scan.problems)

    # -- repository, bookkeeping -------------------------------------------------------

    def _locate_repository(self) -> None:
        """Find the ``dvc.yaml`` files and the DVC root above the run (one batch of stats)."""
        ancestors = [self.path, *self.path.parents]
        markers = [
            (folder, level, name) for level, folder in enumerate(ancestors) for name in ROOT_MARKERS
        ]
        wants = [Want("../" * level + name, "stat") for _, level, name in markers]
        gots = list(self.transport.read(self._root, wants))
        stats = {
            folder / name: got.stat for (folder, _, name), got in zip(markers, gots, strict=True)
        }

        def exists(path: Path) -> bool:
            return stats.get(path) is not None

        def is_dir(path: Path) -> bool:
            found = stats.get(path)
            return found is not None and found.kind == "dir"

        candidates = dvcyaml_candidates(self.path, exists)
        self._documents.watch_dvcyamls([(self._relative(path), path) for path in candidates])
        dvc_root = find_dvc_root(self.path, is_dir)
        # A signal file's pid is checked with a signal to it: on this machine only.
        if dvc_root is not None and self._local:
            signals = [self._relative(dvc_root / SIGNAL_DIR / name) for name in SIGNAL_FILES]
            self._evidence.watch_signals(signals)

    def _relative(self, path: Path) -> str:
        """``path`` relative to the run root, ``..`` parts included (POSIX)."""
        return Path(os.path.relpath(path, self.path)).as_posix()

    def _has_data(self) -> bool:
        run = self.run
        return bool(run.metrics or run.summary or run.params or run.images or run.plots)

    def _drop_everything(self, changes: Changes) -> None:
        """The directory vanished or was replaced: forget the old run."""
        run = self.run
        had_data = self._has_data()
        self._tracks.retire_all(changes)
        self._documents.clear(changes)
        if run.images:
            changes.images = True
        run.images.clear()
        self._image_stats = {}
        if run.warnings:
            changes.warnings = True
        run.warnings.clear()
        self._folders = {}
        self._listed_problems = set()
        self._fresh_tracks = []
        self._last_scan = -math.inf
        run.last_write = None
        if had_data:
            changes.new_run = True
            self._evidence.new_run()


def load_run(path: str | os.PathLike[str], *, name: str | None = None) -> Run:
    """Read a dvclive directory once (a fresh :class:`RunReader`'s first poll).

    There is no later poll to wait for, so a file that does not parse is a warning at once.
    """
    reader = RunReader(path, name=name, grace=0.0)
    reader.poll()
    return reader.run


LOAD_THREADS = 4
"""Runs :func:`load_runs` reads at once (file reads and polars release the GIL)."""


def load_runs(
    paths: Sequence[str | os.PathLike[str]], names: Sequence[str | None] | None = None
) -> list[Run]:
    """:func:`load_run` on each path, several at a time, the runs in the order given."""
    labels = list(names) if names is not None else [None] * len(paths)
    if len(paths) < 2:
        return [load_run(path, name=label) for path, label in zip(paths, labels, strict=True)]
    with ThreadPoolExecutor(min(LOAD_THREADS, len(paths)), "dvclive-read") as pool:
        return list(pool.map(lambda path, label: load_run(path, name=label), paths, labels))
