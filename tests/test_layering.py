"""The layers stay apart: the writer and the headless layers never load the TUI stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def top_level_modules_after(imports: str) -> set[str]:
    """Import ``imports`` in a fresh interpreter; return the top-level modules it loaded."""
    code = (
        f"import json, sys, {imports}; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize(
    "heavy", ["textual", "rich", "dvc", "numpy", "sklearn", "PIL", "pandas", "matplotlib"]
)
def test_importing_the_writer_stays_light(heavy: str) -> None:
    assert heavy not in top_level_modules_after("dvclive_writer")


def test_headless_layers_do_not_load_textual() -> None:
    loaded = top_level_modules_after(
        "dvclive_writer.read.reader, dvclive_writer.report.builder, dvclive_tui.cli, "
        "dvclive_tui.charts.view, dvclive_tui.imaging.halfblock, dvclive_tui.experiments.load, "
        "dvclive_tui.monitor.watcher, dvclive_tui.monitor.alerts, dvclive_tui.text"
    )
    assert "textual" not in loaded


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
