"""Telling remote run paths from local ones: ``[user@]host:path`` and
``ssh://[user@]host[:port]/path``.

The scp rule decides: a colon before any slash makes a remote path (``host:runs/a``),
while ``./a:b``, ``/data/a:b`` and ``a/b:c`` stay local; write ``./host:x`` for a local
folder named like a remote path. An empty path (``host:``) is the remote login folder, as
for scp; ``ssh://host/~/runs`` is ``~/runs`` there. IPv6 addresses go in brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from dvclive_writer.text_safety import terminal_text

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_IPV6 = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.\-]+)?")
_USER = re.compile(r"[^\s@/:\[\]\-][^\s@/:\[\]]*")


class LocationError(ValueError):
    """A path that names a remote host in a form ssh cannot use (one readable line)."""


@dataclass(frozen=True)
class RemoteLocation:
    """A folder on another machine, reached with the system ``ssh``."""

    host: str
    """Host name, ssh config alias or address (IPv6 without brackets)."""
    path: str
    """The folder there: absolute, ``~``-relative or relative to the login folder."""
    user: str | None = None
    port: int | None = None

    @property
    def destination(self) -> str:
        """``[user@]host`` as ssh takes it (the port goes to ``-p``)."""
        return f"{self.user}@{self.host}" if self.user else self.host

    @property
    def host_key(self) -> tuple[str | None, str, int | None]:
        """What one connection is shared by: user, host and port."""
        return (self.user, self.host, self.port)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        authority = f"{self.user}@{host}" if self.user else host
        if self.port is None:
            return f"{authority}:{self.path}"
        path = self.path if self.path.startswith(("/", "~")) else f"~/{self.path}"
        return f"ssh://{authority}:{self.port}/{path.removeprefix('/')}"


def parse_location(text: str) -> RemoteLocation | None:
    """The remote location ``text`` names, or ``None`` for a local path.

    Raises :class:`LocationError` for a remote path ssh cannot use: an empty host or user,
    one starting with ``-`` (it would read as an ssh option), a bad port.
    """
    if text.startswith("ssh://"):
        return _parse_url(text)
    colon = text.find(":")
    bracket = text.find("[")
    if 0 <= bracket < colon:  # [::1]:path, user@[fe80::1%eth0]:path
        close = text.find("]", bracket)
        if close < 0 or text[close + 1 : close + 2] != ":":
            return None
        colon = close + 1
    slash = text.find("/")
    if colon <= 0 or 0 <= slash < colon:
        return None
    user, host = _split_user(text[:colon], text)
    return RemoteLocation(_host(host, text), text[colon + 1 :] or ".", user)


def is_remote(text: str) -> bool:
    """Whether ``text`` names a remote folder (see :func:`parse_location`)."""
    return parse_location(text) is not None


def _parse_url(text: str) -> RemoteLocation:
    authority, slash, path = text[len("ssh://") :].partition("/")
    user, hostport = _split_user(authority, text)
    host, port_text = hostport, ""
    if hostport.startswith("["):
        host, closed, after = hostport.partition("]")
        if not closed:
            raise LocationError(f"bad address in {_shown(text)}")
        host += "]"
        if after and not after.startswith(":"):
            raise LocationError(f"bad address in {_shown(text)}")
        port_text = after[1:]
        has_port = bool(after)
    else:
        host, colon, port_text = hostport.partition(":")
        has_port = bool(colon)
    port = _port(port_text, text) if has_port else None
    decoded = unquote(path, errors="surrogateescape")
    if not slash or not decoded:
        remote_path = "."
    elif decoded.startswith("~"):
        remote_path = decoded
    else:
        remote_path = "/" + decoded
    return RemoteLocation(_host(host, text), remote_path, user, port)


def _split_user(authority: str, text: str) -> tuple[str | None, str]:
    user, at, host = authority.rpartition("@")
    if not at:
        return None, authority
    user = unquote(user)
    if not _USER.fullmatch(user):
        raise LocationError(f"bad user name in {_shown(text)}")
    return user, host


def _host(host: str, text: str) -> str:
    if host.startswith("[") and host.endswith("]") and _IPV6.fullmatch(host[1:-1]):
        return host[1:-1]
    if _NAME.fullmatch(host):
        return host
    raise LocationError(f"bad host name in {_shown(text)}")


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise LocationError(f"bad port in {_shown(whole)}")
    return int(text)


def _shown(text: str) -> str:
    return "'" + terminal_text(text) + "'"
