"""A test-side reader of remote tails: what the data layer does with :class:`Got`."""

from __future__ import annotations

from dataclasses import dataclass, field

from dvclive_writer.read.files import FileStat
from dvclive_writer.read.transport import Got, Want


@dataclass
class Follower:
    """Follows one appended file by offset; starts over on a new file, a shrink or a
    rewrite of the bytes before the offset."""

    rel: str
    back: int = 16
    cap: int = 1 << 20
    offset: int = 0
    known: FileStat | None = None
    content: bytearray = field(default_factory=bytearray)
    received: int = 0
    """New bytes taken (past the offset): the file size when no byte came twice."""
    resets: int = 0

    def want(self) -> Want:
        return Want(self.rel, "tail", self.offset, self.back, 256, self.known, self.cap)

    def take(self, want: Want, got: Got) -> None:
        if got.stat is None:
            if self.known is not None:
                self._reset()
            return
        if not got.data and got.stat == self.known:
            return
        start = min(max(0, want.offset - want.back), got.stat.size)
        known = self.known
        if known is not None and (got.stat.ident != known.ident or got.stat.size < self.offset):
            self._reset()  # a new file, or a shrunk one: read it again from the start
            return
        overlap = bytes(self.content[start : self.offset])
        head = bytes(self.content[: len(got.head)])
        if got.data[: len(overlap)] != overlap or (
            start and got.head[: len(head)] != head
        ):  # rewritten: read it again from the start
            self._reset()
            return
        self.received += len(got.data) - len(overlap)
        del self.content[start:]
        self.content += got.data
        self.offset = start + len(got.data)
        self.known = got.stat

    def _reset(self) -> None:
        self.resets += 1
        self.offset = 0
        self.known = None
        self.content = bytearray()
