"""Collect the experiments of a git repository from git objects, as ``dvc exp show`` does.

Baselines are chosen like DVC's ``iter_revs`` (HEAD by default, ``-n``, ``-a``, ``-T``,
``-A``) and named like DVC's ``describe`` (current branch, then tags, then branches).
Under each baseline come, in DVC's order: runs executing now, committed experiments
(``refs/exps/<sha[:2]>/<sha[2:]>/<name>``), queued runs, failed runs — each group newest
first. Everything is read in-process from plain files (:mod:`gitrepo`); DVC is never
imported, and what was read from a commit is kept in the read cache.
"""

from __future__ import annotations

import dataclasses
import heapq
from pathlib import Path

from dvclive_tui.experiments.dvc_cache import DvcStorage
from dvclive_tui.experiments.exp_cache import dvc_exp_cache_data, has_storage_error
from dvclive_tui.experiments.git_tree import GitTreeSource, TreeCache
from dvclive_tui.experiments.gitfiles import simple_ignore
from dvclive_tui.experiments.gitobjects import GitObjectError
from dvclive_tui.experiments.gitrepo import GitRepo, NotAGitRepository
from dvclive_tui.experiments.model import (
    Experiment,
    ExperimentSet,
    ExpKind,
    ExpStatus,
    dvc_order,
)
from dvclive_tui.experiments.queue import ActiveRun, Executor, QueueEntry, read_queue
from dvclive_tui.experiments.read_cache import ReadCache
from dvclive_tui.experiments.readers import ParseCache, RevisionData, read_revision
from dvclive_tui.experiments.refs import (
    EXPS_PREFIX,
    Selection,
    UnknownRevision,
    group_experiment_refs,
)
from dvclive_tui.experiments.running import workspace_row
from dvclive_tui.experiments.sources import DirSource
from dvclive_tui.experiments.tracked import TrackedSource

__all__ = ["NotAGitRepository", "RepoReader", "collect_repo"]

#: Most older commits listed for one multi-commit experiment.
MAX_HISTORY = 1000
FAILED_RUN = "Experiment run failed"


class RepoReader:
    """An open repository plus the caches shared by every revision read from it."""

    def __init__(self, git: GitRepo, parsed: ParseCache | None = None) -> None:
        self.git = git
        self.root = git.root
        self.trees = TreeCache(git.objects)
        self.commits = ReadCache(git.common_dir / "dvclive-tui" / "commits.json")
        self.parsed = parsed or ParseCache()
        self.parsed.store = self.commits
        self.storage = DvcStorage.for_repo(git.root)
        self.save_interval = 0.0
        """Least seconds between two cache writes that only refresh workspace files."""
        self.parallel = False
        """Read many new commits on two cores (:mod:`prefill`): one-shot runs only."""

    @classmethod
    def open(cls, path: Path) -> RepoReader:
        """The repository containing ``path`` (raises :class:`NotAGitRepository`)."""
        return cls(GitRepo.discover(path))

    def commit(self, rev: str) -> str | None:
        """The commit a git revision (SHA, branch, tag, ``HEAD~2``) names, or ``None``."""
        return self.git.resolve(rev)

    def resolve(self, rev: str) -> str | None:
        """A commit from a git revision or, failing that, a DVC experiment name.

        Experiment names are unique per baseline only: HEAD's experiments win, then the
        first other baseline (in SHA order) that has one of that name.
        """
        commit = self.commit(rev)
        if commit is not None or "/" in rev:
            return commit
        refs = group_experiment_refs(self.git.refs.items())
        head = self.git.head
        for baseline in sorted(refs, key=lambda sha: (sha != head, sha)):
            for name, sha in refs[baseline]:
                if name == rev:
                    return sha
        return None

    def meta(self, sha: str) -> tuple[float, list[str]]:
        """``(commit time, parents)`` of a commit (raises ``GitObjectError``)."""
        known = self.commits.meta(sha)
        if known is not None:
            return known
        info = self.git.objects.commit(sha)
        return float(info.time), list(info.parents)

    def read_commit(self, sha: str) -> TrackedSource:
        """The files of a commit, DVC-tracked outputs included (read lazily)."""
        return TrackedSource(GitTreeSource(self.trees, sha), self.storage, self.parsed)

    def commit_data(self, sha: str, source: TrackedSource | None = None) -> RevisionData:
        """What ``dvc exp show`` reports for a commit (from the read cache when known).

        Data that misses DVC-cached objects is not kept (they may be pulled later);
        where DVC's own experiment cache remembers that commit, its data is used, as
        ``dvc exp show`` does.
        """
        cached = self.commits.get(sha)
        if cached is not None:
            return cached
        data = read_revision(source or self.read_commit(sha), self.parsed)
        if has_storage_error(data):
            return dvc_exp_cache_data(self.root, sha, data)
        when, parents = self.meta(sha)
        self.commits.put(sha, data, when, parents)
        return data

    def workspace_source(self, root: Path) -> TrackedSource:
        """A working tree on disk (the workspace, or a run's checkout) with its outputs."""
        ignored = simple_ignore(root, self.git.git_dir) if root == self.root else None
        storage = self.storage if root == self.root else DvcStorage.for_repo(root)
        return TrackedSource(DirSource(root, ignored=ignored), storage, self.parsed)


