"""Listing a folder of a run, boundedly: every file with its stat, every folder with its
mtime, and what could not be listed (a permission, a link leaving the run) as errors.

Folders are entered without following links; a file that is a link is followed when it
stays inside the run root. At most :data:`MAX_ENTRIES` entries and :data:`MAX_DEPTH` levels
are walked. The local transport's ``listing`` and the report's own PNG folder use it;
discovery uses :func:`subfolders`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from dvclive_writer.read.files import (
    LINK_OUTSIDE,
    MISSING_ERRNOS,
    FileStat,
    Unreadable,
    anchor_of,
    is_within,
    problem,
    real,
    stat_path,
)

MAX_ENTRIES = 100_000
"""Most entries one listing walks (a run holds tens to thousands)."""
MAX_DEPTH = 32
"""Deepest folder one listing enters."""


@dataclass(frozen=True)
class Listing:
    """What a walk of a folder found; paths are POSIX and relative to the run root."""

    files: dict[str, FileStat] = field(default_factory=dict)
    """Every entry that is not a folder (links inside the run followed), sorted by path."""
    folders: dict[str, int] = field(default_factory=dict)
    """Every folder walked -> its ``st_mtime_ns`` taken before it was listed."""
    errors: dict[str, str] = field(default_factory=dict)
    """Entries not listed or not followed -> why (permission denied, link outside...)."""


def subfolders(folder: str | os.PathLike[str]) -> tuple[list[os.DirEntry[str]], str | None]:
    """The folders directly in ``folder`` (links not followed), sorted by name, and why the
    folder could not be listed (``None`` when it could, or when it is missing)."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda entry: entry.name)
    except OSError as error:
        return [], None if error.errno in MISSING_ERRNOS else problem(error)
    found = []
    for entry in listed:
        try:
            if entry.is_dir(follow_symlinks=False):
                found.append(entry)
        except OSError:
            continue
    return found, None


def walk(root: str, under: str = "") -> Listing:
    """Every file and folder below ``root/under`` (``under`` included), boundedly.

    Folders are entered without following links; a file that is a link is followed when it
    stays inside ``root`` (else it is an error). At most :data:`MAX_ENTRIES` entries and
    :data:`MAX_DEPTH` levels are walked; unreadable folders are errors, not exceptions.
    """
    listing = Listing()
    top, _ = anchor_of(root, under)
    try:
        found = stat_path(top, root)
        if found is None or found.kind != "dir":
            return listing
    except Unreadable as error:
        listing.errors[under] = str(error)
        return listing
    root_real = real(root)
    stack = [(top, under, 0)]
    seen = 0
    while stack:
        folder, prefix, depth = stack.pop()
        try:
            # The mtime before the listing: a file created in between re-triggers a scan.
            mtime = os.stat(folder).st_mtime_ns
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda entry: entry.name)
        except OSError as error:
            if error.errno not in MISSING_ERRNOS:
                listing.errors[prefix] = problem(error)
            continue
        listing.folders[prefix] = mtime
        for entry in listed:
            seen += 1
            if seen > MAX_ENTRIES:
                listing.errors[under] = f"more than {MAX_ENTRIES:,} entries: the rest not read"
                return _sorted(listing)
            rel = f"{prefix}/{entry.name}" if prefix else entry.name
            _visit(entry, rel, depth, root_real, listing, stack)
    return _sorted(listing)


def _visit(
    entry: os.DirEntry[str],
    rel: str,
    depth: int,
    root_real: str,
    listing: Listing,
    stack: list[tuple[str, str, int]],
) -> None:
    try:
        if entry.is_dir(follow_symlinks=False):
            if depth + 1 <= MAX_DEPTH:
                stack.append((entry.path, rel, depth + 1))
            else:
                listing.errors[rel] = f"deeper than {MAX_DEPTH} folders: not read"
            return
        if entry.is_symlink():
            if not is_within(real(entry.path), root_real):
                listing.errors[rel] = LINK_OUTSIDE
                return
            result = os.stat(entry.path)
        else:
            result = entry.stat(follow_symlinks=False)
    except OSError as error:
        if error.errno not in MISSING_ERRNOS:  # gone meanwhile, or a dangling link: not there
            listing.errors[rel] = problem(error)
        return
    listing.files[rel] = FileStat.of(result)


def _sorted(listing: Listing) -> Listing:
    return Listing(
        files=dict(sorted(listing.files.items())),
        folders=listing.folders,
        errors=dict(sorted(listing.errors.items())),
    )
