"""Run status: is a writer alive, has it stalled, or has it finished?

dvclive leaves signal files for the VS Code extension under the DVC root:
``.dvc/tmp/exps/run/DVCLIVE_ONLY`` (``{"exp_name", "pid"}``, written at start when saving an
experiment) and ``.dvc/tmp/exps/run/DVCLIVE_STEP_COMPLETED`` (``{"pid", "step"}``, rewritten
at each ``next_step`` and removed at ``end()``). A killed run can leave one behind, so the pid
must be alive. Without signal files (no DVC repository) recent writes are the only evidence.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dvclive_tui.data.model import RunStatus
from dvclive_tui.data.parsing import parse_json_bytes

SIGNAL_FILES = ("DVCLIVE_STEP_COMPLETED", "DVCLIVE_ONLY")
MIN_STALL_SECONDS = 30.0
STALL_FACTOR = 10.0
SIGNAL_SLACK_SECONDS = 5.0
"""A signal file belongs to a run whose last write is at most this much older than it."""


@dataclass(frozen=True)
class WriterSignal:
    """A signal file found under the DVC root."""

    pid: int
    mtime: float
    alive: bool


def find_dvc_root(run_dir: Path) -> Path | None:
    """The nearest ancestor of ``run_dir`` (itself included) holding a ``.dvc`` folder."""
    for folder in (run_dir, *run_dir.parents):
        if (folder / ".dvc").is_dir():
            return folder
    return None


def read_writer_signal(dvc_root: Path) -> WriterSignal | None:
    """The freshest signal file's pid and whether that process is alive."""
    found: list[WriterSignal] = []
    for name in SIGNAL_FILES:
        path = dvc_root / ".dvc" / "tmp" / "exps" / "run" / name
        try:
            stat = path.stat()
            data = path.read_bytes()
        except OSError:
            continue
        parsed = parse_json_bytes(data)
        pid = parsed.value.get("pid") if isinstance(parsed.value, dict) else None
        if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
            continue
        found.append(WriterSignal(pid=pid, mtime=stat.st_mtime, alive=pid_alive(pid)))
    if not found:
        return None
    return max(found, key=lambda signal: signal.mtime)


def signal_applies(signal: WriterSignal, last_write: float | None) -> bool:
    """Whether a signal file belongs to a run whose newest write is ``last_write``."""
    return last_write is not None and last_write >= signal.mtime - SIGNAL_SLACK_SECONDS


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (``os.kill(pid, 0)``)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def stall_threshold(step_intervals: Sequence[float]) -> float:
    """Seconds without a new step after which a live run counts as stalled."""
    if not step_intervals:
        return MIN_STALL_SECONDS
    return max(STALL_FACTOR * statistics.median(step_intervals), MIN_STALL_SECONDS)


def decide_status(
    *,
    has_data: bool,
    now: float,
    last_write: float | None,
    last_step_time: float | None,
    step_intervals: Sequence[float],
    signal: WriterSignal | None,
    writer_ended: bool = False,
) -> RunStatus:
    """Combine the evidence into a :class:`RunStatus` (see the module docstring).

    A live signal file counts only when the run wrote at about the same time or after it
    was written (:func:`signal_applies`), so a second run in the same repository is not
    marked running. ``writer_ended`` says that a live signal file of this run was seen
    earlier and is gone now (dvclive removes it at ``end()``): the run finished.
    """
    if not has_data or last_write is None:
        return RunStatus.WAITING
    threshold = stall_threshold(step_intervals)
    quiet_for = now - (last_step_time if last_step_time is not None else last_write)
    if signal is not None and signal.alive and signal_applies(signal, last_write):
        return RunStatus.STALLED if quiet_for > threshold else RunStatus.RUNNING
    if writer_ended:
        return RunStatus.FINISHED
    killed = signal is not None and not signal.alive
    if killed and signal is not None and last_write <= signal.mtime + SIGNAL_SLACK_SECONDS:
        return RunStatus.FINISHED  # the writer died (a killed run left its signal file)
    if now - last_write <= threshold:
        return RunStatus.RUNNING
    return RunStatus.FINISHED
