"""``dvclive-tui ls``: human and JSON listings, discovery, exit codes, and no Textual."""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dvclive_tui.commands.ls import ls
from tests.data.conftest import STEPS

ROOT = Path(__file__).resolve().parents[2]


def _python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_json_lists_everything_with_stats(inner_layout_run: Path) -> None:
    result = CliRunner().invoke(ls, [str(inner_layout_run), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    (run,) = payload["runs"]
    # The documented structure (dvclive_tui/commands/ls.py), key for key: scripts rely on it.
    assert set(payload) == {"version", "runs"} and payload["version"] == 1
    assert set(run) == {
        "name", "path", "status", "started", "last_write", "metrics", "params", "summary",
        "images", "plots", "warnings",
    }  # fmt: skip
    assert {tuple(metric) for metric in run["metrics"]} == {
        ("name", "path", "count", "last_step", "last", "min", "max")
    }
    assert {tuple(plot) for plot in run["plots"]} == {
        ("name", "kind", "path", "template", "x", "y", "title", "x_label", "y_label", "rows")
    }
    assert run["status"] in {"running", "finished"}
    metrics = {metric["name"]: metric for metric in run["metrics"]}
    loss = metrics["train/loss"]
    assert loss["count"] == STEPS and loss["last_step"] == STEPS - 1
    assert loss["last"] == pytest.approx(1 / STEPS)
    assert loss["min"] == pytest.approx(1 / STEPS) and loss["max"] == 1.0
    odd = metrics["odd"]  # nan at odd steps, inf at even ones: JSON has no NaN
    assert odd["last"] == "nan" and odd["min"] == "inf" and odd["max"] == "inf"
    assert run["params"]["optimizer"]["name"] == "adam"
    assert run["summary"]["step"] == STEPS - 1
    images = {image["name"]: image for image in run["images"]}
    assert images["samples"] == {
        "name": "samples",
        "frames": STEPS,
        "first_step": 0,
        "last_step": STEPS - 1,
    }
    plots = {plot["name"]: plot for plot in run["plots"]}
    assert plots["roc"]["template"] == "simple" and plots["roc"]["x"] == "fpr"
    assert plots["cm"]["rows"] == 80
    assert run["warnings"] == []


def test_human_listing_is_plain_when_piped(upstream_layout_run: Path) -> None:
    result = CliRunner().invoke(ls, [str(upstream_layout_run)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "\x1b[" not in text
    rows = [line.split() for line in text.splitlines()]
    for expected in (
        ["train/loss", str(STEPS), str(STEPS - 1), "0.166667", "0.166667", "1"],
        ["lr", "0.01"],
        ["optimizer.name", "adam"],
        ["step", str(STEPS - 1)],
        ["samples", str(STEPS), f"0-{STEPS - 1}"],
        ["roc", "sklearn", "simple", "14"],
    ):
        assert expected in rows, text


def test_human_listing_fits_80_columns_one_item_per_line(upstream_layout_run: Path) -> None:
    from rich.console import Console

    from dvclive_tui.commands.ls import print_runs
    from dvclive_writer.read.reader import load_run

    run = load_run(upstream_layout_run)
    run.params["a_rather_long_parameter_name_for_the_augmentation_pipeline"] = "x" * 90
    out = io.StringIO()
    print_runs(Console(file=out, width=80, color_system=None), [run])
    text = out.getvalue()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80, text
    cm = next(line for line in lines if line.startswith("cm "))
    assert cm.split() == ["cm", "sklearn", "confusion_normalized", "80"], text
    samples = next(line for line in lines if line.startswith("samples "))
    assert samples.split() == ["samples", str(STEPS), f"0-{STEPS - 1}"], text
    assert "x" * 90 not in text and text.count("x" * 20) >= 2  # folded, not cut


def test_a_repository_lists_every_discovered_run(upstream_layout_run: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(upstream_layout_run, repo / "dvclive")
    shutil.copytree(upstream_layout_run, repo / ".dvc" / "tmp" / "exps" / "tmpab12" / "dvclive")
    shutil.copytree(upstream_layout_run, repo / ".venv" / "lib" / "dvclive")
    result = CliRunner().invoke(ls, [str(repo), "--json"])
    assert result.exit_code == 0, result.output
    names = [run["name"] for run in json.loads(result.output)["runs"]]
    assert names == ["dvclive", ".dvc/tmp/exps/tmpab12/dvclive"]


def test_warnings_are_listed(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    (run_dir / "plots" / "metrics").mkdir(parents=True)
    (run_dir / "plots" / "metrics" / "x.tsv").write_bytes(b"step\tx\n0\tfoo\n1\t2\n")
    result = CliRunner().invoke(ls, [str(run_dir), "--json"])
    (run,) = json.loads(result.output)["runs"]
    assert run["warnings"][0]["path"] == "plots/metrics/x.tsv"
    assert "non-numeric" in run["warnings"][0]["message"]
    assert run["metrics"][0]["min"] == 2.0 and math.isfinite(run["metrics"][0]["max"])
    human = CliRunner().invoke(ls, [str(run_dir)])
    assert "warning  plots/metrics/x.tsv: 1 non-numeric" in human.output


def test_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _python("-m", "dvclive_tui", "ls", str(tmp_path / "nope"), cwd=ROOT)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0], result.stderr


def test_folder_without_runs_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(ls, [str(tmp_path)])
    assert result.exit_code == 2  # as in snap, report and compare
    assert "no dvclive directory found" in result.output


@pytest.mark.parametrize("extra", [["--json"], []])
def test_subprocess_never_imports_textual(inner_layout_run: Path, extra: list[str]) -> None:
    code = (
        "import sys, json\n"
        "from dvclive_tui.cli import cli\n"
        f"cli.main(['ls', {str(inner_layout_run)!r}, *{extra!r}], standalone_mode=False)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = _python("-c", code, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    listing, modules_line = result.stdout.rsplit("\n", 2)[0], result.stdout.splitlines()[-1]
    if extra:
        assert json.loads(listing)["runs"][0]["summary"]["step"] == STEPS - 1
    else:
        assert "train/loss" in listing
    modules = set(json.loads(modules_line))
    assert "textual" not in modules
    if extra:  # the JSON path needs no terminal rendering
        assert "rich" not in modules


def test_default_path_is_the_current_directory(
    inner_layout_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(inner_layout_run.parent)
    result = _python("-m", "dvclive_tui", "ls", "--json", cwd=inner_layout_run.parent)
    assert result.returncode == 0, result.stderr
    assert [run["name"] for run in json.loads(result.stdout)["runs"]] == ["dvclive"]


def test_a_file_or_an_escape_laden_path_is_one_clean_line(tmp_path: Path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("x\n")
    result = CliRunner().invoke(ls, [str(afile)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: path '{afile}' is not a directory"]
    result = CliRunner().invoke(ls, [str(tmp_path / "no\x1b[31mpe")])
    assert result.exit_code == 2 and "\x1b" not in result.output
    assert f"path '{tmp_path / 'no'}\\x1b[31mpe' does not exist" in result.output
