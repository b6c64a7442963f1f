"""Fixtures: a real sshd on localhost (see :mod:`tests.remote.sshd`) and clients of it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvclive_tui.remote.location import RemoteLocation, parse_location
from dvclive_tui.remote.ssh import SshSettings
from dvclive_tui.remote.transport import RemotePool
from tests.remote.sshd import ALIAS, SSHD, SshTestHost, running_host

needs_sshd = pytest.mark.skipif(not SSHD.exists(), reason="openssh-server is not installed")


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path (ssh control sockets must fit in ~100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="dlt", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def ssh_host(short_dir: Path) -> Iterator[SshTestHost]:
    """A running sshd whose remote side has only sh, coreutils and find."""
    if not SSHD.exists():
        pytest.skip("openssh-server is not installed")
    with running_host(short_dir / "sshd") as host:
        yield host


@pytest.fixture
def settings(ssh_host: SshTestHost, short_dir: Path) -> SshSettings:
    """ssh through the test config, a private control folder, short timeouts."""
    return SshSettings(
        command=ssh_host.ssh_command, control_dir=short_dir / "ctl", connect_timeout_s=5
    )


@pytest.fixture
def pool(settings: SshSettings) -> Iterator[RemotePool]:
    """Connections to the test host, closed with their masters afterwards."""
    remote = RemotePool(settings)
    yield remote
    remote.close(stop_masters=True)


@pytest.fixture
def remote_dir(short_dir: Path) -> Path:
    """A folder the test host serves (same machine, so tests write it directly)."""
    folder = short_dir / "data"
    folder.mkdir()
    return folder


def at(path: Path | str, alias: str = ALIAS) -> RemoteLocation:
    """``alias:path`` parsed."""
    location = parse_location(f"{alias}:{path}")
    assert location is not None
    return location
