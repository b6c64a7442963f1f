"""One entry point for the compare command: git experiments plus plain directories."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dvclive_tui.experiments.model import ExperimentSet
from dvclive_tui.experiments.readers import ParseCache
from dvclive_tui.experiments.refs import Selection
from dvclive_tui.experiments.running import directory_row
from dvclive_writer.read.naming import shown_path


class CannotLoad(Exception):
    """Input the comparison cannot use: the message says why in one line."""


class NothingToCompare(CannotLoad):
    """Not in a git repository and no directory given (the message says what is missing)."""


class ExperimentLoader:
    """Collects the comparison again and again (live refresh), reusing what cannot change:
    the open repository, the ``dvc.yaml`` search per tree and files parsed per blob id."""

    def __init__(
        self,
        cwd: Path,
        dirs: Sequence[Path] = (),
        selection: Selection | None = None,
        *,
        save_interval: float = 0.0,
    ) -> None:
        from dvclive_tui.experiments.collect import NotAGitRepository, RepoReader

        self.cwd = cwd
        self.dirs = list(dirs)
        self.selection = selection or Selection()
        why = f"{cwd} is not in a git repository"
        try:
            self._reader: Any = RepoReader.open(cwd)
        except NotAGitRepository as error:
            self._reader = None
            why = why if "not inside a git repository" in str(error) else str(error)
        if self._reader is not None:
            self._reader.save_interval = save_interval
        if self.selection.remote and self._reader is None:
            raise NothingToCompare(f"--remote needs a git repository; {cwd} is not in one")
        if self._reader is None and not self.dirs:
            raise NothingToCompare(f"{why}; run inside one or pass dvclive directories")
        self._cache = self._reader.parsed if self._reader is not None else ParseCache()
        self._calls = 0
        self._remote = None
        if self.selection.remote and self._reader is not None:
            from dvclive_tui.experiments.remote_refs import (
                RemoteExperimentsError,
                fetch_remote_experiments,
            )

            try:
                self._remote = fetch_remote_experiments(
                    self._reader.git.git_dir, self.selection.remote
                )
            except RemoteExperimentsError as error:
                raise CannotLoad(str(error)) from None

    def one_shot(self) -> None:
        """Allow reading many new commits in a child process (a single-threaded process
        that collects once: the command line's outputs)."""
        if self._reader is not None:
            self._reader.parallel = True

    def __call__(self) -> ExperimentSet:
        """Every row, read now."""
        from dvclive_tui.experiments.collect import collect_repo

        if self._reader is not None:
            if self._calls:
                self._reader.git.reload()  # refs come and go between refreshes
            self._calls += 1
            result = collect_repo(self._reader, self.selection)
            if self._remote is not None:
                from dvclive_tui.experiments.remote_refs import add_remote_rows

                add_remote_rows(self._reader, result, self._remote)
        else:
            result = ExperimentSet()
        for path in self.dirs:
            for run_dir in expand_run_dirs(path.resolve()):
                row = directory_row(
                    run_dir, self._cache, shown_path(run_dir, self.cwd, outside="relative")
                )
                result.experiments.append(row)
        return result


def load_experiments(
    cwd: Path,
    dirs: Sequence[Path] = (),
    selection: Selection | None = None,
) -> ExperimentSet:
    """Experiments of the git repository around ``cwd`` (if any) and rows for ``dirs``
    (each a dvclive directory or a folder of them).

    Raises :class:`NothingToCompare` when ``cwd`` is outside git and ``dirs`` is empty,
    :class:`CannotLoad` for other input it cannot use (a remote, a DVCLive 0.x folder).
    """
    loader = ExperimentLoader(cwd, dirs, selection)
    loader.one_shot()
    return loader()


def expand_run_dirs(path: Path) -> list[Path]:
    """The runs ``path`` holds (itself, runs nested in it, or runs found below it: the
    data layer's discovery); ``path`` alone when nothing is found (an empty row).

    Raises :class:`CannotLoad` (one line) for a folder in the DVCLive 0.x layout.
    """
    from dvclive_writer.read.discovery import discover_runs, legacy_layout  # only for DIRS

    found = discover_runs(path)
    if not found:
        legacy = legacy_layout(path)
        if legacy is not None:
            raise CannotLoad(legacy)
    return found or [path]
