"""A git repository read with plain files: refs, HEAD, revisions and objects.

:class:`GitRepo` is what compare needs from git and nothing more, without a git library:
the refs (re-read on :meth:`GitRepo.reload`), ``HEAD``, revision parsing for ``--rev``
(full and short ids, ``HEAD``, branch/tag/ref names as git resolves them, ``~N``, ``^N``,
``^{commit}``) and the object store of :mod:`~dvclive_tui.experiments.gitobjects`.
Anything fancier (``@{1}``, ``:/text``) is handed to pygit2, imported only then.
"""

from __future__ import annotations

import re
from pathlib import Path

from dvclive_tui.experiments.gitfiles import (
    common_dir,
    find_git_dir,
    read_head,
    read_reflog,
    read_refs,
)
from dvclive_tui.experiments.gitobjects import GitObjectError, ObjectStore

_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")
_SHORT_SHA = re.compile(r"^[0-9a-fA-F]{4,39}$")
_SUFFIX = re.compile(r"(\^\{(?:commit)?\}|[~^][0-9]*)$")
_DWIM = ("{}", "refs/{}", "refs/tags/{}", "refs/heads/{}", "refs/remotes/{}")


class NotAGitRepository(Exception):
    """The path is not inside a git repository that compare can read (the message says
    why in one line)."""


class GitRepo:
    """One repository: its working tree, git directory, refs and objects."""

    def __init__(self, root: Path, git_dir: Path) -> None:
        self.root = root
        self.git_dir = git_dir
        self.common_dir = common_dir(git_dir)
        self.objects = ObjectStore(self.common_dir / "objects")
        self.refs: dict[str, str] = {}
        """Ref name -> the id it points at (annotated tags: the tag object)."""
        self.peeled: dict[str, str] = {}
        """Tag ref -> commit, where ``packed-refs`` says so."""
        self.head_ref: str | None = None
        """``refs/heads/<branch>`` when HEAD is on a branch."""
        self.head: str | None = None
        """The commit HEAD points at (``None`` before the first commit)."""
        self.reload()

    @classmethod
    def discover(cls, start: Path) -> GitRepo:
        """The repository containing ``start`` (raises :class:`NotAGitRepository`)."""
        found = find_git_dir(start.resolve())
        if found is None:
            raise NotAGitRepository(f"{start} is not inside a git repository")
        root, git_dir = found
        if (common_dir(git_dir) / "reftable").exists():
            raise NotAGitRepository(f"{git_dir} uses reftable, which is not supported")
        return cls(root.resolve(), git_dir)

    def reload(self) -> None:
        """Read refs and HEAD again (experiments come and go between refreshes)."""
        found = read_refs(self.common_dir)
        if found is None:
            raise NotAGitRepository(f"the refs of {self.common_dir} cannot be read")
        self.refs, self.peeled = found
        head = read_head(self.git_dir)
        if head is None:
            raise NotAGitRepository(f"{self.git_dir / 'HEAD'} cannot be read")
        head_ref, detached = head
        self.head_ref = head_ref if head_ref and head_ref.startswith("refs/heads/") else None
        self.head = self.refs.get(head_ref) if head_ref is not None else detached

    def reflog(self, ref: str) -> list[tuple[str, str]]:
        """``[(message, new id)]`` of a ref's reflog, newest first (empty when none)."""
        return read_reflog(self.common_dir, ref) or []

    def peel_ref(self, ref: str) -> str | None:
        """The commit a ref names (annotated tags followed), or ``None``."""
        sha = self.refs.get(ref)
        if sha is None:
            return None
        peeled = self.peeled.get(ref)
        if peeled is not None:
            return peeled
        if ref.startswith("refs/tags/"):
            try:
                kind, sha = self.objects.peel(sha)
            except GitObjectError:
                return None
            return sha if kind == "commit" else None
        return sha

    def resolve(self, rev: str) -> str | None:
        """The commit a git revision names, or ``None`` when git would not find one."""
        rev = rev.strip()
        if not rev:
            return None
        match = _SUFFIX.search(rev)
        if match and match.start() > 0:
            base = self.resolve(rev[: match.start()])
            return None if base is None else self._step(base, match.group(1))
        if any(token in rev for token in ("@{", ":", "..", " ")):
            return self._resolve_with_pygit2(rev)
        sha = self._name(rev)
        if sha is None:
            return None
        try:
            kind, sha = self.objects.peel(sha)
        except GitObjectError:
            return None
        return sha if kind == "commit" else None

    def _name(self, rev: str) -> str | None:
        if rev in ("HEAD", "@"):
            return self.head
        if _FULL_SHA.match(rev):
            return rev if self.objects.exists(rev) else None
        for pattern in _DWIM:
            ref = pattern.format(rev)
            if ref in self.refs:
                return self.refs[ref]
        remote_head = f"refs/remotes/{rev}/HEAD"
        symbolic = self._symbolic(remote_head)
        if symbolic is not None:
            return symbolic
        if _SHORT_SHA.match(rev):
            found = self.objects.expand(rev.lower())
            if len(found) == 1:
                return found[0]
        return None

    def _symbolic(self, ref: str) -> str | None:
        try:
            content = (self.common_dir / ref).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if content.startswith("ref: "):
            return self.refs.get(content[5:])
        return content if _FULL_SHA.match(content) else None

    def _step(self, sha: str, suffix: str) -> str | None:
        """Apply one ``~N``, ``^N``, ``^{commit}`` or ``^{}`` to a commit."""
        try:
            if suffix.startswith("^{"):
                return sha
            count = int(suffix[1:]) if len(suffix) > 1 else 1
            if suffix[0] == "~":
                for _ in range(count):
                    parents = self.objects.commit(sha).parents
                    if not parents:
                        return None
                    sha = parents[0]
                return sha
            if count == 0:
                return sha
            parents = self.objects.commit(sha).parents
            return parents[count - 1] if count <= len(parents) else None
        except GitObjectError:
            return None

    def _resolve_with_pygit2(self, rev: str) -> str | None:
        import pygit2

        try:
            repo = pygit2.Repository(str(self.git_dir))
            found = repo.revparse_single(rev).peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            return None
        return str(found.id)
