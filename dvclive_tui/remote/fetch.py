"""Remote files fetched when a view needs them: the image shown, a report's images.

Polls never move image bytes: a remote run's image frames are published with local paths
in a private temporary folder (:meth:`FetchCache.local_path`, one sub-folder per host and
run path, the run's own layout below it) that hold nothing yet. Whoever reads one calls
:func:`materialize` first, which fetches that file in one request to its host, or, when it
was fetched before, sends its last stat and gets bytes only if the file changed there
(the cache is keyed by host, path and stat). The folder goes when the cache is closed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from dvclive_tui.remote.host import HostUnavailable
from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.files import IMAGE_CAP, FileStat
from dvclive_writer.read.transport import Want
from dvclive_writer.serialize import atomic_write

_caches: list[FetchCache] = []
_caches_lock = threading.Lock()


class FetchCache:
    """Copies of remote run files, made on demand (see the module docstring)."""

    def __init__(self, pool: RemotePool, folder: Path | None = None) -> None:
        self.pool = pool
        self.folder = Path(folder or tempfile.mkdtemp(prefix="dvclive-tui-fetch-"))
        self._sources: dict[Path, tuple[RemoteLocation, str]] = {}
        self._stats: dict[Path, FileStat] = {}
        self._lock = threading.Lock()
        with _caches_lock:
            _caches.append(self)

    def run_folder(self, location: RemoteLocation) -> Path:
        """The local folder mirroring the run at ``location``."""
        key = f"{location.user}@{location.host}:{location.port}\0{location.path}"
        return self.folder / hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    def local_path(self, location: RemoteLocation, remote: Path) -> Path:
        """Where ``remote`` (a file of the run at ``location``) is kept here once fetched."""
        rel = posixpath.relpath(PurePosixPath(remote).as_posix(), location.path)
        local = self.run_folder(location) / rel
        if rel.startswith("..") or rel == ".":
            return local  # not a file of the run: never fetched
        with self._lock:
            self._sources[local] = (location, rel)
        return local

    def owns(self, path: Path) -> bool:
        """Whether ``path`` is one of this cache's files."""
        with self._lock:
            return path in self._sources

    def fetch(self, paths: Sequence[Path]) -> None:
        """Bring ``paths`` (this cache's) up to date: one request per run root."""
        by_root: dict[RemoteLocation, list[tuple[Path, str]]] = {}
        with self._lock:
            for path in paths:
                source = self._sources.get(path)
                if source is not None:
                    by_root.setdefault(source[0], []).append((path, source[1]))
        for location, files in by_root.items():
            wants = [
                Want(rel, "whole", known=self._known(path), cap=IMAGE_CAP) for path, rel in files
            ]
            try:
                gots = self.pool.transport(location).read(location.path, wants)
            except HostUnavailable:
                continue  # the last copy (if any) stays; the next look asks again
            for (path, _), want, got in zip(files, wants, gots, strict=True):
                if got.unchanged(want.known):
                    continue
                if got.stat is None or got.error is not None:
                    self._forget(path)
                    continue
                atomic_write(path, got.data)  # a reader never sees half a file
                with self._lock:
                    self._stats[path] = got.stat

    def _known(self, path: Path) -> FileStat | None:
        with self._lock:
            known = self._stats.get(path)
        return known if known is not None and path.exists() else None

    def _forget(self, path: Path) -> None:
        with self._lock:
            self._stats.pop(path, None)
        with contextlib.suppress(OSError):
            path.unlink()

    def close(self) -> None:
        """Delete the copies."""
        with _caches_lock:
            if self in _caches:
                _caches.remove(self)
        shutil.rmtree(self.folder, ignore_errors=True)


def materialize(path: str | os.PathLike[str]) -> None:
    """Fetch ``path`` now when it is a remote file's local copy (else do nothing)."""
    local = Path(path)
    with _caches_lock:
        owners = [cache for cache in _caches if cache.owns(local)]
    for cache in owners:
        cache.fetch([local])
