"""``dvclive-tui snap``: a run's dashboard printed once, width-aware, plain when piped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sklearn.metrics import roc_auc_score

from dvclive_tui.cli import cli
from tests.charts.sample_runs import LABELS, SCORES, write_run


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(tmp_path_factory.mktemp("snap") / "dvclive")


def snap(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["snap", *args])
    return result.exit_code, result.output


def test_snap_prints_every_part_of_the_dashboard(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(run_dir.parent)
    code, output = snap("dvclive", "--width", "100")
    assert code == 0, output
    lines = output.splitlines()
    # Just written, so the status may still read as running.
    assert lines[0].startswith(
        ("dvclive  ✓ finished  ·  step 39", "dvclive  ● running  ·  step 39")
    )
    for section in ("Metrics", "System", "Params", "Summary", "Plots", "Images"):
        assert any(line.startswith(section + " ─") for line in lines), section
    assert "train/loss" in output and "val/acc" in output
    system_at = next(i for i, line in enumerate(lines) if line.startswith("System ─"))
    assert "system/cpu/usage (%)" in "\n".join(lines[system_at:])
    assert any(0x2800 < ord(char) <= 0x28FF for char in output)  # braille charts
    assert "optimizer.name" in output and "adam" in output  # flattened params
    assert "optimizer.lr" in output and "0.001" in output
    assert f"AUC {roc_auc_score(LABELS, SCORES):.3f}" in output
    assert "Confusion Matrix" in output and "True Label →" in output
    assert "samples.png" in output


@pytest.mark.parametrize("width", [40, 80, 137])
def test_no_line_is_longer_than_the_width(run_dir: Path, width: int) -> None:
    code, output = snap(str(run_dir), "--width", str(width))
    assert code == 0
    assert max(len(line) for line in output.splitlines()) <= width
    if width >= 80:
        # Two metric charts side by side: both titles on one line.
        assert any("train/loss" in line and "val/acc" in line for line in output.splitlines())


def test_header_keeps_every_fact_at_60_columns(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(run_dir.parent)
    code, output = snap("dvclive", "--width", "60")
    assert code == 0
    header = output.splitlines()[0]
    assert len(header) <= 60 and "…" not in header, header
    assert header.startswith("dvclive ") and " · step 39 · elapsed " in header
    assert header.endswith(" ago"), header


def test_discovers_runs_under_a_folder(run_dir: Path) -> None:
    code, output = snap(str(run_dir.parent))
    assert code == 0
    assert "train/loss" in output


def test_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["snap", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: path '{tmp_path / 'nope'}' does not exist"
    ]
    empty = CliRunner().invoke(cli, ["snap", str(tmp_path)])
    assert empty.exit_code == 2
    assert "no dvclive directory found" in empty.output


def test_control_and_escape_characters_are_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "dvclive"
    (folder / "plots" / "metrics").mkdir(parents=True)
    (folder / "plots" / "metrics" / "lo\x1b[31mss.tsv").write_text(
        "step\tlo\x1b[31mss\n0\t1.0\n1\t0.5\n"
    )
    (folder / "metrics.json").write_text(json.dumps({"no\x1b]0;pwned\x07te": "x\x9by"}))
    code, output = snap(str(folder))
    assert code == 0, output
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output
    assert "lo\\x1b[31mss" in output
    assert "no\\x1b]0;pwned\\x07te" in output and "x\\x9by" in output


def test_piped_output_is_plain_and_never_loads_textual(run_dir: Path) -> None:
    code = (
        "import sys\n"
        "from dvclive_tui.cli import main\n"
        "try:\n"
        f"    main(['snap', {str(run_dir)!r}])\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100  # default width when not a terminal
    assert lines[0].startswith(run_dir.name + " ")  # named as watch names it


def test_a_terminal_gets_palette_colours_and_heat_backgrounds(run_dir: Path) -> None:
    import io

    from rich.console import Console

    from dvclive_tui.commands.snap import print_run
    from dvclive_writer.read.reader import load_run

    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=True, color_system="truecolor")
    print_run(console, load_run(run_dir), 100)
    output = buffer.getvalue()
    assert "\x1b[38;2;230;159;0m" in output  # Okabe-Ito orange: the first metric chart
    assert "48;2;" in output  # confusion matrix heat cells (background colours)
