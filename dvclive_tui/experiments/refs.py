"""Pure pieces of experiment collection: the selection flags and experiment ref names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXPS_PREFIX = "refs/exps/"


@dataclass(frozen=True)
class Selection:
    """Which baselines to show (``dvc exp show`` flags)."""

    revs: tuple[str, ...] = ()
    all_branches: bool = False
    all_tags: bool = False
    all_commits: bool = False
    num: int = 1
    include_workspace: bool = True
    remote: str | None = None
    """Also list the experiments pushed to this git remote (name or URL)."""


class UnknownRevision(ValueError):
    """A ``--rev`` that git cannot resolve to a commit."""


def group_experiment_refs(pairs: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """``baseline SHA -> [(name, commit SHA)]`` from ``(ref name, target SHA)`` pairs.

    Only named experiment refs count: ``refs/exps/<sha[:2]>/<sha[2:]>/<name>``; the
    ``exec``, ``apply``, ``celery`` and ``temp`` namespaces and the stash refs do not.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for name, target in pairs:
        if not name.startswith(EXPS_PREFIX):
            continue
        parts = name.split("/")
        if len(parts) != 5 or parts[2] in ("exec", "apply", "celery", "temp"):
            continue
        baseline = parts[2] + parts[3]
        if len(baseline) == 40:
            found.setdefault(baseline, []).append((parts[4], target))
    return found
