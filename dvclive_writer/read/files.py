"""Opening a file of a run, boundedly: regular files only, inside the run, within a cap.

Everything that reads a run's files goes through here: the run reader (through
:class:`~dvclive_writer.read.transport.LocalTransport`), discovery, the report renderers,
the terminal image renderer and the experiments' workspace source (folders are listed by
:mod:`~dvclive_writer.read.listing`, on the same rules). The rules:

- **Regular files only.** FIFOs, devices, sockets and directories are reported ("not a
  regular file (FIFO)") and never read. A path seen for the first time is ``stat``-ed
  before it is opened; every open is non-blocking and ``fstat``-ed before a byte is read.
- **Links stay inside.** A symbolic link is followed only when it resolves inside the
  *anchor* (the run directory): a link to ``/etc/passwd`` or ``/dev/zero`` is reported
  ("link to outside the run: not followed"). A file whose identity is new is checked
  through its real path, so a linked parent folder cannot lead outside either.
- **Caps per kind** (documents, plot JSON, a TSV read, images, signal files): a whole-file
  read past its cap is refused ("too large"), a head or tail read returns at most the cap
  and says more remain. Nothing follows a sparse or growing file past its cap.
- **One line per problem.** Permission and other OS errors become messages, never
  exceptions; a missing file is just missing.
"""

from __future__ import annotations

import errno
import functools
import os
import posixpath
import stat as st
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, NamedTuple

KIB = 1 << 10
MIB = 1 << 20

DOCUMENT_CAP = 16 * MIB
"""``metrics.json``, ``params.yaml``, ``dvc.yaml``: far above any real one (dvclive's
are kilobytes), low enough that parsing one stays well under a second."""
PLOT_CAP = 64 * MIB
"""A plot's JSON (an sklearn curve holds a row per threshold: a million rows is ~60 MB)."""
TSV_CHUNK = 16 * MIB
"""Most bytes of a metric history read at once; a longer history is read chunk by chunk
(about 450k rows of dvclive's format), so memory follows the rows, not the file."""
IMAGE_CAP = 32 * MIB
"""Bytes of one logged image read for a report or the terminal."""
IMAGE_PIXELS = 40_000_000
"""Most pixels an image may decode to (a 6300 x 6300 picture; PIL's bomb check is 89M)."""
SIGNAL_CAP = 64 * KIB
"""dvclive's signal files (a pid and a step or an experiment name)."""
REPORT_CAP = 64 * MIB
"""A run's ``report.html``, read to tell the writer's final build from a live one."""
WHOLE_TSV_CAP = 64 * MIB
"""A metric history read whole (from a workspace for the experiments' charts; about 1.8M
rows of dvclive's format). The run reader tails histories chunk by chunk instead."""
METRIC_SUFFIXES = (".tsv", ".csv")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".gif", ".png")

Kind = Literal["file", "dir", "other"]

