"""The text sent to the remote ``sh``: the agent (once per session) and the requests.

Every path is single-quoted (:func:`shlex.quote`); only a leading ``~`` or ``~user`` of a
root stays unquoted so that the remote shell expands it. Names that are not UTF-8 travel
as their original bytes (``surrogateescape``).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from importlib.resources import files

from dvclive_writer.read.discovery import SKIPPED_NAMES

REMOTE_COMMAND = "env LC_ALL=C sh -s"
"""The fixed command ssh runs; the agent and the requests arrive on its standard input."""
TIME_LIMIT_S = 120
"""Seconds one request may run on the remote host before its session is ended there."""
MAX_DEPTH = 12
"""Listings leave out entries more than this many folders below the root."""
PRUNED_PATHS = (".dvc/cache",)
"""Folders below a root that listings skip besides :data:`SKIPPED_NAMES`."""

_TILDE = re.compile(r"~[A-Za-z0-9._-]*(/|$)")


def agent_text(time_limit_s: int = TIME_LIMIT_S) -> str:
    """The agent's source with its parameters filled in."""
    source = files("dvclive_tui.remote").joinpath("agent.sh").read_text(encoding="utf-8")
    return source.replace("@LIMIT@", str(int(time_limit_s))).replace("@PRUNE@", prune_operands())


def prune_operands() -> str:
    """``find`` operands matching what listings skip (names, paths, too deep)."""
    terms = [f"-name {shlex.quote(name)}" for name in sorted(SKIPPED_NAMES)]
    terms += [f"-path {shlex.quote('./' + path)}" for path in PRUNED_PATHS]
    terms.append("-path " + shlex.quote("./" + "*/" * MAX_DEPTH + "*"))
    return " -o ".join(terms)


def quote_root(path: str) -> str:
    """``path`` for the remote shell: quoted, but a leading ``~``/``~user`` expands there."""
    match = _TILDE.match(path)
    if match is None:
        return shlex.quote(path)
    rest = path[match.end() :]
    return match.group() + (shlex.quote(rest) if rest else "")


def command(name: str, *args: object) -> str:
    """One request line; string arguments are quoted, numbers written as they are."""
    words = [name]
    for arg in args:
        words.append(str(arg) if isinstance(arg, int) else shlex.quote(str(arg)))
    return " ".join(words) + "\n"


def encode(lines: Iterable[str]) -> bytes:
    """Request lines as the bytes sent (non-UTF-8 names back to their own bytes)."""
    return "".join(lines).encode("utf-8", "surrogateescape")
