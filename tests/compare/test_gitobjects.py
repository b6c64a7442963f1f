"""The plain-Python object database against real git: loose, packed (deltas), alternates."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from dvclive_tui.experiments.gitobjects import GitObjectError, ObjectStore, apply_delta
from tests.compare import repo_builder as rb


def all_objects(repo: Path) -> dict[str, tuple[str, bytes]]:
    """Every object reachable from any ref, read by ``git cat-file --batch``."""
    listing = rb.git(repo, "rev-list", "--objects", "--all").splitlines()
    shas = [line.split(" ", 1)[0] for line in listing]
    tags = rb.git(repo, "for-each-ref", "--format=%(objectname)", "refs/tags").splitlines()
    shas += tags
    batch = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        input="\n".join(shas).encode() + b"\n",
        capture_output=True,
        check=True,
    ).stdout
    found: dict[str, tuple[str, bytes]] = {}
    position = 0
    while position < len(batch):
        newline = batch.index(b"\n", position)
        sha, kind, size = batch[position:newline].decode().split()
        start = newline + 1
        found[sha] = (kind, batch[start : start + int(size)])
        position = start + int(size) + 1
    return found


def grow_history(repo: Path) -> None:
    """Commits whose files change a little each time (so packs hold deltas), an annotated
    tag, a large binary blob and a nested tree."""
    rb.git(repo, "init", "-q", "-b", "main")
    text = "".join(f"line {i}: {'x' * (i % 37)}\n" for i in range(400))
    (repo / "deep" / "er").mkdir(parents=True)
    for round_ in range(12):
        text = text.replace(f"line {round_ * 7}:", f"line {round_ * 7} changed:")
        (repo / "big.txt").write_text(text)
        (repo / "deep" / "er" / "params.yaml").write_text(f"lr: {round_ / 100}\n")
        (repo / "blob.bin").write_bytes(bytes(range(256)) * (40 + round_))
        rb.git(repo, "add", "-A")
        rb.git(repo, "commit", "-q", "-m", f"round {round_}")
    rb.git(repo, "tag", "-a", "v1", "-m", "annotated", "HEAD~3")


def test_loose_and_packed_objects_read_as_git_reads_them(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    grow_history(repo)
    expected = all_objects(repo)
    store = ObjectStore(repo / ".git" / "objects")
    assert {sha: store.read(sha) for sha in expected} == expected
    rb.git(repo, "gc", "-q", "--aggressive")  # packs with OFS_DELTA chains
    assert not any((repo / ".git" / "objects").glob("[0-9a-f][0-9a-f]/*"))
    packed = ObjectStore(repo / ".git" / "objects")
    assert {sha: packed.read(sha) for sha in expected} == expected
    head = rb.git(repo, "rev-parse", "HEAD")
    info = packed.commit(head)
    assert info.parents == (rb.git(repo, "rev-parse", "HEAD~1"),)
    assert info.time == int(rb.git(repo, "log", "-1", "--format=%ct"))
    tag = rb.git(repo, "rev-parse", "v1")
    assert packed.commit(tag).sha == rb.git(repo, "rev-parse", "v1^{commit}")
    assert [entry.name for entry in packed.tree(info.tree)] == ["big.txt", "blob.bin", "deep"]
    assert packed.expand(head[:7]) == [head]
    with pytest.raises(GitObjectError, match="missing"):
        packed.read("0" * 40)


def test_ref_deltas_in_a_thin_fetch_and_alternates(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    grow_history(origin)
    # A clone sharing objects through objects/info/alternates reads them from origin.
    shared = tmp_path / "shared"
    rb.git(tmp_path, "clone", "-q", "--shared", str(origin), str(shared))
    (shared / "new.txt").write_text("only here\n")
    rb.git(shared, "add", "new.txt")
    rb.git(shared, "commit", "-q", "-m", "local")
    expected = all_objects(shared)
    store = ObjectStore(shared / ".git" / "objects")
    assert {sha: store.read(sha) for sha in expected} == expected
    # A pack written with REF_DELTA entries (no offset deltas).
    target = tmp_path / "refdelta"
    rb.git(tmp_path, "init", "-q", "--bare", str(target))
    pack = subprocess.run(
        ["git", "pack-objects", "--all", "--stdout", "--no-reuse-delta", "--window=50"],
        cwd=origin,
        input=b"",
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(
        ["git", "index-pack", "--stdin", "--fix-thin"],
        cwd=target,
        input=pack,
        capture_output=True,
        check=True,
    )
    store = ObjectStore(target / "objects")
    origin_objects = all_objects(origin)
    assert {sha: store.read(sha) for sha in origin_objects} == origin_objects


def test_delta_errors_are_readable() -> None:
    with pytest.raises(GitObjectError, match="base size"):
        apply_delta(b"abc", b"\x05\x03\x90\x03")
    assert apply_delta(b"hello world", b"\x0b\x08\x90\x05\x03abc") == b"helloabc"
