"""Atomic replacement of a file rewritten every step, without creating an inode per write.

``serialize.atomic_write`` (temporary file + ``os.replace``) creates and frees one inode per
write. On some file systems (sandboxes, network and overlay mounts, busy disks) that costs
milliseconds, more than everything else a step does. :class:`ReplacedFile` keeps
:data:`SLOTS` hidden sibling files open and cycles through them: the new content is written
into the slot that is not current, the slot gets a temporary second name with ``os.link``,
and that name is renamed over the target. Readers that open the target by path therefore
always see a complete file (``rename`` is atomic), exactly as with ``atomic_write``; a slot is
rewritten only after :data:`SLOTS` - 1 later replacements, so even a reader still holding an
old descriptor has that many writes' time to finish reading.

The hidden files (``.<name>.<pid>.<n>.<slot>.tmp``) exist only while the writer is open;
:meth:`ReplacedFile.close` (called at ``Live.end()``, at garbage collection and at interpreter
exit) removes them, and ``Live()`` removes any left by a killed process. If hard links fail
(a file system without them, a slot removed behind our back), the write falls back to
``atomic_write``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import weakref

from dvclive_writer.serialize import TEMP_SUFFIX, atomic_write

#: Number of hidden slots cycled through.
SLOTS = 3

_instances = itertools.count()


def _remove_slots(fds: list[int], names: list[str], owner: list[int]) -> None:
    """Close the slots; unlink them only in the process that created them (not a fork)."""
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    if owner and owner[0] == os.getpid():
        for name in names:
            with contextlib.suppress(OSError):
                os.unlink(name)
    fds.clear()
    names.clear()
    owner.clear()


class ReplacedFile:
    """A file replaced atomically on each :meth:`write`, reusing a few hidden inodes."""

    def __init__(self) -> None:
        self._fds: list[int] = []
        self._names: list[str] = []
        self._directory: str | None = None
        self._next = 0
        self._links_work = hasattr(os, "pwrite")  # not on Windows: plain atomic replace
        self._id = next(_instances)
        self._owner: list[int] = []  # pid of the process that created the slots
        self._finalizer = weakref.finalize(self, _remove_slots, self._fds, self._names, self._owner)

    def write(self, path: str, data: bytes) -> None:
        """Replace ``path``'s content with ``data`` atomically."""
        if self._links_work:
            fresh = not self._names
            try:
                self._write_slot(path, data)
                return
            except OSError:
                self.close()
                # Links failing on brand-new slots will keep failing (no hard links): stop.
                self._links_work = not fresh
        atomic_write(path, data)

    def _write_slot(self, path: str, data: bytes) -> None:
        target = os.path.abspath(path)
        directory, name = os.path.split(target)
        if directory != self._directory or (self._owner and self._owner[0] != os.getpid()):
            self.close()  # moved, or a forked child: its own slots, the parent's stay
        if not self._names:
            self._open_slots(directory, name)
        slot = self._next
        fd = self._fds[slot]
        written = os.pwrite(fd, data, 0)
        while written < len(data):
            written += os.pwrite(fd, data[written:], written)
        os.ftruncate(fd, len(data))
        link = os.path.join(directory, f".{name}.{os.getpid()}.{self._id}.link{TEMP_SUFFIX}")
        try:
            os.link(self._names[slot], link)
        except FileExistsError:
            os.unlink(link)
            os.link(self._names[slot], link)
        os.replace(link, target)
        self._next = (slot + 1) % SLOTS

    def _open_slots(self, directory: str, name: str) -> None:
        os.makedirs(directory, exist_ok=True)
        self._directory = directory
        self._next = 0
        self._owner.append(os.getpid())
        for slot in range(SLOTS):
            slot_name = os.path.join(
                directory, f".{name}.{os.getpid()}.{self._id}.{slot}{TEMP_SUFFIX}"
            )
            self._fds.append(os.open(slot_name, os.O_RDWR | os.O_CREAT, 0o666))
            self._names.append(slot_name)

    def close(self) -> None:
        """Remove the hidden slots (the target keeps its last content)."""
        _remove_slots(self._fds, self._names, self._owner)
        self._directory = None
