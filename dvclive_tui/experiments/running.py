"""Rows read from disk: the workspace, and plain dvclive directories given as DIRS.

A dvclive run with ``save_dvc_exp=True`` writes ``.dvc/tmp/exps/run/DVCLIVE_ONLY``
(``{"exp_name", "pid"}``) at start and removes it when it saves the experiment; the
workspace row is running (and named) while that pid is alive. Runs of DVC's queue are in
:mod:`~dvclive_tui.experiments.queue`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from dvclive_tui.experiments.model import Experiment, ExpKind, ExpStatus
from dvclive_tui.experiments.readers import ParseCache, read_revision
from dvclive_tui.experiments.sources import DirSource, FileSource
from dvclive_writer.read.document_limits import load_json

RUN_DIR = Path(".dvc") / "tmp" / "exps" / "run"
DVCLIVE_ONLY = RUN_DIR / "DVCLIVE_ONLY"

#: Files of a plain directory are keyed as if it were a repository's ``dvclive`` folder.
DIRECTORY_PREFIX = "dvclive"


def _read_json(path: Path) -> Any:
    try:
        return load_json(path.read_bytes())
    except (OSError, ValueError, RecursionError):  # missing, mid-write or corrupt
        return None


def _pid_alive(pid: Any) -> bool:
    from dvclive_writer.read.signals import pid_alive  # only when a signal file exists

    return pid_alive(pid)


def workspace_row(
    root: Path, source: FileSource, cache: ParseCache, head_rev: str | None
) -> Experiment:
    """The workspace row, read from ``source`` (the working tree); running (and named)
    while a live dvclive run owns it (``DVCLIVE_ONLY`` names a live pid)."""
    workspace = Experiment(
        key="workspace",
        kind=ExpKind.WORKSPACE,
        rev="workspace",
        name=None,
        data=read_revision(source, cache),
        baseline=head_rev,
        source=source,
    )
    signal = _read_json(root / DVCLIVE_ONLY)
    if not isinstance(signal, dict):
        return workspace
    pid = signal.get("pid")
    if _pid_alive(pid):
        workspace.status = ExpStatus.RUNNING
        workspace.pid = pid
        name = signal.get("exp_name")
        if isinstance(name, str) and name:
            workspace.name = name
    return workspace


def _newest_write(path: Path) -> float | None:
    newest: float | None = None
    for dirpath, _dirnames, filenames in os.walk(path):
        for name in filenames:
            try:
                mtime = os.stat(os.path.join(dirpath, name)).st_mtime
            except OSError:
                continue
            newest = mtime if newest is None else max(newest, mtime)
    return newest


def directory_row(path: Path, cache: ParseCache, label: str) -> Experiment:
    """A row for a plain dvclive directory (no git needed), named by ``label``.

    The directory's own ``dvc.yaml`` decides what is read when it has one; otherwise the
    dvclive defaults ``params.yaml``, ``metrics.json`` and ``plots/metrics`` are used.
    Params and metrics files are keyed ``dvclive/<file>`` whatever the folder is called, so
    the columns of several directories line up with each other and with experiments
    written to the default ``dvclive`` folder; plot paths stay relative to the directory.
    """
    source = DirSource(path)
    data = read_revision(source, cache)
    if not source.dvc_yaml_files():
        data = read_revision(_DefaultDvcYaml(path), cache)
    status = ExpStatus.DONE
    signal = _read_json(path / ".." / DVCLIVE_ONLY)
    if isinstance(signal, dict) and _pid_alive(signal.get("pid")):
        status = ExpStatus.RUNNING
    newest = _newest_write(path)
    if newest is not None and time.time() - newest < 10.0:
        status = ExpStatus.RUNNING
    data.params = {f"{DIRECTORY_PREFIX}/{key}": value for key, value in data.params.items()}
    data.metrics = {f"{DIRECTORY_PREFIX}/{key}": value for key, value in data.metrics.items()}
    return Experiment(
        key=str(path),
        kind=ExpKind.DIRECTORY,
        rev=label,
        name=label,
        data=data,
        timestamp=newest,
        status=status,
        source=source,
    )


class _DefaultDvcYaml(DirSource):
    """A dvclive directory without ``dvc.yaml``: pretend it has dvclive's default one."""

    _DEFAULT = (
        b"params:\n- params.yaml\nmetrics:\n- metrics.json\nplots:\n- plots/metrics:\n    x: step\n"
    )

    def read(self, path: str) -> bytes | None:
        if path.strip("/") == "dvc.yaml":
            return self._DEFAULT
        return super().read(path)

    def dvc_yaml_files(self) -> list[str]:
        return ["dvc.yaml"]

    def dvc_files(self) -> list[str]:
        return []

    def dvc_walk(self) -> list[str]:
        return ["dvc.yaml"]

    def identity(self, path: str) -> str | None:
        if path.strip("/") == "dvc.yaml":
            return "default-dvclive-dvc.yaml"
        return super().identity(path)
