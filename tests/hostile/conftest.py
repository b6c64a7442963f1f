"""Fixtures of the hostile corpus: a world-readable scratch folder, an unprivileged user,
and warm fork servers running the commands (one as this user, one as the other)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hostile.harness import ForkServer, make_removable

User = tuple[int, int]


@pytest.fixture(scope="session")
def corpus_root() -> Iterator[Path]:
    """A scratch folder another user can enter (pytest's own is private to root)."""
    root = Path(tempfile.mkdtemp(prefix="dvclive-hostile-"))
    os.chmod(root, 0o755)
    yield root
    make_removable(root)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def unprivileged_user(corpus_root: Path) -> Iterator[User | None]:
    """A throw-away user when running as root (CI), removed afterwards; else ``None``
    (this user is already unprivileged)."""
    if os.geteuid() != 0:
        yield None
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"dvclive-hostile-{worker}"[:32]
    subprocess.run(["userdel", name], capture_output=True, check=False)
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    import pwd

    entry = pwd.getpwnam(name)
    try:
        yield entry.pw_uid, entry.pw_gid
    finally:
        subprocess.run(["userdel", name], capture_output=True, check=False)


@pytest.fixture(scope="session")
def fork_server(
    corpus_root: Path, unprivileged_user: User | None
) -> Iterator[Callable[[bool], ForkServer]]:
    """``fork_server(nonroot)``: the warm server for this user or the unprivileged one."""
    servers: dict[bool, ForkServer] = {}

    def get(nonroot: bool) -> ForkServer:
        if nonroot not in servers:
            user = unprivileged_user if nonroot else None
            home = corpus_root / "home"
            home.mkdir(exist_ok=True)
            if user is not None:
                os.chown(home, *user)
            servers[nonroot] = ForkServer(corpus_root / f"server-{nonroot}.log", user, home)
        return servers[nonroot]

    yield get
    for server in servers.values():
        server.close()


def give_to(folder: Path, user: User | None) -> None:
    """Make ``user`` own everything under ``folder`` (links themselves, not their targets)."""
    if user is None:
        return
    for current, folders, files in os.walk(folder):
        for name in folders + files:
            os.chown(os.path.join(current, name), *user, follow_symlinks=False)
    os.chown(folder, *user)