def _first_parents(reader: RepoReader, sha: str, num: int) -> list[str]:
    """``sha`` and up to ``num - 1`` first-parent ancestors."""
    chain = [sha]
    while len(chain) < num:
        parents = reader.meta(chain[-1])[1]
        if not parents:
            break
        chain.append(parents[0])
    return chain


def _starting_points(reader: RepoReader) -> list[str]:
    git = reader.git
    starts = [git.head] if git.head else []
    for ref in sorted(git.refs):
        if ref.startswith(("refs/heads/", "refs/remotes/", "refs/tags/")):
            sha = git.peel_ref(ref)
            if sha is not None:
                starts.append(sha)
    return starts


def all_commits_by_date(reader: RepoReader) -> list[str]:
    """Every commit reachable from HEAD, branches, remotes and tags, newest first; equal
    times in ascending id order among those found so far (dulwich's walk, which DVC
    uses)."""
    heap: list[tuple[float, str]] = []
    queued: set[str] = set()
    for sha in _starting_points(reader):
        if sha not in queued:
            queued.add(sha)
            heapq.heappush(heap, (-reader.meta(sha)[0], sha))
    done: list[str] = []
    seen: set[str] = set()
    while heap:
        _time, sha = heapq.heappop(heap)
        queued.discard(sha)
        if sha in seen:
            continue
        seen.add(sha)
        done.append(sha)
        for parent in reader.meta(sha)[1]:
            if parent not in seen and parent not in queued:
                queued.add(parent)
                heapq.heappush(heap, (-reader.meta(parent)[0], parent))
    return done


def all_commits_libgit2(reader: RepoReader) -> list[str]:
    """Every commit in libgit2's time order (what DVC uses once pygit2 answered a
    ``rev~N`` lookup: ``--rev X -n 2 -A``)."""
    import pygit2
    from pygit2.enums import SortMode

    repo = pygit2.Repository(str(reader.git.git_dir))
    walker = repo.walk(None)
    if not repo.head_is_unborn:
        walker.push(repo.head.target)
    for ref in repo.references:
        if ref.startswith(("refs/heads/", "refs/remotes/")):
            walker.push(repo.revparse_single(ref).id)
        elif ref.startswith("refs/tags/"):
            tag = repo.revparse_single(ref)
            walker.push(tag.target if isinstance(tag, pygit2.Tag) else tag.id)
    walker.sort(SortMode.TIME)
    return [str(commit.id) for commit in walker]


def baseline_revs(reader: RepoReader, selection: Selection) -> list[str]:
    """Baseline SHAs in DVC's order (duplicates dropped, first occurrence kept)."""
    revs = list(selection.revs)
    if not (revs or selection.all_branches or selection.all_tags or selection.all_commits):
        revs = ["HEAD"]
    resolved: list[str] = []
    for rev in revs:
        sha = reader.commit(rev)
        if sha is None:
            raise UnknownRevision(f"unknown git revision {rev!r}")
        resolved.append(sha)
    results: list[str] = []
    walked_parents = False
    for sha in resolved:
        if selection.num > 0:
            chain = _first_parents(reader, sha, selection.num)
            walked_parents = walked_parents or len(chain) > 1
            results.extend(chain)
    git = reader.git
    if selection.all_commits:
        by_libgit2 = walked_parents
        results.extend(all_commits_libgit2(reader) if by_libgit2 else all_commits_by_date(reader))
    else:
        if selection.all_branches and selection.num > 0:
            for ref in sorted(name for name in git.refs if name.startswith("refs/heads/")):
                results.extend(_first_parents(reader, git.refs[ref], selection.num))
        if selection.all_tags:
            for ref in sorted(name for name in git.refs if name.startswith("refs/tags/")):
                sha = git.peel_ref(ref)
                if sha is not None:
                    results.append(sha)
    return list(dict.fromkeys(results))


def describe(reader: RepoReader, revs: list[str]) -> dict[str, str | None]:
    """Name baselines: the current branch, else a tag, else a branch (DVC's ``describe``;
    where several tags or branches fit, the first by name)."""
    git = reader.git
    head_branch = git.head_ref[len("refs/heads/") :] if git.head_ref else None
    tags: dict[str, str] = {}
    branches: dict[str, str] = {}
    for ref in sorted(git.refs):
        if ref.startswith("refs/tags/"):
            sha = git.peel_ref(ref)
            if sha is not None:
                tags.setdefault(sha, ref[len("refs/tags/") :])
        elif ref.startswith("refs/heads/"):
            branches.setdefault(git.refs[ref], ref[len("refs/heads/") :])
    return {
        rev: head_branch if rev == git.head and head_branch else tags.get(rev) or branches.get(rev)
        for rev in revs
    }


def _commit_row(
    reader: RepoReader,
    sha: str,
    kind: ExpKind,
    name: str | None,
    baseline: str | None = None,
) -> Experiment:
    """The row of one commit (its data from the read cache when known)."""
    source = reader.read_commit(sha)
    return Experiment(
        key=sha,
        kind=kind,
        rev=sha,
        name=name,
        data=reader.commit_data(sha, source),
        timestamp=reader.meta(sha)[0],
        baseline=baseline,
        source=source,
    )


