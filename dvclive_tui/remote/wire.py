"""The agent's replies, and the stat keys both sides compare.

Every reply is framed as (``<n bytes>`` are raw, exactly n bytes, then the next line)::

    @DLT <seq>
    S <id> <key>                     stat changed; key = KIND SIZE SEC.NSEC DEV INO
                                     (KIND f file, d folder, o other)
    M <id>                           the file is gone
    E <id> <message>                 cannot be read (not a regular file, ...)
    H <id> <n>\\n<n bytes>            tail: the first <= 256 bytes (sent when they changed)
    D <id> <start> <n> <more>\\n<n bytes>
                                     the bytes from <start>; more=1: the cap cut them
    X <id>                           drop this reply's records for <id> (replaced while read)
    L <rid> =                        listing: nothing changed since the last one sent
    L <rid> ! <message>              listing: the root cannot be listed
    L <rid> +\\n<batches>.\\n          listing: a new one, in batches of
                                       (-|u) <len> <./name>\\n   (u: folder not searchable)
                                       N <count>\\n  then <count> raw stat lines
                                     with o <len> <./name>\\n lines between them: a link
                                     leading outside the root (not followed)
    F <rid> ! <message>              discovery listing: the root cannot be listed
    F <rid> +\\n<lines>@@\\n            discovery listing: ./path lines, a folder once, a
                                     run's marker file twice, a marker link to a folder 3
                                     times; "\\n@T" when it ran out of time
    @END

Only files whose stat changed (or, for tail, that have bytes past the offset) appear.
A shrunk file's range is padded with zero bytes; the agent re-stats what it read and sends
``X`` if the file was replaced meanwhile. Login-script output before the first line
(``@DLT 0 <flavour> <dd-bytes> <epoch seconds>``, then ``@END``) is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from dvclive_writer.read.files import LINK_OUTSIDE, FileStat, Kind
from dvclive_writer.read.listing import Listing

HELLO = b"@DLT 0 "
_KINDS: dict[str, Kind] = {"f": "file", "d": "dir", "o": "other"}
_LETTERS = {kind: letter for letter, kind in _KINDS.items()}
_KEY = re.compile(r"([fdo]) (\d+) (\d+)\.(\d{9}) (\d+) (\d+)")
_S_IFMT, _S_IFDIR, _S_IFREG = 0o170000, 0o040000, 0o100000


class WireError(Exception):
    """The reply does not follow the protocol."""


class Source(Protocol):
    """Where reply bytes come from (the session's stream)."""

    def read_line(self, limit: int = ...) -> bytes: ...

    def read_exact(self, size: int) -> bytes: ...


@dataclass(frozen=True)
class Hello:
    """What the agent found on the host."""

    flavour: str
    """``gnu``, ``busybox``, ``bsd`` (stat's dialect) or ``none``."""
    dd_bytes: bool
    """Whether ``dd`` takes byte offsets (GNU, BusyBox)."""
    clock: int | None = None
    """The host's ``date +%s`` when the agent started (``None``: no ``date``)."""


@dataclass
class FileRecords:
    """Everything one reply says about one file."""

    key: str | None = None
    """The new stat key (``"-"``: gone); ``None``: unchanged."""
    error: str | None = None
    head: bytes | None = None
    start: int = 0
    data: bytes | None = None
    more: bool = False
    dropped: bool = False


@dataclass
class ListingRecord:
    """What one reply says about one root's listing."""

    unchanged: bool = False
    listing: Listing | None = None
    error: str | None = None
    """Why the root cannot be listed (``no such directory``, ``permission denied``...)."""
    complete: bool = True
    """False when a file vanished while it was listed: ask again."""
    entries: int = 0
    """Discovery listings: how many lines the agent sent (its cap cuts them)."""
    timed_out: bool = False
    """Discovery listings: the agent stopped it at its time limit."""


@dataclass
class Reply:
    """One parsed reply."""

    seq: int
    files: dict[int, FileRecords] = field(default_factory=dict)
    listings: dict[int, ListingRecord] = field(default_factory=dict)
    discoveries: dict[int, ListingRecord] = field(default_factory=dict)


def parse_hello(line: bytes) -> Hello:
    """The agent's first line: ``@DLT 0 <flavour> <dd-bytes> [<epoch seconds>]``."""
    words = line.decode("ascii", "replace").split()
    if len(words) not in (4, 5):
        raise WireError("bad agent greeting")
    clock = int(words[4]) if len(words) == 5 and words[4].isdigit() else None
    return Hello(words[2], words[3] == "1", clock)


def stat_key(stat: FileStat | None) -> str:
    """The key the agent writes for ``stat`` (``"-"`` for none)."""
    if stat is None:
        return "-"
    seconds, nanos = divmod(stat.mtime_ns, 1_000_000_000)
    dev, ino = stat.ident
    return f"{_LETTERS[stat.kind]} {stat.size} {seconds}.{nanos:09d} {dev} {ino}"


def parse_key(key: str) -> FileStat | None:
    """The :class:`FileStat` of a key (``None`` for ``"-"``)."""
    if key == "-":
        return None
    match = _KEY.fullmatch(key)
    if match is None:
        raise WireError(f"bad stat key {key!r}")
    kind, size, seconds, nanos, dev, ino = match.groups()
    return FileStat(
        int(size), int(seconds) * 1_000_000_000 + int(nanos), (int(dev), int(ino)), _KINDS[kind]
    )


def read_reply(source: Source, seq: int, flavour: str) -> Reply:
    """Read the reply to request ``seq``."""
    first = source.read_line()
    if first != f"@DLT {seq}".encode():
        raise WireError(f"expected the reply to request {seq}, got {first[:60]!r}")
    reply = Reply(seq)
    while True:
        line = source.read_line()
        if line == b"@END":
            return reply
        words = line.decode("utf-8", "replace").split(" ")
        tag = words[0]
        if tag == "L" and len(words) >= 3:
            reply.listings[_int(words[1])] = _listing(source, words, flavour)
            continue
        if tag == "F" and len(words) >= 3:
            reply.discoveries[_int(words[1])] = _found(source, words)
            continue
        if tag not in {"S", "M", "E", "H", "D", "X"} or len(words) < 2:
            raise WireError(f"unexpected reply line {line[:60]!r}")
        record = reply.files.setdefault(_int(words[1]), FileRecords())
        _file_record(source, tag, words, record)


def _file_record(source: Source, tag: str, words: list[str], record: FileRecords) -> None:
    if tag == "S":
        key = " ".join(words[2:])
        parse_key(key)
        record.key = key
    elif tag == "M":
        record.key = "-"
    elif tag == "E":
        record.error = " ".join(words[2:]) or "cannot be read"
    elif tag == "H" and len(words) == 3:
        record.head = source.read_exact(_int(words[2]))
    elif tag == "D" and len(words) == 5:
        record.start = _int(words[2])
        record.data = source.read_exact(_int(words[3]))
        record.more = words[4] == "1"
    elif tag == "X":
        record.dropped = True
    else:
        raise WireError(f"bad {tag} record")


def _listing(source: Source, words: list[str], flavour: str) -> ListingRecord:
    if words[2] == "=":
        return ListingRecord(unchanged=True)
    if words[2] == "!":
        return ListingRecord(listing=Listing(), error=" ".join(words[3:]) or "cannot be listed")
    if words[2] != "+":
        raise WireError("bad listing record")
    parser = _ListingParser(source, flavour)
    return parser.parse()


def _found(source: Source, words: list[str]) -> ListingRecord:
    if words[2] == "!":
        return ListingRecord(listing=Listing(), error=" ".join(words[3:]) or "cannot be listed")
    if words[2] != "+":
        raise WireError("bad discovery record")
    return _discovery(source)


def _discovery(source: Source) -> ListingRecord:
    """A discovery listing: folders, and the run markers as files (a link to a folder as a
    file of kind ``dir``: discovery never enters it)."""
    counts: dict[str, int] = {}
    order: list[str] = []
    timed_out = False
    lines = 0
    while True:
        line = source.read_line()
        if line == b"@@":
            break
        if line == b"@T":
            timed_out = True
            continue
        if not line:  # ends a line cut by the time limit (a folder that tells nothing)
            continue
        if line != b"." and not line.startswith(b"./"):
            raise WireError(f"bad discovery line {line[:60]!r}")
        lines += 1
        rel = line[2:].decode("utf-8", "surrogateescape")
        if rel not in counts:
            order.append(rel)
        counts[rel] = counts.get(rel, 0) + 1
    listing = Listing()
    for rel in order:
        count = counts[rel]
        if count == 1:
            listing.folders[rel] = 0
        else:
            kind: Kind = "file" if count == 2 else "dir"
            listing.files[rel] = FileStat(0, 0, (0, 0), kind)
    return ListingRecord(listing=listing, entries=lines, timed_out=timed_out)


class _ListingParser:
    """Batches of names then stat lines, up to a ``.`` line."""

    def __init__(self, source: Source, flavour: str) -> None:
        self.source = source
        self.flavour = flavour
        self.pending: bytes | None = None
        self.complete = True
        self.files: dict[str, FileStat] = {}
        self.folders: dict[str, int] = {}
        self.errors: dict[str, str] = {}

    def _line(self) -> bytes:
        if self.pending is not None:
            line, self.pending = self.pending, None
            return line
        return self.source.read_line()

    def parse(self) -> ListingRecord:
        names: list[tuple[str, bool]] = []
        while True:
            line = self._line()
            if line == b".":
                break
            if line[:2] in (b"- ", b"u "):
                names.append(self._name(line))
            elif line.startswith(b"o "):
                self.errors[self._name(line)[0]] = LINK_OUTSIDE
            elif line.startswith(b"N "):
                self._stats(names, _int(line[2:].decode("ascii", "replace")))
                names = []
            else:
                raise WireError(f"bad listing line {line[:60]!r}")
        listing = Listing(self.files, self.folders, self.errors)
        return ListingRecord(listing=listing, complete=self.complete and not names)

    def _name(self, line: bytes) -> tuple[str, bool]:
        length_text, _, raw = line[2:].partition(b" ")
        length = _int(length_text.decode("ascii", "replace"))
        while len(raw) < length:
            raw += b"\n" + self.source.read_line()
        if len(raw) != length:
            raise WireError("bad name length in a listing")
        name = raw.decode("utf-8", "surrogateescape")
        rel = "" if name == "." else name.removeprefix("./")
        return rel, line.startswith(b"u ")

    def _stats(self, names: list[tuple[str, bool]], count: int) -> None:
        if count != len(names):
            raise WireError("listing batch count mismatch")
        for rel, unreadable in names:
            line = self._line()
            parsed = parse_stat_line(line.decode("ascii", "replace"), self.flavour)
            if parsed is None:  # a file vanished between the test and stat: lines shifted
                self.pending = line
                self.complete = False
                return
            if parsed.kind == "dir":
                self.folders[rel] = parsed.mtime_ns
                if unreadable:
                    self.errors[rel] = "permission denied"
            else:
                self.files[rel] = parsed


def parse_stat_line(line: str, flavour: str) -> FileStat | None:
    """A raw ``stat`` line of the agent's format for ``flavour``; ``None`` if it is not one."""
    words = line.split(" ")
    if len(words) < 5 or not all(word.isdigit() for word in words[1:2] + words[3:5]):
        return None
    try:
        mode = int(words[0], 16)
    except ValueError:
        return None
    seconds, _, fraction = words[2].partition(".")
    if flavour == "busybox" and len(words) >= 7:
        fraction = words[6].partition(".")[2]
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        return None
    nanos = int((fraction + "000000000")[:9]) if fraction else 0
    kind: Kind = "other"
    if mode & _S_IFMT == _S_IFREG:
        kind = "file"
    elif mode & _S_IFMT == _S_IFDIR:
        kind = "dir"
    return FileStat(
        int(words[1]),
        int(seconds) * 1_000_000_000 + nanos,
        (int(words[3]), int(words[4])),
        kind,
    )


def _int(text: str | bytes) -> int:
    value = text.decode("ascii", "replace") if isinstance(text, bytes) else text
    if not value.isdigit():
        raise WireError(f"bad number {value[:20]!r} in the reply")
    return int(value)
