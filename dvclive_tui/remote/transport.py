"""Remote run folders for the reader: one :class:`HostClient` per host, shared by its runs.

:class:`RemoteTransport` is the reading side's transport seam
(:class:`~dvclive_writer.read.transport.Transport`) for a folder on a host:
``RunReader(location.path, transport=pool.transport(location))`` reads a remote run with
the same tailer, run model and views as a local one. Readers of one host polled together
(:meth:`HostClient.gather`) share one request per poll; :meth:`RemotePool.poll` sends one
batched request per host for explicit requests.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from dvclive_tui.remote.host import HostClient, RootAnswer, RootRequest
from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.ssh import SshSettings
from dvclive_writer.read.listing import Listing
from dvclive_writer.read.transport import Got, Want

HostKey = tuple[str | None, str, int | None]


class RemotePool:
    """The connections of one program run, one per ``(user, host, port)``."""

    def __init__(self, settings: SshSettings | None = None) -> None:
        self.settings = settings
        self._hosts: dict[HostKey, HostClient] = {}
        self._lock = threading.Lock()

    def host(self, location: RemoteLocation) -> HostClient:
        """The client of ``location``'s host (created on first use)."""
        with self._lock:
            client = self._hosts.get(location.host_key)
            if client is None:
                client = HostClient(location, self.settings)
                self._hosts[location.host_key] = client
            return client

    def transport(self, location: RemoteLocation) -> RemoteTransport:
        """``read``/``listing`` for the run folder at ``location``."""
        return RemoteTransport(self.host(location), location.path)

    def poll(
        self, requests: Sequence[tuple[RemoteLocation, RootRequest]]
    ) -> dict[HostKey, list[RootAnswer]]:
        """One request per host for all of ``requests`` (raises what the first failing
        host raises; callers wanting per-host errors use :meth:`host` directly)."""
        by_host: dict[HostKey, list[RootRequest]] = {}
        for location, request in requests:
            by_host.setdefault(location.host_key, []).append(request)
        answers = {}
        for location, _ in requests:
            key = location.host_key
            if key in by_host and key not in answers:
                answers[key] = self.host(location).exchange(by_host[key])
        return answers

    def close(self, *, stop_masters: bool = False) -> None:
        """End every session (and the masters with ``stop_masters``)."""
        with self._lock:
            hosts = list(self._hosts.values())
            self._hosts.clear()
        for client in hosts:
            client.close(stop_master=stop_masters)


class RemoteTransport:
    """One remote run folder: the reader's ``read`` and ``listing``."""

    def __init__(self, client: HostClient, root: str) -> None:
        self.client = client
        self.root = root

    @property
    def status(self) -> str | None:
        """The host's connection status line (``None`` while connected)."""
        return self.client.status

    def read(self, root: str, wants: Sequence[Want]) -> list[Got]:
        """Answers for ``wants`` below ``root`` (a path on the host); raises
        :class:`~dvclive_tui.remote.host.HostUnavailable`."""
        return self.client.exchange([RootRequest(root, wants)])[0].gots

    def listing(self, root: str, under: str = "") -> Listing:
        """What is under ``root/under`` (at most one fresh listing a second), paths relative
        to ``root``; a missing folder lists as empty."""
        folder = f"{root.rstrip('/') or '/'}/{under}" if under else root
        answer = self.client.exchange([RootRequest(folder, (), listing=True)])[0]
        listing = answer.listing if answer.listing is not None else Listing()
        if answer.listing_error is not None:
            if answer.listing_error in ("no such directory", "not a directory"):
                return Listing()
            return Listing(errors={under: answer.listing_error})
        prefix = under.rstrip("/")
        return Listing(
            files={_join(prefix, rel): stat for rel, stat in sorted(listing.files.items())},
            folders={_join(prefix, rel): mtime for rel, mtime in listing.folders.items()},
            errors={_join(prefix, rel): error for rel, error in sorted(listing.errors.items())},
        )

    def discover(self, root: str) -> RootAnswer:
        """What discovery looks at under ``root`` (a bounded listing; see
        :attr:`RootRequest.discovery`)."""
        return self.client.exchange([RootRequest(root, (), discovery=True)])[0]

    def listing_of(self, root: str) -> tuple[Listing, str | None]:
        """The listing of ``root`` and why it failed (``no such directory``...), if it did."""
        answer = self.client.exchange([RootRequest(root, (), listing=True)])[0]
        return (answer.listing or Listing()), answer.listing_error


def _join(prefix: str, rel: str) -> str:
    if not prefix:
        return rel
    return f"{prefix}/{rel}" if rel else prefix
