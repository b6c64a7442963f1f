"""Finding dvclive directories again and again, listing only the folders that changed.

:class:`IncrementalDiscovery` follows the rules of
:func:`dvclive_writer.read.discovery.discover_runs` (the same skipped names, depth limit,
DVC temporary workspaces and :func:`~dvclive_writer.read.discovery.is_dvclive_dir` test) but
remembers each folder's ``st_mtime_ns`` and subfolders: a pass stats every folder it walks
(runs too, for nested runs; never a run's own ``plots/`` and ``artifacts/``) and lists
(``scandir``) only those whose mtime changed. A folder is classified again (run or not)
only when its own mtime or that of its ``plots/`` folder changed.

Mtimes can lie: a coarse timestamp (1-2 s on some file systems) hides an entry created in
the same tick as the listing, and an NFS client caches directory attributes for up to a
minute (``acdirmax``). So a folder whose mtime was within :data:`RACY_SECONDS` of the
listing is listed again at the next pass, and a ``full`` pass (the watcher's heartbeat)
lists and classifies everything whatever the mtimes say. No inotify: events never arrive
from NFS, SMB or SSHFS.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dvclive_writer.read.discovery import (
    MAX_DEPTH,
    RUN_OWN_FOLDERS,
    SKIPPED_NAMES,
    STANDALONE_FOLDER,
    is_dvclive_dir,
)
from dvclive_writer.read.naming import natural_key

RACY_SECONDS = 2.0
"""A folder modified this close to its listing is listed again at the next pass."""


@dataclass
class _Folder:
    mtime_ns: int
    subfolders: list[str]
    racy: bool


@dataclass
class DiscoveryStats:
    """What the latest pass did (for benchmarks and tests)."""

    stats: int = 0
    """Folders stat'ed."""
    listings: int = 0
    """Folders listed (``scandir``)."""
    classified: int = 0
    """Folders tested with ``is_dvclive_dir``."""
    full: bool = False

    def add(self, other: DiscoveryStats) -> None:
        """Count ``other``'s work in too."""
        self.stats += other.stats
        self.listings += other.listings
        self.classified += other.classified


@dataclass
class IncrementalDiscovery:
    """The dvclive directories under ``root``, kept current by :meth:`scan`.

    Args:
        root: A dvclive directory, or a folder to find them in.
        clock: Wall clock in seconds (compared with folder mtimes to spot racy listings).
    """

    root: Path
    clock: Callable[[], float] = time.time
    last: DiscoveryStats = field(default_factory=DiscoveryStats)
    _folders: dict[Path, _Folder] = field(default_factory=dict)
    _kinds: dict[Path, tuple[tuple[int, int | None], bool]] = field(default_factory=dict)

    def scan(self, *, full: bool = False) -> list[Path]:
        """The dvclive directories found now, sorted as ``discover_runs`` sorts them.

        ``full`` ignores what earlier passes remembered (the NFS safety net).
        """
        self.last = DiscoveryStats(full=full)
        if full:
            self._folders.clear()
            self._kinds.clear()
        root = self.root
        found: list[Path] = []
        seen: set[Path] = set()
        root_run = self._is_run(root)
        if root_run:
            found.append(root)
        self._walk(root, 0, found, seen, in_dvc=False, full=full, in_run=root_run)
        for stale in [path for path in self._folders if path not in seen]:
            del self._folders[stale]
        if len(found) < 2:  # a root that is one run: nothing to order
            return found
        return sorted(
            found,
            key=lambda path: (
                path != root,
                ".dvc" in path.relative_to(root).parts,
                natural_key(path),
            ),
        )

    # -- internals ----------------------------------------------------------------------

    def _subfolders(self, folder: Path, seen: set[Path], *, full: bool) -> list[str]:
        """Names of the folders in ``folder`` (symlinks not followed), listed if it changed."""
        seen.add(folder)
        self.last.stats += 1
        try:
            mtime_ns = os.stat(folder).st_mtime_ns
        except OSError:
            self._folders.pop(folder, None)
            return []
        known = self._folders.get(folder)
        if known is not None and not full and not known.racy and known.mtime_ns == mtime_ns:
            return known.subfolders
        self.last.listings += 1
        names: list[str] = []
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            self._folders.pop(folder, None)
            return []
        for entry in listed:
            try:
                if entry.is_dir(follow_symlinks=False):
                    names.append(entry.name)
            except OSError:
                continue
        racy = self.clock() - mtime_ns / 1e9 < RACY_SECONDS
        self._folders[folder] = _Folder(mtime_ns, names, racy)
        return names

    def _is_run(self, folder: Path) -> bool:
        """``is_dvclive_dir``, asked again only when the folder or its ``plots/`` changed."""
        signature = (_mtime_ns(folder) or 0, _mtime_ns(folder / "plots"))
        self.last.stats += 2
        known = self._kinds.get(folder)
        if known is not None and known[0] == signature and not self._is_racy(signature[0]):
            return known[1]
        self.last.classified += 1
        answer = is_dvclive_dir(folder)
        self._kinds[folder] = (signature, answer)
        return answer

    def _is_racy(self, mtime_ns: int) -> bool:
        return self.clock() - mtime_ns / 1e9 < RACY_SECONDS

    def _walk(
        self,
        folder: Path,
        depth: int,
        found: list[Path],
        seen: set[Path],
        *,
        in_dvc: bool,
        full: bool,
        in_run: bool = False,
    ) -> None:
        if depth > MAX_DEPTH:
            return
        for name in self._subfolders(folder, seen, full=full):
            child = folder / name
            if name == ".dvc" and not in_dvc:
                exps = child / "tmp" / "exps"
                if exps.is_dir():
                    self._walk_temp_workspaces(exps, depth, found, seen, full=full)
                continue
            if name in SKIPPED_NAMES or (name.startswith(".") and name != ".dvclive"):
                continue
            if in_run and name in RUN_OWN_FOLDERS:
                continue  # a run's own files: never a nested run
            run = self._is_run(child)
            if run:
                found.append(child)
            self._walk(child, depth + 1, found, seen, in_dvc=in_dvc, full=full, in_run=run)

    def _walk_temp_workspaces(
        self, exps: Path, depth: int, found: list[Path], seen: set[Path], *, full: bool
    ) -> None:
        """Queued runs execute in ``exps/tmpXXXX``, ``--temp`` ones in ``exps/standalone/``."""
        for name in self._subfolders(exps, seen, full=full):
            if name == STANDALONE_FOLDER and exps.name == "exps":
                self._walk_temp_workspaces(exps / name, depth, found, seen, full=full)
            elif name.startswith("tmp"):
                workspace = exps / name
                run = self._is_run(workspace)
                if run:
                    found.append(workspace)
                self._walk(workspace, depth + 1, found, seen, in_dvc=True, full=full, in_run=run)


def _mtime_ns(path: Path) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
