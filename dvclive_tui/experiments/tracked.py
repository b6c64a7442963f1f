"""DVC-tracked files of a revision, read from DVC's cache where git has no copy.

A stage output (``outs: [eval]``, a cached ``metrics``/``plots`` file) or a ``.dvc`` file
stands for content kept in DVC's cache. As ``dvc exp show`` does, a path is first looked
up in the revision's own files (the commit's tree, or the working tree), then in the
outputs that revision's ``dvc.lock`` and ``.dvc`` files record: the longest output path
containing it; a file output is its cache object, a directory output (``<md5>.dir``)
lists its files and their objects in a JSON manifest. The reasons DVC gives when that
fails are kept, in the same place:

* ``DataIndexDirError`` "failed to load directory ('eval',)" — the manifest is missing;
* ``FileNotFoundError`` "[Errno 2] No storage files available: 'eval/metrics.json'" — the
  object is missing, or the lock has no hash for that output yet.
"""

from __future__ import annotations

import posixpath
from typing import Any, NamedTuple

from dvclive_tui.experiments.dvc_cache import DvcStorage
from dvclive_tui.experiments.dvcyaml import join
from dvclive_tui.experiments.readers import ParseCache, load_specs
from dvclive_tui.experiments.sources import FileSource


class DataOut(NamedTuple):
    """One cached output of a revision."""

    path: str
    """Repository-relative POSIX path."""
    md5: str | None
    """The recorded hash (``<md5>.dir`` for a directory); ``None`` before the stage ran."""
    legacy: bool
    """Recorded without ``hash: md5`` (DVC 2): stored in the cache's old layout."""
    remote: str | None = None

    @property
    def is_dir(self) -> bool:
        """Whether the output is a directory."""
        return bool(self.md5 and self.md5.endswith(".dir"))


def _lock_outs(lock: Any, stage: str) -> dict[str, dict[str, Any]]:
    if not isinstance(lock, dict) or not isinstance(lock.get("stages"), dict):
        return {}
    data = lock["stages"].get(stage)
    if not isinstance(data, dict) or not isinstance(data.get("outs"), list):
        return {}
    return {str(item.get("path")): item for item in data["outs"] if isinstance(item, dict)}


def _recorded(entry: Any) -> tuple[str | None, bool]:
    """``(hash value, legacy layout)`` of a lock or ``.dvc`` out entry."""
    if not isinstance(entry, dict):
        return None, False
    value = entry.get("md5")
    legacy = entry.get("hash") != "md5"
    return (value if isinstance(value, str) else None), legacy


def data_outs(source: FileSource, cache: ParseCache) -> list[DataOut]:
    """Every cached output recorded by the ``dvc.yaml``/``dvc.lock`` and ``.dvc`` files of
    ``source`` (outputs with ``cache: false`` are plain files, left to git)."""
    found: list[DataOut] = []
    specs, _errors = load_specs(source, cache)
    for spec in specs:
        if not spec.stages:
            continue
        base = posixpath.dirname(spec.path)
        lock = cache.load(source, posixpath.join(base, "dvc.lock") if base else "dvc.lock")
        for stage in spec.stages:
            recorded = _lock_outs(lock, stage.name)
            for path, use_cache, remote in stage.data_outs:
                if use_cache:
                    md5, legacy = _recorded(recorded.get(path))
                    found.append(DataOut(join(stage.wdir, path), md5, legacy, remote))
    for path in source.dvc_files():
        document = cache.load(source, path)
        if not isinstance(document, dict) or not isinstance(document.get("outs"), list):
            continue
        base = posixpath.dirname(path)
        for out in document["outs"]:
            if not isinstance(out, dict) or not isinstance(out.get("path"), str):
                continue
            if out.get("cache", True) is False:
                continue
            md5, legacy = _recorded(out)
            remote = out.get("remote")
            remote = remote if isinstance(remote, str) else None
            found.append(DataOut(join(base, out["path"]), md5, legacy, remote))
    return found


