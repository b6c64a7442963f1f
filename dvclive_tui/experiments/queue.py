"""DVC's experiment queue, read from the files it keeps under ``.dvc/tmp/exps/``.

* ``celery/broker/in/*.msg`` — queued runs; ``celery/broker/processed/*.msg`` — runs a
  worker took (JSON messages read in file-name order; the task arguments, base64 in
  ``body``, hold the entry ``{stash_rev, baseline_rev, name, ...}``).
* ``celery/result/celery-task-meta-<task id>`` — a finished task (``SUCCESS``, ``FAILURE``
  or ``REVOKED``); without it a taken task is still running.
* ``run/<stash rev>/<stash rev>.run`` — the executor's info (``root_dir``, ``location``,
  ``status``; ``result_hash`` and ``result_ref`` once it saved an experiment) and
  ``<stash rev>.json`` its process (``pid``, ``stdout`` log, ``returncode``).
* ``standalone/run/...`` — ``dvc exp run --temp`` runs; ``run/workspace/`` — a
  ``dvc exp run`` in the workspace.

The states and the ``executor`` blocks are those ``dvc exp show`` reports.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

EXPS_TMP = Path(".dvc") / "tmp" / "exps"
RUN_TASK = "dvc.repo.experiments.queue.tasks.run_exp"
READY = frozenset({"SUCCESS", "FAILURE", "REVOKED"})
#: ``TaskStatus`` codes of DVC's executors.
SUCCESS, FAILED = 3, 4


class Executor(NamedTuple):
    """``dvc exp show``'s ``executor`` block of one run."""

    state: str
    """``queued``, ``running``, ``success`` or ``failed``."""
    name: str | None = None
    local: dict[str, Any] | None = None
    """``{root, log, pid, returncode, task_id}`` when DVC knows the process."""

    def as_json(self) -> dict[str, Any]:
        """The block as ``dvc exp show --json`` prints it."""
        return {"state": self.state, "name": self.name, "local": self.local}


class QueueEntry(NamedTuple):
    """One run of the queue (or a ``--temp``/workspace run)."""

    stash_rev: str
    baseline_rev: str
    name: str | None


class ActiveRun(NamedTuple):
    """A run executing now, in ``root`` (its own checkout, or the workspace)."""

    entry: QueueEntry
    root: Path
    executor: Executor
    rev: str
    """The row's revision: the stash commit, or ``workspace`` for a workspace run."""


@dataclass
class QueueState:
    """Every run DVC's queue files describe, grouped as ``dvc exp show`` groups them."""

    queued: list[tuple[QueueEntry, Executor]] = field(default_factory=list)
    active: list[ActiveRun] = field(default_factory=list)
    failed: list[tuple[QueueEntry, Executor]] = field(default_factory=list)
    success: dict[str, Executor] = field(default_factory=dict)
    """Experiment ref (``refs/exps/...``) -> the executor of the queue run that made it."""


def _json(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read(1 << 20))
    except (OSError, ValueError, RecursionError):
        return None


