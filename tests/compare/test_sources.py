"""Finding ``dvc.yaml`` files in the workspace and in commits (real git repositories)."""

from __future__ import annotations

from pathlib import Path

from dvclive_tui.experiments.collect import RepoReader
from dvclive_tui.experiments.gitfiles import simple_ignore
from dvclive_tui.experiments.sources import DirSource
from tests.compare import repo_builder as rb


def test_workspace_search_skips_deep_ignored_data_but_finds_ignored_dvclive(
    tmp_path: Path,
) -> None:
    rb.git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("/data\n/dvclive\n")
    for folder in ("data/deep/er", "dvclive", "sub"):
        (tmp_path / folder).mkdir(parents=True)
    for path in ("dvc.yaml", "data/deep/er/dvc.yaml", "dvclive/dvc.yaml", "sub/dvc.yaml"):
        (tmp_path / path).write_text("metrics:\n- metrics.json\n")
    (tmp_path / "sub" / "data.csv.dvc").write_text("outs:\n- path: data.csv\n")
    reader = RepoReader.open(tmp_path)
    source = DirSource(reader.root, ignored=simple_ignore(reader.root, tmp_path / ".git"))
    assert source.dvc_yaml_files() == ["dvc.yaml", "dvclive/dvc.yaml", "sub/dvc.yaml"]
    assert source.dvc_files() == ["sub/data.csv.dvc"]


def test_commit_tree_search_finds_nested_dvc_files(tmp_path: Path) -> None:
    rb.git(tmp_path, "init", "-q")
    for path in ("dvc.yaml", "a/b/dvc.yaml", ".dvc/config", "a/x.dvc"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("{}\n")
    rb.git(tmp_path, "add", "-A")
    rb.git(tmp_path, "commit", "-q", "-m", "files")
    reader = RepoReader.open(tmp_path)
    commit = reader.commit("HEAD")
    assert commit is not None
    source = reader.read_commit(commit)
    assert source.dvc_yaml_files() == ["dvc.yaml", "a/b/dvc.yaml"]
    assert source.dvc_files() == ["a/x.dvc"]
    assert source.read("a/b/dvc.yaml") == b"{}\n" and source.read("a/nope") is None
    assert source.files_under("a") == ["a/b/dvc.yaml", "a/x.dvc"]


def test_resolve_prefers_git_revisions_then_heads_experiment_names(tmp_path: Path) -> None:
    rb.git(tmp_path, "init", "-q", "-b", "main")
    shas = []
    for index in range(3):
        (tmp_path / "f.txt").write_text(f"{index}\n")
        rb.git(tmp_path, "add", "f.txt")
        rb.git(tmp_path, "commit", "-q", "-m", f"c{index}")
        shas.append(rb.git(tmp_path, "rev-parse", "HEAD"))
    first, exp_commit, head = shas
    # The same experiment name under the first commit and under HEAD: HEAD's wins.
    for baseline, target in ((first, first), (head, exp_commit)):
        rb.git(tmp_path, "update-ref", f"refs/exps/{baseline[:2]}/{baseline[2:]}/lucky-cat", target)
    rb.git(tmp_path, "update-ref", f"refs/exps/{first[:2]}/{first[2:]}/old-dog", first)
    reader = RepoReader.open(tmp_path)

    def resolved(rev: str) -> str | None:
        return reader.resolve(rev)

    assert resolved("HEAD~2") == first and resolved(head) == head and resolved("main") == head
    assert resolved("lucky-cat") == exp_commit
    assert resolved("old-dog") == first
    assert resolved("no-such-name") is None and resolved("x/lucky-cat") is None


def test_a_corrupt_dvclive_only_signal_leaves_the_workspace_row_done(tmp_path: Path) -> None:
    """JSON nested too deeply for the parser (a corrupt file) is ignored, never raised."""
    from dvclive_tui.experiments.model import ExpStatus
    from dvclive_tui.experiments.readers import ParseCache
    from dvclive_tui.experiments.running import DVCLIVE_ONLY, workspace_row

    signal = tmp_path / DVCLIVE_ONLY
    signal.parent.mkdir(parents=True)
    signal.write_text("[" * 100_000 + "]" * 100_000)
    row = workspace_row(tmp_path, DirSource(tmp_path), ParseCache(), None)
    assert row.status is ExpStatus.DONE
    assert row.pid is None
