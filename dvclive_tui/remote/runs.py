"""Run folders on a host: finding them under a remote path, and reading one.

Discovery follows :func:`dvclive_writer.read.discovery.discover_runs` (the same test for a
dvclive directory, nested runs, DVC's temporary workspaces, skipped and hidden folders)
applied to one listing of the remote path, which the host client refreshes at most once a
second. A remote run is read by the ordinary :class:`~dvclive_writer.read.reader.RunReader`
through a :class:`~dvclive_tui.remote.transport.RemoteTransport`, with the host's clock
(file times there are compared with it, not with this machine's).
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from pathlib import Path

from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.discovery import (
    MAX_DEPTH,
    PLOT_FOLDERS,
    RUN_OWN_FOLDERS,
    SKIPPED_NAMES,
    STANDALONE_FOLDER,
)
from dvclive_writer.read.listing import Listing
from dvclive_writer.read.reader import RunReader
from dvclive_writer.text_safety import terminal_text

COMPANIONS = ("params.yaml", "dvc.yaml", "report.html", "report.md")


class RemoteRunsError(Exception):
    """A remote PATH that is missing, not a folder, or holds no run (one readable line)."""


def remote_key(location: RemoteLocation) -> Path:
    """The key a remote run has among runs (``Run.path`` of the published run): never the
    path of a local folder."""
    return Path(f"//{location}")


def find_remote_runs(pool: RemotePool, location: RemoteLocation) -> list[RemoteLocation]:
    """The run folders at or under ``location`` (sorted as local discovery sorts them).

    Raises :class:`RemoteRunsError` for a missing folder or one without runs, and
    :class:`~dvclive_tui.remote.host.HostUnavailable` when the host cannot be reached.
    """
    transport = pool.transport(location)
    listing, error = transport.listing_of(location.path)
    shown = terminal_text(str(location))
    if error == "no such directory":
        raise RemoteRunsError(f"path '{shown}' does not exist")
    if error is not None:
        raise RemoteRunsError(f"path '{shown}': {error}")
    found = runs_in_listing(listing)
    if not found:
        raise RemoteRunsError(f"no dvclive directory found under '{shown}'")
    root = location.path
    return [replace(location, path=posixpath.join(root, rel) if rel else root) for rel in found]


def runs_in_listing(listing: Listing) -> list[str]:
    """The dvclive directories in ``listing`` (paths relative to its root; ``""`` = the
    root), workspace runs first, then DVC's temporary workspaces."""
    children: dict[str, list[str]] = {}
    for folder in listing.folders:
        if folder:
            parent, _, name = folder.rpartition("/")
            children.setdefault(parent, []).append(name)
    search = _Search(listing, children)
    if search.is_run(""):
        search.found.append("")
        search.walk("", 0, in_dvc=False, in_run=True)
        return sorted(search.found, key=lambda rel: (rel != "", rel))
    search.walk("", 0, in_dvc=False)
    return sorted(search.found, key=lambda rel: (".dvc" in rel.split("/"), rel))


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


class _Search:
    """One search over a listing's folders."""

    def __init__(self, listing: Listing, children: dict[str, list[str]]) -> None:
        self.listing = listing
        self.children = children
        self.found: list[str] = []

    def is_run(self, rel: str) -> bool:
        """:func:`~dvclive_writer.read.discovery.is_dvclive_dir` on the listing."""
        folders, files = self.listing.folders, self.listing.files
        plots = _join(rel, "plots")
        if any(_join(plots, name) in folders for name in PLOT_FOLDERS):
            return True
        metrics = files.get(_join(rel, "metrics.json"))
        if metrics is None or metrics.kind != "file":
            return False
        if "dvclive" in rel.rpartition("/")[2].lower():
            return True
        return any(
            (found := files.get(_join(rel, name))) is not None and found.kind == "file"
            for name in COMPANIONS
        )

    def walk(self, rel: str, depth: int, *, in_dvc: bool, in_run: bool = False) -> None:
        if depth > MAX_DEPTH:
            return
        for name in sorted(self.children.get(rel, [])):
            child = _join(rel, name)
            if name == ".dvc" and not in_dvc:
                exps = _join(child, "tmp/exps")
                if exps in self.listing.folders:
                    self.walk_temp_workspaces(exps, depth)
                continue
            if name in SKIPPED_NAMES or (name.startswith(".") and name != ".dvclive"):
                continue
            if in_run and name in RUN_OWN_FOLDERS:
                continue
            run = self.is_run(child)
            if run:
                self.found.append(child)
            self.walk(child, depth + 1, in_dvc=in_dvc, in_run=run)

    def walk_temp_workspaces(self, exps: str, depth: int) -> None:
        for name in sorted(self.children.get(exps, [])):
            child = _join(exps, name)
            if name == STANDALONE_FOLDER and exps.endswith("exps"):
                self.walk_temp_workspaces(child, depth)
            elif name.startswith("tmp"):
                run = self.is_run(child)
                if run:
                    self.found.append(child)
                self.walk(child, depth + 1, in_dvc=True, in_run=run)


def _join(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name
