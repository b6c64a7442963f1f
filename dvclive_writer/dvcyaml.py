"""``dvc.yaml``: the DVC configuration of a run (params, metrics, plots, artifacts).

:func:`dvcyaml_content` computes dvclive's entries, with paths relative to the dvc.yaml's
directory. :func:`write_dvcyaml` writes a new file with dvclive's dumper (key order params,
metrics, plots, artifacts) or merges into an existing one in place with a ruamel round trip
that keeps comments and other keys such as ``stages``. When merging, every old entry whose
path resolves inside the run directory is the writer's own and is replaced; the rest stays.
"""

from __future__ import annotations

import copy
import functools
import os
from typing import Any

from dvclive_writer.serialize import atomic_write, dumps_yaml, load_yaml
from dvclive_writer.state import Registries, RunPaths
from dvclive_writer.utils import is_inside, rel_path

#: Where metric histories and images live below ``plots_dir``.
METRICS_SUBFOLDER = "metrics"
IMAGES_SUBFOLDER = "images"


def dvcyaml_content(
    paths: RunPaths, registries: Registries, *, params: bool, metrics: bool
) -> dict[str, Any]:
    """The entries dvclive would write for a run right now.

    ``params``: whether the run logged params; ``metrics``: whether it logged metrics or has
    a summary. Plots and artifacts come from ``registries``.
    """
    cwd = os.getcwd()
    base = _relative(cwd, os.path.dirname(paths.dvc_file), None)
    content: dict[str, Any] = {}
    if params:
        content["params"] = [_relative(cwd, paths.params_file, base)]
    if metrics:
        content["metrics"] = [_relative(cwd, paths.metrics_file, base)]
    plots: list[Any] = []
    metrics_dir = os.path.join(paths.plots_dir, METRICS_SUBFOLDER)
    if os.path.exists(metrics_dir):
        plots.append({_relative(cwd, metrics_dir, base): {"x": "step"}})
    if registries.images:
        plots.append(_relative(cwd, os.path.join(paths.plots_dir, IMAGES_SUBFOLDER), base))
    for plot_path, config in registries.plots.values():
        plots.append({_relative(cwd, os.path.join(paths.dir, plot_path), base): dict(config)})
    if plots:
        content["plots"] = plots
    if registries.artifacts:
        artifacts = copy.deepcopy(registries.artifacts)
        for artifact in artifacts.values():
            artifact["path"] = rel_path(artifact["path"], base)
        content["artifacts"] = artifacts
    return content


@functools.lru_cache(maxsize=1024)
def _relative(cwd: str, path: str, base: str | None) -> str:
    """``path`` (relative to ``cwd``) relative to ``base``, POSIX; absolute if ``base`` is None.

    Memoised per working directory, so a step does no path arithmetic.
    """
    absolute = os.path.normpath(os.path.join(cwd, path))
    if base is None:
        return absolute
    return rel_path(absolute, base)


def write_dvcyaml(paths: RunPaths, content: dict[str, Any]) -> None:
    """Write ``content`` to ``paths.dvc_file``: a new file, or a merge into the existing one."""
    path = paths.dvc_file
    if not os.path.exists(path):
        atomic_write(path, dumps_yaml(content).encode("utf-8"))
        return
    original = load_yaml(path, typ="rt") or {}
    merged = merge_dvcyaml(original, content, live_dir=paths.dir, dvcyaml_path=path)
    atomic_write(path, dumps_yaml(merged).encode("utf-8"))


def merge_dvcyaml(
    original: Any, updates: dict[str, Any], live_dir: str | os.PathLike[str], dvcyaml_path: str
) -> Any:
    """Replace the run's own entries of ``original`` (a round-trip mapping) with ``updates``."""
    base = os.path.dirname(os.path.abspath(dvcyaml_path))
    own_dir = os.path.abspath(live_dir)

    def is_own(entry_path: Any) -> bool:
        return is_inside(os.path.normpath(os.path.join(base, str(entry_path))), own_dir)

    def keep(entry: Any) -> bool:
        if isinstance(entry, str):
            return not is_own(entry)
        if isinstance(entry, dict) and len(entry) == 1:
            return not is_own(next(iter(entry)))
        return True

    for key in ("params", "metrics", "plots"):
        old = original.get(key) or []
        kept = [entry for entry in old if keep(entry)] if isinstance(old, list) else [old]
        original[key] = kept + updates.get(key, [])
        if not original[key]:
            del original[key]

    old_artifacts = original.get("artifacts") or {}
    kept_artifacts = {
        name: meta
        for name, meta in old_artifacts.items()
        if not isinstance(meta, dict) or ("path" in meta and not is_own(meta["path"]))
    }
    original["artifacts"] = {**kept_artifacts, **updates.get("artifacts", {})}
    if not original["artifacts"]:
        del original["artifacts"]
    return original
