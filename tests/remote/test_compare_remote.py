"""``compare --remote``: experiments pushed with ``dvc exp push`` to a real bare remote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.compare.conftest import entries, parse_json_output, strict_equal
from tests.compare.repo_builder import DVC, git, init_repo, run, train, tui_compare

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """A bare ``origin``, experiments pushed to it from one clone, a second clone with
    an experiment of its own; returns (origin, second clone, pushed experiment SHAs)."""
    base = tmp_path_factory.mktemp("remote-exps")
    origin = base / "origin.git"
    git(base, "init", "-q", "--bare", str(origin))
    first = base / "first"
    init_repo(first)
    git(first, "remote", "add", "origin", str(origin))
    git(first, "push", "-q", "origin", "main")
    train(first, "pushed-a", {"lr": 0.1, "epochs": 3})
    train(first, "pushed-b", {"lr": 0.2, "epochs": 4})
    run(first, DVC, "exp", "push", "--no-cache", "origin", "pushed-a", "pushed-b")
    shas = git(origin, "for-each-ref", "--format=%(objectname)", "refs/exps/").split()
    assert len(shas) == 2

    second = base / "second"
    git(base, "clone", "-q", "--no-local", "-b", "main", str(origin), str(second))
    train(second, "local-c", {"lr": 0.3, "epochs": 2})
    return origin, second, shas


def test_pushed_experiments_listed_like_dvc_after_pull(
    pushed: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    origin, repo, shas = pushed
    refs_before = git(repo, "for-each-ref")
    ours = tui_compare(repo, "--remote", "origin", "--json").stdout

    # Nothing of the user's changed: refs, FETCH_HEAD, objects (the experiments' commits
    # live in the private cache only).
    assert git(repo, "for-each-ref") == refs_before
    assert not (repo / ".git" / "FETCH_HEAD").exists()
    for sha in shas:
        assert run(repo, "git", "cat-file", "-e", sha, check=False).returncode != 0
    cache = repo / ".git" / "dvclive-tui" / "remote-exps.git"
    assert (cache / "objects" / "info" / "alternates").read_text().strip() == str(
        (repo / ".git" / "objects").resolve()
    )
    cached_refs = git(cache, "for-each-ref", "--format=%(refname)").split()
    assert len(cached_refs) == 2 and all(r.startswith("refs/dvclive-tui/") for r in cached_refs)

    # The same as URL, and shown in the table.
    by_url = tui_compare(repo, "--remote", str(origin), "--json").stdout
    assert strict_equal(parse_json_output(by_url), parse_json_output(ours))
    table = tui_compare(repo, "--remote", "origin", "--csv").stdout
    assert all(name in table for name in ("pushed-a", "pushed-b", "local-c"))

    # The oracle: dvc exp pull, then dvc exp show --json, in a copy of the repository.
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, symlinks=True)
    run(copy, DVC, "exp", "pull", "--no-cache", "origin", "pushed-a", "pushed-b")
    oracle = parse_json_output(run(copy, DVC, "exp", "show", "--json").stdout)
    mine = entries(parse_json_output(ours))
    theirs = entries(oracle)
    assert {key[1] for key in theirs} == {None, "pushed-a", "pushed-b", "local-c"}
    assert mine.keys() == theirs.keys()
    for key, state in theirs.items():
        if key[0] == "workspace":
            continue
        assert strict_equal(mine[key], state), key
    assert [e.get("name") for e in parse_json_output(ours)[1]["experiments"]] == [
        e.get("name") for e in oracle[1]["experiments"]
    ]


def test_bad_remotes_fail_in_one_line(pushed: tuple[Path, Path, list[str]]) -> None:
    _, repo, _ = pushed
    missing = tui_compare(repo, "--remote", "nowhere", "--json", check=False)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "dvclive-tui: error: no such remote or repository: nowhere"
    broken = tui_compare(repo, "--remote", "file:///nonexistent/repo.git", "--json", check=False)
    assert broken.returncode == 2
    assert broken.stderr.count("\n") == 1
    assert "cannot fetch experiments from file:///nonexistent/repo.git" in broken.stderr
