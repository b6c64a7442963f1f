"""What ``import dvclive`` resolves to in this interpreter and folder, without importing it.

Standard library only, so ``dvclive-tui doctor`` can run this file's source with any Python
(``python -c``, the current folder first on ``sys.path`` as for a script run from there).
Run as ``python -m dvclive_writer.which_dvclive`` it prints the facts as JSON.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import sys
from typing import Any

_RANK_VARIABLES = ("RANK", "LOCAL_RANK", "SLURM_PROCID", "JSM_NAMESPACE_RANK")


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _spec_facts(name: str) -> dict[str, Any]:
    """``kind`` (missing, package, module, namespace, alias), ``location``, ``error``."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError) as exc:
        return {"kind": "missing", "location": None, "error": str(exc)}
    if spec is None:
        return {"kind": "missing", "location": None, "error": None}
    if type(spec.loader).__name__ == "DvcliveAlias":
        target = importlib.util.find_spec(str(spec.loader_state))
        origin = target.origin if target is not None else None
        return {"kind": "alias", "location": os.path.dirname(origin or ""), "error": None}
    if spec.origin in (None, "namespace") and spec.submodule_search_locations is not None:
        return {
            "kind": "namespace",
            "location": next(iter(spec.submodule_search_locations)),
            "error": None,
        }
    is_package = spec.submodule_search_locations is not None
    location = os.path.dirname(spec.origin or "") if is_package else spec.origin
    return {"kind": "package" if is_package else "module", "location": location, "error": None}


def probe() -> dict[str, Any]:
    """The facts ``dvclive-tui doctor`` explains (see its module doc)."""
    rank = next(((v, os.environ[v]) for v in _RANK_VARIABLES if v in os.environ), None)
    return {
        "python": sys.executable,
        "python_version": sys.version.split()[0],
        "cwd": os.getcwd(),
        "dvclive": {**_spec_facts("dvclive"), "version": _version("dvclive")},
        "dvclive_writer": {**_spec_facts("dvclive_writer"), "version": _version("dvclive-tui")},
        "rank": list(rank) if rank else None,
    }


if __name__ == "__main__":
    print(json.dumps(probe()))
