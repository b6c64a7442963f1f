"""Finding dvclive directories under a repository or a parent folder.

Includes DVC's queued and ``--temp`` run workspaces (``.dvc/tmp/exps/tmpXXXX/`` and
``.dvc/tmp/exps/standalone/tmpXXXX/``), where the live files of such runs are written;
skips ``.git``, virtual environments, ``node_modules``, caches and the DVC cache.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

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
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


#: Folders of a run that hold its own files, never nested runs.
RUN_OWN_FOLDERS = frozenset({"plots", "artifacts"})


class RunPathError(ValueError):
    """A PATH argument that is missing or not a directory (one readable line)."""


class NoRunsFound(RunPathError):
    """A directory that holds no dvclive directory."""


class LegacyLayout(RunPathError):
    """A directory in the DVCLive 0.x layout, which is not read (one readable line)."""


def resolve_runs(path: str) -> list[Path]:
    """The dvclive directories a command's PATH argument names (see :func:`discover_runs`).

    Raises :class:`RunPathError` when ``path`` does not exist or is not a directory, and
    :class:`NoRunsFound` when no dvclive directory is found under it; the messages quote
    ``path`` without control characters, ready for one ``Error:`` line.
    """
    root = Path(path)
    shown = _CONTROL.sub("", path)
    if not root.exists():
        raise RunPathError(f"path '{shown}' does not exist")
    if not root.is_dir():
        raise RunPathError(f"path '{shown}' is not a directory")
    run_dirs = discover_runs(root)
    if not run_dirs:
        legacy = legacy_layout(root)
        if legacy is not None:
            raise LegacyLayout(legacy)
        raise NoRunsFound(f"no dvclive directory found under '{shown}'")
    return run_dirs


def legacy_layout(path: str | os.PathLike[str]) -> str | None:
    """A one-line refusal when ``path`` (or a folder directly in it) holds the DVCLive 0.x
    layout: metric ``*.tsv`` files at the top of the folder and the summary beside it
    (``dvclive/`` + ``dvclive.json``); ``None`` otherwise."""
    start = Path(path)
    for folder in (start, *(Path(entry.path) for entry in _subfolders(start))):
        summary = folder.parent / f"{folder.name}.json"
        try:
            has_tsv = any(name.endswith(".tsv") for name in os.listdir(folder))
        except OSError:
            continue
        if has_tsv and summary.is_file() and not is_dvclive_dir(folder):
            shown = _CONTROL.sub("", str(folder))
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
    if any((plots / name).is_dir() for name in PLOT_FOLDERS):
        return True
    if not (folder / "metrics.json").is_file():
        return False
    if "dvclive" in folder.name.lower():
        return True
    companions = ("params.yaml", "dvc.yaml", "report.html", "report.md")
    return any((folder / name).is_file() for name in companions)


def discover_runs(root: str | os.PathLike[str]) -> list[Path]:
    """dvclive directories under ``root`` (``root`` itself if it is one), sorted.

    Workspace runs come first, then runs in DVC's temporary workspaces under
    ``.dvc/tmp/exps``. Runs may nest (``Live("dvclive")`` for a cross-validation's summary,
    ``Live("dvclive/fold_0")``... for its folds): a run's folders other than its own
    (:data:`RUN_OWN_FOLDERS`) are searched too.
    """
    start = Path(root)
    found: list[Path] = []
    if is_dvclive_dir(start):
        found.append(start)
        _walk(start, 0, found, in_dvc=False, in_run=True)
        return sorted(found, key=lambda path: (path != start, str(path)))
    _walk(start, 0, found, in_dvc=False)
    return sorted(found, key=lambda path: (".dvc" in path.relative_to(start).parts, str(path)))


def _walk(
    folder: Path, depth: int, found: list[Path], *, in_dvc: bool, in_run: bool = False
) -> None:
    if depth > MAX_DEPTH:
        return
    for entry in _subfolders(folder):
        name = entry.name
        child = Path(entry.path)
        if name == ".dvc" and not in_dvc:
            exps = child / "tmp" / "exps"
            if exps.is_dir():
                _walk_temp_workspaces(exps, depth, found)
            continue
        if name in SKIPPED_NAMES or (name.startswith(".") and name != ".dvclive"):
            continue
        if in_run and name in RUN_OWN_FOLDERS:
            continue
        run = is_dvclive_dir(child)
        if run:
            found.append(child)
        _walk(child, depth + 1, found, in_dvc=in_dvc, in_run=run)


def _walk_temp_workspaces(exps: Path, depth: int, found: list[Path]) -> None:
    """Queued runs execute in ``exps/tmpXXXX`` and ``--temp`` runs in
    ``exps/standalone/tmpXXXX`` (DVC's ``mkdtemp`` under its executor folder)."""
    for entry in _subfolders(exps):
        if entry.name == STANDALONE_FOLDER and exps.name == "exps":
            _walk_temp_workspaces(Path(entry.path), depth, found)
        elif entry.name.startswith("tmp"):
            workspace = Path(entry.path)
            run = is_dvclive_dir(workspace)
            if run:
                found.append(workspace)
            _walk(workspace, depth + 1, found, in_dvc=True, in_run=run)


def _subfolders(folder: Path) -> list[os.DirEntry[str]]:
    """The folders directly in ``folder`` (symlinks not followed), sorted by name."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return []
    found = []
    for entry in listed:
        try:
            if entry.is_dir(follow_symlinks=False):
                found.append(entry)
        except OSError:
            continue
    return found
