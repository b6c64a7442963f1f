"""Git/DVC detection without dvc: dvclive's warnings outside Git, in empty repos, in pipelines."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import dvclive
import pytest

import dvclive_writer
from dvclive_writer.repo_detection import find_roots, git_has_commits


def messages(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


def warnings_of_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> tuple[list[str], list[str], dvclive_writer.Live]:
    monkeypatch.chdir(tmp_path)
    with (
        caplog.at_level(logging.INFO, logger="dvclive"),
        caplog.at_level(logging.INFO, logger="dvclive_writer"),
    ):
        theirs = dvclive.Live(report=None)
        ours = dvclive_writer.Live(report=None)
    assert theirs._save_dvc_exp is ours._experiment.save is False
    return messages(caplog, "dvclive"), messages(caplog, "dvclive_writer"), ours


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    theirs, ours, live = warnings_of_both(tmp_path, monkeypatch, caplog)
    expected = (
        "Can't save experiment without a Git Repo."
        "\nCreate a Git repo (`git init`) and commit (`git commit`)."
    )
    assert expected in theirs
    assert expected in ours
    assert live._repo.git_root is None


def test_git_repo_without_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # dvclive 3.49.1 with this dvc raises SCMError("Empty git repo") here; ours warns.
    git("init", "-q", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING, logger="dvclive_writer"):
        live = dvclive_writer.Live(report=None)
    expected = (
        "Can't save experiment to an empty Git Repo."
        "\nAdd a commit (`git commit`) to save experiments."
    )
    assert messages(caplog, "dvclive_writer").count(expected) == 1
    assert live._experiment.save is False
    assert live._repo.git_root == str(tmp_path.resolve())
    assert live._repo.git_has_commits is False


@pytest.mark.parametrize(
    ("baseline", "expected", "level"),
    [
        (None, "Ignoring `save_dvc_exp` because `dvc repro` is running.", logging.WARNING),
        ("a" * 40, "Ignoring `save_dvc_exp` because `dvc exp run` is running", logging.INFO),
    ],
)
def test_inside_a_pipeline(
    baseline: str | None,
    expected: str,
    level: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("DVC_ROOT", str(tmp_path))
    if baseline:
        monkeypatch.setenv("DVC_EXP_BASELINE_REV", baseline)
    theirs, ours, live = warnings_of_both(tmp_path, monkeypatch, caplog)
    assert any(m.startswith(expected) for m in theirs)
    assert [m for m in ours if m.startswith(expected)] == [
        m for m in theirs if m.startswith(expected)
    ]
    assert live._repo.inside_dvc_pipeline is True
    assert live._repo.inside_dvc_exp is bool(baseline)
    assert any(r.levelno == level for r in caplog.records if r.name == "dvclive_writer")


def test_find_roots_walks_up(tmp_path: Path) -> None:
    (tmp_path / "repo/.dvc").mkdir(parents=True)
    (tmp_path / "repo/sub/deeper").mkdir(parents=True)
    assert find_roots(str(tmp_path / "repo/sub/deeper")) == (None, str(tmp_path / "repo"))
    git("init", "-q", cwd=tmp_path / "repo")
    root = str(tmp_path / "repo")
    assert find_roots(str(tmp_path / "repo/sub/deeper")) == (root, root)


def test_git_has_commits_follows_branches_packed_refs_and_worktrees(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    assert git_has_commits(str(repo)) is False
    git("commit", "-q", "--allow-empty", "-m", "first", cwd=repo)
    assert git_has_commits(str(repo)) is True
    git("pack-refs", "--all", cwd=repo)
    assert not (repo / ".git/refs/heads/main").exists()
    assert git_has_commits(str(repo)) is True
    git("worktree", "add", "-q", str(tmp_path / "wt"), cwd=repo)
    assert (tmp_path / "wt/.git").is_file()
    assert git_has_commits(str(tmp_path / "wt")) is True
    git("checkout", "-q", "--detach", cwd=repo)
    assert git_has_commits(str(repo)) is True


@pytest.mark.parametrize("module", ["dvclive", "dvclive_writer"])
def test_a_training_in_a_packed_git_repo_exits_without_noise(tmp_path: Path, module: str) -> None:
    """The DVC repo that ``Live`` opens holds dulwich pack files; left to interpreter
    teardown they print "Exception ignored in ... __del__" after the training's output."""
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "train.py").write_text(
        f"from {module} import Live\n"
        "with Live(report=None, save_dvc_exp=False) as live:\n"
        "    for step in range(3):\n"
        "        live.log_metric('loss', 1 / (step + 1))\n"
        "        live.next_step()\n"
    )
    git("add", "train.py", cwd=tmp_path)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init", cwd=tmp_path)
    git("repack", "-a", "-d", "-q", cwd=tmp_path)
    done = subprocess.run(
        [sys.executable, "train.py"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr
    assert (tmp_path / "dvclive" / "metrics.json").is_file()
