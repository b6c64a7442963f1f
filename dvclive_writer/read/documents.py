"""Watching whole-file documents (JSON, YAML) that writers rewrite in place.

dvclive rewrites ``metrics.json``, ``params.yaml`` and plot JSON with a plain
open-for-write, so a reader can catch an empty or half-written file. A
:class:`DocumentWatcher` re-reads its file when ``(st_ino, st_size, st_mtime_ns)`` changes,
keeps the last good value while the file does not parse (or lacks its final newline) and
retries on every poll; the problem only becomes a warning once it has lasted longer than
the grace period.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any

from dvclive_writer.read.parsing import ParseResult
from dvclive_writer.read.tail import OPEN_FLAGS

GRACE_SECONDS = 3.0
"""How long a document may stay unparsable before it becomes a warning."""
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class DocumentPoll:
    """What one :meth:`DocumentWatcher.poll` changed."""

    value_changed: bool = False
    warning_changed: bool = False
    mtime: float | None = None


_NOTHING = DocumentPoll()


class DocumentWatcher:
    """The last good parsed value of one file, re-read only when the file changed."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        parser: Callable[[bytes], ParseResult],
        *,
        clock: Callable[[], float],
        grace: float = GRACE_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.parser = parser
        self.clock = clock
        self.grace = grace
        self.value: Any = None
        """The last good value (``None`` until the file first parses)."""
        self.has_value = False
        self.exists = False
        self.warning: str | None = None
        """The persisting problem, once it outlasted the grace period."""
        self.problem_since: float | None = None
        """When the current problem (parse error, missing newline) was first seen."""
        self._problem: str | None = None
        self._pending: ParseResult | None = None
        self._pending_bytes = b""
        self._signature: tuple[int, int, int] | None = None
        self._good_bytes: bytes | None = None

    def poll(self) -> DocumentPoll:
        """Re-read the file if it changed; settle a pending problem once the grace is over."""
        try:
            fd = os.open(self.path, OPEN_FLAGS)
        except (FileNotFoundError, NotADirectoryError):
            return self._gone()
        except OSError as exc:
            return self._failed(exc.strerror or str(exc), None)
        try:
            stat = os.fstat(fd)
            if not S_ISREG(stat.st_mode):
                raise OSError("not a regular file")
            signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            mtime = stat.st_mtime_ns / 1e9
            self.exists = True
            if signature == self._signature:
                return self._settle(mtime)
            self._signature = signature
            if stat.st_size > MAX_DOCUMENT_BYTES:
                return self._failed(f"file too large ({stat.st_size} bytes)", mtime)
            data = _read_all(fd, stat.st_size)
        except OSError as exc:
            return self._failed(exc.strerror or str(exc), None)
        finally:
            os.close(fd)
        return self._take(data, mtime)

    def _take(self, data: bytes, mtime: float) -> DocumentPoll:
        if data == self._good_bytes:
            return self._clear_problem(mtime)
        result = self.parser(data)
        if result.ok and (data.endswith(b"\n") or not self.has_value):
            return self._accept(result.value, data, mtime)
        self._pending = result if result.ok else None
        self._pending_bytes = data
        problem = result.error if result.error else "incomplete (no final newline)"
        return self._failed(problem, mtime)

    def _accept(self, value: Any, data: bytes, mtime: float | None) -> DocumentPoll:
        self.value = value
        self.has_value = True
        self._good_bytes = data
        had_warning = self._forget_problem()
        return DocumentPoll(value_changed=True, warning_changed=had_warning, mtime=mtime)

    def _failed(self, problem: str, mtime: float | None) -> DocumentPoll:
        self._problem = problem
        if self.problem_since is None:
            self.problem_since = self.clock()
        return self._settle(mtime)

    def _settle(self, mtime: float | None) -> DocumentPoll:
        """Turn a problem that outlasted the grace period into a value or a warning."""
        if self._problem is None or self.problem_since is None:
            return _NOTHING
        if self.grace > 0 and self.clock() - self.problem_since <= self.grace:
            return DocumentPoll(mtime=mtime)
        if self._pending is not None:
            # Parsable but unterminated, and stable: a hand-written file, not a write.
            return self._accept(self._pending.value, self._pending_bytes, mtime)
        if self.warning == self._problem:
            return DocumentPoll(mtime=mtime)
        self.warning = self._problem
        return DocumentPoll(warning_changed=True, mtime=mtime)

    def _clear_problem(self, mtime: float) -> DocumentPoll:
        return DocumentPoll(warning_changed=self._forget_problem(), mtime=mtime)

    def _gone(self) -> DocumentPoll:
        existed = self.exists or self.has_value
        self.exists = False
        self.value = None
        self.has_value = False
        self._signature = None
        self._good_bytes = None
        return DocumentPoll(value_changed=existed, warning_changed=self._forget_problem())

    def _forget_problem(self) -> bool:
        """Drop the pending problem and its warning; whether a warning was showing."""
        had_warning = self.warning is not None
        self._problem = None
        self._pending = None
        self.problem_since = None
        self.warning = None
        return had_warning


def _read_all(fd: int, size_hint: int) -> bytes:
    chunks: list[bytes] = []
    position = 0
    while True:
        chunk = os.pread(fd, max(size_hint - position, 1 << 16), position)
        if not chunk:
            break
        chunks.append(chunk)
        position += len(chunk)
    return b"".join(chunks)
