"""Run every command on a corpus case and check the guarantees (see ``test_corpus.py``)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from dvclive_writer.text_safety import UNSAFE_CHARACTERS
from tests.hostile.corpus import RUN

ROOT = Path(__file__).resolve().parents[2]

CPU_LIMIT_S = 5.0
"""Most CPU seconds (user + system) a command may spend on any case."""
RSS_LIMIT_MB = 300.0
"""Most resident memory a command may reach on any case."""
HANG_LIMIT_S = 15.0
"""Wall-clock seconds after which a command counts as hung and is killed."""

ARGV: dict[str, list[str]] = {
    "ls": ["ls", RUN],
    "ls --json": ["ls", "--json", RUN],
    "snap": ["snap", RUN],
    "compare --json": ["compare", "--json", RUN],
    "compare --md": ["compare", "--md", RUN],
    "compare --csv": ["compare", "--csv", RUN],
    "watch": ["watch", RUN],
    "report --html": ["report", RUN],
    "report --md": ["report", "--md", RUN],
}
"""Every command's arguments, as run in the case's repository."""
JSON_OUTPUT = ("ls --json", "compare --json")
REPORT_FILES = {"report --html": "report.html", "report --md": "report.md"}
DECLARED_OUTPUTS = (f"{RUN}/report.html", f"{RUN}/report.md", f"{RUN}/static", ".git")
"""What commands may create or change in a case's repository."""
_ALLOWED_CONTROLS = "\n\t"
_UNSAFE = re.compile(f"[{UNSAFE_CHARACTERS}]")


@dataclass
class Outcome:
    """What one command did."""

    command: str
    status: int
    wall: float
    cpu: float
    rss_mb: float
    killed: bool
    stdout: str
    stderr: str


class ForkServer:
    """A warm ``tests.hostile.forkserver`` process, optionally as another user."""

    def __init__(self, log: Path, user: tuple[int, int] | None = None, home: Path | None = None):
        prefix: list[str] = []
        env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100", LINES="40")
        env.pop("DVCLIVE_TUI_TRACEBACK", None)
        if user is not None:
            uid, gid = user
            prefix = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]
            env.update(HOME=str(home), USER="dvclive-hostile", LOGNAME="dvclive-hostile")
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [*prefix, sys.executable, "-m", "tests.hostile.forkserver"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def run(self, command: str, repo: Path, results: Path) -> Outcome:
        """Run ``command`` (a key of :data:`ARGV`) in ``repo``."""
        out, err = results / "stdout", results / "stderr"
        request = {
            "argv": ARGV[command],
            "cwd": str(repo),
            "stdout": str(out),
            "stderr": str(err),
            "limit": HANG_LIMIT_S,
        }
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the fork server died; see {self.log.name}")
        reply = json.loads(line)
        return Outcome(
            command=command,
            status=reply["status"],
            wall=reply["wall"],
            cpu=reply["cpu"],
            rss_mb=reply["rss_mb"],
            killed=reply["killed"],
            stdout=_read_text(out),
            stderr=_read_text(err),
        )

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="surrogateescape")
    except FileNotFoundError:
        return ""


def raw_controls(text: str) -> list[str]:
    """The characters of ``text`` the escaping function would have escaped (not line ends:
    ``\\n``, ``\\r\\n`` as CSV writes them, nor tabs)."""
    found = _UNSAFE.findall(text.replace("\r\n", "\n"))
    return sorted({c for c in found if c not in _ALLOWED_CONTROLS})


# -- file-system state ---------------------------------------------------------------------


def tree_state(folder: Path, *, contents: bool) -> dict[str, tuple[object, ...]]:
    """Every entry under ``folder`` (links not followed): its type, and for files their size
    and mtime (and hash with ``contents``), for links their target. Folders' own mtimes are
    left out: creating a declared output changes its folder's."""
    state: dict[str, tuple[object, ...]] = {}
    for current, folders, files in os.walk(folder, followlinks=False):
        for name in folders + files:
            path = os.path.join(current, name)
            info = os.lstat(path)
            kind = stat.S_IFMT(info.st_mode)
            entry: tuple[object, ...] = (kind,)
            if stat.S_ISLNK(info.st_mode):
                entry += (os.readlink(path),)
            elif not stat.S_ISDIR(info.st_mode):
                entry += (info.st_size, info.st_mtime_ns)
            if contents and stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    entry += (hashlib.sha256(handle.read()).hexdigest(),)
            state[os.path.relpath(path, folder)] = entry
    return state


def aged_access_times(folder: Path) -> dict[str, int]:
    """Set every file's access time before its modification time, so that the next read
    updates it (``relatime``), and return them: compare with :func:`access_times`."""
    for current, _folders, files in os.walk(folder):
        for name in files:
            path = os.path.join(current, name)
            info = os.lstat(path)
            os.utime(path, ns=(info.st_mtime_ns - 10**10, info.st_mtime_ns), follow_symlinks=False)
    return access_times(folder)


def access_times(folder: Path) -> dict[str, int]:
    """Each file's access time (nothing is read)."""
    times = {}
    for current, _folders, files in os.walk(folder):
        for name in files:
            path = os.path.join(current, name)
            times[os.path.relpath(path, folder)] = os.lstat(path).st_atime_ns
    return times


def changed(
    before: dict[str, tuple[object, ...]], after: dict[str, tuple[object, ...]]
) -> list[str]:
    """Paths added, removed or changed between two :func:`tree_state` results."""
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


def make_removable(folder: Path) -> None:
    """Give every folder under ``folder`` back its permissions, so it can be deleted."""
    for current, folders, _files in os.walk(folder):
        for name in folders:
            path = os.path.join(current, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)
        folders[:] = [name for name in folders if not os.path.islink(os.path.join(current, name))]


def is_declared_output(rel: str) -> bool:
    return any(rel == out or rel.startswith(out + os.sep) for out in DECLARED_OUTPUTS)
