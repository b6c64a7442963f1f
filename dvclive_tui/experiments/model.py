"""The experiment model: one row of the compare table (workspace, baseline, experiment...).

Headless and I/O-free: the collector fills these, the table, JSON formatter and Textual
compare screen read them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from dvclive_tui.experiments.queue import Executor
from dvclive_tui.experiments.readers import FileResult, RevisionData
from dvclive_tui.experiments.sources import FileSource


class ExpKind(enum.Enum):
    """Where a row comes from."""

    WORKSPACE = "workspace"
    BASELINE = "baseline"
    EXPERIMENT = "experiment"
    """A committed experiment under ``refs/exps``."""
    TEMP = "temp"
    """A run executing now in its own checkout (queue, ``--temp``) or the workspace."""
    DIRECTORY = "directory"
    """A plain dvclive directory given on the command line."""


class ExpStatus(enum.Enum):
    """Life-cycle state shown in the status column."""

    RUNNING = "running"
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Experiment:
    """One comparable revision or directory."""

    key: str
    """Unique within a collection: the commit SHA, ``workspace``, or a directory path."""
    kind: ExpKind
    rev: str
    """Commit SHA, ``workspace``, or the directory path for non-git rows."""
    name: str | None
    """Experiment name, branch/tag name for baselines, ``None`` when unnamed."""
    data: RevisionData = field(default_factory=RevisionData)
    timestamp: float | None = None
    """Commit time (epoch seconds) for commits; ``None`` for the workspace."""
    baseline: str | None = None
    """Baseline commit SHA of an experiment (or of the workspace / a temp run)."""
    status: ExpStatus = ExpStatus.DONE
    source: FileSource | None = None
    """Where the files of this row can be read (lazy loading of series, plots, images)."""
    history: list[Experiment] = field(default_factory=list)
    """Older commits of a multi-commit experiment (checkpoint era), newest first."""
    pid: int | None = None
    """Writer process of a running row, when known."""
    error: str | None = None
    """Why the whole row failed (``Experiment run failed`` for a failed queue run)."""
    executor: Executor | None = None
    """How DVC ran it, for queue, ``--temp`` and workspace runs (``dvc exp show``'s
    ``executor``)."""

    @property
    def label(self) -> str:
        """Display name: the name, else a short revision."""
        if self.name:
            return self.name
        if self.kind in (ExpKind.WORKSPACE, ExpKind.DIRECTORY):
            return self.rev
        return self.rev[:7]

    @property
    def short_rev(self) -> str:
        """Seven-character SHA for commits, the path or ``workspace`` otherwise."""
        commit = self.kind in (ExpKind.BASELINE, ExpKind.EXPERIMENT, ExpKind.TEMP)
        return self.rev[:7] if commit and self.rev != "workspace" else self.rev

    @property
    def params(self) -> dict[str, FileResult]:
        """Params file path -> its parsed data or error."""
        return self.data.params

    @property
    def metrics(self) -> dict[str, FileResult]:
        """Metrics file path -> its parsed data or error."""
        return self.data.metrics


@dataclass
class ExperimentSet:
    """All rows of one comparison, in display order (workspace, then each baseline and its
    experiments newest first, then temp runs and directories)."""

    experiments: list[Experiment] = field(default_factory=list)
    repo_root: str | None = None
    """The git repository root, when the comparison is in one."""
    no_commits: bool = False
    """The repository has no commit yet (``dvc exp show`` then prints ``[]``)."""
    warnings: list[str] = field(default_factory=list)

    def by_key(self) -> dict[str, Experiment]:
        """Experiment key -> row."""
        return {exp.key: exp for exp in self.experiments}


def dvc_order(rows: list[Experiment]) -> list[Experiment]:
    """``rows`` newest first as ``dvc exp show`` orders a group: by ``(time, rev)``,
    descending; rows without a time (running ones) count as the epoch and keep their
    order."""
    return sorted(
        rows,
        key=lambda exp: (exp.timestamp, exp.rev) if exp.timestamp else (0.0, ""),
        reverse=True,
    )
