"""The transport seam: how a run reader's files reach it, locally or from another host.

A poll of a run is batched. The reader says what it wants of every file it knows (a
:class:`Want` each), the transport answers them all in one call (a :class:`Got` each, in
order), the reader applies the answers. Decisions stay in the reader: the transport only
stats and reads within the bounds a want gives, so the tailer's reset rules (a new
identity, a shrink, changed head bytes, changed bytes before the offset) work identically
over any transport. :class:`LocalTransport` reads through :mod:`~dvclive_writer.read.files`
(regular files only, links kept inside the run, caps); a remote transport answers the
same batch with one request per host.

Paths are POSIX and relative to the run root; leading ``..`` parts reach the repository
files the reader needs above the run (``../dvc.yaml``, ``../.dvc/tmp/exps/run/...``), and
links must then stay inside the folder those parts lead to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

from dvclive_writer.read.files import (
    DOCUMENT_CAP,
    FileStat,
    ResolvedFolder,
    Unreadable,
    anchor_of,
    open_if_changed,
    read_range,
    stat_path,
    too_large,
)
from dvclive_writer.read.listing import Listing, walk

__all__ = [
    "FileStat",
    "Got",
    "Listing",
    "LocalTransport",
    "Mode",
    "Transport",
    "TransportUnavailable",
    "Want",
    "read_one",
]

Mode = Literal["tail", "whole", "head", "stat"]


@dataclass(frozen=True)
class Want:
    """What the reader wants of one file in one poll.

    - ``stat``: only its stat (any kind; links followed inside the run).
    - ``whole``: the regular file, if it holds at most ``cap`` bytes (else an error saying
      it is too large, with its stat).
    - ``head``: its first ``cap`` bytes at most (``truncated`` when there are more).
    - ``tail``: ``head`` leading bytes and the bytes from ``offset - back`` up to
      ``offset + cap`` (``truncated`` when the file goes on past them).

    With ``known`` given and equal to the file's stat, no bytes are sent (the file did not
    change); the reader compares :attr:`Got.stat` with ``known`` to tell.
    """

    rel: str
    mode: Mode
    offset: int = 0
    """``tail``: bytes consumed so far."""
    back: int = 0
    """``tail``: also send this many bytes before ``offset`` (the rewrite check)."""
    head: int = 0
    """``tail``: also send this many leading bytes (the rewrite check), when changed."""
    known: FileStat | None = None
    """The stat the reader last saw; unchanged -> no bytes."""
    cap: int = DOCUMENT_CAP
    """Most bytes of ``data`` (per kind: document, TSV chunk, report head...)."""


class Got(NamedTuple):
    """The answer for one :class:`Want` (a named tuple: a poll makes one per file)."""

    rel: str
    stat: FileStat | None
    """``None``: missing (or unreadable before a stat: see ``error``)."""
    head: bytes = b""
    """``tail``, when the file changed: its first ``Want.head`` bytes (fewer if shorter)."""
    data: bytes = b""
    """``tail``: bytes from ``offset - back``; ``whole`` / ``head``: the file (its head)."""
    error: str | None = None
    """One line: permission denied, not a regular file (FIFO), link outside, too large..."""
    truncated: bool = False
    """More bytes exist past ``data`` (or a whole read was refused for its size)."""

    def unchanged(self, known: FileStat | None) -> bool:
        """Whether the file is the one ``known`` describes (no bytes were sent)."""
        stat = self.stat
        return known is not None and self.error is None and (stat is known or stat == known)


class TransportUnavailable(Exception):
    """The transport cannot reach the files now (a lost connection, a host that does not
    answer); the message is one status line. A poll that meets it stops where it is and the
    run keeps what it holds; a later poll goes on from the same offsets."""


class Transport(Protocol):
    """Answers a run reader's batched wants, and lists a folder of the run."""

    def read(self, root: str, wants: Sequence[Want]) -> Iterable[Got]:
        """One :class:`Got` per want, in order (a list, or an iterator the reader consumes
        once, in order: the local transport reads each file only when its answer is taken,
        so a batch never holds every file's bytes at once). Never raises for a file's
        problem; raises :class:`TransportUnavailable` when no file can be reached now."""

    def listing(self, root: str, under: str = "") -> Listing:
        """Files (with stats), folders (with mtimes) and errors below ``root/under``."""


_bare = tuple.__new__
"""Builds a :class:`Got` without its Python-level constructor (every idle file of every
poll gets one; this is three times faster)."""


class LocalTransport:
    """Files on this machine, read through :mod:`~dvclive_writer.read.files`."""

    def read(self, root: str, wants: Sequence[Want]) -> Iterator[Got]:
        """Answer each want in turn with bounded reads (see :class:`Want`), lazily."""
        anchor = ResolvedFolder.of(root)
        for want in wants:
            yield _answer(anchor, want)

    def listing(self, root: str, under: str = "") -> Listing:
        """A bounded walk below ``root/under`` (see :func:`~dvclive_writer.read.files.walk`)."""
        return walk(root, under)


def _answer(root: str, want: Want) -> Got:
    rel = want.rel
    if rel and rel[0] not in "./" and "/." not in rel:  # anchor_of's usual case, inline
        path, anchor = f"{root}/{rel}", root
    else:
        path, anchor = anchor_of(root, rel)
    try:
        if want.mode == "stat":
            return Got(rel, stat_path(path, anchor))
        opened = open_if_changed(path, anchor, want.known)
        if opened is None or isinstance(opened, FileStat):
            return _bare(Got, (rel, opened, b"", b"", None, False))  # gone, or unchanged
        fd, stat = opened
        try:
            return _read(want, fd, stat)
        finally:
            os.close(fd)
    except Unreadable as error:
        return Got(rel, error.stat, error=str(error))


def read_one(transport: Transport, root: str, want: Want) -> Got:
    """The answer to a single want."""
    return next(iter(transport.read(root, [want])))


def _read(want: Want, fd: int, stat: FileStat) -> Got:
    size = stat.size
    if want.mode == "whole":
        if size > want.cap:
            return Got(want.rel, stat, error=too_large(size, want.cap), truncated=True)
        return Got(want.rel, stat, data=read_range(fd, 0, size))
    if want.mode == "head":
        data = read_range(fd, 0, min(size, want.cap))
        return Got(want.rel, stat, data=data, truncated=size > want.cap)
    start = max(0, want.offset - want.back)
    stop = min(size, want.offset + want.cap)
    head = read_range(fd, 0, min(want.head, size)) if want.head else b""
    data = read_range(fd, start, stop) if stop > start else b""
    return Got(want.rel, stat, head=head, data=data, truncated=size > stop)
