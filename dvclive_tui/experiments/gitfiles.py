"""Plain-file access to a git directory: refs, HEAD, reflogs, simple ignore rules.

Git libraries cost more to import than compare spends reading a repository, so refs are
read as git writes them: loose files under ``refs/``, ``packed-refs``, ``HEAD`` and the
reflogs under ``logs/``. A reftable repository returns ``None``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

_SHA = re.compile(r"^[0-9a-f]{40}$")


def find_git_dir(start: Path) -> tuple[Path, Path] | None:
    """``(working tree root, git directory)`` above ``start``, or ``None`` outside git.

    A ``.git`` file (a linked worktree or a submodule) names its git directory with
    ``gitdir: <path>``; its refs and objects are in :func:`common_dir`.
    """
    for folder in (start, *start.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return folder, candidate
        if candidate.is_file():
            try:
                content = candidate.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if not content.startswith("gitdir: "):
                return None
            git_dir = (folder / content[len("gitdir: ") :]).resolve()
            return (folder, git_dir) if git_dir.is_dir() else None
    return None


def common_dir(git_dir: Path) -> Path:
    """Where a worktree's shared refs and objects live (``commondir``), else ``git_dir``."""
    try:
        content = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    return (git_dir / content).resolve() if content else git_dir


def read_refs(git_dir: Path) -> tuple[dict[str, str], dict[str, str]] | None:
    """``(ref -> sha, tag ref -> peeled commit sha)`` from loose refs and ``packed-refs``
    (its ``^`` lines give an annotated tag's commit).

    Broken loose refs are skipped as git skips them; ``None`` for a reftable repository
    or an unreadable ``packed-refs``.
    """
    if (git_dir / "reftable").exists():
        return None
    refs: dict[str, str] = {}
    peeled: dict[str, str] = {}
    try:
        packed = (git_dir / "packed-refs").read_text(encoding="utf-8")
    except FileNotFoundError:
        packed = ""
    except OSError:
        return None
    last: str | None = None
    for line in packed.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("^"):
            if last is not None and _SHA.match(line[1:]):
                peeled[last] = line[1:]
            continue
        sha, _, name = line.partition(" ")
        if not _SHA.match(sha) or not name:
            return None
        refs[name] = sha
        last = name
    for name, content in _loose_refs(os.path.join(git_dir, "refs"), "refs/"):
        if content.startswith("ref: "):
            continue  # symbolic (refs/remotes/origin/HEAD): never a baseline or exp
        if not _SHA.match(content):
            continue  # a broken ref: git ignores it with a warning
        refs[name] = content
        peeled.pop(name, None)
    return refs, peeled


def _loose_refs(folder: str, prefix: str) -> list[tuple[str, str]]:
    """``(ref name, stripped content)`` of every loose ref below ``folder``."""
    found: list[tuple[str, str]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_dir:
            found.extend(_loose_refs(entry.path, f"{prefix}{entry.name}/"))
        elif not entry.name.endswith(".lock"):  # a ref being written: git ignores it
            try:
                handle = os.open(entry.path, os.O_RDONLY)
            except OSError:
                continue
            try:
                content = os.read(handle, 128)
            except OSError:
                continue
            finally:
                os.close(handle)
            found.append((prefix + entry.name, content.decode("utf-8", "replace").strip()))
    return found


def read_head(git_dir: Path) -> tuple[str | None, str | None] | None:
    """``(branch ref or None when detached, sha or None when unborn)``."""
    try:
        content = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if content.startswith("ref: "):
        return content[5:], None
    return (None, content) if _SHA.match(content) else None


def read_reflog(git_dir: Path, ref: str) -> list[tuple[str, str]] | None:
    """``[(message, new sha)]`` newest first, as pygit2's ``Reference.log()``."""
    try:
        text = (git_dir / "logs" / ref).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError:
        return None
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        header, _, message = line.partition("\t")
        parts = header.split(" ")
        if len(parts) < 2 or not _SHA.match(parts[1]):
            return None
        entries.append((message, parts[1]))
    entries.reverse()
    return entries


def simple_ignore(root: Path, git_dir: Path | None) -> Callable[[str], bool] | None:
    """A conservative folder test from the root ``.gitignore`` and ``info/exclude``.

    Only plain names (``data``, ``/data``, ``models/``, ``out/runs``) are understood; a
    negation anywhere disables it (``None``), wildcard lines are skipped. It only decides
    which folders the ``dvc.yaml`` search looks into shallowly, so being conservative
    costs time, never results.
    """
    lines: list[str] = []
    for path in (root / ".gitignore", git_dir / "info" / "exclude" if git_dir else None):
        if path is None:
            continue
        try:
            lines.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
        except OSError:
            continue
    anchored: set[str] = set()
    names: set[str] = set()
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            return None
        if any(char in line for char in "*?[\\"):
            continue
        line = line.rstrip("/")
        if line.startswith("/") or "/" in line:
            anchored.add(line.lstrip("/"))
        elif line:
            names.add(line)
    if not anchored and not names:
        return None

    def ignored(path: str) -> bool:
        rel = path.rstrip("/")
        return rel in anchored or rel.rsplit("/", 1)[-1] in names

    return ignored
