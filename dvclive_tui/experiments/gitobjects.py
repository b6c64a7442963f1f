"""A read-only git object database in plain Python: loose objects, packs, alternates.

``compare`` reads a few thousand small objects (commits, trees, params and metrics blobs)
per run; importing a git library costs more than reading them (pygit2: about 60 ms).
Objects are read as git stores them: zlib-compressed loose files
(``objects/xx/yyyy…``), and pack files through their version-2 ``.idx`` (fan-out table,
sorted ids, offsets) with ``OFS_DELTA``/``REF_DELTA`` chains resolved. Alternates
(``objects/info/alternates``) are followed. SHA-1 repositories only.
"""

from __future__ import annotations

import mmap
import os
import struct
import zlib
from bisect import bisect_left
from pathlib import Path
from typing import NamedTuple

#: Pack object type numbers.
_TYPES = {1: "commit", 2: "tree", 3: "blob", 4: "tag"}
_OFS_DELTA = 6
_REF_DELTA = 7
#: Parsed trees kept per store (a live view re-reads the same trees every refresh).
TREE_MEMO = 20000


class GitObjectError(Exception):
    """An object that is missing or cannot be decoded (one readable line)."""


class CommitInfo(NamedTuple):
    """What compare needs from a commit."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    time: int
    """Committer time (epoch seconds)."""


class TreeEntry(NamedTuple):
    """One entry of a tree: ``kind`` is ``tree``, ``blob`` or ``commit`` (a submodule)."""

    name: str
    kind: str
    sha: str


class _Pack:
    """One ``pack-*.pack`` with its ``.idx`` (version 2), mapped lazily."""

    def __init__(self, idx_path: Path) -> None:
        self.idx_path = idx_path
        self.pack_path = idx_path.with_suffix(".pack")
        self._idx: bytes | None = None
        self._pack: mmap.mmap | bytes | None = None
        self._count = 0

    def _load_index(self) -> bytes:
        if self._idx is None:
            data = self.idx_path.read_bytes()
            if data[:4] != b"\377tOc" or struct.unpack(">I", data[4:8])[0] != 2:
                raise GitObjectError(f"unsupported pack index {self.idx_path.name}")
            self._count = struct.unpack(">I", data[8 + 255 * 4 : 8 + 256 * 4])[0]
            self._idx = data
        return self._idx

    def _fanout(self, first: int) -> tuple[int, int]:
        idx = self._load_index()
        low = struct.unpack(">I", idx[8 + (first - 1) * 4 : 8 + first * 4])[0] if first else 0
        high = struct.unpack(">I", idx[8 + first * 4 : 12 + first * 4])[0]
        return low, high

    def _sha_at(self, index: int) -> bytes:
        start = 8 + 256 * 4 + index * 20
        return self._load_index()[start : start + 20]

    def find(self, raw_sha: bytes) -> int | None:
        """The pack offset of an object, or ``None`` when this pack lacks it."""
        low, high = self._fanout(raw_sha[0])
        while low < high:
            mid = (low + high) // 2
            here = self._sha_at(mid)
            if here == raw_sha:
                return self._offset(mid)
            if here < raw_sha:
                low = mid + 1
            else:
                high = mid
        return None

    def prefixed(self, prefix: str) -> list[str]:
        """Ids in this pack starting with the hex ``prefix`` (at least 2 characters)."""
        first = int(prefix[:2], 16)
        low, high = self._fanout(first)
        found = []
        shas = [self._sha_at(i).hex() for i in range(low, high)]
        start = bisect_left(shas, prefix)
        for sha in shas[start:]:
            if not sha.startswith(prefix):
                break
            found.append(sha)
        return found

    def _offset(self, index: int) -> int:
        idx = self._load_index()
        count = self._count
        base = 8 + 256 * 4 + count * 24
        value: int = struct.unpack(">I", idx[base + index * 4 : base + index * 4 + 4])[0]
        if value & 0x80000000:
            large = base + count * 4 + (value & 0x7FFFFFFF) * 8
            value = struct.unpack(">Q", idx[large : large + 8])[0]
        return value

    def data(self) -> mmap.mmap | bytes:
        if self._pack is None:
            with open(self.pack_path, "rb") as handle:
                try:
                    self._pack = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                except (ValueError, OSError):  # empty or unmappable: read it
                    self._pack = handle.read()
        return self._pack


def _inflate(data: mmap.mmap | bytes, start: int, size: int) -> bytes:
    """``size`` bytes of the zlib stream at ``start`` (read in growing slices)."""
    decoder = zlib.decompressobj()
    out = bytearray()
    position = start
    chunk = size + 64
    while len(out) < size and not decoder.eof:
        piece = data[position : position + chunk]
        if not piece:
            break
        try:
            out += decoder.decompress(piece)
        except zlib.error as error:
            raise GitObjectError(f"corrupt object in a pack: {error}") from None
        position += len(piece)
        chunk *= 2
    if len(out) != size:
        raise GitObjectError("truncated object in a pack")
    return bytes(out)


def apply_delta(base: bytes, delta: bytes) -> bytes:
    """Rebuild an object from its base and a git delta (copy/insert instructions)."""
    position = 0

    def varint() -> int:
        nonlocal position
        value = shift = 0
        while True:
            byte = delta[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    if varint() != len(base):
        raise GitObjectError("delta base size mismatch")
    size = varint()
    out = bytearray()
    end = len(delta)
    while position < end:
        op = delta[position]
        position += 1
        if op & 0x80:
            offset = length = 0
            for bit in range(4):
                if op & (1 << bit):
                    offset |= delta[position] << (8 * bit)
                    position += 1
            for bit in range(3):
                if op & (1 << (4 + bit)):
                    length |= delta[position] << (8 * bit)
                    position += 1
            out += base[offset : offset + (length or 0x10000)]
        elif op:
            out += delta[position : position + op]
            position += op
        else:
            raise GitObjectError("invalid delta instruction")
    if len(out) != size:
        raise GitObjectError("delta result size mismatch")
    return bytes(out)


class ObjectStore:
    """Objects of one repository (its ``objects`` folder and alternates)."""

    def __init__(self, objects_dir: Path) -> None:
        self._dirs = _object_dirs(objects_dir)
        self._loose = [str(folder) + os.sep for folder in self._dirs]
        self._packs: list[_Pack] | None = None
        self._trees: dict[str, tuple[TreeEntry, ...]] = {}
        self._raw_tree: tuple[str, bytes] | None = None
        """The last tree read raw, parsed without a second read when asked next."""
        self._commits: dict[str, CommitInfo] = {}

    def add_alternate(self, objects_dir: Path) -> None:
        """Also read objects from ``objects_dir`` (and its alternates), looked in last."""
        for folder in _object_dirs(objects_dir):
            if folder not in self._dirs:
                self._dirs.append(folder)
                self._loose.append(str(folder) + os.sep)
        self._packs = None

    def _all_packs(self) -> list[_Pack]:
        if self._packs is None:
            packs: list[_Pack] = []
            for folder in self._dirs:
                pack_dir = folder / "pack"
                try:
                    names = sorted(os.listdir(pack_dir))
                except OSError:
                    continue
                packs.extend(_Pack(pack_dir / name) for name in names if name.endswith(".idx"))
            self._packs = packs
        return self._packs

    def read(self, sha: str) -> tuple[str, bytes]:
        """``(type, content)`` of an object; raises :class:`GitObjectError` when missing."""
        name = f"{sha[:2]}{os.sep}{sha[2:]}"
        for folder in self._loose:
            try:
                raw = zlib.decompress(_read_file(folder + name))
            except FileNotFoundError:
                continue
            except (OSError, zlib.error) as error:
                raise GitObjectError(f"cannot read object {sha}: {error}") from None
            nul = raw.index(b"\0")
            kind = raw[: raw.index(b" ")].decode("ascii")
            return kind, raw[nul + 1 :]
        raw_sha = bytes.fromhex(sha)
        for attempt in range(2):
            for pack in self._all_packs():
                offset = pack.find(raw_sha)
                if offset is not None:
                    return self._unpack(pack, offset)
            if attempt == 0:
                self._packs = None  # a repack may have happened since: look again
        raise GitObjectError(f"object {sha} is missing")

    def _unpack(self, pack: _Pack, offset: int) -> tuple[str, bytes]:
        data = pack.data()
        byte = data[offset]
        kind = (byte >> 4) & 7
        size = byte & 15
        shift = 4
        position = offset + 1
        while byte & 0x80:
            byte = data[position]
            position += 1
            size |= (byte & 0x7F) << shift
            shift += 7
        if kind == _OFS_DELTA:
            byte = data[position]
            position += 1
            back = byte & 0x7F
            while byte & 0x80:
                byte = data[position]
                position += 1
                back = ((back + 1) << 7) | (byte & 0x7F)
            base_kind, base = self._unpack(pack, offset - back)
            return base_kind, apply_delta(base, _inflate(data, position, size))
        if kind == _REF_DELTA:
            base_sha = bytes(data[position : position + 20]).hex()
            base_kind, base = self.read(base_sha)
            return base_kind, apply_delta(base, _inflate(data, position + 20, size))
        if kind not in _TYPES:
            raise GitObjectError(f"unknown object type {kind} in {pack.pack_path.name}")
        return _TYPES[kind], _inflate(data, position, size)

    def exists(self, sha: str) -> bool:
        """Whether the object is stored (nothing is decompressed)."""
        if any((folder / sha[:2] / sha[2:]).is_file() for folder in self._dirs):
            return True
        raw_sha = bytes.fromhex(sha)
        return any(pack.find(raw_sha) is not None for pack in self._all_packs())

    def expand(self, prefix: str) -> list[str]:
        """Every object id starting with the hex ``prefix`` (4 characters or more)."""
        found: set[str] = set()
        for folder in self._dirs:
            try:
                names = os.listdir(folder / prefix[:2])
            except OSError:
                continue
            found.update(prefix[:2] + name for name in names if name.startswith(prefix[2:]))
        for pack in self._all_packs():
            found.update(pack.prefixed(prefix))
        return sorted(found)

    def commit(self, sha: str) -> CommitInfo:
        """A commit's tree, parents and committer time (annotated tags are peeled)."""
        known = self._commits.get(sha)
        if known is not None:
            return known
        kind, content = self.read(sha)
        if kind == "tag":
            return self.commit(tag_target(content))
        if kind != "commit":
            raise GitObjectError(f"{sha} is a {kind}, not a commit")
        info = parse_commit(sha, content)
        self._commits[sha] = info
        return info

    def peel(self, sha: str) -> tuple[str, str]:
        """``(type, sha)`` of what ``sha`` names once annotated tags are followed."""
        for _ in range(16):
            kind, content = self.read(sha)
            if kind != "tag":
                return kind, sha
            sha = tag_target(content)
        raise GitObjectError(f"tag chain too long at {sha}")

    def tree_bytes(self, sha: str) -> bytes:
        """A tree's raw content (entries parsed by :meth:`tree` are kept; these are not)."""
        kind, content = self.read(sha)
        if kind != "tree":
            raise GitObjectError(f"{sha} is a {kind}, not a tree")
        self._raw_tree = (sha, content)
        return content

    def tree(self, sha: str) -> tuple[TreeEntry, ...]:
        """The entries of a tree, in git's order."""
        known = self._trees.get(sha)
        if known is not None:
            return known
        last = self._raw_tree
        content = last[1] if last is not None and last[0] == sha else self.tree_bytes(sha)
        entries = parse_tree(content)
        if len(self._trees) >= TREE_MEMO:
            self._trees.clear()
        self._trees[sha] = entries
        return entries

    def blob(self, sha: str) -> bytes:
        """The content of a blob."""
        kind, content = self.read(sha)
        if kind != "blob":
            raise GitObjectError(f"{sha} is a {kind}, not a blob")
        return content