def _messages(folder: Path) -> list[tuple[str, QueueEntry]]:
    """``(task id, entry)`` of the run-experiment messages in ``folder``, in name order."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = []
    for name in names:
        message = _json(folder / name)
        if not isinstance(message, dict):
            continue
        headers = message.get("headers") or {}
        properties = message.get("properties") or {}
        routing = (properties.get("delivery_info") or {}).get("routing_key")
        if headers.get("task") != RUN_TASK or routing != "celery":
            continue
        entry = _entry(message.get("body"))
        task_id = headers.get("id")
        if entry is not None and isinstance(task_id, str):
            found.append((task_id, entry))
    return found


def _entry(body: Any) -> QueueEntry | None:
    try:
        args, kwargs, _embed = json.loads(base64.b64decode(body))
        data = kwargs.get("entry_dict", args[0])
        stash_rev, baseline_rev = data["stash_rev"], data["baseline_rev"]
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    if not (isinstance(stash_rev, str) and isinstance(baseline_rev, str)):
        return None
    name = data.get("name")
    return QueueEntry(stash_rev, baseline_rev, name if isinstance(name, str) else None)


def _local(
    proc: Any, *, root: Any = None, task_id: str | None = None, returncode: bool = True
) -> dict[str, Any] | None:
    """``LocalExpExecutor`` fields from a process info file (``None`` without one)."""
    if not isinstance(proc, dict):
        return None
    return {
        "root": root,
        "log": proc.get("stdout"),
        "pid": proc.get("pid"),
        "returncode": proc.get("returncode") if returncode else None,
        "task_id": task_id,
    }


def read_queue(root: Path) -> QueueState:
    """The queue of the DVC repository at ``root`` (empty when DVC never queued)."""
    state = QueueState()
    exps = root / EXPS_TMP
    if not exps.is_dir():
        return state
    _workspace_run(exps, state)
    _tempdir_runs(exps, state)
    celery = exps / "celery"
    for _task_id, entry in _messages(celery / "broker" / "in"):
        queued: dict[str, Any] = {"root": None, "log": None, "pid": None, "returncode": None}
        queued["task_id"] = entry.stash_rev
        state.queued.append((entry, Executor("queued", "dvc-task", queued)))
    for task_id, entry in _messages(celery / "broker" / "processed"):
        result = _json(celery / "result" / f"celery-task-meta-{task_id}")
        status = result.get("status") if isinstance(result, dict) else None
        run_dir = exps / "run" / entry.stash_rev
        info = _json(run_dir / f"{entry.stash_rev}.run")
        proc = _json(run_dir / f"{entry.stash_rev}.json")
        if status not in READY:
            if isinstance(info, dict) and isinstance(info.get("root_dir"), str):
                local = _local(
                    proc, root=info["root_dir"], task_id=entry.stash_rev, returncode=False
                )
                location = info.get("location")
                executor = Executor(
                    "running", location if isinstance(location, str) else None, local
                )
                dvc_dir = info.get("dvc_dir") if isinstance(info.get("dvc_dir"), str) else ""
                checkout = Path(info["root_dir"]) / (dvc_dir or ".") / ".."
                state.active.append(ActiveRun(entry, checkout.resolve(), executor, entry.stash_rev))
            continue
        if not isinstance(info, dict):
            if status == "FAILURE":
                state.failed.append((entry, Executor("failed")))
            continue  # DVC stops with "Invalid experiment" here; the row is left out
        local = _local(proc, task_id=entry.stash_rev)
        if info.get("result_hash") is None:
            state.failed.append((entry, Executor("failed", None, local)))
        elif isinstance(info.get("result_ref"), str):
            state.success[info["result_ref"]] = Executor("success", "dvc-task", local)
    return state


def _tempdir_runs(exps: Path, state: QueueState) -> None:
    """``dvc exp run --temp`` runs still executing (status up to SUCCESS, checkout there)."""
    run_dir = exps / "standalone" / "run"
    try:
        names = os.listdir(run_dir)
    except OSError:
        return
    for rev in names:
        info = _json(run_dir / rev / f"{rev}.run")
        if not isinstance(info, dict):
            continue
        status, root_dir = info.get("status"), info.get("root_dir")
        if not (isinstance(status, int) and status <= SUCCESS and isinstance(root_dir, str)):
            continue
        if not os.path.exists(root_dir):
            continue
        proc = _json(run_dir / rev / f"{rev}.json")
        local = _local(proc, root=root_dir, returncode=False)
        baseline = info.get("baseline_rev")
        name = info.get("name")
        entry = QueueEntry(
            rev,
            baseline if isinstance(baseline, str) else "",
            name if isinstance(name, str) else None,
        )
        location = info.get("location")
        executor = Executor("running", location if isinstance(location, str) else None, local)
        state.active.append(ActiveRun(entry, Path(root_dir), executor, rev))


def _workspace_run(exps: Path, state: QueueState) -> None:
    """A ``dvc exp run`` in the workspace, while its process lives."""
    folder = exps / "run" / "workspace"
    proc = _json(folder / "workspace.json")
    if not isinstance(proc, dict):
        return
    from dvclive_writer.read.signals import pid_alive  # only when DVC ran in the workspace

    if not pid_alive(proc.get("pid")):
        return
    info = _json(folder / "workspace.run")
    if not isinstance(info, dict):
        return
    status = info.get("status")
    if not isinstance(status, int) or status >= FAILED or status == SUCCESS:
        return
    baseline, name, root_dir = info.get("baseline_rev"), info.get("name"), info.get("root_dir")
    entry = QueueEntry(
        "workspace",
        baseline if isinstance(baseline, str) else "",
        name if isinstance(name, str) else None,
    )
    local: dict[str, Any] = {"root": root_dir, "log": None, "pid": proc["pid"]}
    local.update(returncode=None, task_id=None)
    root = Path(root_dir) if isinstance(root_dir, str) else exps.parent.parent.parent
    state.active.append(
        ActiveRun(entry, root, Executor("running", "workspace", local), "workspace")
    )
