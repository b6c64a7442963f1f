"""Session-scoped real repositories for the compare tests (built once, read many times)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.compare import repo_builder as rb


@dataclass
class ExperimentsRepo:
    """A repository with experiments on two commits of ``main`` and one of ``other``."""

    path: Path
    first: str
    """The first commit of ``main`` (baseline of ``a-old``)."""
    head: str
    """HEAD (baseline of ``e-fast``, ``e-slow``, ``w-writer``, ``bad``, ``nodata``)."""
    other: str
    """Tip of branch ``other`` (baseline of ``o-exp``)."""


@pytest.fixture(scope="session")
def exps_repo(tmp_path_factory: pytest.TempPathFactory) -> ExperimentsRepo:
    """Build the repository: real dvclive and dvclive_writer runs, a corrupt and an empty
    experiment, two branches."""
    path = tmp_path_factory.mktemp("exps") / "repo"
    rb.init_repo(path)
    first = rb.git(path, "rev-parse", "HEAD")
    rb.train(path, "a-old", {"lr": 0.5, "epochs": 2})

    rb.git(path, "checkout", "-q", "-b", "other")
    (path / "other.txt").write_text("other\n")
    rb.git(path, "add", "other.txt")
    rb.git(path, "commit", "-q", "-m", "other")
    other = rb.git(path, "rev-parse", "HEAD")
    rb.train(path, "o-exp", {"lr": 0.2, "opt": "sgd"})
    rb.git(path, "checkout", "-q", "main")

    (path / "params.yaml").write_text("seed: 2\ntrain:\n  lr: 0.05\n  layers: [8, 4]\n")
    rb.git(path, "commit", "-q", "-am", "second")
    head = rb.git(path, "rev-parse", "HEAD")
    rb.train(path, "e-fast", {"lr": 0.1, "opt": "adam", "epochs": 3, "nested": {"a": 1}})
    rb.train(path, "e-slow", {"lr": 0.001, "opt": "sgd", "epochs": 4, "nested": {"a": 2}})
    rb.train(path, "w-writer", {"lr": 0.02, "opt": "adam", "dir": "wlive"}, module="writer")
    # A corrupt summary in one revision: dvc reports an error for that file only.
    metrics = path / "dvclive" / "metrics.json"
    good = metrics.read_text()
    metrics.write_text('{"acc": 0.5,')
    rb.exp_save(path, "bad", "dvclive", "dvc.yaml")
    metrics.write_text(good)
    # An experiment without dvclive data: only the committed root params.yaml.
    rb.exp_save(path, "nodata")
    rb.git(path, "tag", "v1", first)
    return ExperimentsRepo(path=path, first=first, head=head, other=other)


def strict_equal(a: Any, b: Any) -> bool:
    """Deep equality that also requires equal types (``1`` is not ``1.0``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def entries(document: list[dict[str, Any]]) -> dict[tuple[str, str | None], dict[str, Any]]:
    """``(baseline rev or "workspace", experiment name or None) -> ExpState`` of a document."""
    found: dict[tuple[str, str | None], dict[str, Any]] = {}
    for entry in document:
        found[(entry["rev"], None)] = entry
        for exp_range in entry.get("experiments") or []:
            head = exp_range["revs"][0]
            found[(entry["rev"], exp_range["name"])] = head
    return found


def file_results(state: dict[str, Any], kind: str) -> dict[str, Any]:
    """``{file: data}`` or ``{file: ("error", type)}`` of an ExpState's params/metrics."""
    result: dict[str, Any] = {}
    for file, value in (state.get("data") or {}).get(kind, {}).items():
        result[file] = ("error", value["error"]["type"]) if "error" in value else value["data"]
    return result


def parse_json_output(text: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(text)
    return loaded
