"""Read-only file trees: the protocol, and a directory on disk (``git_tree`` has commits).

Experiments are read from both: committed experiments from git objects, the workspace and
running experiments from disk. Views of the same shape let one collector serve both.
Paths are POSIX and relative to the repository root.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from dvclive_writer.read.files import cap_for, probe, read_file

#: Directories never searched for ``dvc.yaml`` files (DVC's own state, VCS, environments).
SKIPPED_DIRS = frozenset({".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__"})
DVC_YAML = "dvc.yaml"
#: Files changed this recently (seconds) are re-read every time instead of cached.
RACY_S = 2.0


class FileSource(Protocol):
    """A read-only tree of files addressed by POSIX paths relative to its root."""

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or ``None`` when it is missing or not a file."""

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a directory."""

    def files_under(self, path: str) -> list[str]:
        """Every file below directory ``path`` (recursive, sorted); empty if none."""

    def dvc_yaml_files(self) -> list[str]:
        """Every ``dvc.yaml`` in the tree, in DVC's walk order (root first)."""

    def dvc_files(self) -> list[str]:
        """Every ``*.dvc`` file in the tree (data sources), in walk order."""

    def dvc_walk(self) -> list[str] | tuple[str, ...]:
        """``dvc.yaml`` and ``*.dvc`` files together, in DVC's walk order."""

    def identity(self, path: str) -> str | None:
        """A content identity for ``path`` for caching (``None``: do not cache it)."""

    def exists(self, path: str) -> bool:
        """Whether ``path`` is a file."""


def is_dvc_file(name: str) -> bool:
    """``dvc.yaml`` or a ``*.dvc`` file name."""
    return name == DVC_YAML or (name.endswith(".dvc") and name != ".dvc")


def is_dvc_yaml(path: str) -> bool:
    """Whether ``path`` names a ``dvc.yaml``."""
    return path == DVC_YAML or path.endswith("/" + DVC_YAML)


class DirSource:
    """The files of a directory on disk (the workspace, or a DVC temporary workspace)."""

    def __init__(self, root: Path, ignored: Callable[[str], bool] | None = None) -> None:
        self.root = root
        self._ignored = ignored
        """``ignored(relative dir)``: skip git-ignored folders (DVC data) when searching."""

    def _path(self, path: str) -> Path:
        path = path.strip("/")
        return self.root if path in ("", ".") else self.root / path

    def read(self, path: str) -> bytes | None:
        """The file's bytes when it is a regular file inside the root, within the read cap
        of its kind (:func:`~dvclive_writer.read.files.cap_for`); else ``None``."""
        return read_file(self._path(path), cap_for(path), root=str(self.root)).data

    def is_dir(self, path: str) -> bool:
        found = probe(self._path(path), root=str(self.root))
        return found is not None and found.kind == "dir"

    def exists(self, path: str) -> bool:
        found = probe(self._path(path), root=str(self.root))
        return found is not None and found.kind == "file"

    def files_under(self, path: str) -> list[str]:
        base = self._path(path)
        prefix = path.strip("/")
        prefix = prefix + "/" if prefix and prefix != "." else ""
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            rel = os.path.relpath(dirpath, base)
            rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
            found.extend(f"{prefix}{rel}{name}" for name in filenames)
        return sorted(found)

    def dvc_walk(self) -> list[str]:
        """DVC files below the root in DVC's order: ``os.walk`` as the file system lists
        (a folder's files, then its sub-folders, depth first; not sorted, as DVC does).
        Git-ignored folders (DVC-tracked data, often huge) are only looked into one
        level deep, which still finds an ignored dvclive folder's own ``dvc.yaml``."""
        found: list[str] = []
        ignored = self._ignored
        for dirpath, dirnames, filenames in os.walk(self.root):
            rel_dir = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            prefix = "" if rel_dir == "." else rel_dir + "/"
            found.extend(f"{prefix}{name}" for name in filenames if is_dvc_file(name))
            kept: list[str] = []
            shallow: list[str] = []
            for name in dirnames:
                if name in SKIPPED_DIRS or name.startswith("."):
                    continue
                if ignored is not None and ignored(f"{prefix}{name}/"):
                    shallow.extend(self._shallow(f"{prefix}{name}"))
                else:
                    kept.append(name)
            found.extend(shallow)
            dirnames[:] = kept
        return found

    def _shallow(self, rel_dir: str) -> list[str]:
        try:
            names = os.listdir(self.root / rel_dir)
        except OSError:
            return []
        return [f"{rel_dir}/{name}" for name in names if is_dvc_file(name)]

    def dvc_yaml_files(self) -> list[str]:
        return [path for path in self.dvc_walk() if is_dvc_yaml(path)]

    def dvc_files(self) -> list[str]:
        return [path for path in self.dvc_walk() if not is_dvc_yaml(path)]

    def identity(self, path: str) -> str | None:
        """Path, inode, size, mtime and ctime; ``None`` (never cached) while the file is
        younger than :data:`RACY_S`: a rewrite within one timestamp tick keeps the
        same stamps, so such a file could be served stale (git's "racy clean" rule)."""
        try:
            stat = self._path(path).stat()
        except OSError:
            return None
        if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_S * 1e9:
            return None
        stamps = f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"
        return f"{self.root / path}:{stamps}"
