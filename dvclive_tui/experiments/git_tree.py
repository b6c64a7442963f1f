"""A git commit's tree as a :class:`~dvclive_tui.experiments.sources.FileSource` (pygit2).

Experiments of one baseline share almost every subtree, so the ``dvc.yaml`` search is
memoised per tree id and each blob is fetched once.
"""

from __future__ import annotations

import pygit2

from dvclive_tui.experiments.sources import SKIPPED_DIRS, is_dvc_file, is_dvc_yaml

_UNSET = object()


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
        return [path for path in self._find_dvc_yaml(self._tree) if is_dvc_yaml(path)]

    def dvc_files(self) -> list[str]:
        return [path for path in self._find_dvc_yaml(self._tree) if not is_dvc_yaml(path)]

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
            elif is_dvc_file(name):
                here.append(name)
        result = tuple(here + below)
        memo[tree.id] = result
        return result

    def identity(self, path: str) -> str | None:
        """``path@blob id``: the path too, since a parse error message names the file."""
        entry = self._entry(path)
        return None if entry is None else f"{path}@{entry.id}"
