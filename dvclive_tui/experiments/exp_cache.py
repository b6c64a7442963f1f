"""DVC's own experiment cache (``.dvc/tmp/exps/cache``), consulted where ours cannot read.

``dvc exp show`` keeps what it collected for each commit (``<sha[:2]>/<sha[2:]>``, JSON of
``{rev, timestamp, params, metrics, deps, outs, meta}``) and shows that ever after. A
commit whose DVC-tracked files have since left the cache (``dvc gc``) therefore still
shows its numbers in dvc; reading the same entry keeps compare in step with it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from dvclive_tui.experiments.readers import FileError, FileResult, RevisionData

EXP_CACHE = Path(".dvc") / "tmp" / "exps" / "cache"
_NO_STORAGE = "[Errno 2] No storage files available"


def has_storage_error(data: RevisionData) -> bool:
    """Whether a file of ``data`` failed because DVC's storage lacks its content."""
    for results in (data.params, data.metrics):
        for result in results.values():
            error = result.error
            if error is not None and (
                error.type == "DataIndexDirError" or error.msg.startswith(_NO_STORAGE)
            ):
                return True
    return False


def _results(value: Any) -> dict[str, FileResult] | None:
    if not isinstance(value, dict):
        return None
    results: dict[str, FileResult] = {}
    for path, item in value.items():
        if not isinstance(item, dict):
            return None
        error = item.get("error")
        if isinstance(error, dict):
            results[str(path)] = FileResult(
                error=FileError(str(error.get("type", "")), str(error.get("msg", "")))
            )
        else:
            results[str(path)] = FileResult(data=item.get("data"))
    return results


def dvc_exp_cache_data(root: Path, sha: str, data: RevisionData) -> RevisionData:
    """``data`` with params, metrics, deps and outs from DVC's cache entry for ``sha``,
    when there is a readable one; ``data`` itself otherwise."""
    path = root / EXP_CACHE / sha[:2] / sha[2:]
    try:
        entry = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return data
    if not isinstance(entry, dict):
        return data
    params, metrics = _results(entry.get("params")), _results(entry.get("metrics"))
    deps, outs = entry.get("deps"), entry.get("outs")
    if params is None or metrics is None or not isinstance(deps, dict):
        return data
    if not isinstance(outs, dict):
        return data
    return dataclasses.replace(data, params=params, metrics=metrics, deps=deps, outs=outs)
