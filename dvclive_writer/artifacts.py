"""``Live.log_artifact``: track a file or directory with DVC and describe it in dvc.yaml.

``dvc add`` writes ``<path>.dvc`` and a ``.gitignore`` entry; ``copy=True`` first copies the
path into ``<dir>/artifacts/``; metadata (type, name, desc, labels, meta) goes to the dvc.yaml
``artifacts`` section under a GTO-valid name. Without a DVC repository only a warning is
logged, as dvclive does.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath
from typing import Any

from dvclive_writer import dvc_repo
from dvclive_writer.error import InvalidDataTypeError
from dvclive_writer.logger import logger
from dvclive_writer.state import ExperimentState, Registries, RepoState, RunPaths
from dvclive_writer.utils import clean_and_copy_into

# GTO's artifact name rule (gto.constants.name_re), without importing gto.
ARTIFACT_NAME_RE = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9-/_]*[a-zA-Z0-9])?$")


def is_valid_artifact_name(name: str) -> bool:
    """Whether GTO accepts ``name`` as an artifact ID."""
    return bool(ARTIFACT_NAME_RE.search(name))


def log_artifact(
    repo: RepoState,
    experiment: ExperimentState,
    paths: RunPaths,
    registries: Registries,
    path: str | PurePath,
    copy: bool,
    cache: bool,
    **metadata: Any,
) -> None:
    """Track ``path`` with DVC (``cache``), optionally copied into ``<dir>/artifacts``.

    ``metadata`` holds ``type``, ``name``, ``desc``, ``labels`` and ``meta``; when any is set,
    the artifact is recorded for the dvc.yaml ``artifacts`` section under ``name`` (default:
    the path's stem).

    Raises:
        InvalidDataTypeError: ``path`` is not a ``str`` or ``PurePath``.
    """
    if not isinstance(path, str | PurePath):
        raise InvalidDataTypeError(path, type(path))

    if repo.dvc_repo is None:
        logger.warning(f"A DVC repo is required to log artifacts. Skipping `log_artifact({path})`.")
        return

    if copy:
        path = clean_and_copy_into(path, paths.artifacts_dir)
    if cache:
        dvc_repo.cache(repo, experiment, path)

    if any(metadata.values()):
        name = metadata.pop("name") or Path(path).stem
        if not is_valid_artifact_name(name):
            logger.warning(
                "Can't use '%s' as artifact name (ID). "
                "It will not be included in the `artifacts` section.",
                name,
            )
            return
        entry = {"path": path, **metadata}
        registries.artifacts[name] = {k: v for k, v in entry.items() if v is not None}
