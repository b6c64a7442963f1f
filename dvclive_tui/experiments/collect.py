"""Collect the experiments of a git repository from git objects, as ``dvc exp show`` does.

Baselines are chosen like DVC's ``iter_revs`` (HEAD by default, ``-n``, ``-a``, ``-T``,
``-A``), named like DVC's ``describe`` (current branch, then tags, then branches), and each
baseline's experiments are the refs ``refs/exps/<sha[:2]>/<sha[2:]>/<name>``, newest first.
Everything is read in-process with pygit2; DVC is never imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pygit2
from pygit2.enums import SortMode

from dvclive_tui.experiments.git_tree import GitTreeSource, TreeCache
from dvclive_tui.experiments.model import (
    Experiment,
    ExperimentSet,
    ExpKind,
    ExpStatus,
    newest_first,
)
from dvclive_tui.experiments.read_cache import ReadCache
from dvclive_tui.experiments.readers import ParseCache, RevisionData, read_revision
from dvclive_tui.experiments.refs import (
    CELERY_STASH,
    EXPS_PREFIX,
    Selection,
    UnknownRevision,
    group_experiment_refs,
    parse_stash_log,
)
from dvclive_tui.experiments.running import collect_running, workspace_row

_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")


class NotAGitRepository(Exception):
    """Raised when the path is not inside a git repository."""


@dataclass
class RepoReader:
    """An open repository plus the caches shared by every revision read from it."""

    repo: pygit2.Repository
    root: Path
    trees: TreeCache = field(init=False)
    parsed: ParseCache = field(default_factory=ParseCache)
    commits: ReadCache = field(init=False)
    save_interval: float = 0.0
    """Least seconds between two cache writes that only refresh workspace files."""

    def __post_init__(self) -> None:
        self.trees = TreeCache(self.repo)
        self.commits = ReadCache(Path(self.repo.path) / "dvclive-tui" / "commits.json")
        self.parsed.store = self.commits

    def commit_data(
        self, commit: pygit2.Commit, source: GitTreeSource | None = None
    ) -> RevisionData:
        """What ``dvc exp show`` reports for ``commit`` (from the cache when known);
        ``source`` is the commit's tree when the caller has it already."""
        sha = str(commit.id)
        cached = self.commits.get(sha)
        if cached is not None:
            return cached
        data = read_revision(source or self.read_commit(commit), self.parsed)
        parents = [str(parent) for parent in commit.parent_ids]
        self.commits.put(sha, data, float(commit.commit_time), parents)
        return data

    @classmethod
    def open(cls, path: Path) -> RepoReader:
        """Open the repository containing ``path`` (raises :class:`NotAGitRepository`)."""
        found = pygit2.discover_repository(str(path))
        if found is None:
            raise NotAGitRepository(f"{path} is not inside a git repository")
        repo = pygit2.Repository(found)
        if repo.workdir is None:
            raise NotAGitRepository(f"{found} is a bare git repository")
        return cls(repo=repo, root=Path(repo.workdir).resolve())

    def commit(self, rev: str) -> pygit2.Commit | None:
        """Resolve a revision (SHA, branch, tag, ``HEAD~2``) to a commit, or ``None``."""
        try:
            # A full SHA is a plain lookup (revparse costs ~60 us more per experiment).
            found = self.repo.get(rev) if _FULL_SHA.match(rev) else None
            obj = found if found is not None else self.repo.revparse_single(rev)
            peeled = obj.peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            return None
        return peeled if isinstance(peeled, pygit2.Commit) else None

    def resolve(self, rev: str) -> pygit2.Commit | None:
        """A commit from a git revision or, failing that, a DVC experiment name.

        Experiment names are unique per baseline only: HEAD's experiments win, then the
        first other baseline (in SHA order) that has one of that name.
        """
        commit = self.commit(rev)
        if commit is not None or "/" in rev:
            return commit
        refs = experiment_refs(self.repo)
        head = None if self.repo.head_is_unborn else str(self.repo.head.target)
        order = sorted(refs, key=lambda baseline: (baseline != head, baseline))
        for baseline in order:
            for name, sha in refs[baseline]:
                if name == rev:
                    return self.commit(sha)
        return None

    def read_commit(self, commit: pygit2.Commit) -> GitTreeSource:
        """The files of ``commit``'s tree (parsed trees shared through this reader)."""
        return GitTreeSource(self.trees, commit.tree)


