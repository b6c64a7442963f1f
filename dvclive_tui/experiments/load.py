"""One entry point for the compare command: git experiments plus plain directories."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from dvclive_tui.data.discovery import discover_runs, is_dvclive_dir
from dvclive_tui.experiments.collect import NotAGitRepository, RepoReader, Selection, collect_repo
from dvclive_tui.experiments.model import ExperimentSet
from dvclive_tui.experiments.readers import ParseCache
from dvclive_tui.experiments.running import directory_row


class NothingToCompare(Exception):
    """Not in a git repository and no directory given (the message says what is missing)."""


def _label(path: Path, cwd: Path) -> str:
    try:
        return os.path.relpath(path, cwd).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return str(path)


def load_experiments(
    cwd: Path, dirs: Sequence[Path] = (), selection: Selection | None = None
) -> ExperimentSet:
    """Experiments of the git repository around ``cwd`` (if any) and rows for ``dirs``
    (each a dvclive directory or a folder of them).

    Raises :class:`NothingToCompare` when ``cwd`` is outside git and ``dirs`` is empty.
    """
    try:
        reader = RepoReader.open(cwd)
    except NotAGitRepository:
        reader = None
    if reader is None and not dirs:
        raise NothingToCompare(
            f"{cwd} is not in a git repository; run inside one or pass dvclive directories"
        )
    if reader is not None:
        result = collect_repo(reader, selection or Selection())
        cache = reader.parsed
    else:
        result = ExperimentSet()
        cache = ParseCache()
    for path in dirs:
        for run_dir in expand_run_dirs(path.resolve()):
            result.experiments.append(directory_row(run_dir, cache, _label(run_dir, cwd)))
    return result


def expand_run_dirs(path: Path) -> list[Path]:
    """``path`` itself when it is a dvclive directory, else the runs found below it
    (the data layer's discovery); ``path`` alone when nothing is found (an empty row)."""
    if is_dvclive_dir(path):
        return [path]
    return discover_runs(path) or [path]