def _read_file(path: str) -> bytes:
    """A whole small file with the fewest system calls (no Python file object)."""
    handle = os.open(path, _READ_FLAGS)
    try:
        data = os.read(handle, _CHUNK)
        if len(data) < _CHUNK:
            return data
        chunks = [data]
        while data:
            data = os.read(handle, _CHUNK)
            chunks.append(data)
        return b"".join(chunks)
    finally:
        os.close(handle)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_CHUNK = 1 << 16


def _object_dirs(objects_dir: Path) -> list[Path]:
    """``objects_dir`` and its alternates (recursively, each once)."""
    found: list[Path] = []
    todo = [objects_dir]
    while todo and len(found) < 16:
        folder = todo.pop(0)
        if folder in found:
            continue
        found.append(folder)
        try:
            lines = (folder / "info" / "alternates").read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#"):
                todo.append((folder / line).resolve())
    return found


def parse_commit(sha: str, content: bytes) -> CommitInfo:
    """The header fields compare uses (``tree``, ``parent`` lines, committer time)."""
    tree = ""
    parents: list[str] = []
    when = 0
    for line in content.split(b"\n"):
        if not line:
            break
        if line.startswith(b"tree "):
            tree = line[5:45].decode("ascii")
        elif line.startswith(b"parent "):
            parents.append(line[7:47].decode("ascii"))
        elif line.startswith(b"committer "):
            parts = line.rsplit(b" ", 2)
            try:
                when = int(parts[-2])
            except (ValueError, IndexError):
                when = 0
    if not tree:
        raise GitObjectError(f"commit {sha} has no tree")
    return CommitInfo(sha, tree, tuple(parents), when)


def tag_target(content: bytes) -> str:
    """The object an annotated tag points at."""
    if not content.startswith(b"object "):
        raise GitObjectError("malformed tag object")
    return content[7:47].decode("ascii")


def parse_tree(content: bytes) -> tuple[TreeEntry, ...]:
    """Tree entries: ``<mode> <name>\\0<20-byte id>`` repeated."""
    entries: list[TreeEntry] = []
    position = 0
    end = len(content)
    while position < end:
        space = content.index(b" ", position)
        nul = content.index(b"\0", space)
        mode = content[position:space]
        name = content[space + 1 : nul].decode("utf-8", "surrogateescape")
        sha = content[nul + 1 : nul + 21].hex()
        if mode == b"40000":
            kind = "tree"
        elif mode == b"160000":
            kind = "commit"
        else:
            kind = "blob"
        entries.append(TreeEntry(name, kind, sha))
        position = nul + 21
    return tuple(entries)
