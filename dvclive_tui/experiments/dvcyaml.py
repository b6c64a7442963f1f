"""What a ``dvc.yaml`` declares that ``dvc exp show`` reports: params, metrics and plots.

Paths are resolved against the ``dvc.yaml``'s directory (and a stage's ``wdir``) into
repository-relative POSIX paths, the way DVC's index does it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

DEFAULT_PARAMS_FILE = "params.yaml"


@dataclass
class StageSpec:
    """One pipeline stage: where it runs and the data it depends on and produces."""

    name: str
    wdir: str
    """Repository-relative working directory."""
    deps: list[str] = field(default_factory=list)
    """Dependency paths as written (relative to :attr:`wdir`)."""
    outs: list[tuple[str, bool]] = field(default_factory=list)
    """``(path as written, use_cache)`` of each ``outs`` entry."""
    data_outs: list[tuple[str, bool, str | None]] = field(default_factory=list)
    """``(path as written, use_cache, remote)`` of every output: ``outs``, ``metrics``
    and ``plots`` entries (what DVC may keep in its cache)."""


@dataclass
class DvcYamlSpec:
    """The parts of one ``dvc.yaml`` that matter for comparing experiments."""

    path: str
    """The ``dvc.yaml`` path relative to the repository root."""
    stage_params: list[dict[str, list[str]]] = field(default_factory=list)
    """Stage params deps as ``{file: [key paths]}`` (an empty list tracks the whole file)."""
    params: list[str] = field(default_factory=list)
    """Top-level ``params`` files."""
    stage_metrics: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    plots: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """``(path or plot id, properties)`` from top-level and stage ``plots``."""
    stages: list[StageSpec] = field(default_factory=list)
    error: str | None = None
    """Why the file could not be used, when it could not."""


def join(base: str, path: str) -> str:
    """``path`` relative to ``base`` as a normalised repository-relative POSIX path."""
    return _join(base, path)


def _join(base: str, path: str) -> str:
    joined = posixpath.normpath(posixpath.join(base, str(path)))
    return "" if joined == "." else joined


def _entry_paths(entries: Any) -> list[tuple[str, dict[str, Any]]]:
    """Normalise a list of ``str`` / ``{path: props}`` entries (or a mapping) to pairs."""
    result: list[tuple[str, dict[str, Any]]] = []
    if isinstance(entries, dict):
        entries = [{key: value} for key, value in entries.items()]
    if not isinstance(entries, list):
        return result
    for entry in entries:
        if isinstance(entry, str):
            result.append((entry, {}))
        elif isinstance(entry, dict):
            for key, value in entry.items():
                result.append((str(key), value if isinstance(value, dict) else {}))
    return result


def parse_dvc_yaml(path: str, content: Any) -> DvcYamlSpec:
    """Build a spec from an already loaded ``dvc.yaml`` document located at ``path``."""
    spec = DvcYamlSpec(path=path)
    if content is None:
        return spec
    if not isinstance(content, dict):
        spec.error = f"'{path}' is not a mapping"
        return spec
    base = posixpath.dirname(path)
    for entry, _props in _entry_paths(content.get("params")):
        spec.params.append(_join(base, entry))
    for entry, _props in _entry_paths(content.get("metrics")):
        spec.metrics.append(_join(base, entry))
    for entry, props in _entry_paths(content.get("plots")):
        spec.plots.append((_join(base, entry), props))
    stages = content.get("stages")
    if isinstance(stages, dict):
        for name, stage in stages.items():
            if isinstance(stage, dict) and "foreach" not in stage and "matrix" not in stage:
                _add_stage(spec, base, str(name), stage)
    return spec


def _add_stage(spec: DvcYamlSpec, base: str, name: str, stage: dict[str, Any]) -> None:
    wdir = _join(base, str(stage.get("wdir", ".")))
    stage_spec = StageSpec(name=name, wdir=wdir)
    spec.stages.append(stage_spec)
    params = stage.get("params")
    if isinstance(params, list):
        for item in params:
            if isinstance(item, str):
                spec.stage_params.append({_join(wdir, DEFAULT_PARAMS_FILE): [item]})
            elif isinstance(item, dict):
                for file, keys in item.items():
                    key_list = [str(k) for k in keys] if isinstance(keys, list) else []
                    spec.stage_params.append({_join(wdir, str(file)): key_list})
    for entry, _props in _entry_paths(stage.get("deps")):
        stage_spec.deps.append(entry)
    for entry, props in _entry_paths(stage.get("outs")):
        stage_spec.outs.append((entry, props.get("cache", True) is not False))
    for entry, _props in _entry_paths(stage.get("metrics")):
        spec.stage_metrics.append(_join(wdir, entry))
    for entry, props in _entry_paths(stage.get("plots")):
        spec.plots.append((_join(wdir, entry), props))
    for kind in ("outs", "metrics", "plots"):
        for entry, props in _entry_paths(stage.get(kind)):
            remote = props.get("remote")
            stage_spec.data_outs.append(
                (
                    entry,
                    props.get("cache", True) is not False,
                    remote if isinstance(remote, str) else None,
                )
            )


def merge_params(entries: list[dict[str, list[str]]]) -> dict[str, list[str]]:
    """Merge params entries: a file tracked whole anywhere is tracked whole (DVC's rule)."""
    wholly: set[str] = {file for entry in entries for file, keys in entry.items() if not keys}
    merged: dict[str, list[str]] = {}
    for entry in entries:
        for file, keys in entry.items():
            if file in wholly:
                merged[file] = []
                continue
            current = merged.setdefault(file, [])
            current.extend(key for key in keys if key not in current)
    return merged
