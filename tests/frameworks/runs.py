"""Checks on the runs the integrations write: same files as dvclive's, readable by ``ls``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.writer.differential import Outcome

#: Values that differ between two identical trainings (wall-clock figures): masked.
VOLATILE = re.compile(r"runtime|per_second|_time\b|total_flos|speed")


def _mask_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "T" if VOLATILE.search(k) else _mask_tree(v) for k, v in value.items()}
    return value


def comparable_tree(root: Path) -> dict[str, Any]:
    """Every file under ``root`` (as the writer differential compares them), volatile masked.

    TSVs of volatile metrics keep their row count only; ``metrics.json`` and ``params.yaml``
    are parsed, with volatile keys masked.
    """
    tree: dict[str, Any] = {}
    for rel, data in Outcome(root).tree().items():
        name = os.path.basename(rel)
        if rel.endswith(".tsv") and VOLATILE.search(name):
            tree[rel] = ("rows", data.count(b"\n"))
        elif name == "metrics.json":
            tree[rel] = _mask_tree(json.loads(data))
        elif name == "params.yaml":
            tree[rel] = _mask_tree(YAML(typ="safe").load(data))
        else:
            tree[rel] = data
    return tree


def assert_same_run(theirs: Path, ours: Path, run: str = "run", defaults: bool = False) -> None:
    """dvclive's ``theirs/run`` and our ``ours/run`` hold the same files, and the dvc.yaml
    files under each root (dvclive's default is ``./dvc.yaml``, ours ``<run>/dvc.yaml``) mean
    the same.

    ``defaults``: the ``Live`` was made with default arguments (by a third-party callback),
    so ours also wrote ``report.html`` (our default report; dvclive's default is none).
    """
    theirs_tree, ours_tree = comparable_tree(theirs / run), comparable_tree(ours / run)
    if defaults:
        assert ours_tree.pop("report.html").startswith(b"<!DOCTYPE html>")
    assert sorted(ours_tree) == sorted(theirs_tree), set(ours_tree) ^ set(theirs_tree)
    for rel, data in theirs_tree.items():
        assert ours_tree[rel] == data, rel
    assert Outcome(ours).dvcyaml() == Outcome(theirs).dvcyaml()


def ls_json(path: Path) -> dict[str, Any]:
    """``dvclive-tui ls PATH --json`` in a fresh process, parsed; it must succeed."""
    result = subprocess.run(
        [sys.executable, "-m", "dvclive_tui", "ls", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    listing: dict[str, Any] = json.loads(result.stdout)
    return listing


def assert_listed(run_dir: Path, metrics: set[str], params: set[str] = frozenset()) -> None:
    """``ls --json`` reads ``run_dir`` as one run with these metrics and params, no warnings.

    (Without a report or a DVC signal file a run that has just ended reads as running.)
    """
    (run,) = ls_json(run_dir)["runs"]
    assert run["status"] in {"running", "finished"}, run["status"]
    assert run["warnings"] == []
    listed = {metric["name"]: metric for metric in run["metrics"]}
    assert metrics <= set(listed), sorted(listed)
    assert all(metric["count"] > 0 for metric in listed.values())
    assert params <= set(run["params"]), sorted(run["params"])