def _n_commits(reader: RepoReader, revs: list[str], num: int) -> list[str]:
    result: list[str] = []
    for rev in revs:
        if num == 0:
            continue
        commit = reader.commit(rev)
        if commit is None:
            continue
        result.append(str(commit.id))
        for _ in range(num - 1):
            if not commit.parent_ids:
                break
            commit = commit.parents[0]
            result.append(str(commit.id))
    return result


def _ref_names(repo: pygit2.Repository, base: str) -> list[str]:
    return sorted(ref[len(base) :] for ref in repo.references if ref.startswith(base))


def _all_commits(reader: RepoReader) -> list[str]:
    repo = reader.repo
    starts: list[pygit2.Oid] = []
    if not repo.head_is_unborn:
        starts.append(repo.head.peel(pygit2.Commit).id)
    for ref in repo.references:
        if ref.startswith(("refs/heads/", "refs/remotes/", "refs/tags/")):
            commit = reader.commit(ref)
            if commit is not None:
                starts.append(commit.id)
    if not starts:
        return []
    walker = repo.walk(starts[0], SortMode.TIME)
    for oid in starts[1:]:
        walker.push(oid)
    return [str(commit.id) for commit in walker]


def baseline_revs(reader: RepoReader, selection: Selection) -> list[str]:
    """Baseline SHAs in DVC's order (duplicates dropped, first occurrence kept)."""
    revs = list(selection.revs)
    if not (revs or selection.all_branches or selection.all_tags or selection.all_commits):
        revs = ["HEAD"]
    for rev in revs:
        if reader.commit(rev) is None:
            raise UnknownRevision(f"unknown git revision {rev!r}")
    results = _n_commits(reader, revs, selection.num)
    if selection.all_commits:
        results.extend(_all_commits(reader))
    else:
        if selection.all_branches:
            branches = _ref_names(reader.repo, "refs/heads/")
            results.extend(_n_commits(reader, branches, selection.num))
        if selection.all_tags:
            for tag in _ref_names(reader.repo, "refs/tags/"):
                commit = reader.commit(f"refs/tags/{tag}")
                if commit is not None:
                    results.append(str(commit.id))
    return list(dict.fromkeys(results))


def describe(reader: RepoReader, revs: list[str]) -> dict[str, str | None]:
    """Name baselines: the current branch, else a tag, else a branch (DVC's ``describe``)."""
    repo = reader.repo
    head_branch: str | None = None
    head_rev: str | None = None
    if not repo.head_is_unborn:
        head_rev = str(repo.head.peel(pygit2.Commit).id)
        head_ref = repo.references.get("HEAD")
        if head_ref is not None and isinstance(head_ref.target, str):
            target = head_ref.target
            if target.startswith("refs/heads/"):
                head_branch = target[len("refs/heads/") :]
    tags: dict[str, str] = {}
    branches: dict[str, str] = {}
    for ref in repo.references:
        for base, names in (("refs/tags/", tags), ("refs/heads/", branches)):
            if ref.startswith(base):
                commit = reader.commit(ref)
                if commit is not None:
                    names.setdefault(str(commit.id), ref[len(base) :])
    return {
        rev: head_branch if rev == head_rev and head_branch else tags.get(rev) or branches.get(rev)
        for rev in revs
    }


