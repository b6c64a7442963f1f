"""Runs as of a git revision (a commit, branch, tag or DVC experiment name), read from git objects.

The run directory and the ``dvc.yaml`` files above it are copied from the commit's tree into
a temporary folder, which the data layer then reads like any run directory (so plot
configs, images and parsing behave exactly as on disk). Git objects only (DVC-tracked
outputs from DVC's cache): no checkout, no dvc CLI.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from dvclive_tui.experiments.collect import NotAGitRepository, RepoReader
from dvclive_tui.experiments.sources import FileSource
from dvclive_writer.read.model import Run
from dvclive_writer.read.reader import load_run


class RevisionError(Exception):
    """A revision or path that cannot be read (one readable line)."""


def open_repository(start: Path) -> RepoReader:
    """The git repository containing ``start`` (non-bare), with the experiments' caches."""
    try:
        return RepoReader.open(start)
    except NotAGitRepository as error:
        raise RevisionError(f"{error} (needed for --rev)") from error


def resolve_commit(reader: RepoReader, rev: str) -> str:
    """A commit from a revision or a DVC experiment name (``refs/exps/.../<name>``)."""
    commit = reader.resolve(rev)
    if commit is None:
        raise RevisionError(f"unknown revision or experiment: {rev}")
    return commit


def load_run_at(reader: RepoReader, rev: str, run_dir: Path, scratch: Path) -> Run:
    """The run directory ``run_dir`` (a path in the working tree) as of ``rev``.

    Args:
        reader: The repository (:func:`open_repository`).
        rev: Revision or experiment name.
        run_dir: The dvclive directory, as a path on disk inside the repository.
        scratch: An empty folder to materialise the files in.
    """
    commit = resolve_commit(reader, rev)
    relative = os.path.relpath(run_dir.resolve(), reader.root)
    if relative.startswith(".."):
        raise RevisionError(f"{run_dir} is outside the repository {reader.root}")
    relative = Path(relative).as_posix().strip("/")
    source = reader.read_commit(commit)
    files = source.files_under(relative)
    if not files:
        raise RevisionError(f"{relative}/ does not exist in {rev}")
    (scratch / ".dvc").mkdir(parents=True, exist_ok=True)  # marks the repository root
    wanted = set(files) | _dvcyamls_above(source, relative)
    for path in sorted(wanted):
        data = source.read(path)
        if data is None:
            continue
        target = scratch / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return load_run(scratch / relative, name=rev)


def _dvcyamls_above(source: FileSource, relative: str) -> set[str]:
    """``dvc.yaml`` paths in ``relative`` and each parent up to the root."""
    found = set()
    current = relative
    while True:
        candidate = posixpath.join(current, "dvc.yaml") if current else "dvc.yaml"
        if source.read(candidate) is not None:
            found.add(candidate)
        if not current:
            return found
        current = posixpath.dirname(current)
