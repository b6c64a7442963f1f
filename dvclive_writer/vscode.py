"""Signal files for the DVC VS Code extension under ``<root>/.dvc/tmp/exps/run/``.

``DVCLIVE_ONLY`` (``{"exp_name", "pid"}``) says an experiment is running in the workspace;
``DVCLIVE_STEP_COMPLETED`` (``{"pid", "step"}``) is rewritten at each step. Both are JSON with
sorted keys, flushed and fsynced, as dvclive writes them.
"""

from __future__ import annotations

import contextlib
import json
import os

from dvclive_writer import env

DVCLIVE_ONLY = "DVCLIVE_ONLY"
DVCLIVE_STEP_COMPLETED = "DVCLIVE_STEP_COMPLETED"


def find_dvc_root(start: str | None = None) -> str | None:
    """The nearest directory at or above ``start`` (default: the CWD) holding ``.dvc``."""
    root = os.path.realpath(start or os.getcwd())
    while True:
        if os.path.exists(os.path.join(root, ".dvc")):
            return root
        parent = os.path.dirname(root)
        if os.path.ismount(root) or parent == root:
            return None
        root = parent


def signal_file(root: str, name: str) -> str:
    """``<root>/.dvc/tmp/exps/run/<name>``."""
    return os.path.join(root, ".dvc", "tmp", "exps", "run", name)


def _write_signal(root: str | None, name: str, contents: dict[str, str | int]) -> None:
    """Write signal file ``name`` under ``root`` (nothing without a root)."""
    if not root:
        return
    path = signal_file(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fobj:
        fobj.write(json.dumps(contents, sort_keys=True, ensure_ascii=False))
        fobj.flush()
        os.fsync(fobj.fileno())


def _remove_signal(root: str | None, name: str) -> None:
    """Remove signal file ``name`` under ``root``, if any."""
    if root:
        with contextlib.suppress(FileNotFoundError):
            os.remove(signal_file(root, name))


def _step_root() -> str | None:
    return os.getenv(env.DVC_ROOT) or find_dvc_root()


def mark_step_completed(step: int) -> None:
    """Write ``DVCLIVE_STEP_COMPLETED`` under ``$DVC_ROOT``, else the DVC root (if any)."""
    _write_signal(_step_root(), DVCLIVE_STEP_COMPLETED, {"pid": os.getpid(), "step": step})


def cleanup_step_completed() -> None:
    """Remove ``DVCLIVE_STEP_COMPLETED`` (at ``end()``)."""
    _remove_signal(_step_root(), DVCLIVE_STEP_COMPLETED)


def mark_dvclive_only_started(exp_name: str) -> None:
    """Write ``DVCLIVE_ONLY`` under the DVC root: an experiment runs in the workspace."""
    _write_signal(find_dvc_root(), DVCLIVE_ONLY, {"pid": os.getpid(), "exp_name": exp_name})


def mark_dvclive_only_ended() -> None:
    """Remove ``DVCLIVE_ONLY`` (after the experiment is saved, or failed to)."""
    _remove_signal(find_dvc_root(), DVCLIVE_ONLY)
