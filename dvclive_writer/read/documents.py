"""Watching whole-file documents (JSON, YAML) that writers rewrite in place.

dvclive rewrites ``metrics.json``, ``params.yaml`` and plot JSON with a plain
open-for-write, so a reader can catch an empty or half-written file. A
:class:`DocumentWatcher` asks for its file again when its stat changed (the transport sends
no bytes otherwise), keeps the last good value while the file does not parse (or lacks its
final newline) and retries on every poll; the problem only becomes a warning once it has
lasted longer than the grace period (a file that cannot be read at all — its kind, size,
place or permissions — is a warning at once). It does no I/O itself: :meth:`DocumentWatcher.want`
says what to read, :meth:`DocumentWatcher.apply` takes the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dvclive_writer.read.files import DOCUMENT_CAP, FileStat
from dvclive_writer.read.parsing import ParseResult
from dvclive_writer.read.transport import Got, Want

GRACE_SECONDS = 3.0
"""How long a document may stay unparsable before it becomes a warning."""


@dataclass(frozen=True)
class DocumentPoll:
    """What one :meth:`DocumentWatcher.apply` changed."""

    value_changed: bool = False
    warning_changed: bool = False
    mtime: float | None = None


_NOTHING = DocumentPoll()


class DocumentWatcher:
    """The last good parsed value of one file, re-read only when the file changed."""

    def __init__(
        self,
        rel: str,
        parser: Callable[[bytes], ParseResult],
        *,
        clock: Callable[[], float],
        grace: float = GRACE_SECONDS,
        cap: int = DOCUMENT_CAP,
    ) -> None:
        self.rel = rel
        """The file's POSIX path relative to the run root."""
        self.parser = parser
        self.clock = clock
        self.grace = grace
        self.cap = cap
        """Largest file read (a bigger one is a problem, not a read)."""
        self.value: Any = None
        """The last good value (``None`` until the file first parses)."""
        self.has_value = False
        self.exists = False
        self.warning: str | None = None
        """The persisting problem, once it outlasted the grace period."""
        self.problem_since: float | None = None
        """When the current problem (parse error, missing newline) was first seen."""
        self._problem: str | None = None
        self._lasting = False
        """The problem is the file's kind, size, place or permissions: no grace period."""
        self._pending: ParseResult | None = None
        self._pending_bytes = b""
        self._known: FileStat | None = None
        self._good_bytes: bytes | None = None
        self._want: Want | None = None

    def want(self) -> Want:
        """The whole file, unless it is unchanged since the last answer."""
        want = self._want
        if want is None or want.known is not self._known:
            want = self._want = Want(self.rel, "whole", known=self._known, cap=self.cap)
        return want

    def apply(self, got: Got) -> DocumentPoll:
        """Take the answer to :meth:`want`; settle a pending problem once the grace is over."""
        stat = got.stat
        if got.error is not None:  # no half-written state: a warning at once
            if stat is not None and stat.kind == "file":  # too large: known until it changes
                self.exists = True
                self._known = stat
                return self._failed(got.error, stat.mtime, lasting=True)
            return self._failed(got.error, None, lasting=True)
        if stat is None:
            return self._gone()
        self.exists = True
        if got.unchanged(self._known):
            return self._settle(stat.mtime)
        self._known = stat
        return self._take(got.data, stat.mtime)

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

    def _failed(self, problem: str, mtime: float | None, *, lasting: bool = False) -> DocumentPoll:
        self._problem = problem
        self._lasting = lasting
        if self.problem_since is None:
            self.problem_since = self.clock()
        return self._settle(mtime)

    def _settle(self, mtime: float | None) -> DocumentPoll:
        """Turn a problem that outlasted the grace period into a value or a warning."""
        if self._problem is None or self.problem_since is None:
            return _NOTHING
        waiting = self.grace > 0 and self.clock() - self.problem_since <= self.grace
        if not self._lasting and waiting:
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
        self._known = None
        self._good_bytes = None
        return DocumentPoll(value_changed=existed, warning_changed=self._forget_problem())

    def _forget_problem(self) -> bool:
        """Drop the pending problem and its warning; whether a warning was showing."""
        had_warning = self.warning is not None
        self._problem = None
        self._lasting = False
        self._pending = None
        self.problem_since = None
        self.warning = None
        return had_warning
