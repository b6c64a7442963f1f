"""Byte-offset tailing of an append-only file that may be truncated or replaced.

One :class:`FileTailer` per metric history. It does no I/O: it says what it wants
(:meth:`FileTailer.want`, a ``tail`` :class:`~dvclive_writer.read.transport.Want`) and
applies the transport's answer (:meth:`FileTailer.apply`), handing back complete lines only
(a partial last line waits for its newline). Each answer holds at most ``cap`` new bytes
(:data:`~dvclive_writer.read.files.TSV_CHUNK` by default); :attr:`TailRead.more` says the
file goes on, and the reader asks again. The previous content is void (``reset``) when the
file's identity ``(st_dev, st_ino)`` changed, when it shrank below the read offset, or when
its first bytes (up to 256) or the last bytes before the offset (up to 64) differ from the
ones already consumed: dvclive deletes and recreates its files at the start of a run, and
the new file usually reuses the old inode and may have grown past the old offset before
the next poll (with the same header and first rows when a run repeats the previous one's
start). After a reset the tailer asks for the file from its start.

A line longer than :data:`MAX_LINE_BYTES` (a sparse or binary file has no newlines) is
dropped up to its newline instead of being held, so a tail never holds more than that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dvclive_writer.read.files import MIB, TSV_CHUNK, FileStat
from dvclive_writer.read.transport import Got, Transport, Want, read_one

HEAD_BYTES = 256
"""How many leading bytes identify a file's content."""
TAIL_BYTES = 64
"""How many bytes before the read offset must still be the ones consumed."""
MAX_LINE_BYTES = 1 * MIB
"""Longest partial line held while waiting for its newline."""


@dataclass(frozen=True)
class TailRead:
    """What one answer to the tailer's want found."""

    data: bytes = b""
    """Newly completed lines (from the start of the file after a reset)."""
    reset: bool = False
    """The previously returned content is void: a new file, a truncation or a deletion."""
    exists: bool = True
    changed: bool = False
    """The file's size, mtime or identity changed since the previous read."""
    mtime: float | None = None
    """The file's modification time (seconds), when it exists."""
    error: str | None = None
    """Why the file could not be read (permissions, not a regular file...)."""
    more: bool = False
    """The file holds bytes past what was returned: ask again."""
    dropped: int = 0
    """Bytes of over-long lines dropped by this read."""


UNCHANGED = TailRead()
"""The answer for a file that did not change (compared by identity on the hot path)."""


class FileTailer:
    """Follows one file by byte offset; see the module docstring for the reset rules."""

    __slots__ = (
        "_head",
        "_ident",
        "_known",
        "_partial",
        "_skipping",
        "_tail",
        "_want",
        "offset",
        "rel",
    )

    def __init__(self, rel: str) -> None:
        self.rel = rel
        """The file's POSIX path relative to the run root."""
        self.offset = 0
        """Bytes consumed so far (complete lines plus the kept partial line)."""
        self._ident: tuple[int, int] | None = None
        self._known: FileStat | None = None
        self._head = b""
        self._tail = b""
        self._partial = b""
        self._skipping = False
        self._want: Want | None = None
        """The last want made, valid until the state changes (a poll of an idle file)."""

    @property
    def partial(self) -> bytes:
        """The bytes of an unfinished last line, held until its newline arrives."""
        return self._partial

    def want(self, cap: int = TSV_CHUNK) -> Want:
        """What to ask the transport for: up to ``cap`` new bytes and the check bytes."""
        want = self._want
        if want is not None and want.cap == cap:
            return want
        if self._ident is None:
            want = Want(self.rel, "tail", cap=cap)
        else:
            want = Want(
                self.rel,
                "tail",
                offset=self.offset,
                back=len(self._tail),
                head=len(self._head),
                known=self._known,
                cap=cap,
            )
        self._want = want
        return want

    def apply(self, got: Got) -> TailRead:
        """Take the answer to :meth:`want` (asked in this state) and report what it holds."""
        if got.stat is self._known and got.stat is not None and got.error is None:
            return UNCHANGED  # the transport handed back the known stat: an idle file
        if got.error is not None:
            return TailRead(error=got.error)
        stat = got.stat
        if stat is None:
            existed = self._ident is not None
            self._forget()
            return TailRead(reset=existed, exists=False, changed=existed)
        if self._ident is None:
            return self._take(got.data, stat, more=got.truncated)
        if got.unchanged(self._known):
            return UNCHANGED
        if stat.ident != self._ident or stat.size < self.offset or self._rewritten(got):
            self._forget()
            return TailRead(reset=True, changed=True, mtime=stat.mtime, more=True)
        return self._take(got.data[len(self._tail) :], stat, more=got.truncated)

    def read(self, transport: Transport, root: str, cap: int = TSV_CHUNK) -> TailRead:
        """One want and its answer (and, after a reset, one more from the start)."""
        read = self.apply(read_one(transport, root, self.want(cap)))
        if not read.reset or not read.exists:
            return read
        again = self.apply(read_one(transport, root, self.want(cap)))
        return replace(again, reset=True, changed=True) if again.exists else again

    def _rewritten(self, got: Got) -> bool:
        """Whether the consumed bytes (head, and those just before the offset) changed."""
        if self._head and got.head[: len(self._head)] != self._head:
            return True
        tail = self._tail
        return bool(tail) and got.data[: len(tail)] != tail

    def _take(self, appended: bytes, stat: FileStat, *, more: bool) -> TailRead:
        self._want = None
        self._ident = stat.ident
        self._known = stat._replace(size=self.offset + len(appended))
        if len(self._head) < HEAD_BYTES and appended:
            self._head = (self._head + appended[: HEAD_BYTES - len(self._head)])[:HEAD_BYTES]
        if len(appended) >= TAIL_BYTES:
            self._tail = appended[-TAIL_BYTES:]
        elif appended:
            self._tail = (self._tail + appended)[-TAIL_BYTES:]
        self.offset += len(appended)
        buffer = self._partial + appended if self._partial else appended
        dropped = 0
        if self._skipping:
            newline = buffer.find(b"\n")
            dropped = len(buffer) if newline < 0 else newline + 1
            buffer = buffer[dropped:]
            self._skipping = newline < 0
        cut = buffer.rfind(b"\n") + 1
        self._partial = buffer[cut:]
        if len(self._partial) > MAX_LINE_BYTES:
            dropped += len(self._partial)
            self._partial = b""
            self._skipping = True
        return TailRead(
            data=buffer[:cut], changed=True, mtime=stat.mtime, more=more, dropped=dropped
        )

    def _forget(self) -> None:
        self._want = None
        self.offset = 0
        self._ident = None
        self._known = None
        self._head = b""
        self._tail = b""
        self._partial = b""
        self._skipping = False
