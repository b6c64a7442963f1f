"""Fixtures for the writer-feature tests: dvclive-vs-ours runs and real Git + DVC repos."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dvclive
import pytest
from ruamel.yaml import YAML

import dvclive_writer

DVC = [sys.executable, "-m", "dvc"]


@dataclass
class Pair:
    """The CWDs of a dvclive run and of ours for the same script."""

    theirs: Path
    ours: Path

    def both(self, rel: str) -> tuple[Path, Path]:
        """``rel`` under each root."""
        return self.theirs / rel, self.ours / rel


@pytest.fixture
def run_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[Callable[[Any], None]], Pair]:
    """Run ``script(live)`` once with dvclive and once with ours, outside Git, in two dirs.

    Each run uses ``Live(save_dvc_exp=False, report=None)`` with the default ``dir`` and ends
    the Live; returns the two working directories.
    """

    def run(script: Callable[[Any], None], **kwargs: Any) -> Pair:
        pair = Pair(tmp_path / "theirs", tmp_path / "ours")
        for root, module in ((pair.theirs, dvclive), (pair.ours, dvclive_writer)):
            root.mkdir()
            monkeypatch.chdir(root)
            live = module.Live(save_dvc_exp=False, report=None, **kwargs)
            script(live)
            live.end()
        return pair

    return run


def load_yaml(path: Path) -> Any:
    """Safe-load a YAML file."""
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _resolve(path: str, base: Path, root: Path) -> str:
    return Path(os.path.relpath((base / path).resolve(), root.resolve())).as_posix()


def dvcyaml_meaning(dvcyaml: Path, root: Path) -> dict[str, Any]:
    """A dvc.yaml with every path made relative to ``root`` instead of the file's folder."""
    content = load_yaml(dvcyaml) or {}
    base = dvcyaml.parent
    meaning: dict[str, Any] = {}
    for key in ("params", "metrics"):
        if key in content:
            meaning[key] = [_resolve(p, base, root) for p in content[key]]
    if "plots" in content:
        plots: list[Any] = []
        for entry in content["plots"]:
            if isinstance(entry, str):
                plots.append(_resolve(entry, base, root))
            else:
                ((path, config),) = entry.items()
                plots.append({_resolve(path, base, root): config})
        meaning["plots"] = plots
    if "artifacts" in content:
        meaning["artifacts"] = {
            name: {**art, "path": _resolve(art["path"], base, root)}
            for name, art in content["artifacts"].items()
        }
    return meaning


def assert_same_dvcyaml(pair: Pair) -> dict[str, Any]:
    """dvclive's ``./dvc.yaml`` and our ``dvclive/dvc.yaml`` say the same; returns ours."""
    theirs = dvcyaml_meaning(pair.theirs / "dvc.yaml", pair.theirs)
    ours = dvcyaml_meaning(pair.ours / "dvclive" / "dvc.yaml", pair.ours)
    assert ours == theirs
    return ours


def git(*args: str, cwd: Path) -> str:
    """Run git in ``cwd``; return stdout."""
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def dvc(*args: str, cwd: Path) -> str:
    """Run the dvc CLI of this venv in ``cwd``; return stdout."""
    return subprocess.run([*DVC, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def _repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Git repo with one commit and ``dvc init`` done, built once per session/worker."""
    root = tmp_path_factory.mktemp("repo-template") / "repo"
    root.mkdir()
    git("init", "-q", "-b", "main", cwd=root)
    (root / "README.md").write_text("fixture\n")
    git("add", "README.md", cwd=root)
    git("commit", "-q", "-m", "init", cwd=root)
    dvc("init", "-q", cwd=root)
    git("commit", "-q", "-m", "dvc init", cwd=root)
    return root


@pytest.fixture
def dvc_repo(
    _repo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh copy of the Git + DVC repo template, made the CWD."""
    root = tmp_path / "repo"
    shutil.copytree(_repo_template, root, symlinks=True)
    monkeypatch.chdir(root)
    yield root


def exp_refs(root: Path) -> list[str]:
    """The experiment refs (``refs/exps/xx/…/<name>``), skipping exec/stash namespaces."""
    out = git("for-each-ref", "--format=%(refname)", "refs/exps", cwd=root)
    return [r for r in out.split() if len(r.split("/")) == 5 and r.split("/")[2] != "exec"]
