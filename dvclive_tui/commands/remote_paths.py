"""Remote PATH arguments (``[user@]host:path``, ``ssh://[user@]host[:port]/path``) of the
commands: told from local ones, connected before any screen, their runs found and read.

A host that cannot be reached is one line and exit status 1 (a failure while working); a
remote path that is missing or holds no run is one line and status 2, as for a local one.
The first connection to a host may ask for a password or a host key on the terminal
(never under ``serve``, where nothing may write to the browser's stream).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from dvclive_tui.commands.errors import InputError, WorkError
from dvclive_tui.remote.fetch import FetchCache
from dvclive_tui.remote.host import HostUnavailable
from dvclive_tui.remote.location import LocationError, RemoteLocation, parse_location
from dvclive_tui.remote.runs import (
    RemoteRunsError,
    find_remote_runs,
    remote_name,
    remote_reader,
)
from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.model import Run

_RETRY = re.compile(r" \(retry in [0-9.]+ s\)$")
SERVED_VARIABLE = "DVCLIVE_TUI_SERVED"
"""Set in the app processes ``serve`` starts: no terminal to prompt on."""


def once(status: str) -> str:
    """A host's status line for a command that will not retry (no "retry in" note)."""
    return _RETRY.sub("", status)


def split_paths(texts: Sequence[str]) -> tuple[list[Path], list[RemoteLocation]]:
    """Local paths and remote locations, in their order; a malformed remote path is an
    :class:`InputError`."""
    local: list[Path] = []
    remote: list[RemoteLocation] = []
    for text in texts:
        try:
            location = parse_location(text)
        except LocationError as error:
            raise InputError(str(error)) from None
        if location is None:
            local.append(Path(text))
        else:
            remote.append(location)
    return local, remote


def remote_location(text: str) -> RemoteLocation | None:
    """``text`` as a remote location (``None`` when it is a local path)."""
    try:
        return parse_location(text)
    except LocationError as error:
        raise InputError(str(error)) from None


@contextmanager
def remote_pool() -> Iterator[RemotePool]:
    """Connections for one command, their sessions ended afterwards (the shared master
    stays for a minute, so the next command starts at once)."""
    pool = RemotePool()
    try:
        yield pool
    finally:
        pool.close()


def connect(pool: RemotePool, locations: Sequence[RemoteLocation]) -> None:
    """Connect to every host now (on the terminal, unless served); :class:`WorkError`."""
    interactive = not os.environ.get(SERVED_VARIABLE)
    for location in locations:
        try:
            pool.host(location).connect(interactive=interactive)
        except HostUnavailable as error:
            raise WorkError(once(str(error))) from None


def check_remote_folder(pool: RemotePool, location: RemoteLocation) -> None:
    """:class:`InputError` unless ``location`` is a folder (runs may appear in it later)."""
    try:
        find_remote_runs(pool, location)
    except RemoteRunsError as error:
        if not str(error).startswith("no dvclive directory"):
            raise InputError(str(error)) from None
    except HostUnavailable as error:
        raise WorkError(once(str(error))) from None


def remote_runs(pool: RemotePool, location: RemoteLocation) -> list[RemoteLocation]:
    """The runs at or under ``location``; :class:`InputError` / :class:`WorkError`. A
    search cut short (too many entries, out of time) is one warning line on stderr."""
    problems: list[str] = []
    try:
        found = find_remote_runs(pool, location, problems)
    except RemoteRunsError as error:
        raise InputError(str(error)) from None
    except HostUnavailable as error:
        raise WorkError(once(str(error))) from None
    for problem in problems:
        click.echo(f"Warning: {problem}", err=True)
    return found


def read_remote_runs(pool: RemotePool, root: RemoteLocation) -> list[Run]:
    """Every run at or under ``root``, read once (a file that does not parse is a warning
    at once)."""
    return [run for _, run in read_remote(pool, root)]


def read_remote(pool: RemotePool, root: RemoteLocation) -> list[tuple[RemoteLocation, Run]]:
    """:func:`read_remote_runs` with each run's location."""
    connect(pool, [root])
    found = remote_runs(pool, root)
    read = []
    for location in found:
        reader = remote_reader(pool, location, remote_name(location, root), grace=0.0)
        reader.poll()
        read.append((location, reader.run))
    return read


def localize_images(
    cache: FetchCache,
    location: RemoteLocation,
    run: Run,
    picks: Callable[[int], Sequence[int]],
) -> None:
    """Make ``run`` (read at ``location``) a local one for a report: its image frames
    become copies in ``cache`` (``picks``: which of a series' frames are fetched, in one
    request), ``run.path`` the folder holding them."""
    wanted: list[Path] = []
    for series in run.images.values():
        series.frames = [(step, cache.local_path(location, path)) for step, path in series.frames]
        wanted.extend(series.frames[index][1] for index in picks(len(series.frames)))
    cache.fetch(wanted)
    run.path = cache.run_folder(location)


def check_reached(runs: Sequence[Run]) -> None:
    """:class:`WorkError` (status 1) when a run's host stopped answering while it was read
    (the output shows the runs as far as they were read, their status ``reconnecting…``)."""
    for run in runs:
        if run.connection is not None:
            raise WorkError(once(run.connection))