class TrackedSource:
    """A revision's files with its DVC-tracked outputs filled in from DVC's storage."""

    def __init__(self, inner: FileSource, storage: DvcStorage, cache: ParseCache) -> None:
        self.inner = inner
        self.keep_parsed: bool = getattr(inner, "keep_parsed", True)
        """Whether parsed files go to the read cache (not for commits: see readers)."""
        self._storage = storage
        self._cache = cache
        self._outs: list[DataOut] | None = None

    def outs(self) -> list[DataOut]:
        """The revision's cached outputs, longest path first (read once, on first need)."""
        if self._outs is None:
            found = data_outs(self.inner, self._cache)
            self._outs = sorted(found, key=lambda out: -len(out.path))
        return self._outs

    def _owner(self, path: str) -> tuple[DataOut, str] | None:
        """The output containing ``path`` and the rest of the path inside it."""
        path = path.strip("/")
        for out in self.outs():
            if path == out.path:
                return out, ""
            if path.startswith(out.path + "/"):
                return out, path[len(out.path) + 1 :]
        return None

    def _manifest(self, out: DataOut) -> dict[str, str] | None:
        if not out.is_dir or out.md5 is None:
            return None
        return self._storage.manifest(out.md5, legacy=out.legacy, remote=out.remote)

    def _object(self, path: str) -> tuple[DataOut, str | None] | None:
        """``(output, object md5)`` of a tracked file; md5 ``None`` when not knowable."""
        owner = self._owner(path)
        if owner is None:
            return None
        out, rest = owner
        if not out.is_dir:
            return (out, out.md5) if not rest else None
        manifest = self._manifest(out)
        if manifest is None:
            return out, None
        md5 = manifest.get(rest)
        return (out, md5) if md5 is not None else None

    # -- FileSource -----------------------------------------------------------------

    def read(self, path: str) -> bytes | None:
        raw = self.inner.read(path)
        if raw is not None:
            return raw
        found = self._object(path)
        if found is None:
            return None
        out, md5 = found
        if md5 is None:
            return None
        return self._storage.read(md5, legacy=out.legacy, remote=out.remote)

    def why_missing(self, path: str) -> tuple[str, str] | None:
        """DVC's error type and message for a tracked ``path`` that cannot be read."""
        owner = self._owner(path)
        if owner is None:
            return None
        out, rest = owner
        if not out.is_dir and rest:
            return None  # below a file output (or one not run yet): nothing there
        if out.is_dir and self._manifest(out) is None:
            key = tuple(out.path.split("/"))
            return "DataIndexDirError", f"failed to load directory {key!r}"
        if out.is_dir and rest and rest not in (self._manifest(out) or {}):
            return None
        return "FileNotFoundError", f"[Errno 2] No storage files available: '{path}'"

    def exists(self, path: str) -> bool:
        if self.inner.exists(path):
            return True
        found = self._object(path)
        return found is not None and (found[0].is_dir is False or found[1] is not None)

    def is_dir(self, path: str) -> bool:
        if self.inner.is_dir(path):
            return True
        key = path.strip("/")
        owner = self._owner(key)
        if owner is not None:
            out, rest = owner
            if not rest:
                return out.is_dir
            prefix = rest + "/"
            return any(name.startswith(prefix) for name in self._manifest(out) or {})
        return any(out.path.startswith(key + "/") for out in self.outs())

    def files_under(self, path: str) -> list[str]:
        found = set(self.inner.files_under(path))
        key = path.strip("/")
        key = "" if key == "." else key
        for out in self.outs():
            inside = not key or out.path == key or out.path.startswith(key + "/")
            if inside:
                if not out.is_dir:
                    found.add(out.path)
                    continue
                found.update(f"{out.path}/{name}" for name in self._manifest(out) or {})
            elif key.startswith(out.path + "/") and out.is_dir:
                rest = key[len(out.path) + 1 :] + "/"
                found.update(
                    f"{out.path}/{name}"
                    for name in self._manifest(out) or {}
                    if name.startswith(rest)
                )
        return sorted(found)

    def dvc_yaml_files(self) -> list[str]:
        return self.inner.dvc_yaml_files()

    def dvc_files(self) -> list[str]:
        return self.inner.dvc_files()

    def dvc_walk(self) -> list[str] | tuple[str, ...]:
        return self.inner.dvc_walk()

    def identity(self, path: str) -> str | None:
        """The inner identity, else ``path@dvc:<object md5>`` (content-addressed)."""
        own = self.inner.identity(path)
        if own is not None or self.inner.exists(path):
            return own
        found = self._object(path)
        if found is None or found[1] is None:
            return None
        return f"{path}@dvc:{found[1]}"
