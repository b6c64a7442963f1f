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


class NothingToCompare(Exception):
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
        try:
            self._reader: Any = RepoReader.open(cwd)
        except NotAGitRepository:
            self._reader = None
        if self._reader is not None:
            self._reader.save_interval = save_interval
        if self.selection.remote and self._reader is None:
            raise NothingToCompare(f"--remote needs a git repository; {cwd} is not in one")
        if self._reader is None and not self.dirs:
            raise NothingToCompare(
                f"{cwd} is not in a git repository; run inside one or pass dvclive directories"
            )
        self._cache = self._reader.parsed if self._reader is not None else ParseCache()
        self._remote = None
        if self.selection.remote and self._reader is not None:
            from dvclive_tui.experiments.remote_refs import fetch_remote_experiments

            self._remote = fetch_remote_experiments(
                Path(self._reader.repo.path), self.selection.remote
            )

    def __call__(self) -> ExperimentSet:
        """Every row, read now."""
        from dvclive_tui.experiments.collect import collect_repo

        if self._reader is not None:
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
    *,
    cached: bool = False,
) -> ExperimentSet:
    """Experiments of the git repository around ``cwd`` (if any) and rows for ``dirs``
    (each a dvclive directory or a folder of them).

    ``cached`` first tries the read cache alone (no pygit2, no YAML): the rows then carry
    no ``source`` for lazy loading, which one-shot outputs do not need.
    Raises :class:`NothingToCompare` when ``cwd`` is outside git and ``dirs`` is empty.
    """
    if cached and not (selection and selection.remote):
        from dvclive_tui.experiments.cached import collect_cached

        result = collect_cached(cwd, selection or Selection())
        if result is not None:
            cache = ParseCache()
            for path in dirs:
                for run_dir in expand_run_dirs(path.resolve()):
                    result.experiments.append(
                        directory_row(run_dir, cache, shown_path(run_dir, cwd, outside="relative"))
                    )
            return result
    return ExperimentLoader(cwd, dirs, selection)()


def expand_run_dirs(path: Path) -> list[Path]:
    """``path`` itself when it is a dvclive directory, else the runs found below it
    (the data layer's discovery); ``path`` alone when nothing is found (an empty row)."""
    from dvclive_writer.read.discovery import discover_runs, is_dvclive_dir  # only for DIRS

    if is_dvclive_dir(path):
        return [path]
    return discover_runs(path) or [path]
