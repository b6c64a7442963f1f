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
from typing import Protocol

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


RUN_SUMMARY = "metrics.json"
"""The file a run writes its summary to."""
RUN_COMPANIONS = ("params.yaml", "dvc.yaml", "report.html", "report.md")
"""Files that, beside :data:`RUN_SUMMARY`, make a folder a run."""
TEMP_WORKSPACES = ".dvc/tmp/exps"
"""Where DVC's queued and ``--temp`` runs have their workspaces (below a repository)."""

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


class Tree(Protocol):
    """A folder tree seen through POSIX paths relative to its top (``""``: the top)."""

    def subfolders(self, rel: str) -> list[str]:
        """The names of the folders directly in ``rel``, sorted (links not entered)."""

    def kind(self, rel: str) -> str | None:
        """``"file"``, ``"dir"`` or ``"other"`` (links followed); ``None`` when missing."""

    def name(self, rel: str) -> str:
        """The folder's own name (the top's too)."""


def is_dvclive_dir(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` looks like a dvclive directory.

    It has a ``plots/{metrics,images,sklearn,custom}`` folder, or a ``metrics.json`` next to
    a ``params.yaml``, ``dvc.yaml``, ``report.html`` or ``report.md``, or a ``metrics.json``
    in a folder whose name contains ``dvclive``.
    """
    return is_run_in(_LocalTree(Path(path), []), "")


def is_run_in(tree: Tree, rel: str) -> bool:
    """:func:`is_dvclive_dir` for folder ``rel`` of ``tree``."""
    plots = _join(rel, "plots")
    if any(tree.kind(_join(plots, name)) == "dir" for name in PLOT_FOLDERS):
        return True
    if tree.kind(_join(rel, RUN_SUMMARY)) != "file":
        return False
    if "dvclive" in tree.name(rel).lower():
        return True
    return any(tree.kind(_join(rel, name)) == "file" for name in RUN_COMPANIONS)


def discover_runs(root: str | os.PathLike[str], problems: list[str] | None = None) -> list[Path]:
    """dvclive directories under ``root`` (``root`` itself if it is one), sorted.

    Workspace runs come first, then runs in DVC's temporary workspaces under
    ``.dvc/tmp/exps``. Runs may nest (``Live("dvclive")`` for a cross-validation's summary,
    ``Live("dvclive/fold_0")``... for its folds): a run's folders other than its own
    (:data:`RUN_OWN_FOLDERS`) are searched too. A folder that cannot be listed adds
    ``"<folder>: <why>"`` to ``problems`` (when given) and is skipped.
    """
    start = Path(root)
    tree = _LocalTree(start, problems if problems is not None else [])
    return [start / rel if rel else start for rel in runs_in_tree(tree)]


def runs_in_tree(tree: Tree) -> list[str]:
    """:func:`discover_runs`'s search over any tree (a local folder, a remote listing):
    the run folders, relative to the top, in the same order."""
    search = _Search(tree)
    if is_run_in(tree, ""):
        search.found.append("")
        search.walk("", 0, in_dvc=False, in_run=True)
        return sorted(search.found, key=lambda rel: (rel != "", natural_key(rel)))
    search.walk("", 0, in_dvc=False)
    return sorted(search.found, key=lambda rel: (".dvc" in rel.split("/"), natural_key(rel)))


class _Search:
    """One search: the runs found (relative paths)."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.found: list[str] = []

    def walk(self, folder: str, depth: int, *, in_dvc: bool, in_run: bool = False) -> None:
        if depth > MAX_DEPTH:
            return
        for name in self.tree.subfolders(folder):
            child = _join(folder, name)
            if name == ".dvc" and not in_dvc:
                exps = _join(folder, TEMP_WORKSPACES)
                if self.tree.kind(exps) == "dir":
                    self.walk_temp_workspaces(exps, depth)
                continue
            if name in SKIPPED_NAMES or (name.startswith(".") and name != ".dvclive"):
                continue
            if in_run and name in RUN_OWN_FOLDERS:
                continue
            run = is_run_in(self.tree, child)
            if run:
                self.found.append(child)
            self.walk(child, depth + 1, in_dvc=in_dvc, in_run=run)

    def walk_temp_workspaces(self, exps: str, depth: int) -> None:
        """Queued runs execute in ``exps/tmpXXXX`` and ``--temp`` runs in
        ``exps/standalone/tmpXXXX`` (DVC's ``mkdtemp`` under its executor folder)."""
        for name in self.tree.subfolders(exps):
            workspace = _join(exps, name)
            if name == STANDALONE_FOLDER and exps.rpartition("/")[2] == "exps":
                self.walk_temp_workspaces(workspace, depth)
            elif name.startswith("tmp"):
                run = is_run_in(self.tree, workspace)
                if run:
                    self.found.append(workspace)
                self.walk(workspace, depth + 1, in_dvc=True, in_run=run)


class _LocalTree:
    """A folder on this machine (unlistable folders added to ``problems``)."""

    def __init__(self, top: Path, problems: list[str]) -> None:
        self.top = top
        self.problems = problems

    def _path(self, rel: str) -> Path:
        return self.top / rel if rel else self.top

    def subfolders(self, rel: str) -> list[str]:
        folder = self._path(rel)
        entries, problem = subfolders(folder)
        if problem is not None:
            self.problems.append(f"{terminal_text(str(folder))}: {problem}")
        return [entry.name for entry in entries]

    def kind(self, rel: str) -> str | None:
        return _kind(self._path(rel))

    def name(self, rel: str) -> str:
        return self._path(rel).name


def _join(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name


def _kind(path: Path) -> str | None:
    """``"file"``, ``"dir"`` or ``"other"`` (links followed), ``None`` when missing or not
    looked at (no permission)."""
    found = probe(path)
    return None if found is None else found.kind
