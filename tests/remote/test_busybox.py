"""The agent on a BusyBox-only remote side (sh, stat, dd, find... all BusyBox applets)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvclive_tui.remote.ssh import SshSettings
from dvclive_tui.remote.transport import RemotePool
from tests.remote import test_quoting, test_transport
from tests.remote.conftest import at
from tests.remote.sshd import SSHD, SshTestHost, running_host

pytestmark = pytest.mark.skipif(
    not SSHD.exists() or shutil.which("busybox") is None,
    reason="needs openssh-server and busybox",
)


@pytest.fixture
def busybox_host(short_dir: Path) -> Iterator[SshTestHost]:
    with running_host(short_dir / "bb", busybox=True) as host:
        yield host


@pytest.fixture
def busybox_pool(busybox_host: SshTestHost, short_dir: Path) -> Iterator[RemotePool]:
    pool = RemotePool(
        SshSettings(command=busybox_host.ssh_command, control_dir=short_dir / "bbctl")
    )
    yield pool
    pool.close(stop_masters=True)


def test_the_remote_tools_are_busybox(busybox_host: SshTestHost) -> None:
    tools = busybox_host.folder / "bin"
    assert {path.resolve() for path in tools.iterdir()} == {Path("/bin/busybox").resolve()}


def test_busybox_batched_reads(busybox_pool: RemotePool, remote_dir: Path) -> None:
    test_transport.test_several_files_in_one_request(busybox_pool, remote_dir)
    client = busybox_pool.host(at(remote_dir))
    assert client._session is not None and client._session.hello.flavour == "busybox"


def test_busybox_appends(busybox_pool: RemotePool, remote_dir: Path) -> None:
    test_transport.test_appends_arrive_once_each(busybox_pool, remote_dir)


def test_busybox_replaced_and_truncated(busybox_pool: RemotePool, remote_dir: Path) -> None:
    test_transport.test_replaced_and_truncated_files_start_over(busybox_pool, remote_dir)


def test_busybox_listing(busybox_pool: RemotePool, remote_dir: Path) -> None:
    test_transport.test_listing(busybox_pool, remote_dir)


def test_busybox_hostile_names(
    busybox_pool: RemotePool, short_dir: Path, busybox_host: SshTestHost
) -> None:
    test_quoting.test_hostile_file_names(busybox_pool, short_dir, busybox_host)
