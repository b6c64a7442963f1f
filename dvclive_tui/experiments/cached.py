"""The warm path of the one-shot outputs: experiments rebuilt from the read cache alone.

When every commit involved is already in ``.git/dvclive-tui/commits.json`` (data, time
and parents), the default selection (HEAD, ``-n N``) can be answered from plain files:
refs from ``packed-refs`` and ``refs/``, HEAD, the queue's reflog, and the workspace on
disk. pygit2 (about 60 ms to import) and PyYAML are then never loaded. Anything the cache
cannot answer for certain returns ``None`` and the caller takes the pygit2 path, which
fills the cache for next time.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from dvclive_tui.experiments.gitfiles import (
    find_git_dir,
    read_head,
    read_reflog,
    read_refs,
)
from dvclive_tui.experiments.model import (
    Experiment,
    ExperimentSet,
    ExpKind,
    ExpStatus,
    newest_first,
)
from dvclive_tui.experiments.read_cache import ReadCache
from dvclive_tui.experiments.readers import ParseCache, RevisionData
from dvclive_tui.experiments.refs import (
    CELERY_STASH,
    Selection,
    group_experiment_refs,
    parse_stash_log,
)
from dvclive_tui.experiments.running import collect_running, workspace_row


class CacheMiss(Exception):
    """The cache cannot answer for certain; use the pygit2 path."""


def _loose_object_type(git_dir: Path, sha: str) -> str:
    """``commit``/``tag``/... of a loose object (its header only); misses when packed."""
    path = git_dir / "objects" / sha[:2] / sha[2:]
    try:
        raw = path.read_bytes()
    except OSError:
        raise CacheMiss(sha) from None
    header = zlib.decompressobj().decompress(raw, 64)
    return header.split(b" ", 1)[0].decode("ascii", "replace")


class _Cached:
    def __init__(self, git_dir: Path, cache: ReadCache) -> None:
        self.git_dir = git_dir
        self.cache = cache

    def meta(self, sha: str) -> tuple[float, list[str]]:
        found = self.cache.meta(sha)
        if found is None:
            raise CacheMiss(sha)
        return found

    def data(self, sha: str) -> RevisionData:
        found = self.cache.get(sha)
        if found is None:
            raise CacheMiss(sha)
        return found

    def row(
        self, sha: str, kind: ExpKind, name: str | None, baseline: str | None = None
    ) -> Experiment:
        when, _parents = self.meta(sha)
        return Experiment(
            key=sha,
            kind=kind,
            rev=sha,
            name=name,
            data=self.data(sha),
            timestamp=when,
            baseline=baseline,
        )

    def history(self, head: str, baseline: str) -> list[Experiment]:
        older: list[Experiment] = []
        parents = self.meta(head)[1]
        while parents and parents[0] != baseline and len(older) < 1000:
            older.append(self.row(parents[0], ExpKind.EXPERIMENT, None, baseline))
            parents = self.meta(parents[0])[1]
        return older


def _names(
    cached: _Cached,
    refs: dict[str, str],
    peeled: dict[str, str],
    certain: set[str],
    head_branch: str | None,
    head: str,
    baselines: list[str],
) -> dict[str, str | None]:
    """DVC's ``describe`` for the baselines; a miss when a name is ambiguous or unknown."""
    tags: dict[str, list[str]] = {}
    branches: dict[str, list[str]] = {}
    wanted = set(baselines)
    for ref, sha in refs.items():
        if ref.startswith("refs/heads/"):
            branches.setdefault(sha, []).append(ref[len("refs/heads/") :])
        elif ref.startswith("refs/tags/"):
            target = peeled.get(ref, sha)
            unsure = ref not in certain and target not in wanted
            unknown = unsure and cached.cache.meta(target) is None
            if unknown and _loose_object_type(cached.git_dir, target) != "commit":
                raise CacheMiss(ref)  # an annotated tag whose target is unknown
            tags.setdefault(target, []).append(ref[len("refs/tags/") :])
    names: dict[str, str | None] = {}
    for rev in baselines:
        if rev == head and head_branch:
            names[rev] = head_branch
            continue
        candidates = tags.get(rev) or branches.get(rev) or []
        if len(candidates) > 1:
            raise CacheMiss(rev)  # DVC picks the first in pygit2's ref order
        names[rev] = candidates[0] if candidates else None
    return names


def collect_cached(cwd: Path, selection: Selection) -> ExperimentSet | None:
    """The rows of ``collect_repo`` from the read cache, or ``None`` when it cannot tell."""
    if selection.revs or selection.all_branches or selection.all_tags or selection.all_commits:
        return None
    found = find_git_dir(cwd)
    if found is None:
        return None
    root, git_dir = found
    root = root.resolve()
    head_info = read_head(git_dir)
    ref_info = read_refs(git_dir)
    if head_info is None or ref_info is None:
        return None
    refs, peeled, certain = ref_info
    head_ref, detached = head_info
    head = refs.get(head_ref) if head_ref is not None else detached
    if head is None:
        return None  # unborn HEAD or a symbolic chain: let pygit2 decide
    head_branch = head_ref[len("refs/heads/") :] if head_ref else None
    cache = ReadCache(git_dir / "dvclive-tui" / "commits.json")
    cache.begin()
    cached = _Cached(git_dir, cache)
    try:
        result = _collect(cached, root, selection, (refs, peeled, certain), head, head_branch)
    except CacheMiss:
        return None
    cache.save()
    return result


def _collect(
    cached: _Cached,
    root: Path,
    selection: Selection,
    ref_info: tuple[dict[str, str], dict[str, str], set[str]],
    head: str,
    head_branch: str | None,
) -> ExperimentSet:
    refs, peeled, certain = ref_info
    baselines: list[str] = []
    current: str | None = head
    for _ in range(selection.num):
        if current is None:
            break
        baselines.append(current)
        parents = cached.meta(current)[1]
        current = parents[0] if parents else None
    names = _names(cached, refs, peeled, certain, head_branch, head, baselines)
    result = ExperimentSet(repo_root=str(root))
    parsed = ParseCache(store=cached.cache)
    if selection.include_workspace:
        workspace = workspace_row(root, cached.git_dir, parsed, head)
        result.experiments.append(workspace)
    exps = group_experiment_refs(refs.items())
    queued: dict[str, list[tuple[str | None, str]]] = {}
    if CELERY_STASH in refs:
        log = read_reflog(cached.git_dir, CELERY_STASH)
        if log is None:
            raise CacheMiss(CELERY_STASH)
        queued = parse_stash_log(log)
    for baseline in baselines:
        result.experiments.append(cached.row(baseline, ExpKind.BASELINE, names[baseline]))
        children = []
        for name, sha in exps.get(baseline, []):
            row = cached.row(sha, ExpKind.EXPERIMENT, name, baseline)
            row.history = cached.history(sha, baseline)
            children.append(row)
        result.experiments.extend(newest_first(children))
        waiting = []
        for queued_name, sha in queued.get(baseline, []):
            row = cached.row(sha, ExpKind.EXPERIMENT, queued_name, baseline)
            row.status = ExpStatus.QUEUED
            waiting.append(row)
        result.experiments.extend(newest_first(waiting))
    result.experiments.extend(collect_running(root, parsed, head))
    return result
