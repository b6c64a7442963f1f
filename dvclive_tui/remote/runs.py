"""Run folders on a host: finding them under a remote path, and reading one.

Discovery is :func:`dvclive_writer.read.discovery.runs_in_tree` (the same test for a
dvclive directory, nested runs, DVC's temporary workspaces, skipped and hidden folders)
applied to one bounded listing of the remote path: the host's ``find`` prunes what the
search never enters and sends only folders and the files that make a run, at most
:data:`~dvclive_tui.remote.script.DISCOVERY_CAP` of them, within a time limit. A remote
run is read by the ordinary :class:`~dvclive_writer.read.reader.RunReader` through a
:class:`~dvclive_tui.remote.transport.RemoteTransport`, with the host's clock (file times
there are compared with it, not with this machine's).
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from pathlib import Path

from dvclive_tui.remote.host import HostUnavailable
from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.discovery import runs_in_tree
from dvclive_writer.read.listing import Listing
from dvclive_writer.read.reader import RunReader
from dvclive_writer.text_safety import terminal_text


class RemoteRunsError(Exception):
    """A remote PATH that is missing, not a folder, or holds no run (one readable line)."""


def remote_key(location: RemoteLocation) -> Path:
    """The key a remote run has among runs (``Run.path`` of the published run): never the
    path of a local folder."""
    return Path(f"//{location}")


def find_remote_runs(
    pool: RemotePool, location: RemoteLocation, problems: list[str] | None = None
) -> list[RemoteLocation]:
    """The run folders at or under ``location`` (sorted as local discovery sorts them).

    A listing cut short (too many entries, out of time) adds one line to ``problems``.
    Raises :class:`RemoteRunsError` for a missing folder or one without runs, and
    :class:`~dvclive_tui.remote.host.HostUnavailable` when the host cannot be reached or
    the listing ran out of time before any run was found.
    """
    answer = pool.transport(location).discover(location.path)
    shown = terminal_text(str(location))
    error = answer.listing_error
    if error == "no such directory":
        raise RemoteRunsError(f"path '{shown}' does not exist")
    if error is not None:
        raise RemoteRunsError(f"path '{shown}': {error}")
    listing = answer.listing if answer.listing is not None else Listing()
    found = runs_in_listing(listing, posixpath.basename(location.path.rstrip("/")))
    note = f"{shown}: {answer.listing_note}" if answer.listing_note is not None else None
    if not found and answer.timed_out:
        raise HostUnavailable((note or shown).removesuffix(": the rest not searched"))
    if note is not None and problems is not None:
        problems.append(note)
    if not found:
        unsearched = f" ({note})" if note is not None else ""
        raise RemoteRunsError(f"no dvclive directory found under '{shown}'{unsearched}")
    root = location.path
    return [replace(location, path=posixpath.join(root, rel) if rel else root) for rel in found]


def runs_in_listing(listing: Listing, top_name: str = "") -> list[str]:
    """The dvclive directories in ``listing`` (paths relative to its root; ``""`` = the
    root, whose own name is ``top_name``), workspace runs first, then DVC's temporary
    workspaces."""
    return runs_in_tree(_ListingTree(listing, top_name))


def remote_reader(
    pool: RemotePool, location: RemoteLocation, name: str, *, grace: float | None = None
) -> RunReader:
    """A reader of the run at ``location``: the published run's ``origin`` says where it is."""
    client = pool.host(location)
    transport = pool.transport(location)
    options = {} if grace is None else {"grace": grace}
    reader = RunReader(
        location.path, transport=transport, clock=client.remote_time, name=name, **options
    )
    reader.run.origin = str(location)
    return reader


def remote_name(location: RemoteLocation, root: RemoteLocation) -> str:
    """A remote run's name: ``host:`` and its path below the root (the root's last folder
    when it is the run itself)."""
    base = root.path.rstrip("/")
    path = location.path
    if path == root.path or path.rstrip("/") == base:
        below = posixpath.basename(base) or base
    else:
        below = posixpath.relpath(path, base)
    return f"{location.host}:{below}"


class _ListingTree:
    """A listing seen as a folder tree (:class:`~dvclive_writer.read.discovery.Tree`)."""

    def __init__(self, listing: Listing, top_name: str) -> None:
        self.listing = listing
        self.top_name = top_name
        self.children: dict[str, list[str]] = {}
        for folder in listing.folders:
            if folder:
                parent, _, name = folder.rpartition("/")
                self.children.setdefault(parent, []).append(name)
        for names in self.children.values():
            names.sort()

    def subfolders(self, rel: str) -> list[str]:
        return self.children.get(rel, [])

    def kind(self, rel: str) -> str | None:
        if rel in self.listing.folders:
            return "dir"
        found = self.listing.files.get(rel)
        return None if found is None else found.kind

    def name(self, rel: str) -> str:
        return rel.rpartition("/")[2] if rel else self.top_name
