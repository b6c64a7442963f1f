"""Experiments that are running now: in the workspace, or in DVC's temporary workspaces.

* A dvclive run with ``save_dvc_exp=True`` writes ``.dvc/tmp/exps/run/DVCLIVE_ONLY``
  (``{"exp_name", "pid"}``) at start and removes it when it saves the experiment; the
  workspace row is running while that pid is alive.
* Queued (``--queue``) and ``--temp`` runs execute in ``.dvc/tmp/exps/tmpXXXX/``; DVC keeps
  their executor state in ``.dvc/tmp/exps/run/<rev>/<rev>.run`` (JSON with ``root_dir``,
  ``name``, ``baseline_rev`` and ``status``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from dvclive_tui.experiments.gitfiles import simple_ignore
from dvclive_tui.experiments.model import Experiment, ExpKind, ExpStatus
from dvclive_tui.experiments.readers import ParseCache, read_revision
from dvclive_tui.experiments.sources import DirSource
from dvclive_writer.read.document_limits import load_json
from dvclive_writer.read.signals import pid_alive

EXPS_TMP = Path(".dvc") / "tmp" / "exps"
RUN_DIR = EXPS_TMP / "run"
DVCLIVE_ONLY = RUN_DIR / "DVCLIVE_ONLY"

#: DVC's ``TaskStatus`` values -> our status.
_TASK_STATUS = {
    0: ExpStatus.QUEUED,
    1: ExpStatus.RUNNING,
    2: ExpStatus.RUNNING,
    3: ExpStatus.DONE,
    4: ExpStatus.FAILED,
    5: ExpStatus.FAILED,
    6: ExpStatus.DONE,
}

#: Files of a plain directory are keyed as if it were a repository's ``dvclive`` folder.
DIRECTORY_PREFIX = "dvclive"

#: A temp workspace without executor info counts as running while written this recently.
RECENT_WRITE_S = 120.0


def _read_json(path: Path) -> Any:
    try:
        return load_json(path.read_bytes())
    except (OSError, ValueError, RecursionError):  # missing, mid-write or corrupt
        return None


def workspace_row(
    root: Path, git_dir: Path | None, cache: ParseCache, head_rev: str | None
) -> Experiment:
    """The workspace row, read from disk; running (and named) while a live dvclive run
    owns it (``DVCLIVE_ONLY`` names a live pid)."""
    source = DirSource(root, ignored=simple_ignore(root, git_dir))
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
    if pid_alive(pid):
        workspace.status = ExpStatus.RUNNING
        workspace.pid = pid
        name = signal.get("exp_name")
        if isinstance(name, str) and name:
            workspace.name = name
    return workspace


def executor_infos(root: Path) -> dict[str, dict[str, Any]]:
    """DVC executor infos keyed by the resolved ``root_dir`` they run in."""
    infos: dict[str, dict[str, Any]] = {}
    run_dir = root / RUN_DIR
    if not run_dir.is_dir():
        return infos
    for info_path in run_dir.glob("*/*.run"):
        info = _read_json(info_path)
        if isinstance(info, dict) and isinstance(info.get("root_dir"), str):
            info["_rev"] = info_path.stem
            infos[str(Path(info["root_dir"]).resolve())] = info
    return infos


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


def _temp_workdirs(root: Path) -> list[Path]:
    """DVC's temporary workspaces: ``.dvc/tmp/exps/tmp*`` and ``…/standalone/tmp*``."""
    tmp_root = root / EXPS_TMP
    found: list[Path] = []
    for pattern in ("tmp*", "standalone/tmp*"):
        found.extend(path for path in sorted(tmp_root.glob(pattern)) if path.is_dir())
    return found


def collect_running(root: Path, cache: ParseCache, head_rev: str | None) -> list[Experiment]:
    """Rows for DVC's queued, running or failed runs in temporary workspaces.

    The executor info (``.dvc/tmp/exps/run/<rev>/<rev>.run``) names the run, its baseline
    and its state; a workspace without one counts as running while recently written.
    Finished runs are left out: their results are committed experiments already.
    """
    if not (root / EXPS_TMP).is_dir():
        return []
    infos = executor_infos(root)
    rows: list[Experiment] = []
    for workdir in _temp_workdirs(root):
        info = infos.get(str(workdir.resolve()), {})
        status_code = info.get("status")
        if isinstance(status_code, int) and status_code in _TASK_STATUS:
            status = _TASK_STATUS[status_code]
        else:
            newest = _newest_write(workdir / "dvclive") or _newest_write(workdir)
            recent = newest is not None and time.time() - newest < RECENT_WRITE_S
            status = ExpStatus.RUNNING if recent else ExpStatus.DONE
        if status is ExpStatus.DONE:
            continue
        source = DirSource(workdir)
        rev = info.get("_rev") or workdir.relative_to(root).as_posix()
        name = info.get("name")
        baseline = info.get("baseline_rev")
        location = info.get("location")
        rows.append(
            Experiment(
                key=str(rev),
                kind=ExpKind.TEMP,
                rev=str(rev),
                name=name if isinstance(name, str) and name else None,
                data=read_revision(source, cache),
                baseline=baseline if isinstance(baseline, str) else head_rev,
                status=status,
                source=source,
                executor=location if isinstance(location, str) else "tempdir",
            )
        )
    return rows


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
    if isinstance(signal, dict) and pid_alive(signal.get("pid")):
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

    def identity(self, path: str) -> str | None:
        if path.strip("/") == "dvc.yaml":
            return "default-dvclive-dvc.yaml"
        return super().identity(path)
