"""Read-only file trees: a git commit's tree (pygit2) or a directory on disk.

Experiments are read from both: committed experiments from git objects, the workspace and
running experiments from disk. Views of the same shape let one collector serve both.
Paths are POSIX and relative to the repository root.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pygit2

#: Directories never searched for ``dvc.yaml`` files (DVC's own state, VCS, environments).
SKIPPED_DIRS = frozenset({".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__"})
DVC_YAML = "dvc.yaml"
_UNSET = object()


class FileSource(Protocol):
    """A read-only tree of files addressed by POSIX paths relative to its root."""

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or ``None`` when it is missing or not a file."""

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a directory."""

    def files_under(self, path: str) -> list[str]:
        """Every file below directory ``path`` (recursive, sorted); empty if none."""

    def dvc_yaml_files(self) -> list[str]:
        """Every ``dvc.yaml`` in the tree (sorted, root first)."""

    def dvc_files(self) -> list[str]:
        """Every ``*.dvc`` file in the tree (data sources), in walk order."""

    def identity(self, path: str) -> str | None:
        """A content identity for ``path`` (blob id, or mtime+size on disk) for caching."""

    def exists(self, path: str) -> bool:
        """Whether ``path`` is a file."""


def _is_dvc_file(name: str) -> bool:
    return name == DVC_YAML or (name.endswith(".dvc") and name != ".dvc")


def _is_dvc_yaml(path: str) -> bool:
    return path == DVC_YAML or path.endswith("/" + DVC_YAML)


class TreeCache:
    """Memo shared by every :class:`GitTreeSource` of one repository.

    Experiments of one baseline share almost every subtree, so the ``dvc.yaml`` search is
    memoised per tree id and each blob is fetched once.
    """

    def __init__(self, repo: pygit2.Repository) -> None:
        self.repo = repo
        self.dvc_yaml_by_tree: dict[pygit2.Oid, tuple[str, ...]] = {}


class GitTreeSource:
    """The files of one git commit, read straight from the object database."""

    def __init__(self, cache: TreeCache, tree: pygit2.Tree) -> None:
        self._cache = cache
        self._repo = cache.repo
        self._tree = tree
        self._entries: dict[str, pygit2.Object | None] = {}

    def _entry(self, path: str) -> pygit2.Object | None:
        known = self._entries.get(path, _UNSET)
        if known is not _UNSET:
            return known  # type: ignore[return-value]
        key = path.strip("/")
        entry: pygit2.Object | None
        if not key or key == ".":
            entry = self._tree
        else:
            try:
                entry = self._tree[key]
            except (KeyError, ValueError):
                entry = None
        self._entries[path] = entry
        return entry

    def exists(self, path: str) -> bool:
        """Whether ``path`` is a file (no blob is read)."""
        entry = self._entry(path)
        return entry is not None and entry.type == pygit2.GIT_OBJECT_BLOB

    def read(self, path: str) -> bytes | None:
        entry = self._entry(path)
        if not isinstance(entry, pygit2.Blob):
            return None
        return entry.data

    def is_dir(self, path: str) -> bool:
        entry = self._entry(path)
        return entry is not None and entry.type == pygit2.GIT_OBJECT_TREE

    def files_under(self, path: str) -> list[str]:
        tree = self._entry(path)
        if not isinstance(tree, pygit2.Tree):
            return []
        prefix = path.strip("/")
        found: list[str] = []
        self._walk(tree, prefix + "/" if prefix and prefix != "." else "", found)
        return sorted(found)

    def _walk(self, tree: pygit2.Tree, prefix: str, found: list[str]) -> None:
        for item in tree:
            if isinstance(item, pygit2.Tree):
                self._walk(item, f"{prefix}{item.name}/", found)
            elif isinstance(item, pygit2.Blob):
                found.append(f"{prefix}{item.name}")

    def dvc_yaml_files(self) -> list[str]:
        return [path for path in self._find_dvc_yaml(self._tree) if _is_dvc_yaml(path)]

    def dvc_files(self) -> list[str]:
        return [path for path in self._find_dvc_yaml(self._tree) if not _is_dvc_yaml(path)]

    def _find_dvc_yaml(self, tree: pygit2.Tree) -> tuple[str, ...]:
        memo = self._cache.dvc_yaml_by_tree
        known = memo.get(tree.id)
        if known is not None:
            return known
        here: list[str] = []
        below: list[str] = []
        for item in tree:
            name = item.name or ""
            if isinstance(item, pygit2.Tree):
                if name not in SKIPPED_DIRS:
                    below.extend(f"{name}/{path}" for path in self._find_dvc_yaml(item))
            elif _is_dvc_file(name):
                here.append(name)
        result = tuple(here + below)
        memo[tree.id] = result
        return result

    def identity(self, path: str) -> str | None:
        entry = self._entry(path)
        return None if entry is None else str(entry.id)


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
        try:
            return self._path(path).read_bytes()
        except OSError:
            return None

    def is_dir(self, path: str) -> bool:
        return self._path(path).is_dir()

    def exists(self, path: str) -> bool:
        return self._path(path).is_file()

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

    def _walk_dvc_files(self) -> list[str]:
        """DVC files below the root; git-ignored folders (DVC-tracked data, often huge)
        are only looked into one level deep, which still finds an ignored dvclive
        folder's own ``dvc.yaml``."""
        found: list[str] = []
        ignored = self._ignored
        for dirpath, dirnames, filenames in os.walk(self.root):
            rel_dir = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            prefix = "" if rel_dir == "." else rel_dir + "/"
            kept: list[str] = []
            for name in sorted(dirnames):
                if name in SKIPPED_DIRS or name.startswith("."):
                    continue
                if ignored is not None and ignored(f"{prefix}{name}/"):
                    found.extend(self._shallow(f"{prefix}{name}"))
                else:
                    kept.append(name)
            dirnames[:] = kept
            for name in sorted(filenames):
                if _is_dvc_file(name):
                    found.append(f"{prefix}{name}")
        return found

    def _shallow(self, rel_dir: str) -> list[str]:
        try:
            names = sorted(os.listdir(self.root / rel_dir))
        except OSError:
            return []
        return [f"{rel_dir}/{name}" for name in names if _is_dvc_file(name)]

    def dvc_yaml_files(self) -> list[str]:
        found = [path for path in self._walk_dvc_files() if _is_dvc_yaml(path)]
        return sorted(found, key=lambda p: (p.count("/"), p))

    def dvc_files(self) -> list[str]:
        return [path for path in self._walk_dvc_files() if not _is_dvc_yaml(path)]

    def identity(self, path: str) -> str | None:
        try:
            stat = self._path(path).stat()
        except OSError:
            return None
        return f"{self.root / path}:{stat.st_mtime_ns}:{stat.st_size}"
