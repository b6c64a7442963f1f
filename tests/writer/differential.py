"""Run the same scripted ``Live`` calls through dvclive 3.49.1 and dvclive_writer; compare trees.

Each library runs in its own root directory (outside any Git repo). Trees are compared
byte for byte, except TSV ``timestamp`` values and the dvc.yaml files, which are compared by
meaning: every path inside is resolved against its file's location, relative to the root.
"""

from __future__ import annotations

import csv
import gc
import io
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dvclive
from ruamel.yaml import YAML

import dvclive_writer

#: One scripted call: a function applying it to a Live (and the module, for its errors).
Op = Callable[[Any], Any]


@dataclass
class Outcome:
    """What one library did for a script: per-call exception names and the final tree."""

    root: Path
    errors: list[str | None] = field(default_factory=list)

    def tree(self) -> dict[str, bytes]:
        """Every file under the root (dvc.yaml files excluded), timestamps masked in TSVs."""
        files: dict[str, bytes] = {}
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and path.name != "dvc.yaml":
                data = path.read_bytes()
                if path.suffix == ".tsv":
                    data = mask_timestamps(data)
                files[path.relative_to(self.root).as_posix()] = data
        return files

    def dvcyaml(self) -> dict[str, Any]:
        """Every dvc.yaml under the root, merged, with paths made relative to the root."""
        merged: dict[str, Any] = {"(files)": len(list(self.root.rglob("dvc.yaml")))}
        for path in sorted(self.root.rglob("dvc.yaml")):
            content = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
            for key, value in resolve_dvcyaml(content, path.parent, self.root).items():
                merged.setdefault(key, []).append(value)
        return merged


def mask_timestamps(data: bytes) -> bytes:
    """Replace the timestamp of every ``timestamp, step, value`` row of a TSV with ``T``.

    Rows are told by their field count, not the header: the header is written once, so a
    file started without timestamps can hold timestamped rows (and the other way round).
    """
    lines = data.split(b"\n")
    masked = lines[:1]
    for line in lines[1:]:
        # newline="" semantics: a bare carriage return in a logged string is field content.
        reader = csv.reader(io.StringIO(line.decode("utf-8"), newline=""), delimiter="\t")
        fields = next(reader, []) if line else []
        if len(fields) == 3:
            _, _, rest = line.partition(b"\t")
            line = b"T\t" + rest
        masked.append(line)
    return b"\n".join(masked)


def _resolve(entry: str, base: Path, root: Path) -> str:
    return os.path.relpath(os.path.normpath(base / entry), root).replace(os.sep, "/")


def resolve_dvcyaml(content: dict[str, Any], base: Path, root: Path) -> dict[str, Any]:
    """``content`` with every path rewritten relative to ``root`` (it is relative to ``base``)."""
    resolved: dict[str, Any] = {}
    for key, value in content.items():
        if key in ("params", "metrics"):
            resolved[key] = [_resolve(e, base, root) for e in value]
        elif key == "plots":
            plots: list[Any] = []
            for entry in value:
                if isinstance(entry, str):
                    plots.append(_resolve(entry, base, root))
                else:
                    plots.append({_resolve(k, base, root): v for k, v in entry.items()})
            resolved[key] = plots
        elif key == "artifacts":
            resolved[key] = {
                name: {**meta, "path": _resolve(meta["path"], base, root)}
                for name, meta in value.items()
            }
        else:
            resolved[key] = value
    return resolved


@contextmanager
def chdir(path: Path) -> Iterator[None]:
    """Temporarily change the working directory."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_script(
    module: Any,
    root: Path,
    ops: Sequence[Op],
    live_kwargs: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> Outcome:
    """Create a ``module.Live(**live_kwargs)`` in ``root`` and apply ``ops``, recording errors.

    An op that raises records the exception's class name and the script goes on.
    """
    root.mkdir(parents=True, exist_ok=True)
    outcome = Outcome(root)
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with chdir(root):
            live = module.Live(**{"save_dvc_exp": False, "report": None, **(live_kwargs or {})})
            for op in ops:
                try:
                    op(live)
                except Exception as exc:
                    outcome.errors.append(type(exc).__name__)
                else:
                    outcome.errors.append(None)
            # A script that never calls end(): what is left once the Live is gone (as at exit).
            del live
            if any(root.rglob(".*.tmp")):
                gc.collect()
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return outcome


def run_both(
    tmp_path: Path,
    ops: Sequence[Op],
    live_kwargs: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    prepare: Callable[[Any, Path], None] | None = None,
) -> tuple[Outcome, Outcome]:
    """Run ``ops`` with dvclive (under ``tmp_path/theirs``) and ours (``tmp_path/ours``).

    ``prepare(module, root)`` runs first in each root (e.g. a previous run to resume).
    """
    outcomes = []
    for module, name in ((dvclive, "theirs"), (dvclive_writer, "ours")):
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        if prepare is not None:
            prepare(module, root)
        outcomes.append(run_script(module, root, ops, live_kwargs, env))
    return outcomes[0], outcomes[1]


def assert_same(theirs: Outcome, ours: Outcome) -> None:
    """Same exceptions per call, same files, same dvc.yaml meaning."""
    assert ours.errors == theirs.errors, (ours.errors, theirs.errors)
    assert ours.tree() == theirs.tree()
    assert ours.dvcyaml() == theirs.dvcyaml()
