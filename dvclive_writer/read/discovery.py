"""Finding dvclive directories under a repository or a parent folder.

Includes DVC's queued and ``--temp`` run workspaces (``.dvc/tmp/exps/tmpXXXX/`` and
``.dvc/tmp/exps/standalone/tmpXXXX/``), where the live files of such runs are written;
skips ``.git``, virtual environments, ``node_modules``, caches and the DVC cache. Folders
are looked at through :mod:`~dvclive_writer.read.files` (links to folders are not entered):
a folder that cannot be listed is a problem reported to the caller, never an exception.
"""

from __future__ import annotations

import os
from pathlib import Path

from dvclive_writer.read.files import Unreadable, probe, stat_path
from dvclive_writer.read.listing import subfolders
from dvclive_writer.read.naming import natural_key
from dvclive_writer.text_safety import terminal_text

#: Sub-folders of ``plots/`` that only dvclive writes.
PLOT_FOLDERS = ("metrics", "images", "sklearn", "custom")
SKIPPED_NAMES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
    }
)
MAX_DEPTH = 8
STANDALONE_FOLDER = "standalone"
"""``.dvc/tmp/exps/standalone``: where ``dvc exp run --temp`` makes its workspaces."""


#: Folders of a run that hold its own files, never nested runs.
RUN_OWN_FOLDERS = frozenset({"plots", "artifacts"})


class RunPathError(ValueError):
    """A PATH argument that is missing or not a directory (one readable line)."""


class NoRunsFound(RunPathError):
    """A directory that holds no dvclive directory."""


class LegacyLayout(RunPathError):
    """A directory in the DVCLive 0.x layout, which is not read (one readable line)."""


def resolve_runs(path: str, problems: list[str] | None = None) -> list[Path]:
    """The dvclive directories a command's PATH argument names (see :func:`discover_runs`).

    Raises :class:`RunPathError` when ``path`` does not exist, cannot be read or is not a
    directory, and :class:`NoRunsFound` when no dvclive directory is found under it; the
    messages quote ``path`` escaped, ready for one ``Error:`` line. Folders of the search
    that cannot be listed are added to ``problems``.
    """
    root = Path(path)
    shown = terminal_text(path)
    check_directory(root)
    found_problems: list[str] = []
    run_dirs = discover_runs(root, found_problems)
    if problems is not None:
        problems.extend(found_problems)
    own = f"{terminal_text(str(root))}: "
    for problem in found_problems:
        if not run_dirs and problem.startswith(own):  # PATH itself cannot be listed
            raise RunPathError(f"path '{shown}': {problem[len(own) :]}")
    if not run_dirs:
        legacy = legacy_layout(root)
        if legacy is not None:
            raise LegacyLayout(legacy)
        raise NoRunsFound(f"no dvclive directory found under '{shown}'")
    return run_dirs


def check_directory(path: Path) -> None:
    """Raise :class:`RunPathError` unless ``path`` is a directory this process can stat."""
    shown = terminal_text(os.fspath(path))
    try:
        found = stat_path(os.fspath(path))
    except Unreadable as error:
        raise RunPathError(f"path '{shown}': {error}") from None
    if found is None:
        raise RunPathError(f"path '{shown}' does not exist")
    if found.kind != "dir":
        raise RunPathError(f"path '{shown}' is not a directory")


def legacy_layout(path: str | os.PathLike[str]) -> str | None:
    """A one-line refusal when ``path`` (or a folder directly in it) holds the DVCLive 0.x
    layout: metric ``*.tsv`` files at the top of the folder and the summary beside it
    (``dvclive/`` + ``dvclive.json``); ``None`` otherwise."""
    start = Path(path)
    for folder in (start, *(Path(entry.path) for entry in subfolders(start)[0])):
        summary = folder.parent / f"{folder.name}.json"
        try:
            has_tsv = any(name.endswith(".tsv") for name in os.listdir(folder))
        except OSError:
            continue
        if has_tsv and _kind(summary) == "file" and not is_dvclive_dir(folder):
            shown = terminal_text(str(folder))
            return (
                f"'{shown}' is in the DVCLive 0.x layout ({folder.name}/*.tsv + "
                f"{folder.name}.json), which is not read; dvclive 1.0 and later write "
                "plots/metrics/*.tsv and metrics.json"
            )
    return None


