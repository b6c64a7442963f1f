"""The reply parser on hand-made replies (what the agent writes is covered over sshd)."""

from __future__ import annotations

import pytest

from dvclive_tui.remote.wire import WireError, parse_key, parse_stat_line, read_reply, stat_key
from dvclive_writer.read.files import FileStat


class Bytes:
    """A :class:`~dvclive_tui.remote.wire.Source` over fixed bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read_line(self, limit: int = 1 << 16) -> bytes:
        line, newline, self.data = self.data.partition(b"\n")
        if not newline:
            raise WireError("end of input")
        return line

    def read_exact(self, size: int) -> bytes:
        if len(self.data) < size:
            raise WireError("end of input")
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


STAT = FileStat(12, 1_700_000_000_000_000_123, (2049, 77), "file")


def test_stat_keys_round_trip() -> None:
    assert stat_key(STAT) == "f 12 1700000000.000000123 2049 77"
    assert parse_key(stat_key(STAT)) == STAT
    assert stat_key(None) == "-" and parse_key("-") is None
    with pytest.raises(WireError):
        parse_key("f 12 notatime 1 2")


def test_file_records_with_raw_bytes() -> None:
    data = b"\n@END\nD 1 0 2 0\n"  # payload that looks like protocol lines
    reply = read_reply(
        Bytes(
            b"@DLT 7\nS 1 f 16 5.000000000 1 2\nH 1 3\nabcD 1 4 16 1\n"
            + data
            + b"M 2\nE 3 not a regular file\nX 4\n@END\n"
        ),
        7,
        "gnu",
    )
    first = reply.files[1]
    assert first.key == "f 16 5.000000000 1 2" and first.head == b"abc"
    assert (first.start, first.data, first.more) == (4, data, True)
    assert reply.files[2].key == "-"
    assert reply.files[3].error == "not a regular file"
    assert reply.files[4].dropped


def test_login_noise_or_a_stale_reply_is_an_error() -> None:
    with pytest.raises(WireError):
        read_reply(Bytes(b"@DLT 6\n@END\n"), 7, "gnu")
    with pytest.raises(WireError):
        read_reply(Bytes(b"@DLT 7\nD 1 0 10 0\nshort"), 7, "gnu")


def test_listing_with_a_newline_name_and_a_vanished_file() -> None:
    stat_dir = "41ed 4096 10.000000005 1 10"
    stat_file = "81a4 3 11.5 1 11"
    block = (
        b"@DLT 1\nL 0 +\n"
        b"- 1 .\n- 9 ./a\nb.tsv\nu 5 ./sub\nN 3\n"
        + f"{stat_dir}\n{stat_file}\n{stat_dir}\n".encode()
        + b".\n@END\n"
    )
    listing = read_reply(Bytes(block), 1, "gnu").listings[0]
    assert listing.complete and listing.listing is not None
    assert listing.listing.files == {"a\nb.tsv": FileStat(3, 11_500_000_000, (1, 11), "file")}
    assert listing.listing.folders == {"": 10_000_000_005, "sub": 10_000_000_005}
    assert listing.listing.errors == {"sub": "permission denied"}

    shifted = (
        b"@DLT 2\nL 0 +\n- 4 ./x1\n- 4 ./x2\nN 2\n"
        + f"{stat_file}\n".encode()
        + b"- 4 ./x3\nN 1\n"
        + f"{stat_file}\n".encode()
        + b".\nL 1 =\nL 2 ! no such directory\n@END\n"
    )
    reply = read_reply(Bytes(shifted), 2, "gnu")
    assert not reply.listings[0].complete
    assert reply.listings[1].unchanged
    assert reply.listings[2].listing is not None
    assert reply.listings[2].error == "no such directory"


def test_busybox_and_bsd_stat_lines() -> None:
    busybox = "81a4 3 1700000000 1 2 2023-11-14 22:13:20.250000000 +0000"
    assert parse_stat_line(busybox, "busybox") == FileStat(
        3, 1_700_000_000_250_000_000, (1, 2), "file"
    )
    assert parse_stat_line("11A4 0 1700000000 1 3", "bsd") == FileStat(
        0, 1_700_000_000_000_000_000, (1, 3), "other"
    )
    assert parse_stat_line("- 3 ./x", "gnu") is None
