"""Running a command as a user that permissions apply to (CI runs the suite as root).

As root, a throw-away system user is created with ``useradd`` (once per machine) and the
command runs under it through ``setpriv``; as any other user the command runs as is. A
test is skipped only when neither works (a non-root user that reads mode-000 files).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

USER = "dvclive-tui-probe"


def _probe_user() -> tuple[int, int]:
    """The uid and gid of the throw-away user (created when missing)."""
    try:
        entry = pwd.getpwnam(USER)
    except KeyError:
        useradd = shutil.which("useradd")
        if useradd is None:
            pytest.skip("running as root without useradd: no unprivileged user to test with")
        subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(USER)
    return entry.pw_uid, entry.pw_gid


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A fresh folder every user can enter (pytest's ``tmp_path`` is private to root),
    removed afterwards whatever modes its contents were left with."""
    folder = Path(tempfile.mkdtemp(prefix="dvclive-tui-perm-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o700)
    shutil.rmtree(folder)


def run_unprivileged(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``args`` (a Python command line, ``sys.executable`` first) as a non-root user."""
    if os.geteuid() != 0:
        return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    uid, gid = _probe_user()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv")
    prefix = [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]
    reachable = subprocess.run(
        [*prefix, sys.executable, "-c", "import dvclive_tui"], capture_output=True, cwd=cwd
    )
    if reachable.returncode != 0:
        pytest.skip(f"the test interpreter is not usable by {USER} (a private checkout)")
    env = {**os.environ, "HOME": str(cwd)}
    return subprocess.run(
        [*prefix, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def require_denial(path: Path) -> None:
    """Skip unless ``path`` (mode 000) is unreadable to the user of :func:`run_unprivileged`
    (true for any non-root user without capabilities, and for the probe user)."""
    if os.geteuid() == 0:
        return
    try:
        path.read_bytes() if path.is_file() else list(path.iterdir())
    except PermissionError:
        return
    pytest.skip("this user reads files of mode 000 (a capability): nothing to test")
