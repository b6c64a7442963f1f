"""``dvclive-tui compare --csv/--md`` and bad input, in real repositories and directories."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from dvclive_tui.app.compare.app import CompareApp
from dvclive_tui.app.compare.charts_screen import ChartsScreen
from dvclive_tui.app.compare.table_screen import CompareScreen
from dvclive_tui.experiments.load import load_experiments
from tests.compare import repo_builder as rb
from tests.compare.conftest import ExperimentsRepo
from tests.compare.ui import open_overlay

pytestmark = pytest.mark.slow


def csv_rows(text: str) -> dict[str, dict[str, str]]:
    """Rows of ``--csv`` output keyed like ``dvc exp show --csv`` names them: the
    experiment's name, else (baselines, the workspace) its ``rev``."""
    return {row["Experiment"] or row["rev"]: row for row in csv.DictReader(io.StringIO(text))}


def test_csv_has_a_row_per_experiment_and_errors_as_bang(exps_repo: ExperimentsRepo) -> None:
    rows = csv_rows(rb.tui_compare(exps_repo.path, "--csv").stdout)
    assert {"workspace", "main", "e-fast", "e-slow", "w-writer", "bad", "nodata"} <= set(rows)
    assert rows["e-slow"]["dvclive/params.yaml:lr"] == "0.001"
    assert rows["e-slow"]["dvclive/params.yaml:opt"] == "sgd"
    assert rows["e-slow"]["typ"] == "branch_commit"
    assert rows["bad"]["dvclive/metrics.json:acc"] == "!"
    assert rows["bad"]["dvclive/params.yaml:lr"] == "0.001"
    # An experiment without dvclive data: a row whose dvclive cells are empty.
    assert rows["nodata"]["dvclive/params.yaml:lr"] == ""
    assert rows["nodata"]["seed"] == "2"


def test_filter_sort_and_only_changed(exps_repo: ExperimentsRepo) -> None:
    out = rb.tui_compare(
        exps_repo.path,
        "--csv",
        "--filter",
        'name ~ "e-*"',
        "--sort-by",
        "dvclive/params.yaml:lr",
        "--only-changed",
    ).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    # The baseline stays as the head of its matching experiments, sorted under it.
    assert [row["Experiment"] or row["rev"] for row in rows] == ["main", "e-slow", "e-fast"]
    assert "seed" not in rows[0]  # equal in both rows: hidden by --only-changed


def test_markdown_table(exps_repo: ExperimentsRepo) -> None:
    out = rb.tui_compare(exps_repo.path, "--md", "--filter", "e-fast").stdout
    lines = out.splitlines()
    assert lines[0].startswith("| Experiment") and lines[1].startswith("|---")
    assert lines[2].startswith("| main ") and lines[-1] == ""
    assert len(lines) == 5 and lines[3].startswith("| └── ") and "[e-fast]" in lines[3]


def test_bad_filter_is_one_line_exit_2(exps_repo: ExperimentsRepo) -> None:
    result = rb.tui_compare(exps_repo.path, "--csv", "--filter", "__import__('os')", check=False)
    assert result.returncode == 2
    assert "not allowed" in result.stderr and "Traceback" not in result.stderr