def experiment_refs(repo: pygit2.Repository) -> dict[str, list[tuple[str, str]]]:
    """``baseline SHA -> [(name, commit SHA)]`` for every named experiment ref."""
    pairs = (
        (ref.name, str(ref.target))
        for ref in repo.references.iterator()
        if ref.name.startswith(EXPS_PREFIX) and isinstance(ref.target, pygit2.Oid)
    )
    return group_experiment_refs(pairs)


def queued_refs(repo: pygit2.Repository) -> dict[str, list[tuple[str | None, str]]]:
    """``baseline SHA -> [(name, stash commit SHA)]`` of experiments in DVC's queue.

    ``dvc exp run --queue`` stashes each run as a commit on ``refs/exps/celery/stash``.
    """
    ref = repo.references.get(CELERY_STASH)
    if ref is None:
        return {}
    try:
        entries = [(entry.message or "", str(entry.oid_new)) for entry in ref.log()]
    except (pygit2.GitError, KeyError, ValueError):
        return {}
    return parse_stash_log(entries)


def _row(
    reader: RepoReader,
    commit: pygit2.Commit,
    kind: ExpKind,
    name: str | None,
    baseline: str | None = None,
    status: ExpStatus = ExpStatus.DONE,
) -> Experiment:
    """The row of one commit (its data from the read cache when known)."""
    sha = str(commit.id)
    source = reader.read_commit(commit)
    return Experiment(
        key=sha,
        kind=kind,
        rev=sha,
        name=name,
        data=reader.commit_data(commit, source),
        timestamp=float(commit.commit_time),
        baseline=baseline,
        status=status,
        source=source,
    )


def _history(reader: RepoReader, head: pygit2.Commit, baseline: str) -> list[Experiment]:
    """Older commits of an experiment branch, down to (not including) its baseline."""
    older: list[Experiment] = []
    commit = head
    while commit.parent_ids and str(commit.parent_ids[0]) != baseline and len(older) < 1000:
        commit = commit.parents[0]
        older.append(_row(reader, commit, ExpKind.EXPERIMENT, None, baseline))
    return older


def collect_repo(reader: RepoReader, selection: Selection) -> ExperimentSet:
    """Every row of ``dvc exp show`` for ``selection``, plus running temp workspaces."""
    result = ExperimentSet(repo_root=str(reader.root))
    reader.commits.begin()
    repo = reader.repo
    head_rev = None if repo.head_is_unborn else str(repo.head.peel(pygit2.Commit).id)
    if selection.include_workspace:
        git_dir = Path(repo.path)
        result.experiments.append(workspace_row(reader.root, git_dir, reader.parsed, head_rev))
    if head_rev is None:
        result.warnings.append("the git repository has no commits yet")
        result.no_commits = True
        return result
    baselines = baseline_revs(reader, selection)
    names = describe(reader, baselines)
    refs = experiment_refs(repo)
    queued = queued_refs(repo)
    for baseline in baselines:
        commit = reader.commit(baseline)
        if commit is None:
            continue
        result.experiments.append(_row(reader, commit, ExpKind.BASELINE, names.get(baseline)))
        children: list[Experiment] = []
        for exp_name, sha in refs.get(baseline, []):
            exp_commit = reader.commit(sha)
            if exp_commit is not None:
                row = _row(reader, exp_commit, ExpKind.EXPERIMENT, exp_name, baseline)
                row.history = _history(reader, exp_commit, baseline)
                children.append(row)
        result.experiments.extend(newest_first(children))
        waiting = [
            _row(reader, queued_commit, ExpKind.EXPERIMENT, name, baseline, ExpStatus.QUEUED)
            for name, sha in queued.get(baseline, [])
            if (queued_commit := reader.commit(sha)) is not None
        ]
        result.experiments.extend(newest_first(waiting))
    result.experiments.extend(collect_running(reader.root, reader.parsed, head_rev))
    reader.commits.save(reader.save_interval)
    return result
