"""The ``dvclive-tui`` entry point: help, version, and one-line errors for bad input."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

from dvclive_tui.cli import COMMANDS, SHORT_HELP


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dvclive_tui", *args], capture_output=True, text=True, check=False
    )


def test_help_lists_every_subcommand_without_importing_them() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout
        assert SHORT_HELP[name] in result.stdout


def test_version_matches_the_installed_distribution() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert metadata.version("dvclive-tui") in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--bogus",),
        ("no-such-command",),
        ("watch", "--bogus"),
        ("ls", "--interval"),
        ("compare", "--bogus"),
        ("report", "--bogus"),
        ("report", "--html", "--md"),
        ("report", "--html", "--view"),
    ],
)
def test_bad_flags_exit_2_with_one_readable_line(args: tuple[str, ...]) -> None:
    result = _run(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "error" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["watch", "ls", "snap", "report", "compare"])
def test_missing_directory_exits_2_with_one_line(command: str, tmp_path: object) -> None:
    missing = f"{tmp_path}/does-not-exist"
    result = _run(command, missing)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    # Every command says it the same way.
    assert lines[0] == f"dvclive-tui: error: path '{missing}' does not exist", lines[0]
