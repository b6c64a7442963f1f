"""Format experiments as ``dvc exp show --json`` does, so existing scripts keep working.

The shape is DVC 3.x's ``[ExpState.dumpd() ...]``: the workspace, then one entry per
baseline whose ``experiments`` hold ``{"revs": [...], "executor": ..., "name": ...}``
ranges, newest first. Plain dvclive directories (no git) are appended as workspace-like
entries whose ``rev`` is the directory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from dvclive_tui.experiments.model import Experiment, ExperimentSet, ExpKind
from dvclive_tui.experiments.readers import FileResult


def _file_results(results: dict[str, FileResult]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, result in results.items():
        if result.error is not None:
            out[path] = {"error": {"type": result.error.type, "msg": result.error.msg}}
        else:
            out[path] = {"data": result.data}
    return out


def _timestamp(exp: Experiment) -> str | None:
    if exp.timestamp is None or exp.kind in (ExpKind.WORKSPACE, ExpKind.DIRECTORY, ExpKind.TEMP):
        return None
    return datetime.fromtimestamp(exp.timestamp).isoformat()


def exp_state(exp: Experiment, name: str | None) -> dict[str, Any]:
    """One ``ExpState`` (rev, name, data, error, experiments)."""
    return {
        "rev": exp.rev,
        "name": name,
        "data": {
            "rev": "workspace" if exp.kind is ExpKind.TEMP else exp.rev,
            "timestamp": _timestamp(exp),
            "params": _file_results(exp.params),
            "metrics": _file_results(exp.metrics),
            "deps": exp.data.deps,
            "outs": exp.data.outs,
            "meta": {},
        },
        "error": None if exp.error is None else {"msg": exp.error, "type": ""},
        "experiments": None,
    }


def exp_show_data(
    exps: ExperimentSet, rows: Sequence[Experiment] | None = None
) -> list[dict[str, Any]]:
    """The ``dvc exp show --json`` document for ``exps``: all its rows in the collector's
    order (each baseline's runs follow it as DVC orders them), or only ``rows`` in their
    order (the compare table's visible rows: filtered and sorted as shown)."""
    result: list[dict[str, Any]] = []
    baselines: dict[str, dict[str, Any]] = {}
    for exp in exps.experiments if rows is None else rows:
        if exps.no_commits and exp.kind is ExpKind.WORKSPACE:
            continue  # dvc prints nothing for a repository without commits
        if exp.kind in (ExpKind.WORKSPACE, ExpKind.DIRECTORY):
            result.append(exp_state(exp, exp.name if exp.kind is ExpKind.DIRECTORY else None))
        elif exp.kind is ExpKind.BASELINE:
            baselines[exp.rev] = exp_state(exp, exp.name)
            result.append(baselines[exp.rev])
        elif exp.baseline in baselines:
            entry = baselines[exp.baseline]
            revs = [exp_state(exp, exp.name)] + [exp_state(old, None) for old in exp.history]
            executor = None if exp.executor is None else exp.executor.as_json()
            if entry["experiments"] is None:
                entry["experiments"] = []
            entry["experiments"].append({"revs": revs, "executor": executor, "name": exp.name})
    return result


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def dumps(data: Any) -> str:
    """JSON text like DVC's ``ui.write_json`` (NaN/Infinity kept as tokens)."""
    return json.dumps(data, default=_default, allow_nan=True)
