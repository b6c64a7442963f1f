"""The transport seam: one batch of wants, one answer each, in order; the tailer's reset
rules decided in the reader from the bytes the transport hands back.

Every case runs over the local transport and over the remote one (a real sshd on this
machine serving the same folders, its remote side limited to ``sh`` and coreutils)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from dvclive_writer.read.files import FileStat
from dvclive_writer.read.listing import Listing
from dvclive_writer.read.reader import RunReader
from dvclive_writer.read.tail import HEAD_BYTES, TAIL_BYTES, FileTailer
from dvclive_writer.read.transport import Got, LocalTransport, Transport, Want, read_one
from tests.data.conftest import FakeClock
from tests.remote.conftest import (  # noqa: F401 - fixtures of the remote transport
    at,
    pool,
    settings,
    short_dir,
    ssh_host,
)

ROW = b"1700000000000\t%d\t0.5\n"


Maker = Callable[[], Transport]


@pytest.fixture(params=["local", "remote"])
def make(request: pytest.FixtureRequest) -> Maker:
    """A function giving the transport under test: this machine's, or the test sshd's."""
    if request.param == "local":
        return LocalTransport
    remote = request.getfixturevalue("pool")
    client_path = request.getfixturevalue("short_dir")
    return lambda: remote.transport(at(client_path))


class Recording:
    """A transport keeping every batch it was asked (to look at what was wanted)."""

    def __init__(self, inner: Transport | None = None) -> None:
        self.inner = LocalTransport() if inner is None else inner
        self.batches: list[list[Want]] = []
        self.listings = 0

    def read(self, root: str, wants: Sequence[Want]) -> list[Got]:
        self.batches.append(list(wants))
        return list(self.inner.read(root, wants))

    def listing(self, root: str, under: str = "") -> Listing:
        self.listings += 1
        return self.inner.listing(root, under)


def _rows(count: int, start: int = 0) -> bytes:
    return b"step\tloss\n" + b"".join(ROW % step for step in range(start, start + count))


def test_one_batch_answers_every_mode_in_order(tmp_path: Path, make: Maker) -> None:
    (tmp_path / "doc.json").write_bytes(b'{"a": 1}\n')
    (tmp_path / "big.json").write_bytes(b"x" * 100)
    (tmp_path / "log.tsv").write_bytes(b"0123456789")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    wants = [
        Want("doc.json", "whole"),
        Want("big.json", "whole", cap=10),
        Want("big.json", "head", cap=10),
        Want("log.tsv", "tail", offset=6, back=2, head=3, cap=2),
        Want("missing.json", "whole"),
        Want("pipe", "whole"),
        Want("folder", "stat"),
        Want("folder", "whole"),
    ]
    got = list(make().read(str(tmp_path), wants))
    assert [answer.rel for answer in got] == [want.rel for want in wants]
    doc, too_big, head, tail, missing, pipe, folder, folder_read = got
    assert doc.data == b'{"a": 1}\n' and doc.stat is not None and doc.stat.size == 9
    assert too_big.data == b"" and too_big.truncated
    assert too_big.error == "too large: 100 bytes, more than the 10 bytes read limit"
    assert head.data == b"x" * 10 and head.truncated and head.error is None
    assert (tail.head, tail.data, tail.truncated) == (b"012", b"456789"[:4], True)
    assert missing == Got("missing.json", None)
    assert pipe.error == "not a regular file (FIFO)" and pipe.data == b""
    assert pipe.stat is not None and pipe.stat.kind == "other"
    assert folder.stat is not None and folder.stat.kind == "dir" and folder.error is None
    assert folder_read.error == "not a regular file (directory)"


def test_a_known_unchanged_file_sends_no_bytes(tmp_path: Path, make: Maker) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(b"[1]\n")
    transport = make()
    first = read_one(transport, str(tmp_path), Want("doc.json", "whole"))
    again = read_one(transport, str(tmp_path), Want("doc.json", "whole", known=first.stat))
    assert again.unchanged(first.stat) and again.data == b""
    path.write_bytes(b"[1, 2]\n")
    changed = read_one(transport, str(tmp_path), Want("doc.json", "whole", known=first.stat))
    assert not changed.unchanged(first.stat) and changed.data == b"[1, 2]\n"


def test_paths_above_the_run_are_reached_and_their_links_kept_inside(
    tmp_path: Path, make: Maker
) -> None:
    run = tmp_path / "repo" / "dvclive"
    run.mkdir(parents=True)
    (tmp_path / "repo" / "dvc.yaml").write_text("plots: []\n")
    (tmp_path / "secret").write_text("x\n")
    (run / "escape.json").symlink_to(tmp_path / "secret")
    wants = [Want("../dvc.yaml", "whole"), Want("escape.json", "whole")]
    got = list(make().read(str(run), wants))
    assert got[0].data == b"plots: []\n"
    assert got[1].error == "link to outside the run: not followed" and got[1].data == b""


def test_listing_reports_stats_folders_and_errors(tmp_path: Path, make: Maker) -> None:
    (tmp_path / "plots" / "metrics" / "deep").mkdir(parents=True)
    (tmp_path / "plots" / "metrics" / "a.tsv").write_bytes(b"step\ta\n")
    (tmp_path / "plots" / "metrics" / "deep" / "b.tsv").write_bytes(b"")
    (tmp_path / "plots" / "metrics" / "out.tsv").symlink_to("/etc/hostname")
    listing = make().listing(str(tmp_path), "plots")
    assert list(listing.files) == ["plots/metrics/a.tsv", "plots/metrics/deep/b.tsv"]
    assert listing.files["plots/metrics/a.tsv"].size == 7
    assert set(listing.folders) == {"plots", "plots/metrics", "plots/metrics/deep"}
    assert listing.errors == {"plots/metrics/out.tsv": "link to outside the run: not followed"}
    assert make().listing(str(tmp_path), "nowhere") == Listing()


# -- the tailer over the seam ---------------------------------------------------------------


def _tail(tailer: FileTailer, root: Path, transport: Transport) -> tuple[Want, Got]:
    want = tailer.want()
    got = read_one(transport, str(root), want)
    return want, got


def test_the_tailer_asks_for_its_check_bytes_and_offset(tmp_path: Path, make: Maker) -> None:
    path = tmp_path / "loss.tsv"
    content = _rows(40)
    path.write_bytes(content)
    tailer = FileTailer("loss.tsv")
    transport = make()
    want, got = _tail(tailer, tmp_path, transport)
    assert (want.offset, want.back, want.head, want.known) == (0, 0, 0, None)
    assert tailer.apply(got).data == content
    with path.open("ab") as handle:
        handle.write(ROW % 40)
    want, got = _tail(tailer, tmp_path, transport)
    assert want.offset == len(content) and want.back == TAIL_BYTES and want.head == HEAD_BYTES
    assert want.known is not None and want.known.size == len(content)
    assert got.head == content[:HEAD_BYTES]
    assert got.data == content[-TAIL_BYTES:] + ROW % 40  # the check bytes, then the new ones
    read = tailer.apply(got)
    assert read.data == ROW % 40 and not read.reset


def _replace(path: Path, content: bytes) -> None:
    """A new file (a new inode: made before the old one goes) with ``content``."""
    fresh = path.with_name("fresh.tmp")
    fresh.write_bytes(content)
    os.replace(fresh, path)


def _rewrite_in_place(path: Path, content: bytes) -> None:
    inode = path.stat().st_ino
    with path.open("r+b") as handle:
        handle.truncate(0)
        handle.write(content)
    assert path.stat().st_ino == inode


def test_each_reset_rule_holds_over_the_seam(tmp_path: Path, make: Maker) -> None:
    path = tmp_path / "loss.tsv"
    old = _rows(30)
    cases = {
        "identity": lambda: _replace(path, old + ROW % 99),
        "shrink": lambda: path.write_bytes(_rows(2)),
        "head": lambda: _rewrite_in_place(path, b"step\tLOSS\n" + old[10:] + ROW % 30),
        "back": lambda: _rewrite_in_place(path, old[:-5] + b"9.25\n" + ROW % 30),
    }
    for rule, change in cases.items():
        path.write_bytes(old)
        tailer = FileTailer("loss.tsv")
        transport = Recording(make())
        assert tailer.read(transport, str(tmp_path)).data == old
        change()
        read = tailer.read(transport, str(tmp_path))
        assert read.reset, rule
        assert read.data == path.read_bytes(), rule
        asked_again = transport.batches[-1][0]
        assert asked_again.offset == 0 and asked_again.known is None, rule


def test_a_poll_is_one_batch_when_nothing_is_new(tmp_path: Path, make: Maker) -> None:
    run = tmp_path / "dvclive"
    metrics = run / "plots" / "metrics"
    metrics.mkdir(parents=True)
    for name in ("a", "b", "c"):
        (metrics / f"{name}.tsv").write_bytes(_rows(3))
    (run / "metrics.json").write_text('{"a": 1}\n')
    transport = Recording(make())
    clock = FakeClock()
    reader = RunReader(run, clock=clock, transport=transport)
    reader.poll()
    transport.batches.clear()
    listings = transport.listings
    clock.advance(0.1)
    changes = reader.poll()
    assert not changes and len(transport.batches) == 1 and transport.listings == listings
    rels = [want.rel for want in transport.batches[0]]
    assert {"plots/metrics/a.tsv", "plots/metrics/b.tsv", "metrics.json", "report.html"} <= set(
        rels
    )
    with (metrics / "b.tsv").open("ab") as handle:
        handle.write(ROW % 3)
    transport.batches.clear()
    assert reader.poll().new_points == {"b": 1} and len(transport.batches) == 1


def test_any_transport_can_serve_the_reader(tmp_path: Path, make: Maker) -> None:
    """The reader only talks to the protocol: a transport that relays to another works."""
    run = tmp_path / "dvclive"
    (run / "plots" / "metrics").mkdir(parents=True)
    (run / "plots" / "metrics" / "loss.tsv").write_bytes(_rows(5))
    transport: Transport = Recording(make())
    reader = RunReader(run, transport=transport, name="remote")
    reader.poll()
    assert reader.run.name == "remote" and len(reader.run.metrics["loss"]) == 5
    stat = FileStat.of(os.stat(run / "plots" / "metrics" / "loss.tsv"))
    assert stat.kind == "file" and stat.size == len(_rows(5))


@pytest.mark.parametrize(
    "swap", ["link outside", "moved outside and linked", "fifo", "same size and time"]
)
def test_a_known_idle_file_swapped_is_never_taken_for_unchanged(
    tmp_path: Path, make: Maker, swap: str
) -> None:
    """An idle file is checked with one look at its path; whatever takes its place (a link
    out of the run, a FIFO, another file with the same size and mtime) is seen, and a link
    or a FIFO is never followed or opened."""
    run = tmp_path / "run"
    run.mkdir()
    path = run / "doc.json"
    path.write_bytes(b"[1]\n")
    transport = make()
    first = read_one(transport, str(run), Want("doc.json", "whole"))
    assert first.stat is not None and first.data == b"[1]\n"
    replacement = run / "replacement"
    if swap == "link outside":
        (tmp_path / "secret.json").write_bytes(b"[2]\n")
        replacement.symlink_to(tmp_path / "secret.json")
    elif swap == "moved outside and linked":  # the link leads to the very file known
        os.replace(path, tmp_path / "moved.json")
        with (tmp_path / "moved.json").open("ab") as handle:
            handle.write(b" ")
        replacement.symlink_to(tmp_path / "moved.json")
    elif swap == "fifo":
        os.mkfifo(replacement)
    else:
        replacement.write_bytes(b"[3]\n")  # another inode with the old size and time
        os.utime(replacement, ns=(first.stat.mtime_ns, first.stat.mtime_ns))
    os.replace(replacement, path)
    again = read_one(transport, str(run), Want("doc.json", "whole", known=first.stat))
    assert not again.unchanged(first.stat)
    if swap == "same size and time":
        assert again.data == b"[3]\n"
    else:
        assert again.data == b"" and again.error is not None
