"""``deps`` and ``outs`` of a revision as ``dvc exp show`` reports them.

Stage dependencies (not params) and outputs (not metrics or plots) come from each
``dvc.yaml`` with their hash, size and file count from the ``dvc.lock`` beside it (all
``None`` before the stage ran); ``.dvc`` files add data-source outputs.
"""

from __future__ import annotations

import posixpath
from typing import Any

from dvclive_tui.experiments.dvcyaml import DvcYamlSpec, join
from dvclive_tui.experiments.sources import FileSource, is_dvc_yaml


def _hash_fields(entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict):
        return {"hash": None, "size": None, "nfiles": None}
    name = entry.get("hash") if isinstance(entry.get("hash"), str) else "md5"
    value = entry.get(name, entry.get("md5"))
    return {"hash": value, "size": entry.get("size"), "nfiles": entry.get("nfiles")}


def _lock_entries(lock: Any, stage: str, kind: str) -> dict[str, Any]:
    if not isinstance(lock, dict) or not isinstance(lock.get("stages"), dict):
        return {}
    data = lock["stages"].get(stage)
    if not isinstance(data, dict) or not isinstance(data.get(kind), list):
        return {}
    return {str(item.get("path")): item for item in data[kind] if isinstance(item, dict)}


def deps_and_outs(
    source: FileSource,
    specs: list[DvcYamlSpec],
    load: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(deps, outs)`` dictionaries in ``dvc exp show``'s shape and order: DVC files in
    walk order, stages in file order, entries in ``dvc.yaml`` order (a path listed twice
    keeps its first position and its last value, as a dict built in that order).

    ``load(path)`` returns a parsed YAML document or an error object (not a dict).
    """
    deps: dict[str, Any] = {}
    outs: dict[str, Any] = {}
    by_path = {spec.path: spec for spec in specs}
    for path in source.dvc_walk():
        spec = by_path.get(path)
        if spec is not None:
            _stage_entries(spec, load, deps, outs)
        elif not is_dvc_yaml(path):
            _data_source(path, load, outs)
    return deps, outs


def _stage_entries(
    spec: DvcYamlSpec, load: Any, deps: dict[str, Any], outs: dict[str, Any]
) -> None:
    if not spec.stages:
        return
    base = posixpath.dirname(spec.path)
    lock = load(posixpath.join(base, "dvc.lock") if base else "dvc.lock")
    for stage in spec.stages:
        lock_deps = _lock_entries(lock, stage.name, "deps")
        for path in stage.deps:
            deps[join(stage.wdir, path)] = _hash_fields(lock_deps.get(path))
        lock_outs = _lock_entries(lock, stage.name, "outs")
        for path, use_cache in stage.outs:
            fields = _hash_fields(lock_outs.get(path))
            outs[join(stage.wdir, path)] = {
                **fields,
                "use_cache": use_cache,
                "is_data_source": False,
            }


def _data_source(path: str, load: Any, outs: dict[str, Any]) -> None:
    """The outputs of a ``.dvc`` file (``dvc add``/``import``)."""
    document = load(path)
    if not isinstance(document, dict) or not isinstance(document.get("outs"), list):
        return
    base = posixpath.dirname(path)
    for out in document["outs"]:
        if isinstance(out, dict) and isinstance(out.get("path"), str):
            outs[join(base, out["path"])] = {
                **_hash_fields(out),
                "use_cache": out.get("cache", True) is not False,
                "is_data_source": True,
            }
