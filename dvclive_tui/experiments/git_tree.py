"""A git commit's tree as a :class:`~dvclive_tui.experiments.sources.FileSource`.

Experiments of one baseline share almost every subtree, so the ``dvc.yaml`` search is
memoised per tree id and each blob is fetched once. The commit is only opened when a file
is first asked for (a warm read cache never needs it).
"""

from __future__ import annotations

import re

from dvclive_tui.experiments.gitobjects import GitObjectError, ObjectStore, TreeEntry
from dvclive_tui.experiments.sources import SKIPPED_DIRS, is_dvc_file, is_dvc_yaml

_UNSET = object()
#: A tree with none of these bytes has no sub-tree and no ``dvc.yaml``/``*.dvc`` entry
#: (a match may be a false alarm inside an object id: the tree is then parsed).
_MAY_HOLD_DVC_FILES = re.compile(rb"40000 |\.dvc\x00|dvc\.yaml\x00")


class TreeCache:
    """Memo shared by every :class:`GitTreeSource` of one repository: the ``dvc.yaml``
    search per tree id."""

    def __init__(self, objects: ObjectStore) -> None:
        self.objects = objects
        self.dvc_files_by_tree: dict[str, tuple[str, ...]] = {}


class GitTreeSource:
    """The files of one git commit, read straight from the object database."""

    keep_parsed = False
    """Parsed files are not kept in the read cache: the commit's data is."""

    def __init__(self, cache: TreeCache, commit: str) -> None:
        self._cache = cache
        self._objects = cache.objects
        self.commit = commit
        self._root: str | None = None
        self._entries: dict[str, TreeEntry | None] = {}

    @property
    def root_tree(self) -> str:
        """The id of the commit's root tree."""
        if self._root is None:
            self._root = self._objects.commit(self.commit).tree
        return self._root

    def _entry(self, path: str) -> TreeEntry | None:
        known = self._entries.get(path, _UNSET)
        if known is not _UNSET:
            return known  # type: ignore[return-value]
        key = path.strip("/")
        entry: TreeEntry | None
        if not key or key == ".":
            entry = TreeEntry("", "tree", self.root_tree)
        else:
            parent, _, name = key.rpartition("/")
            folder = self._entry(parent) if parent else TreeEntry("", "tree", self.root_tree)
            entry = None
            if folder is not None and folder.kind == "tree":
                try:
                    entries = self._objects.tree(folder.sha)
                except GitObjectError:
                    entries = ()
                entry = next((item for item in entries if item.name == name), None)
        self._entries[path] = entry
        return entry

    def exists(self, path: str) -> bool:
        """Whether ``path`` is a file (no blob is read)."""
        entry = self._entry(path)
        return entry is not None and entry.kind == "blob"

    def read(self, path: str) -> bytes | None:
        entry = self._entry(path)
        if entry is None or entry.kind != "blob":
            return None
        try:
            return self._objects.blob(entry.sha)
        except GitObjectError:
            return None

    def is_dir(self, path: str) -> bool:
        entry = self._entry(path)
        return entry is not None and entry.kind == "tree"

    def files_under(self, path: str) -> list[str]:
        entry = self._entry(path)
        if entry is None or entry.kind != "tree":
            return []
        prefix = path.strip("/")
        found: list[str] = []
        self._walk(entry.sha, prefix + "/" if prefix and prefix != "." else "", found)
        return sorted(found)

    def _walk(self, tree: str, prefix: str, found: list[str]) -> None:
        try:
            entries = self._objects.tree(tree)
        except GitObjectError:
            return
        for item in entries:
            if item.kind == "tree":
                self._walk(item.sha, f"{prefix}{item.name}/", found)
            elif item.kind == "blob":
                found.append(f"{prefix}{item.name}")

    def dvc_yaml_files(self) -> list[str]:
        return [path for path in self.dvc_walk() if is_dvc_yaml(path)]

    def dvc_files(self) -> list[str]:
        return [path for path in self.dvc_walk() if not is_dvc_yaml(path)]

    def dvc_walk(self) -> tuple[str, ...]:
        """``dvc.yaml`` and ``.dvc`` files in DVC's walk order (git tree order: a
        folder's files, then its sub-folders, depth first)."""
        return self._find(self.root_tree)

    def _find(self, tree: str) -> tuple[str, ...]:
        memo = self._cache.dvc_files_by_tree
        known = memo.get(tree)
        if known is not None:
            return known
        try:
            raw = self._objects.tree_bytes(tree)
        except GitObjectError:
            raw = b""
        if not _MAY_HOLD_DVC_FILES.search(raw):
            memo[tree] = ()  # only plain files (metric TSVs...): nothing to parse
            return ()
        entries = self._objects.tree(tree)
        here: list[str] = []
        below: list[str] = []
        for item in entries:
            if item.kind == "tree":
                if item.name not in SKIPPED_DIRS:
                    below.extend(f"{item.name}/{path}" for path in self._find(item.sha))
            elif item.kind == "blob" and is_dvc_file(item.name):
                here.append(item.name)
        result = tuple(here + below)
        memo[tree] = result
        return result

    def identity(self, path: str) -> str | None:
        """``path@blob id``: the path too, since a parse error message names the file."""
        entry = self._entry(path)
        return None if entry is None else f"{path}@{entry.sha}"
