"""What a poll asks for and what it gets: the transport seam's value types.

They mirror the reading side's draft contract (one batched poll per host: the reader says
what it wants for every known file, the transport answers in one go) and will be unified
with it when the reader plugs the remote transport in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["file", "dir", "other"]
Mode = Literal["tail", "whole", "stat"]

HEAD_BYTES = 256
"""How many leading bytes identify a file's content (``Got.head``)."""
DEFAULT_CAP = 64 << 20
"""Most bytes one :class:`Want` returns unless it says otherwise."""


@dataclass(frozen=True)
class FileStat:
    """What a stat says; kind ``"other"`` (FIFO, device, socket) is never read."""

    size: int
    mtime_ns: int
    ident: tuple[int, int]
    """``(device, inode)``."""
    kind: Kind


@dataclass(frozen=True)
class Want:
    """One file in one poll."""

    rel: str
    """POSIX path relative to the run root."""
    mode: Mode
    offset: int = 0
    """tail: bytes consumed so far."""
    back: int = 0
    """tail: also return this many bytes before ``offset`` (rewrite check)."""
    known: FileStat | None = None
    """The last stat seen: when it still holds (and, for tail, nothing lies past
    ``offset``) no bytes are sent."""
    cap: int = DEFAULT_CAP
    """Most bytes to return: tail reads stop there (``Got.truncated``); a larger whole
    document is not sent (``Got.error``)."""


@dataclass(frozen=True)
class Got:
    """The answer for one :class:`Want`."""

    rel: str
    stat: FileStat | None
    """``None``: missing."""
    head: bytes = b""
    """tail, when the stat changed: the first <= 256 bytes."""
    data: bytes = b""
    """tail: the bytes from :func:`data_start`; whole: the file (<= cap)."""
    error: str | None = None
    """Not a regular file, permission denied, too large..."""
    truncated: bool = False
    """tail: ``cap`` stopped the read before the end of the file."""


@dataclass(frozen=True)
class Listing:
    """Everything under a root: entries with their stats, folder times, unreadable folders.

    Paths are POSIX and relative to the root (``""`` is the root itself); skipped folders
    (version control, environments, caches) and entries deeper than the depth limit are
    left out.
    """

    files: dict[str, FileStat] = field(default_factory=dict)
    """Regular files and other non-folders (FIFOs, devices: kind ``"other"``)."""
    folders: dict[str, int] = field(default_factory=dict)
    """Folder -> modification time (ns)."""
    unreadable: tuple[str, ...] = ()
    """Folders that could not be searched."""
    error: str | None = None
    """Why the root itself could not be listed (no such directory, ...)."""


def data_start(want: Want, got: Got) -> int:
    """The file offset where ``got.data`` of a tail read begins.

    From the start of the file when the file is new (another ``ident`` than ``known``) or
    shrank below ``offset``; otherwise ``back`` bytes before ``offset`` (never below 0).
    """
    stat = got.stat
    known = want.known
    if stat is not None and known is not None:
        if stat.ident != known.ident or stat.size < want.offset:
            return 0
    elif stat is not None and stat.size < want.offset:
        return 0
    return max(0, want.offset - want.back)
