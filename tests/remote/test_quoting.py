"""Hostile names and roots reach the remote shell as data, never as code."""

from __future__ import annotations

import os
from pathlib import Path

from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.transport import Want
from tests.remote.conftest import at
from tests.remote.sshd import SshTestHost

NAMES = [
    "$(touch pwned)",
    "`touch pwned`",
    "a b'c\"d",
    "semi;touch pwned",
    "$HOME",
    "*",
    "back\\slash",
    "-leading dash",
    "new\nline",
    "tab\there|&>x",
    "\udcff\udcfeinvalid-utf8",
    "ünïcödé ✓",
]


def test_hostile_file_names(pool: RemotePool, short_dir: Path, ssh_host: SshTestHost) -> None:
    root = short_dir / "run $(touch pwned) `x` 'q' \"dq\" ;&|"
    (root / "sub").mkdir(parents=True)
    for index, name in enumerate(NAMES):
        (root / "sub" / os.fsencode(name).decode("utf-8", "surrogateescape")).write_bytes(
            f"{index}\n".encode()
        )
    transport = pool.transport(at(root))
    wants = [Want(f"sub/{name}", "whole") for name in NAMES]
    gots = transport.read(str(root), wants)
    assert [got.data for got in gots] == [f"{i}\n".encode() for i in range(len(NAMES))]

    listing = transport.listing(str(root))
    assert set(listing.files) == {f"sub/{name}" for name in NAMES}
    assert listing.folders.keys() == {"", "sub"}

    assert not list(short_dir.rglob("pwned")), "a name ran as a command"
    assert not (Path.cwd() / "pwned").exists()
    assert not (Path.home() / "pwned").exists()
    assert not (ssh_host.home / "pwned").exists()


def test_tilde_roots_expand_on_the_remote_side(pool: RemotePool, ssh_host: SshTestHost) -> None:
    run = ssh_host.home / "runs" / "exp 1"
    run.mkdir(parents=True)
    (run / "metrics.json").write_text("{}")
    location = at("~/runs/exp 1")
    got = pool.transport(location).read(location.path, [Want("metrics.json", "whole")])[0]
    assert got.data == b"{}"