NOT_REGULAR = "not a regular file"
LINK_OUTSIDE = "link to outside the run: not followed"
OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
)
"""Read-only and non-blocking: even a FIFO swapped in after the ``stat`` cannot hang."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_KNOWN_FLAGS = OPEN_FLAGS | _NOFOLLOW
MISSING_ERRNOS = (errno.ENOENT, errno.ENOTDIR)
"""Errors that mean "no such file" (the path or a folder on it is gone)."""
_KINDS = (
    (st.S_ISFIFO, "FIFO"),
    (st.S_ISSOCK, "socket"),
    (st.S_ISCHR, "character device"),
    (st.S_ISBLK, "block device"),
    (st.S_ISDIR, "directory"),
)


class FileStat(NamedTuple):
    """What a ``stat`` says. Kind ``"other"`` (FIFO, device, socket) is never read.

    A named tuple (immutable, compared field by field): polls make and compare many.
    """

    size: int
    mtime_ns: int
    ident: tuple[int, int]
    """``(st_dev, st_ino)``: a new identity means a new file at the same path."""
    kind: Kind

    @classmethod
    def of(cls, result: os.stat_result) -> FileStat:
        """The fields of an ``os.stat`` result."""
        mode = result.st_mode
        kind: Kind = "file" if st.S_ISREG(mode) else "dir" if st.S_ISDIR(mode) else "other"
        return cls(result.st_size, result.st_mtime_ns, (result.st_dev, result.st_ino), kind)

    @property
    def mtime(self) -> float:
        """Modification time in seconds."""
        return self.mtime_ns / 1e9


@dataclass(frozen=True)
class FileRead:
    """The answer of a one-shot read: ``data`` when it was read, else ``error`` (or neither:
    the file is missing)."""

    data: bytes | None = None
    stat: FileStat | None = None
    error: str | None = None
    truncated: bool = False
    """More bytes exist past ``data`` (a head read)."""


class Unreadable(Exception):
    """A file that exists but is not read; the message is one readable line."""

    def __init__(self, message: str, stat: FileStat | None = None) -> None:
        super().__init__(message)
        self.stat = stat


class Missing(Exception):
    """No file at that path."""


def problem(error: OSError) -> str:
    """One line for an OS error (``permission denied``, ``input/output error``...)."""
    if isinstance(error, PermissionError):
        return "permission denied"
    text = error.strerror or str(error) or type(error).__name__
    return text[:1].lower() + text[1:]


def not_regular(mode: int) -> str:
    """``not a regular file (FIFO)`` and the like."""
    for test, name in _KINDS:
        if test(mode):
            return f"{NOT_REGULAR} ({name})"
    return NOT_REGULAR


def too_large(size: int, cap: int) -> str:
    """The refusal of a whole-file read past its cap."""
    return f"too large: {size:,} bytes, more than the {_size(cap)} read limit"


def cap_for(name: str) -> int:
    """The read cap for a file of a run by its name: image, metric history, plot JSON (a
    ``.json`` under a ``plots`` folder), or a document (anything else: ``metrics.json``,
    params files, ``dvc.yaml``)."""
    lowered = name.lower()
    if lowered.endswith(IMAGE_SUFFIXES):
        return IMAGE_CAP
    if lowered.endswith(METRIC_SUFFIXES):
        return WHOLE_TSV_CAP
    if lowered.endswith(".json") and "plots" in lowered.replace("\\", "/").split("/")[:-1]:
        return PLOT_CAP
    return DOCUMENT_CAP


def anchor_of(root: str, rel: str) -> tuple[str, str]:
    """The path of ``rel`` under ``root`` and the folder its links must stay in.

    ``rel`` is POSIX; leading ``..`` parts (the reader's own requests for a repository's
    ``dvc.yaml`` or signal files) move the anchor up with them.
    """
    if rel and rel[0] not in "./" and "/." not in rel:  # the usual case, with nothing to clean
        return f"{root}/{rel}", root
    return _anchor_of(root, rel)


@functools.lru_cache(maxsize=1024)
def _anchor_of(root: str, rel: str) -> tuple[str, str]:
    clean = posixpath.normpath(rel) if rel else "."
    ups = 0
    parts = clean.split("/")
    while ups < len(parts) and parts[ups] == "..":
        ups += 1
    anchor = os.path.normpath(os.path.join(root, *([".."] * ups))) if ups else root
    return os.path.normpath(os.path.join(root, clean)), anchor


def real(path: str) -> str:
    """``path`` with every link resolved."""
    return os.path.realpath(path)


class ResolvedFolder(str):
    """A folder's path that carries its real path, resolved at most once for a batch of
    reads (the anchor of every file of a run in one poll) and only when a read needs it (a
    link, a file not seen before): an idle poll never resolves it."""

    @functools.cached_property
    def real(self) -> str:
        """The folder's real path, resolved at the first use."""
        return real(str(self))

    @classmethod
    def of(cls, folder: str) -> ResolvedFolder:
        """``folder`` as the anchor of one batch of reads."""
        return cls(folder)


def real_folder(folder: str) -> str:
    """:func:`real` of a folder (resolved already for a :class:`ResolvedFolder`)."""
    return folder.real if isinstance(folder, ResolvedFolder) else real(folder)