def is_dvclive_dir(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` looks like a dvclive directory.

    It has a ``plots/{metrics,images,sklearn,custom}`` folder, or a ``metrics.json`` next to
    a ``params.yaml``, ``dvc.yaml``, ``report.html`` or ``report.md``, or a ``metrics.json``
    in a folder whose name contains ``dvclive``.
    """
    folder = Path(path)
    plots = folder / "plots"
    if any(_kind(plots / name) == "dir" for name in PLOT_FOLDERS):
        return True
    if _kind(folder / "metrics.json") != "file":
        return False
    if "dvclive" in folder.name.lower():
        return True
    companions = ("params.yaml", "dvc.yaml", "report.html", "report.md")
    return any(_kind(folder / name) == "file" for name in companions)


def discover_runs(root: str | os.PathLike[str], problems: list[str] | None = None) -> list[Path]:
    """dvclive directories under ``root`` (``root`` itself if it is one), sorted.

    Workspace runs come first, then runs in DVC's temporary workspaces under
    ``.dvc/tmp/exps``. Runs may nest (``Live("dvclive")`` for a cross-validation's summary,
    ``Live("dvclive/fold_0")``... for its folds): a run's folders other than its own
    (:data:`RUN_OWN_FOLDERS`) are searched too. A folder that cannot be listed adds
    ``"<folder>: <why>"`` to ``problems`` (when given) and is skipped.
    """
    start = Path(root)
    found: list[Path] = []
    search = _Search(found, problems if problems is not None else [])
    if is_dvclive_dir(start):
        found.append(start)
        search.walk(start, 0, in_dvc=False, in_run=True)
        return sorted(found, key=lambda path: (path != start, natural_key(path)))
    search.walk(start, 0, in_dvc=False)
    return sorted(
        found, key=lambda path: (".dvc" in path.relative_to(start).parts, natural_key(path))
    )


class _Search:
    """One search: the runs found and the folders that could not be listed."""

    def __init__(self, found: list[Path], problems: list[str]) -> None:
        self.found = found
        self.problems = problems

    def walk(self, folder: Path, depth: int, *, in_dvc: bool, in_run: bool = False) -> None:
        if depth > MAX_DEPTH:
            return
        for entry in self._subfolders(folder):
            name = entry.name
            child = Path(entry.path)
            if name == ".dvc" and not in_dvc:
                exps = child / "tmp" / "exps"
                if _kind(exps) == "dir":
                    self.walk_temp_workspaces(exps, depth)
                continue
            if name in SKIPPED_NAMES or (name.startswith(".") and name != ".dvclive"):
                continue
            if in_run and name in RUN_OWN_FOLDERS:
                continue
            run = is_dvclive_dir(child)
            if run:
                self.found.append(child)
            self.walk(child, depth + 1, in_dvc=in_dvc, in_run=run)

    def walk_temp_workspaces(self, exps: Path, depth: int) -> None:
        """Queued runs execute in ``exps/tmpXXXX`` and ``--temp`` runs in
        ``exps/standalone/tmpXXXX`` (DVC's ``mkdtemp`` under its executor folder)."""
        for entry in self._subfolders(exps):
            if entry.name == STANDALONE_FOLDER and exps.name == "exps":
                self.walk_temp_workspaces(Path(entry.path), depth)
            elif entry.name.startswith("tmp"):
                workspace = Path(entry.path)
                run = is_dvclive_dir(workspace)
                if run:
                    self.found.append(workspace)
                self.walk(workspace, depth + 1, in_dvc=True, in_run=run)

    def _subfolders(self, folder: Path) -> list[os.DirEntry[str]]:
        entries, problem = subfolders(folder)
        if problem is not None:
            self.problems.append(f"{terminal_text(str(folder))}: {problem}")
        return entries


def _kind(path: Path) -> str | None:
    """``"file"``, ``"dir"`` or ``"other"`` (links followed), ``None`` when missing or not
    looked at (no permission)."""
    found = probe(path)
    return None if found is None else found.kind
