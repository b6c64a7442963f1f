"""Read many new commits on two cores: the cold start of a one-shot ``compare``.

The first ``compare`` in a repository with a thousand experiments reads every commit's
files (a few thousand git objects) before the read cache knows them. Where ``os.fork``
exists and the process runs a single thread (the one-shot CLI, never the app), a child
process reads half of the missing commits while this one reads the other half; the child sends
its results as the read cache's JSON through a pipe, and they are kept as if read here.
Anything the child cannot send (data that does not survive JSON, DVC objects missing,
a failure of any kind) is simply read again here afterwards: the outcome is the same as
reading everything in one process, only sooner.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dvclive_tui.experiments.exp_cache import has_storage_error
from dvclive_tui.experiments.gitobjects import GitObjectError
from dvclive_tui.experiments.read_cache import encode
from dvclive_tui.experiments.readers import read_revision

if TYPE_CHECKING:
    from dvclive_tui.experiments.collect import RepoReader

#: Fewer missing commits than this are read in one process (a fork costs milliseconds).
MINIMUM = 200
#: The child's part of the missing commits (half: measured best on two cores).
CHILD_SHARE = 0.5


def _child(reader: RepoReader, shas: list[str], write_fd: int) -> None:
    """Read ``shas`` and write ``[[sha, item], ...]`` (JSON) to ``write_fd``; never returns."""
    status = 1
    try:
        found: list[list[Any]] = []
        for sha in shas:
            try:
                data = read_revision(reader.read_commit(sha), reader.parsed)
                when, parents = reader.meta(sha)
            except GitObjectError:
                continue
            if data.json_safe and not has_storage_error(data):
                item = encode(data)
                item["time"], item["parents"] = when, parents
                found.append([sha, item])
        payload = json.dumps(found, allow_nan=True).encode()
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view) :]
        status = 0
    finally:
        os._exit(status)


def _read_all(read_fd: int) -> bytes:
    chunks = []
    while chunk := os.read(read_fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def prefill(reader: RepoReader, shas: Iterable[str]) -> None:
    """Put the data of the ``shas`` the read cache lacks into it, on two cores when there
    are many; ``collect`` then finds them all known."""
    missing = [sha for sha in dict.fromkeys(shas) if not reader.commits.has(sha)]
    if len(missing) < MINIMUM or not hasattr(os, "fork") or threading.active_count() > 1:
        return
    cut = round(len(missing) * (1 - CHILD_SHARE))
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child ends in os._exit, coverage never sees it
        os.close(read_fd)
        _child(reader, missing[cut:], write_fd)
    os.close(write_fd)
    try:
        for sha in missing[:cut]:
            try:
                reader.commit_data(sha)
            except GitObjectError:
                continue
        payload = _read_all(read_fd)
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)
    try:
        found = json.loads(payload) if payload else []
    except ValueError:
        return
    for sha, item in found:
        reader.commits.put_item(sha, item)
