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

from dvclive_writer.read.discovery import MAX_DEPTH as SEARCH_DEPTH
from dvclive_writer.read.discovery import (
    PLOT_FOLDERS,
    RUN_COMPANIONS,
    RUN_SUMMARY,
    SKIPPED_NAMES,
    TEMP_WORKSPACES,
)
from dvclive_writer.read.listing import MAX_ENTRIES

REMOTE_COMMAND = "env LC_ALL=C sh -s"
"""The fixed command ssh runs; the agent and the requests arrive on its standard input."""
TIME_LIMIT_S = 120
"""Seconds one request may run on the remote host before its session is ended there."""
MAX_DEPTH = 12
"""Listings leave out entries more than this many folders below the root."""
PRUNED_PATHS = (".dvc/cache",)
"""Folders below a root that listings skip besides :data:`SKIPPED_NAMES`."""
DISCOVERY_CAP = MAX_ENTRIES
"""Most entries one discovery listing sends; past it the listing stops and says so."""

_TILDE = re.compile(r"~[A-Za-z0-9._-]*(/|$)")


def agent_text(time_limit_s: int = TIME_LIMIT_S, discovery_cap: int = DISCOVERY_CAP) -> str:
    """The agent's source with its parameters filled in."""
    source = files("dvclive_tui.remote").joinpath("agent.sh").read_text(encoding="utf-8")
    values = {
        "@LIMIT@": str(int(time_limit_s)),
        "@PRUNE@": prune_operands(),
        "@SEEK@": seek_operands(),
        "@MARK@": mark_operands(),
        "@SEEKS@": str(discovery_limit(time_limit_s)),
        "@CAP@": str(int(discovery_cap) + 1),
    }
    for placeholder, value in values.items():
        source = source.replace(placeholder, value)
    return source


def discovery_limit(time_limit_s: int = TIME_LIMIT_S) -> int:
    """Seconds a discovery listing may take (half a request's limit: the request that
    carries it still answers in time)."""
    return max(1, int(time_limit_s) // 2)


def seek_operands() -> str:
    """``find`` operands matching what discovery never looks at (it runs the same search
    as :func:`~dvclive_writer.read.discovery.runs_in_tree` over what is left): skipped and
    hidden names, ``.dvc`` but its temporary workspaces, a run's own plot folders, names
    holding a newline, and entries deeper than the search reaches (a folder at
    :data:`~dvclive_writer.read.discovery.MAX_DEPTH` is tested for a run: its
    ``plots/metrics`` lies 3 folders lower; DVC's workspaces are 3 or 4 folders lower)."""
    terms = [f"-name {shlex.quote(name)}" for name in sorted(SKIPPED_NAMES)]
    terms.append("-name '*\n*'")
    terms.append("( -name '.*' ! -name . ! -name .dvclive ! -name .dvc )")
    exps = f"*/{TEMP_WORKSPACES}"
    terms.append(f"( -path '*/.dvc/*' ! -path '*/.dvc/tmp' ! -path '{exps}' ! -path '{exps}/*' )")
    terms += [f"-path '*/plots/{name}/*'" for name in PLOT_FOLDERS]
    reach = SEARCH_DEPTH + 3
    terms.append(f"( -path {_deeper(reach)} ! -path '{exps}/*' )")
    terms.append(f"-path {_deeper(reach + 4)}")
    return " -o ".join(terms).replace("(", "\\(").replace(")", "\\)")


def mark_operands() -> str:
    """``find`` operands matching the entries that make a folder a run."""
    terms = [f"-name {name}" for name in (RUN_SUMMARY, *RUN_COMPANIONS)]
    terms += [f"-path '*/plots/{name}'" for name in PLOT_FOLDERS]
    terms.append(f"-path '*/{TEMP_WORKSPACES}'")
    return " -o ".join(terms)


def _deeper(levels: int) -> str:
    """A ``-path`` pattern for entries more than ``levels`` folders below ``.``."""
    return shlex.quote("./" + "*/" * levels + "*")


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
