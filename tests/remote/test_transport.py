"""Reading run files through a real sshd: batching, appends, replacements, listings."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.transport import Want
from tests.remote.conftest import at
from tests.remote.follower import Follower
from tests.remote.sshd import GREETING, SshTestHost


def poll(pool: RemotePool, root: Path, followers: list[Follower]) -> None:
    transport = pool.transport(at(root))
    wants = [follower.want() for follower in followers]
    for follower, want, got in zip(followers, wants, transport.read(str(root), wants), strict=True):
        follower.take(want, got)


def test_remote_side_has_only_sh_and_coreutils(ssh_host: SshTestHost) -> None:
    probe = "command -v python3 || command -v awk || echo bare; echo $PATH"
    result = subprocess.run(
        [*ssh_host.ssh_command, "-o", "BatchMode=yes", "dlt-test", probe],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == GREETING  # the login script's noise the agent must skip
    assert lines[1:] == ["bare", str(ssh_host.folder / "bin")]


def test_several_files_in_one_request(pool: RemotePool, remote_dir: Path) -> None:
    metrics = remote_dir / "plots" / "metrics"
    metrics.mkdir(parents=True)
    for index in range(5):
        (metrics / f"m{index}.tsv").write_text(f"step\tm{index}\n0\t{index}\n")
    (remote_dir / "metrics.json").write_text('{"step": 0}')
    transport = pool.transport(at(remote_dir))
    wants = [Want(f"plots/metrics/m{i}.tsv", "tail", back=16, head=256) for i in range(5)]
    wants += [Want("metrics.json", "whole"), Want("params.yaml", "whole"), Want("plots", "stat")]
    gots = transport.read(str(remote_dir), wants)

    session = transport.client._session
    assert session is not None
    before = session.bytes_out
    assert [got.data for got in gots[:5]] == [f"step\tm{i}\n0\t{i}\n".encode() for i in range(5)]
    assert gots[0].head == gots[0].data
    assert gots[5].data == b'{"step": 0}' and gots[5].stat is not None
    assert gots[5].stat.size == 11 and gots[5].stat.kind == "file"
    assert gots[6].stat is None and gots[6].data == b""
    assert gots[7].stat is not None and gots[7].stat.kind == "dir" and gots[7].data == b""
    local = os.stat(metrics / "m0.tsv")
    assert gots[0].stat is not None
    assert gots[0].stat.ident == (local.st_dev, local.st_ino)
    assert gots[0].stat.mtime_ns == local.st_mtime_ns

    again = [
        Want(w.rel, w.mode, len(g.data) if w.mode == "tail" else 0, w.back, w.head, g.stat)
        for w, g in zip(wants, gots, strict=True)
    ]
    unchanged = transport.read(str(remote_dir), again)
    assert [got.data for got in unchanged] == [b""] * len(wants)
    assert [got.stat for got in unchanged] == [got.stat for got in gots]
    assert session.bytes_out - before < 20  # the steady poll is one short line


def test_appends_arrive_once_each(pool: RemotePool, remote_dir: Path) -> None:
    path = remote_dir / "loss.tsv"
    path.write_bytes(b"step\tloss\n")
    follower = Follower("loss.tsv", back=8)
    expected = bytearray(b"step\tloss\n")
    for step in range(40):
        row = f"{step}\t{1 / (step + 1):.6f}".encode()
        with path.open("ab") as handle:  # partial lines too: a row written in two parts
            handle.write(row[:3])
            expected += row[:3]
        poll(pool, remote_dir, [follower])
        with path.open("ab") as handle:
            handle.write(row[3:] + b"\n")
            expected += row[3:] + b"\n"
        if step % 3 == 0:
            poll(pool, remote_dir, [follower])
    poll(pool, remote_dir, [follower])
    assert bytes(follower.content) == bytes(expected) == path.read_bytes()
    assert follower.received == len(expected)
    assert follower.resets == 0


def test_replaced_and_truncated_files_start_over(pool: RemotePool, remote_dir: Path) -> None:
    path = remote_dir / "acc.tsv"
    path.write_bytes(b"step\tacc\n0\t0.1\n1\t0.2\n")
    follower = Follower("acc.tsv", back=8)
    poll(pool, remote_dir, [follower])
    assert follower.content == path.read_bytes()

    # A new run: the file is deleted and written anew, longer than before. The inode is
    # often reused: the changed bytes before the offset tell, and the next poll reads all.
    path.unlink()
    path.write_bytes(b"step\tacc\n0\t0.5\n1\t0.6\n2\t0.7\n")
    poll(pool, remote_dir, [follower])
    poll(pool, remote_dir, [follower])
    assert follower.resets == 1 and follower.content == path.read_bytes()

    # Truncated in place (same inode), then shorter content: the shrink tells.
    with path.open("r+b") as handle:
        handle.truncate(0)
        handle.write(b"step\tacc\n")
    poll(pool, remote_dir, [follower])
    poll(pool, remote_dir, [follower])
    assert follower.resets == 2 and follower.content == b"step\tacc\n"

    # Rewritten in place with the same length plus more: the bytes before the offset
    # differ, so the follower starts over and gets everything on the next poll.
    path.write_bytes(b"step\tACC\n0\t0.9\n")
    poll(pool, remote_dir, [follower])
    poll(pool, remote_dir, [follower])
    assert follower.content == path.read_bytes()

    # Deleted: the stat says so once.
    path.unlink()
    poll(pool, remote_dir, [follower])
    assert follower.known is None and follower.content == b""


def test_whole_documents_and_caps(pool: RemotePool, remote_dir: Path) -> None:
    document = remote_dir / "metrics.json"
    document.write_text('{"loss": 1.0}')
    transport = pool.transport(at(remote_dir))
    first = transport.read(str(remote_dir), [Want("metrics.json", "whole", cap=100)])[0]
    assert first.data == b'{"loss": 1.0}'
    document.write_text('{"loss": 0.5, "acc": 0.9}')  # rewritten in place, new size
    second = transport.read(
        str(remote_dir), [Want("metrics.json", "whole", known=first.stat, cap=100)]
    )[0]
    assert second.data == b'{"loss": 0.5, "acc": 0.9}'
    document.write_text("x" * 500)
    big = transport.read(
        str(remote_dir), [Want("metrics.json", "whole", known=second.stat, cap=100)]
    )[0]
    assert big.data == b"" and big.truncated
    assert big.error == "too large: 500 bytes, more than the 100 bytes read limit"

    log = remote_dir / "big.tsv"
    log.write_bytes(bytes(range(256)) * 40)
    follower = Follower("big.tsv", back=0, cap=4096)
    chunks = 0
    while follower.offset < log.stat().st_size:
        want = follower.want()
        got = transport.read(str(remote_dir), [want])[0]
        assert got.truncated == (follower.offset + len(got.data) < log.stat().st_size)
        follower.take(want, got)
        chunks += 1
    assert chunks == 3 and follower.content == log.read_bytes()


def test_fifos_and_devices_are_never_read(pool: RemotePool, remote_dir: Path) -> None:
    os.mkfifo(remote_dir / "fifo.tsv")
    (remote_dir / "dev.tsv").symlink_to("/dev/zero")
    transport = pool.transport(at(remote_dir))
    fifo, device, folder = transport.read(
        str(remote_dir),
        [Want("fifo.tsv", "tail"), Want("dev.tsv", "whole"), Want(".", "tail")],
    )
    assert fifo.stat is not None and fifo.stat.kind == "other" and fifo.data == b""
    assert fifo.error == "not a regular file (FIFO)"
    assert device.error == "link to outside the run: not followed" and device.data == b""
    assert folder.stat is not None and folder.stat.kind == "dir"
    assert folder.error == "not a regular file (directory)"


def test_listing(pool: RemotePool, remote_dir: Path) -> None:
    (remote_dir / "plots" / "metrics" / "train").mkdir(parents=True)
    (remote_dir / "plots" / "metrics" / "train" / "loss.tsv").write_text("step\tloss\n")
    (remote_dir / "params.yaml").write_text("lr: 0.1\n")
    (remote_dir / ".git").mkdir()
    (remote_dir / ".git" / "HEAD").write_text("ref\n")
    (remote_dir / "broken").symlink_to(remote_dir / "nowhere")
    os.mkfifo(remote_dir / "pipe")
    transport = pool.transport(at(remote_dir))
    listing = transport.listing(str(remote_dir))
    assert listing.errors == {}
    assert set(listing.files) == {"plots/metrics/train/loss.tsv", "params.yaml", "pipe"}
    assert listing.files["pipe"].kind == "other"
    assert listing.files["params.yaml"].size == 8
    assert set(listing.folders) == {"", "plots", "plots/metrics", "plots/metrics/train"}
    assert listing.folders["plots"] == os.stat(remote_dir / "plots").st_mtime_ns

    # Within a second the last listing comes back without asking the host.
    assert transport.listing(str(remote_dir)) == listing

    gone = pool.transport(at(remote_dir / "gone"))
    assert gone.listing(str(remote_dir / "gone")) == type(listing)()  # as a local one
    assert gone.listing_of(str(remote_dir / "gone"))[1] == "no such directory"
    not_dir = pool.transport(at(remote_dir / "params.yaml"))
    assert not_dir.listing_of(str(remote_dir / "params.yaml"))[1] == "not a directory"


def test_listing_is_resent_only_when_entries_change(
    pool: RemotePool, remote_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dvclive_tui.remote import host as host_module

    monkeypatch.setattr(host_module, "LISTING_INTERVAL_S", 0.0)
    monkeypatch.setattr(host_module, "LISTED_ENTRIES_PER_S", 10**9)
    (remote_dir / "a.tsv").write_text("x\n")
    transport = pool.transport(at(remote_dir))
    session_bytes = []
    first = transport.listing(str(remote_dir))
    session = transport.client._session
    assert session is not None
    session_bytes.append(session.bytes_in)
    with (remote_dir / "a.tsv").open("a") as handle:
        handle.write("more\n")  # content changes do not change the listing's shape
    same = transport.listing(str(remote_dir))
    session_bytes.append(session.bytes_in)
    (remote_dir / "b.tsv").write_text("y\n")
    changed = transport.listing(str(remote_dir))
    session_bytes.append(session.bytes_in)
    assert same == first
    assert session_bytes[1] - session_bytes[0] < 30
    assert set(changed.files) == {"a.tsv", "b.tsv"}
    assert changed.files["a.tsv"].size == 7


def test_a_large_tree_is_listed_less_often(
    pool: RemotePool, remote_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listing goes whole whenever one entry changed: a root of many entries (a run that
    logs an image per step) is listed once per second per LISTED_ENTRIES_PER_S entries."""
    from dvclive_tui.remote import host as host_module

    monkeypatch.setattr(host_module, "LISTED_ENTRIES_PER_S", 300)  # 1,500 entries: 5 s
    large, small = remote_dir / "large", remote_dir / "small"
    for folder, count in ((large, 1500), (small, 2)):
        folder.mkdir()
        for index in range(count):
            (folder / f"{index}.png").write_bytes(b"x")
    transport = pool.transport(at(remote_dir))
    assert len(transport.listing(str(large)).files) == 1500
    large_listed = time.monotonic()
    assert len(transport.listing(str(small)).files) == 2
    small_listed = time.monotonic()
    (large / "new.png").write_bytes(b"x")
    (small / "new.png").write_bytes(b"x")
    time.sleep(max(0.0, small_listed + 1.1 - time.monotonic()))
    assert len(transport.listing(str(small)).files) == 3, "a small root: every second"
    assert time.monotonic() < large_listed + 4.5
    assert "new.png" not in transport.listing(str(large)).files, "listed again too soon"
    time.sleep(max(0.0, large_listed + 5.1 - time.monotonic()))
    assert "new.png" in transport.listing(str(large)).files
    assert host_module.listing_interval(host_module.Listing()) == host_module.LISTING_INTERVAL_S
