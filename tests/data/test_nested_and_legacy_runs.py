"""Nested run directories (cross-validation folds) are found by every command; the
DVCLive 0.x layout is refused with one line by every command."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dvclive_writer.read.discovery import discover_runs
from tests.compare import repo_builder as rb

FOLDS = textwrap.dedent(
    """
    from dvclive import Live
    scores = []
    for fold in range(3):
        with Live(f"dvclive/fold_{fold}", report=None, dvcyaml=False) as live:
            live.log_param("fold", fold)
            for step in range(2):
                live.log_metric("loss", 1 / (step + 1) + fold)
                live.next_step()
            scores.append(fold / 10)
    with Live("dvclive", report=None, dvcyaml=False) as live:  # the cross-validation summary
        live.summary["mean_score"] = sum(scores) / len(scores)
    """
)


@pytest.fixture(scope="module")
def folds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real dvclive runs: ``dvclive/`` (a summary run) holding ``fold_0`` to ``fold_2``."""
    root = tmp_path_factory.mktemp("folds")
    subprocess.run([sys.executable, "-c", FOLDS], cwd=root, check=True, env=rb.env())
    return root


def tui(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return rb.run(cwd, rb.TUI, *args, check=False)


def test_nested_runs_are_discovered(folds: Path) -> None:
    names = [path.relative_to(folds).as_posix() for path in discover_runs(folds)]
    assert names == ["dvclive", "dvclive/fold_0", "dvclive/fold_1", "dvclive/fold_2"]
    inner = [path.relative_to(folds).as_posix() for path in discover_runs(folds / "dvclive")]
    assert inner == names  # the summary run first, then the runs inside it


def test_every_command_sees_the_folds(folds: Path) -> None:
    listed = json.loads(tui(folds, "ls", "--json").stdout)
    assert [run["name"] for run in listed["runs"]] == [
        "dvclive",
        "dvclive/fold_0",
        "dvclive/fold_1",
        "dvclive/fold_2",
    ]
    snap = tui(folds, "snap", "--width", "100")
    assert snap.returncode == 0 and "fold_2" in snap.stdout
    table = tui(folds, "compare", "--csv", "dvclive").stdout.splitlines()
    assert [line.split(",")[0] for line in table[1:]] == [
        "dvclive",
        "dvclive/fold_0",
        "dvclive/fold_1",
        "dvclive/fold_2",
    ]


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """The DVCLive 0.x layout: metric TSVs in ``dvclive/``, the summary in ``dvclive.json``."""
    folder = tmp_path / "dvclive"
    folder.mkdir()
    rows = "".join(f"{1_600_000_000_000 + step}\t{step}\t{1 / (step + 1)}\n" for step in range(3))
    (folder / "loss.tsv").write_text("timestamp\tstep\tloss\n" + rows)
    (tmp_path / "dvclive.json").write_text('{"step": 2, "loss": 0.333}\n')
    (tmp_path / "dvclive.html").write_text("<html></html>\n")
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ("ls",),
        ("ls", "--json"),
        ("ls", "dvclive"),
        ("snap",),
        ("report",),
        ("report", "--md", "dvclive"),
        ("watch",),
        ("watch", "dvclive"),
        ("compare", "--csv", "dvclive"),
        ("compare", "--json", "."),
    ],
    ids=" ".join,
)
def test_the_0x_layout_is_refused_with_one_line(legacy: Path, args: tuple[str, ...]) -> None:
    result = tui(legacy, *args)
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DVCLive 0.x layout" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(path.name for path in legacy.iterdir()) == [
        "dvclive",
        "dvclive.html",
        "dvclive.json",
    ]  # nothing written