def is_within(path: str, folder: str) -> bool:
    """Whether the real ``path`` is ``folder`` or below it (both already resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def stat_path(path: str, anchor: str | None = None) -> FileStat | None:
    """``stat`` of ``path`` (``None``: missing, or a dangling link), following a final link
    only when it stays inside ``anchor``. Raises :class:`Unreadable`."""
    result = _lookup(path, anchor)
    return None if result is None else FileStat.of(result)


def open_checked(path: str, anchor: str | None = None) -> tuple[int, FileStat] | None:
    """An open descriptor of the regular file at ``path`` and its stat (the caller closes
    it), ``None`` when there is no file. Stat-ed before it is opened, so no FIFO, device or
    socket is ever opened; its real path must lie inside ``anchor``.
    Raises :class:`Unreadable`.
    """
    first = _lookup(path, anchor)
    if first is None:
        return None
    if not st.S_ISREG(first.st_mode):
        raise Unreadable(not_regular(first.st_mode), FileStat.of(first))
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as error:
        if error.errno in MISSING_ERRNOS:
            return None
        raise Unreadable(problem(error)) from None
    return fd, _checked_or_closed(fd, path, anchor, None)


def open_if_changed(
    path: str, anchor: str | None, known: FileStat | None
) -> tuple[int, FileStat] | FileStat | None:
    """:func:`open_checked` for a file read before: ``known`` itself (nothing left open)
    while the file is still the regular file it describes — what every poll of an idle
    file takes — else the open descriptor and the new stat, or ``None`` when it is gone.

    A known regular file is opened at once, without following a final link; a new identity
    is checked through its real path to lie inside ``anchor``. Raises :class:`Unreadable`.
    """
    if known is None or known.kind != "file":
        return open_checked(path, anchor)
    try:
        looked = os.lstat(path)
        if _same_file(looked, known):  # one syscall for an idle file
            return known
        if not st.S_ISREG(looked.st_mode):  # a link or a FIFO now: checked, never opened
            return open_checked(path, anchor)
        fd = os.open(path, _KNOWN_FLAGS)
    except OSError:  # gone, a link now, no permission: the full path tells which
        return open_checked(path, anchor)
    try:
        result = os.fstat(fd)
    except OSError as error:
        os.close(fd)
        raise Unreadable(problem(error)) from None
    if _same_file(result, known):  # changed back between the two looks
        os.close(fd)
        return known
    return fd, _checked_or_closed(fd, path, anchor, known)


def _same_file(result: os.stat_result, known: FileStat) -> bool:
    """Whether ``result`` is still the regular file ``known`` describes, unchanged."""
    return (
        result.st_mtime_ns == known.mtime_ns
        and result.st_size == known.size
        and (result.st_dev, result.st_ino) == known.ident
        and st.S_ISREG(result.st_mode)
    )


@contextmanager
def open_regular(path: str, anchor: str | None = None) -> Iterator[tuple[int, FileStat]]:
    """:func:`open_checked` as a context manager that closes the descriptor; raises
    :class:`Missing` when there is no file."""
    opened = open_checked(path, anchor)
    if opened is None:
        raise Missing
    fd, found = opened
    try:
        yield fd, found
    finally:
        os.close(fd)


def _lookup(path: str, anchor: str | None) -> os.stat_result | None:
    try:
        result = os.lstat(path)
        if st.S_ISLNK(result.st_mode):
            if anchor is not None and not is_within(real(path), real_folder(anchor)):
                raise Unreadable(LINK_OUTSIDE)
            result = os.stat(path)
    except OSError as error:
        if error.errno in MISSING_ERRNOS:
            return None
        raise Unreadable(problem(error)) from None
    return result


def _checked_or_closed(fd: int, path: str, anchor: str | None, known: FileStat | None) -> FileStat:
    try:
        return _checked(fd, path, anchor, known)
    except BaseException:
        os.close(fd)
        raise


def read_range(fd: int, start: int, stop: int) -> bytes:
    """Bytes ``[start, stop)`` of an open file (fewer when it ends first)."""
    chunks: list[bytes] = []
    position = start
    while position < stop:
        try:
            chunk = os.pread(fd, stop - position, position)
        except OSError as error:
            raise Unreadable(problem(error)) from None
        if not chunk:
            break
        chunks.append(chunk)
        position += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_file(path: str | os.PathLike[str], cap: int, *, root: str | None = None) -> FileRead:
    """The whole regular file at ``path`` if it holds at most ``cap`` bytes.

    ``root`` (the run directory) keeps links inside it. Never raises.
    """
    try:
        with open_regular(os.fspath(path), root) as (fd, stat):
            if stat.size > cap:
                return FileRead(stat=stat, error=too_large(stat.size, cap), truncated=True)
            return FileRead(data=read_range(fd, 0, stat.size), stat=stat)
    except Missing:
        return FileRead()
    except Unreadable as error:
        return FileRead(stat=error.stat, error=str(error))


def read_head(path: str | os.PathLike[str], size: int, *, root: str | None = None) -> FileRead:
    """At most the first ``size`` bytes of the regular file at ``path``. Never raises."""
    try:
        with open_regular(os.fspath(path), root) as (fd, stat):
            data = read_range(fd, 0, min(size, stat.size))
            return FileRead(data=data, stat=stat, truncated=stat.size > size)
    except Missing:
        return FileRead()
    except Unreadable as error:
        return FileRead(stat=error.stat, error=str(error))


def probe(path: str | os.PathLike[str], *, root: str | None = None) -> FileStat | None:
    """The stat of ``path`` (links followed inside ``root``), ``None`` when it is missing or
    cannot be looked at. Never raises."""
    try:
        return stat_path(os.fspath(path), root)
    except Unreadable:
        return None


def _checked(fd: int, path: str, anchor: str | None, known: FileStat | None) -> FileStat:
    try:
        result = os.fstat(fd)
    except OSError as error:
        raise Unreadable(problem(error)) from None
    if known is not None and _same(result, known):
        return known  # unchanged (a file replaced back and forth): no new object
    found = FileStat.of(result)
    if found.kind != "file":
        raise Unreadable(not_regular(result.st_mode), found)
    fresh = known is None or known.ident != found.ident
    if anchor is not None and fresh and not is_within(_real_of(fd, path), real_folder(anchor)):
        raise Unreadable(LINK_OUTSIDE)
    return found


def _same(result: os.stat_result, known: FileStat) -> bool:
    """Whether a stat result describes the regular file ``known`` (unchanged)."""
    return (
        result.st_ino == known.ident[1]
        and result.st_size == known.size
        and result.st_mtime_ns == known.mtime_ns
        and result.st_dev == known.ident[0]
        and st.S_ISREG(result.st_mode)
    )


def _real_of(fd: int, path: str) -> str:
    """The real path of an open file (Linux knows it from the descriptor)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return real(path)


def _size(count: int) -> str:
    if count >= MIB and count % MIB == 0:
        return f"{count // MIB} MiB"
    if count >= KIB and count % KIB == 0:
        return f"{count // KIB} KiB"
    return f"{count:,} bytes"
