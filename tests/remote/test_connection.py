"""Connections: sharing, loss and recovery, hosts that do not answer, the time limit."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from dvclive_tui.remote.host import HostClient, HostUnavailable, RootRequest
from dvclive_tui.remote.ssh import SshSettings
from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.transport import Want
from tests.remote.conftest import at
from tests.remote.follower import Follower
from tests.remote.sshd import SILENT_ALIAS, SshTestHost, descendants


def ssh_processes(control_dir: Path) -> list[int]:
    """Local ssh processes using ``control_dir`` (masters and sessions)."""
    found = []
    marker = str(control_dir).encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                words = (entry / "cmdline").read_bytes().split(b"\0")
                if words[0].endswith(b"ssh") and any(marker in word for word in words):
                    found.append(int(entry.name))
    return found


def poll_until(
    client: HostClient, root: Path, followers: list[Follower], deadline_s: float = 60
) -> int:
    """Poll until a request succeeds; the number of failed attempts before it."""
    failures = 0
    deadline = time.monotonic() + deadline_s
    while True:
        wants = [follower.want() for follower in followers]
        try:
            answer = client.exchange([RootRequest(str(root), wants)])[0]
        except HostUnavailable as exc:
            assert "\n" not in str(exc)
            failures += 1
            assert time.monotonic() < deadline, f"no recovery: {exc}"
            time.sleep(0.2)
            continue
        for follower, want, got in zip(followers, wants, answer.gots, strict=True):
            follower.take(want, got)
        return failures


def append(path: Path, rows: range) -> None:
    with path.open("a") as handle:
        for step in rows:
            handle.write(f"{step}\t{step * 0.5}\n")


def test_one_master_and_one_session_per_host(
    pool: RemotePool, remote_dir: Path, settings: SshSettings
) -> None:
    runs = [remote_dir / f"run{index}" for index in range(4)]
    for run in runs:
        run.mkdir()
        (run / "metrics.json").write_text("{}")
    requests = [(at(run), RootRequest(str(run), [Want("metrics.json", "whole")])) for run in runs]
    for _ in range(3):
        answers = pool.poll(requests)
    [host_answers] = answers.values()
    assert [answer.gots[0].stat is not None for answer in host_answers] == [True] * 4
    assert settings.control_dir is not None
    assert len(ssh_processes(settings.control_dir)) == 2  # the master and the agent's session


def test_master_killed_and_sshd_restarted(
    ssh_host: SshTestHost, settings: SshSettings, remote_dir: Path
) -> None:
    path = remote_dir / "loss.tsv"
    path.write_text("step\tloss\n")
    client = HostClient(at(remote_dir), settings)
    follower = Follower("loss.tsv")
    try:
        append(path, range(0, 10))
        assert poll_until(client, remote_dir, [follower]) == 0
        master = client.runner.master_pid()
        assert master

        append(path, range(10, 20))
        os.kill(master, signal.SIGKILL)  # the connection is gone mid-session
        ssh_host.stop()
        append(path, range(20, 30))
        with pytest.raises(HostUnavailable) as lost:
            client.exchange([RootRequest(str(remote_dir), [follower.want()])])
        assert "reconnecting…" in str(lost.value)
        assert client.status is not None and "reconnecting…" in client.status
        with pytest.raises(HostUnavailable):  # sshd is down: the retry fails, one line
            client.exchange([RootRequest(str(remote_dir), [follower.want()])])

        ssh_host.start()
        append(path, range(30, 40))
        poll_until(client, remote_dir, [follower])
        assert client.status is None
        assert client.runner.master_pid() not in (None, master)
    finally:
        client.close(stop_master=True)
    assert bytes(follower.content) == path.read_bytes()
    assert follower.received == path.stat().st_size  # no byte lost, none twice
    assert follower.resets == 0


def test_session_killed_mid_poll_recovers(settings: SshSettings, remote_dir: Path) -> None:
    path = remote_dir / "acc.tsv"
    path.write_text("step\tacc\n")
    client = HostClient(at(remote_dir), settings)
    follower = Follower("acc.tsv")
    try:
        poll_until(client, remote_dir, [follower])
        session = client._session
        assert session is not None and session.pid is not None
        append(path, range(5))
        os.kill(session.pid, signal.SIGKILL)
        append(path, range(5, 10))
        poll_until(client, remote_dir, [follower])
    finally:
        client.close(stop_master=True)
    assert bytes(follower.content) == path.read_bytes()
    assert follower.received == path.stat().st_size


def test_a_host_that_does_not_answer_fails_in_one_line(
    ssh_host: SshTestHost, short_dir: Path
) -> None:
    settings = SshSettings(
        command=ssh_host.ssh_command, control_dir=short_dir / "ctl", connect_timeout_s=2
    )
    client = HostClient(at("/tmp", SILENT_ALIAS), settings)
    started = time.monotonic()
    with pytest.raises(HostUnavailable) as failed:
        client.exchange([RootRequest("/tmp", [Want("x", "stat")])])
    assert time.monotonic() - started < 30
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith(f"{SILENT_ALIAS}: cannot connect:")
    assert "timed out" in message
    # Until the back-off pause is over, a poll answers at once.
    started = time.monotonic()
    with pytest.raises(HostUnavailable):
        client.exchange([RootRequest("/tmp", [Want("x", "stat")])])
    assert time.monotonic() - started < 1
    client.close()


def test_unknown_host_key_fails_without_prompting(ssh_host: SshTestHost, short_dir: Path) -> None:
    (ssh_host.folder / "known_hosts").write_text("")
    settings = SshSettings(command=ssh_host.ssh_command, control_dir=short_dir / "ctl")
    client = HostClient(at("/tmp"), settings)
    with pytest.raises(HostUnavailable) as failed:
        client.exchange([RootRequest("/tmp", [Want("x", "stat")])])
    assert "Host key verification failed" in str(failed.value)
    client.close()


def test_the_remote_time_limit_ends_a_runaway_request(
    ssh_host: SshTestHost, settings: SshSettings
) -> None:
    client = HostClient(at("/"), settings, time_limit_s=1)
    try:
        with pytest.raises(HostUnavailable) as ended:
            for _ in range(3):  # listing the whole file system takes longer than 1 s
                client.exchange([RootRequest("/", listing=True)])
        assert "reconnecting…" in str(ended.value)
        time.sleep(0.5)
        assert ssh_host.process is not None
        leftovers = [
            pid
            for pid in descendants(ssh_host.process.pid)
            if Path(f"/proc/{pid}/cmdline").read_bytes().startswith((b"find", b"stat"))
        ]
        assert leftovers == []
    finally:
        client.close(stop_master=True)
