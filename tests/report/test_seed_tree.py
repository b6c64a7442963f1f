"""The seed's example (how-it-works.md) with ``dvclive_writer`` produces exactly the seed's tree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.seed_example import SEED_SCRIPT

pytestmark = pytest.mark.slow

#: The seed's "resulting structure", verbatim.
SEED_TREE = """\
dvclive
├── dvc.yaml
├── metrics.json
├── params.yaml
├── plots
│   ├── images
│   │   └── img.png
│   ├── metrics
│   │   ├── metric.tsv
│   │   └── nested
│   │       └── metric.tsv
│   └── sklearn
│       └── confusion_matrix.json
└── report.html
model.pt
model.pt.dvc
"""


def tree_files(listing: str) -> set[str]:
    """File paths of a ``tree``-style listing (entries with children are folders)."""
    entries: list[tuple[int, str]] = []
    for line in listing.splitlines():
        prefix = re.match(r"[│├└─\s]*", line)
        assert prefix is not None
        name = line[prefix.end() :]
        depth = prefix.end() // 4
        entries.append((depth, name))
    files: set[str] = set()
    stack: list[str] = []
    for index, (depth, name) in enumerate(entries):
        del stack[depth:]
        has_children = index + 1 < len(entries) and entries[index + 1][0] > depth
        if has_children:
            stack.append(name)
        else:
            files.add("/".join([*stack, name]))
    return files


def run(*args: str, cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def test_tree_parser_reads_the_seed_listing() -> None:
    assert tree_files(SEED_TREE) == {
        "dvclive/dvc.yaml",
        "dvclive/metrics.json",
        "dvclive/params.yaml",
        "dvclive/plots/images/img.png",
        "dvclive/plots/metrics/metric.tsv",
        "dvclive/plots/metrics/nested/metric.tsv",
        "dvclive/plots/sklearn/confusion_matrix.json",
        "dvclive/report.html",
        "model.pt",
        "model.pt.dvc",
    }


def test_seed_example_produces_the_seed_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run("git", "init", "-q", cwd=tmp_path)
    run("git", "commit", "-q", "--allow-empty", "-m", "init", cwd=tmp_path)
    run(sys.executable, "-m", "dvc", "init", "-q", cwd=tmp_path)
    run("git", "commit", "-q", "-m", "dvc init", cwd=tmp_path)
    (tmp_path / "train.py").write_text(SEED_SCRIPT, encoding="utf-8")

    run(sys.executable, "train.py", cwd=tmp_path)

    produced = {p.relative_to(tmp_path).as_posix() for p in (tmp_path / "dvclive").rglob("*")}
    produced = {p for p in produced if (tmp_path / p).is_file()}
    produced |= {name for name in ("model.pt", "model.pt.dvc") if (tmp_path / name).is_file()}
    assert produced == tree_files(SEED_TREE)

    # The report is the finished one (no auto-refresh) and the run became an experiment.
    page = (tmp_path / "dvclive/report.html").read_text(encoding="utf-8")
    assert "http-equiv" not in page
    assert 'data-chart="static/metric"' in page and 'data-chart="static/nested/metric"' in page
    assert 'data-chart="sklearn/confusion_matrix"' in page
    refs = run("git", "for-each-ref", "--format=%(refname)", "refs/exps/", cwd=tmp_path)
    experiments = [ref for ref in refs.split() if not ref.startswith("refs/exps/exec/")]
    assert len(experiments) == 1
