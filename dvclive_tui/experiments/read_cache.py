"""A persistent cache of what was read from each commit and each parsed file.

Commits never change, so once a revision's params, metrics, plot declarations, deps and
outs are read they can be reused by every later run (``dvc exp show`` keeps a similar
cache in ``.dvc/tmp/exps/cache``). Parsed params/metrics/``dvc.yaml`` files are kept too,
keyed by content identity (path + blob id; on disk path + inode + size + times, and only
once the file is a few seconds old), so a warm run of ``compare --json`` parses nothing
and does not even import the YAML library. The file
lives in the git directory (``.git/dvclive-tui/commits.json``), outside the working tree.
Only data that survives a JSON round trip unchanged (types included) is cached; anything
else is simply re-read.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from pathlib import Path
from typing import Any

from dvclive_tui.experiments.readers import FileError, FileResult, RevisionData, survives_json

#: Bump when what is read from a commit (or how) changes.
FORMAT = 5

_MISSING = object()


def _results_to_json(results: dict[str, FileResult]) -> dict[str, Any]:
    return {
        path: {"error": [result.error.type, result.error.msg]}
        if result.error is not None
        else {"data": result.data}
        for path, result in results.items()
    }


def _results_from_json(data: dict[str, Any]) -> dict[str, FileResult]:
    return {
        path: FileResult(error=FileError(*value["error"]))
        if "error" in value
        else FileResult(data=value["data"])
        for path, value in data.items()
    }


def encode(data: RevisionData) -> dict[str, Any]:
    """A JSON-ready form of ``data``."""
    return {
        "params": _results_to_json(data.params),
        "metrics": _results_to_json(data.metrics),
        "plots": [[path, props] for path, props in data.plots],
        "deps": data.deps,
        "outs": data.outs,
        "dvc_yaml_errors": data.dvc_yaml_errors,
    }


def decode(item: dict[str, Any]) -> RevisionData:
    """The :class:`RevisionData` an :func:`encode` result stands for."""
    return RevisionData(
        params=_results_from_json(item["params"]),
        metrics=_results_from_json(item["metrics"]),
        plots=[(path, props) for path, props in item["plots"]],
        deps=item["deps"],
        outs=item["outs"],
        dvc_yaml_errors=item["dvc_yaml_errors"],
    )


class ReadCache:
    """``commit SHA -> RevisionData`` and ``file key -> parsed file`` in one JSON file.

    Never raises on I/O: an unreadable cache is an empty one, an unwritable one is skipped.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._items: dict[str, Any] = {}
        self._files: dict[str, Any] = {}
        self._used: set[str] = set()
        self._dirty = False
        self._new_commits = False
        self._last_save = -math.inf
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return
        if isinstance(document, dict) and document.get("format") == FORMAT:
            items = document.get("commits")
            files = document.get("files")
            if isinstance(items, dict) and isinstance(files, dict):
                self._items = items
                self._files = files

    def get(self, sha: str) -> RevisionData | None:
        """The cached data of commit ``sha``, or ``None`` when unknown or unreadable."""
        item = self._items.get(sha)
        if not isinstance(item, dict):
            return None
        try:
            return decode(item)
        except (KeyError, TypeError, ValueError):
            return None

    def meta(self, sha: str) -> tuple[float, list[str]] | None:
        """``(commit time, parent SHAs)`` of a cached commit."""
        item = self._items.get(sha)
        if not isinstance(item, dict):
            return None
        when, parents = item.get("time"), item.get("parents")
        if not isinstance(when, int | float) or not isinstance(parents, list):
            return None
        return float(when), [str(parent) for parent in parents]

    def put(self, sha: str, data: RevisionData, when: float, parents: list[str]) -> None:
        """Remember a commit's data, time and parents if they survive JSON exactly."""
        item = encode(data)
        item["time"] = when
        item["parents"] = parents
        if data.json_safe or survives_json(item):
            self._items[sha] = item
            self._dirty = True
            self._new_commits = True

    def has(self, sha: str) -> bool:
        """Whether commit ``sha`` is known (nothing is decoded)."""
        return sha in self._items

    def put_item(self, sha: str, item: dict[str, Any]) -> None:
        """Remember an already encoded commit (:func:`encode` plus ``time``/``parents``,
        known to survive JSON: it came through JSON)."""
        self._items[sha] = item
        self._dirty = True
        self._new_commits = True

    def begin(self) -> None:
        """Start a new collection: only files it uses will be kept by :meth:`save`."""
        self._used = set()

    def get_file(self, key: str) -> Any:
        """A parsed file (data, or :class:`FileError`), or ``_MISSING`` when unknown."""
        item = self._files.get(key)
        if not isinstance(item, dict):
            return _MISSING
        error = item.get("error")
        if error is not None:
            if not (isinstance(error, list) and len(error) == 2):
                return _MISSING
            self._used.add(key)
            return FileError(str(error[0]), str(error[1]))
        self._used.add(key)
        return item.get("data", _MISSING)

    def put_file(self, key: str, value: Any) -> None:
        """Remember a parsed file if it survives a JSON round trip exactly."""
        item = (
            {"error": [value.type, value.msg]} if isinstance(value, FileError) else {"data": value}
        )
        if survives_json(item):
            self._files[key] = item
            self._used.add(key)
            self._dirty = True

    def keep(self, key: str) -> None:
        """Mark a file entry as used by this collection (it was found in memory)."""
        if key in self._files:
            self._used.add(key)

    def save(self, min_interval: float = 0.0) -> None:
        """Write the file atomically (temp file + ``os.replace``) if anything was added.

        File entries not used by the last collection are dropped (workspace files change
        often). When only file entries changed, writes are at most one per
        ``min_interval`` seconds (a live view re-reads every few seconds).
        """
        if self.path is None:
            return
        if not self._dirty and self._used == set(self._files):
            return
        now = time.monotonic()
        if not self._new_commits and now - self._last_save < min_interval:
            return
        self._last_save = now
        self._new_commits = False
        self._files = {key: self._files[key] for key in self._used if key in self._files}
        document = {"format": FORMAT, "commits": self._items, "files": self._files}
        text = json.dumps(document, allow_nan=True)
        # A private temp name (pid + clock), then os.replace: readers and concurrent
        # writers never see a partial file; the last writer wins. (No tempfile: its
        # import costs ~10 ms on the one-shot path.)
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{time.monotonic_ns()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "x", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            return
        self._dirty = False
