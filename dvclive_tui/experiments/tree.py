"""The experiment tree: each baseline with its experiments under it, as ``dvc exp show``.

Rows come from the collector in DVC's order (workspace, then each baseline followed by
its runs, then plain directories). :func:`groups` splits them into top-level rows and
their children; :class:`TreeRow` is one drawn row, with the ``├──``/``└──`` branch DVC
draws in front of an experiment.
"""

from __future__ import annotations

from typing import NamedTuple

from dvclive_tui.experiments.model import Experiment, ExpKind

BRANCH = "├── "
LAST_BRANCH = "└── "


class TreeRow(NamedTuple):
    """One row as drawn: an experiment under a baseline has ``depth`` 1."""

    exp: Experiment
    depth: int = 0
    last: bool = False
    """The last child shown under its baseline (drawn ``└──``)."""

    @property
    def branch(self) -> str:
        """``├── ``/``└── `` for an experiment under a baseline, else empty."""
        if not self.depth:
            return ""
        return LAST_BRANCH if self.last else BRANCH


def groups(rows: list[Experiment]) -> list[tuple[Experiment, list[Experiment]]]:
    """Top-level rows, each with the experiments that follow it under its baseline."""
    found: list[tuple[Experiment, list[Experiment]]] = []
    parent: Experiment | None = None
    for exp in rows:
        child = (
            parent is not None
            and exp.kind in (ExpKind.EXPERIMENT, ExpKind.TEMP)
            and exp.baseline == parent.rev
        )
        if child:
            found[-1][1].append(exp)
            continue
        found.append((exp, []))
        parent = exp if exp.kind is ExpKind.BASELINE else None
    return found


def sortable(exp: Experiment) -> bool:
    """Whether sorting may move a top-level row (the workspace and baselines keep DVC's
    order; plain directories and stray experiments are sorted among themselves)."""
    return exp.kind not in (ExpKind.WORKSPACE, ExpKind.BASELINE)


def flatten_tree(shown: list[tuple[Experiment, list[Experiment]]]) -> list[TreeRow]:
    """Drawn rows of ``(parent, shown children)`` pairs."""
    rows: list[TreeRow] = []
    for parent, children in shown:
        rows.append(TreeRow(parent))
        rows.extend(
            TreeRow(child, 1, index == len(children) - 1) for index, child in enumerate(children)
        )
    return rows