def test_plain_directory_outside_git(tmp_path: Path) -> None:
    run_dir = tmp_path / "outside" / "run1"
    script = textwrap.dedent(
        f"""
        from dvclive import Live
        with Live({str(run_dir)!r}, report=None) as live:
            live.log_param("lr", 0.3)
            for i in range(3):
                live.log_metric("loss", 1.0 / (i + 1))
                live.next_step()
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, check=True, env=rb.env())
    result = rb.run(tmp_path / "outside", rb.TUI, "compare", "--csv", "run1")
    rows = csv_rows(result.stdout)
    assert rows["run1"]["lr"] == "0.3"
    assert rows["run1"]["loss"] == str(1.0 / 3)
    as_json = json.loads(rb.run(tmp_path / "outside", rb.TUI, "compare", "--json", "run1").stdout)
    assert as_json[0]["rev"] == "run1"
    assert as_json[0]["data"]["params"]["dvclive/params.yaml"]["data"] == {"lr": 0.3}


def test_no_git_and_no_directory_says_what_is_missing(tmp_path: Path) -> None:
    result = rb.run(tmp_path, rb.TUI, "compare", "--json", check=False)
    assert result.returncode == 2
    assert "not in a git repository" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_revision_is_a_usage_error(exps_repo: ExperimentsRepo) -> None:
    result = rb.tui_compare(exps_repo.path, "--json", "--rev", "no-such-branch", check=False)
    assert result.returncode == 2
    assert "unknown git revision 'no-such-branch'" in result.stderr
    assert "Traceback" not in result.stderr


def test_rev_selects_baselines(exps_repo: ExperimentsRepo) -> None:
    document = json.loads(rb.tui_compare(exps_repo.path, "--json", "--rev", "other").stdout)
    assert [entry["rev"] for entry in document] == ["workspace", exps_repo.other]
    assert document[1]["name"] == "other"
    assert [r["name"] for r in document[1]["experiments"]] == ["o-exp"]


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = rb.run(tmp_path, rb.TUI, "compare", "--csv", "nope", check=False)
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_running_workspace_experiment_is_running(tmp_path: Path) -> None:
    repo = tmp_path / "live"
    rb.init_repo(repo)
    go = repo / "go"
    script = textwrap.dedent(
        f"""
        import time, pathlib
        from dvclive import Live
        with Live(save_dvc_exp=True, exp_name="live-one", report=None) as live:
            live.log_param("lr", 0.7)
            live.log_metric("loss", 0.5)
            live.next_step()
            pathlib.Path({str(repo / "started")!r}).touch()
            while not pathlib.Path({str(go)!r}).exists():
                time.sleep(0.05)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=repo, env=rb.env())
    try:
        deadline = time.time() + 60
        while not (repo / "started").exists():
            assert proc.poll() is None and time.time() < deadline
            time.sleep(0.05)
        rows = csv_rows(rb.tui_compare(repo, "--csv").stdout)
        assert rows["workspace"]["State"] == "Running"  # a dvclive run owns the workspace
        assert rows["workspace"]["lr"] == "0.7"
    finally:
        go.touch()
        proc.wait(timeout=60)
    rows = csv_rows(rb.tui_compare(repo, "--csv").stdout)
    assert rows["live-one"]["typ"] == "branch_base"  # saved: now a committed experiment
    assert "State" not in rows["workspace"]  # nothing runs: DVC's CSV has no State column


@contextlib.asynccontextmanager
async def compare_screen(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[CompareApp, Pilot[None], CompareScreen, list[str]]]:
    """The compare app on ``repo`` at 80x24: app, pilot, table screen and row labels."""
    monkeypatch.chdir(repo)
    app = CompareApp(load_experiments(repo), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        yield app, pilot, screen, [exp.label for exp in screen.view.rows]


async def test_tui_on_real_repo_overlays_curves_from_git_objects(
    exps_repo: ExperimentsRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with compare_screen(exps_repo.path, monkeypatch) as (_app, pilot, screen, rows):
        for name in ("e-fast", "e-slow"):
            screen.table.move_cursor(row=rows.index(name))
            await pilot.press("space")
        chart = await open_overlay(pilot, "train/loss")
        by_label = {series.label: series for series in chart.series}
        assert set(by_label) == {"e-fast", "e-slow"}
        assert len(by_label["e-slow"].steps) == 4 and len(by_label["e-fast"].steps) == 3
        assert by_label["e-slow"].values[0] == pytest.approx(0.01)


def test_repository_without_commits_prints_what_dvc_prints(tmp_path: Path) -> None:
    rb.git(tmp_path, "init", "-q")
    rb.run(tmp_path, rb.DVC, "init", "-q")
    assert json.loads(rb.tui_compare(tmp_path, "--json").stdout) == rb.dvc_exp_show(tmp_path)


async def test_tui_error_cell_shows_the_message(
    exps_repo: ExperimentsRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with compare_screen(exps_repo.path, monkeypatch) as (app, pilot, screen, rows):
        labels = [str(c.label).split("\n")[-1] for c in screen.table.columns.values()]
        screen.table.move_cursor(row=rows.index("bad"), column=labels.index("acc"))
        await pilot.pause()
        status = str(screen.query_one("#status-line", Static).render())
        assert "! unable to read: 'dvclive/metrics.json', JSON file structure is corrupted" in (
            status
        )
        assert str(screen.table.get_cell_at(screen.table.cursor_coordinate)) == "!"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChartsScreen)


def test_folder_of_runs_gives_one_row_per_run(tmp_path: Path) -> None:
    from tests.compare.factory import write_run

    for name, lr in (("a", 0.1), ("b", 0.2)):
        write_run(tmp_path / "runs" / name, {"lr": lr}, [1.0, 0.5], [0.1, 0.2])
    rows = csv_rows(rb.run(tmp_path, rb.TUI, "compare", "--csv", "runs").stdout)
    assert rows["runs/a/dvclive"]["lr"] == "0.1" and rows["runs/b/dvclive"]["lr"] == "0.2"
