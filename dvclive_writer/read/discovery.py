"""Finding dvclive directories under a repository or a parent folder.

Includes DVC's queued and ``--temp`` run workspaces (``.dvc/tmp/exps/tmpXXXX/`` and
``.dvc/tmp/exps/standalone/tmpXXXX/``), where the live files of such runs are written;
skips ``.git``, virtual environments, ``node_modules``, caches and the DVC cache.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

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


class RunPathError(ValueError):
    """A PATH argument that is missing or not a directory (one readable line)."""


class NoRunsFound(RunPathError):
    """A directory that holds no dvclive directory."""


def resolve_runs(path: str, unreadable: list[Path] | None = None) -> list[Path]:
    """The dvclive directories a command's PATH argument names (see :func:`discover_runs`).

    Raises :class:`RunPathError` when ``path`` does not exist, is not a directory or cannot
    be read, and :class:`NoRunsFound` when no dvclive directory is found under it; the
    messages quote ``path`` escaped, ready for one ``Error:`` line. Folders below that
    cannot be searched are appended to ``unreadable``.
    """
    root = Path(path)
    shown = terminal_text(path)
    check_directory(root)
    found_unreadable: list[Path] = []
    run_dirs = discover_runs(root, found_unreadable)
    if unreadable is not None:
        unreadable.extend(found_unreadable)
    if not run_dirs and root in found_unreadable:
        raise RunPathError(f"path '{shown}': {os.strerror(errno.EACCES)}")
    if not run_dirs:
        raise NoRunsFound(f"no dvclive directory found under '{shown}'")
    return run_dirs


def check_directory(path: Path) -> None:
    """Raise :class:`RunPathError` unless ``path`` is a directory this process can stat."""
    shown = terminal_text(os.fspath(path))
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as error:
        raise RunPathError(f"path '{shown}': {error.strerror or error}") from None
    if not exists:
        raise RunPathError(f"path '{shown}' does not exist")
    if not is_dir:
        raise RunPathError(f"path '{shown}' is not a directory")


def is_dvclive_dir(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` looks like a dvclive directory.

    It has a ``plots/{metrics,images,sklearn,custom}`` folder, or a ``metrics.json`` next to
    a ``params.yaml``, ``dvc.yaml``, ``report.html`` or ``report.md``, or a ``metrics.json``
    in a folder whose name contains ``dvclive``.
    """
    try:
        return _looks_like_run(Path(path))
    except OSError:  # a folder this user cannot enter
        return False


def _looks_like_run(folder: Path) -> bool:
    plots = folder / "plots"
    if any((plots / name).is_dir() for name in PLOT_FOLDERS):
        return True
    if not (folder / "metrics.json").is_file():
        return False
    if "dvclive" in folder.name.lower():
        return True
    companions = ("params.yaml", "dvc.yaml", "report.html", "report.md")
    return any((folder / name).is_file() for name in companions)


def discover_runs(root: str | os.PathLike[str], unreadable: list[Path] | None = None) -> list[Path]:
    """dvclive directories under ``root`` (``root`` itself if it is one), sorted.

    Workspace runs come first, then runs in DVC's temporary workspaces under
    ``.dvc/tmp/exps``. A found run directory is not searched further. Folders that cannot
    be listed (permission denied) are skipped and appended to ``unreadable``.
    """
    start = Path(root)
    if is_dvclive_dir(start):
        return [start]
    found: list[Path] = []
    _walk(start, 0, found, in_dvc=False, unreadable=[] if unreadable is None else unreadable)
    return sorted(found, key=lambda path: (".dvc" in path.relative_to(start).parts, str(path)))


def _walk(
    folder: Path, depth: int, found: list[Path], *, in_dvc: bool, unreadable: list[Path]
) -> None:
    if depth > MAX_DEPTH:
        return
    for entry in _subfolders(folder, unreadable):
        name = entry.name
        child = Path(entry.path)
        if name == ".dvc" and not in_dvc:
            exps = child / "tmp" / "exps"
            if _is_dir(exps):
                _walk_temp_workspaces(exps, depth, found, unreadable)
            continue
        if name in SKIPPED_NAMES or (name.startswith(".") and name != ".dvclive"):
            continue
        if is_dvclive_dir(child):
            found.append(child)
            continue
        _walk(child, depth + 1, found, in_dvc=in_dvc, unreadable=unreadable)


def _walk_temp_workspaces(
    exps: Path, depth: int, found: list[Path], unreadable: list[Path]
) -> None:
    """Queued runs execute in ``exps/tmpXXXX`` and ``--temp`` runs in
    ``exps/standalone/tmpXXXX`` (DVC's ``mkdtemp`` under its executor folder)."""
    for entry in _subfolders(exps, unreadable):
        if entry.name == STANDALONE_FOLDER and exps.name == "exps":
            _walk_temp_workspaces(Path(entry.path), depth, found, unreadable)
        elif entry.name.startswith("tmp"):
            workspace = Path(entry.path)
            if is_dvclive_dir(workspace):
                found.append(workspace)
            else:
                _walk(workspace, depth + 1, found, in_dvc=True, unreadable=unreadable)


def _subfolders(folder: Path, unreadable: list[Path]) -> list[os.DirEntry[str]]:
    """The folders directly in ``folder`` (symlinks not followed), sorted by name."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda entry: entry.name)
    except PermissionError:
        unreadable.append(folder)
        return []
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


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
