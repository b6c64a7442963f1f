"""Cheap Git/DVC detection without importing dvc: walk up for ``.git``/``.dvc``, read HEAD."""

from __future__ import annotations

import os


def find_roots(start: str) -> tuple[str | None, str | None]:
    """``(git_root, dvc_root)``: the nearest ancestors of ``start`` holding ``.git``/``.dvc``."""
    git_root: str | None = None
    dvc_root: str | None = None
    path = os.path.realpath(start)
    while True:
        if dvc_root is None and os.path.isdir(os.path.join(path, ".dvc")):
            dvc_root = path
        if git_root is None and os.path.exists(os.path.join(path, ".git")):
            git_root = path
        if git_root is not None:
            return git_root, dvc_root
        parent = os.path.dirname(path)
        if parent == path:
            return None, dvc_root
        path = parent


def git_dir(git_root: str) -> str | None:
    """The Git directory of the work tree at ``git_root`` (follows a ``gitdir:`` file)."""
    dot_git = os.path.join(git_root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as fobj:
            first = fobj.readline().strip()
    except OSError:
        return None
    if not first.startswith("gitdir:"):
        return None
    target = first[len("gitdir:") :].strip()
    return os.path.normpath(os.path.join(git_root, target))


def git_has_commits(git_root: str) -> bool:
    """True if HEAD of the repository at ``git_root`` resolves to a commit."""
    gdir = git_dir(git_root)
    if gdir is None:
        return False
    try:
        with open(os.path.join(gdir, "HEAD"), encoding="utf-8") as fobj:
            head = fobj.read().strip()
    except OSError:
        return False
    if not head.startswith("ref:"):
        return bool(head)
    ref = head[len("ref:") :].strip()
    common = gdir
    try:
        with open(os.path.join(gdir, "commondir"), encoding="utf-8") as fobj:
            common = os.path.normpath(os.path.join(gdir, fobj.read().strip()))
    except OSError:
        pass
    for base in dict.fromkeys((gdir, common)):
        if os.path.isfile(os.path.join(base, ref)):
            return True
        try:
            with open(os.path.join(base, "packed-refs"), encoding="utf-8") as fobj:
                if any(line.rstrip("\n").endswith(f" {ref}") for line in fobj):
                    return True
        except OSError:
            pass
    return _has_reftable_head(common)


def _has_reftable_head(common: str) -> bool:
    """Repositories using the reftable backend keep refs in binary tables; ask git."""
    if not os.path.isdir(os.path.join(common, "reftable")):
        return False
    import subprocess

    result = subprocess.run(
        ["git", "--git-dir", common, "rev-parse", "--verify", "-q", "HEAD"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0