def _history(reader: RepoReader, head: str, baseline: str) -> list[Experiment]:
    """Older commits of an experiment branch, down to (not including) its baseline."""
    older: list[Experiment] = []
    parents = reader.meta(head)[1]
    while parents and parents[0] != baseline and len(older) < MAX_HISTORY:
        older.append(_commit_row(reader, parents[0], ExpKind.EXPERIMENT, None, baseline))
        parents = reader.meta(parents[0])[1]
    return older


def _stash_row(
    reader: RepoReader, entry: QueueEntry, executor: Executor, status: ExpStatus
) -> Experiment:
    """A queued or failed run: the commit DVC stashed when it was queued. A queued run
    has no metrics yet (DVC shows none); a failed one keeps the stale ones, as DVC."""
    row = _commit_row(reader, entry.stash_rev, ExpKind.EXPERIMENT, entry.name, entry.baseline_rev)
    row.status = status
    row.executor = executor
    if status is ExpStatus.QUEUED:
        row.data = dataclasses.replace(row.data, metrics={})
        row.source = None  # nothing ran: no curves, images or plots
    else:
        row.error = FAILED_RUN
    return row


def _active_row(reader: RepoReader, run: ActiveRun, workspace: Experiment | None) -> Experiment:
    """A run executing now: read from its checkout (or the workspace) on disk."""
    if run.rev == "workspace" and workspace is not None:
        data, source = workspace.data, workspace.source
    else:
        tracked = reader.workspace_source(run.root)
        data, source = read_revision(tracked, reader.parsed), tracked
    return Experiment(
        key=f"run:{run.rev}",
        kind=ExpKind.TEMP,
        rev=run.rev,
        name=run.entry.name,
        data=data,
        baseline=run.entry.baseline_rev,
        status=ExpStatus.RUNNING,
        source=source,
        executor=run.executor,
    )


def _runs(
    reader: RepoReader,
    baselines: list[str],
    workspace: Experiment | None,
    warnings: list[str],
) -> dict[str, list[list[Experiment]]]:
    """Per baseline, DVC's four groups: running, committed, queued, failed."""
    git = reader.git
    queue = read_queue(reader.root)
    groups: dict[str, list[list[Experiment]]] = {sha: [[], [], [], []] for sha in baselines}
    for run in queue.active:
        if run.entry.baseline_rev in groups:
            groups[run.entry.baseline_rev][0].append(_active_row(reader, run, workspace))
    exps = group_experiment_refs(git.refs.items())
    for baseline in baselines:
        for name, sha in exps.get(baseline, []):
            try:
                row = _commit_row(reader, sha, ExpKind.EXPERIMENT, name, baseline)
                row.history = _history(reader, sha, baseline)
            except GitObjectError as error:
                warnings.append(f"experiment {name}: {error}")
                continue
            row.executor = queue.success.get(f"{EXPS_PREFIX}{baseline[:2]}/{baseline[2:]}/{name}")
            groups[baseline][1].append(row)
    stashed = ((2, queue.queued, ExpStatus.QUEUED), (3, queue.failed, ExpStatus.FAILED))
    for index, entries, status in stashed:
        for entry, executor in entries:
            if entry.baseline_rev not in groups:
                continue
            try:
                row = _stash_row(reader, entry, executor, status)
            except GitObjectError as error:
                warnings.append(f"queued run {entry.name or entry.stash_rev[:7]}: {error}")
                continue
            groups[entry.baseline_rev][index].append(row)
    return groups


def collect_repo(reader: RepoReader, selection: Selection) -> ExperimentSet:
    """Every row of ``dvc exp show`` for ``selection``, in its order (refs as last read:
    call ``reader.git.reload()`` first to see new ones)."""
    git = reader.git
    reader.commits.begin()
    result = ExperimentSet(repo_root=str(reader.root))
    source = reader.workspace_source(reader.root)
    workspace = workspace_row(reader.root, source, reader.parsed, git.head)
    if selection.include_workspace:
        result.experiments.append(workspace)
    if git.head is None:
        result.warnings.append("the git repository has no commits yet")
        result.no_commits = True
        return result
    baselines = baseline_revs(reader, selection)
    names = describe(reader, baselines)
    if reader.parallel:
        from dvclive_tui.experiments.prefill import prefill

        wanted = set(baselines)
        heads = group_experiment_refs(git.refs.items())
        prefill(reader, [*baselines, *(sha for b in wanted for _n, sha in heads.get(b, []))])
    groups = _runs(reader, baselines, workspace, result.warnings)
    for baseline in baselines:
        try:
            row = _commit_row(reader, baseline, ExpKind.BASELINE, names.get(baseline))
        except GitObjectError as error:
            result.warnings.append(f"baseline {baseline[:7]}: {error}")
            continue
        result.experiments.append(row)
        for group in groups[baseline]:
            result.experiments.extend(dvc_order(group))
    reader.commits.save(reader.save_interval)
    return result
