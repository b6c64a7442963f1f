"""Byte-offset tailing of an append-only file that may be truncated or replaced.

One :class:`FileTailer` per metric history. Each :meth:`FileTailer.read` re-opens the file
(close-to-open consistency on NFS), reads only the bytes appended since the last call with
``os.pread`` (in chunks of at most 64 MiB), and hands back complete lines only (a partial last
line waits for its newline). The previous content is void (``reset``) when the file's
``(st_dev, st_ino)`` changed, when it shrank below the read offset, or when its first bytes
(up to 256) or the last bytes before the offset (up to 64) differ from the ones already
consumed: dvclive deletes and recreates its files at the start of a run, and the new file
usually reuses the old inode and may have grown past the old offset before the next poll
(with the same header and first rows when a run repeats the previous one's start).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

CHUNK_BYTES = 64 << 20
"""Largest single ``pread``: a whole metric history is usually one read, with no joining
copy (the cold load of a big run is dominated by it otherwise)."""
HEAD_BYTES = 256
"""How many leading bytes identify a file's content."""
TAIL_BYTES = 64
"""How many bytes before the read offset must still be the ones consumed."""
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
"""Read-only; non-blocking so that a FIFO with a metric's name cannot hang a poll."""


@dataclass(frozen=True)
class TailRead:
    """What one :meth:`FileTailer.read` found."""

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


_UNCHANGED = TailRead()


class FileTailer:
    """Follows one file by byte offset; see the module docstring for the reset rules."""

    __slots__ = ("_head", "_ident", "_partial", "_signature", "_tail", "offset", "path")

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.offset = 0
        """Bytes consumed so far (complete lines plus the kept partial line)."""
        self._ident: tuple[int, int] | None = None
        self._signature: tuple[int, int] | None = None
        self._head = b""
        self._tail = b""
        self._partial = b""

    @property
    def partial(self) -> bytes:
        """The bytes of an unfinished last line, held until its newline arrives."""
        return self._partial

    def read(self) -> TailRead:
        """Read what was appended since the previous call (see the module docstring)."""
        try:
            fd = os.open(self.path, OPEN_FLAGS)
        except (FileNotFoundError, NotADirectoryError):
            existed = self._ident is not None
            self._forget()
            return TailRead(reset=existed, exists=False, changed=existed)
        except OSError as exc:
            return TailRead(error=exc.strerror or str(exc), changed=False)
        try:
            return self._read_open(fd)
        except OSError as exc:
            return TailRead(error=exc.strerror or str(exc))
        finally:
            os.close(fd)

    def _read_open(self, fd: int) -> TailRead:
        stat = os.fstat(fd)
        if not S_ISREG(stat.st_mode):
            return TailRead(error="not a regular file")
        ident = (stat.st_dev, stat.st_ino)
        signature = (stat.st_size, stat.st_mtime_ns)
        reset = False
        if self._ident is not None:
            if ident != self._ident or stat.st_size < self.offset:
                reset = True
            elif signature == self._signature:
                return _UNCHANGED
            elif self._rewritten(fd):
                reset = True
        if reset:
            self._forget()
        self._ident = ident
        appended = self._read_range(fd, self.offset, stat.st_size)
        self._signature = (self.offset + len(appended), stat.st_mtime_ns)
        if len(self._head) < HEAD_BYTES and appended:
            self._head = (self._head + appended[: HEAD_BYTES - len(self._head)])[:HEAD_BYTES]
        if len(appended) >= TAIL_BYTES:
            self._tail = appended[-TAIL_BYTES:]
        elif appended:
            self._tail = (self._tail + appended)[-TAIL_BYTES:]
        self.offset += len(appended)
        buffer = self._partial + appended if self._partial else appended
        cut = buffer.rfind(b"\n") + 1
        self._partial = buffer[cut:]
        return TailRead(
            data=buffer[:cut],
            reset=reset,
            changed=True,
            mtime=stat.st_mtime_ns / 1e9,
        )

    def _rewritten(self, fd: int) -> bool:
        """Whether the consumed bytes (head, and those just before the offset) changed."""
        if self._head and os.pread(fd, len(self._head), 0) != self._head:
            return True
        tail = self._tail
        return bool(tail) and os.pread(fd, len(tail), self.offset - len(tail)) != tail

    @staticmethod
    def _read_range(fd: int, start: int, stop: int) -> bytes:
        chunks: list[bytes] = []
        position = start
        while position < stop:
            chunk = os.pread(fd, min(CHUNK_BYTES, stop - position), position)
            if not chunk:
                break
            chunks.append(chunk)
            position += len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _forget(self) -> None:
        self.offset = 0
        self._ident = None
        self._signature = None
        self._head = b""
        self._tail = b""
        self._partial = b""
