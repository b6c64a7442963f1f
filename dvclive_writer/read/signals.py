"""dvclive's writer signal files and the liveness of the process that wrote them.

dvclive leaves signal files for the VS Code extension under the DVC root (field notes §2.4):
``.dvc/tmp/exps/run/DVCLIVE_ONLY`` (``{"exp_name", "pid"}``, written at start when saving an
experiment, removed when it is saved) and ``.dvc/tmp/exps/run/DVCLIVE_STEP_COMPLETED``
(``{"pid", "step"}``, rewritten at each ``next_step`` and removed at ``end()``). A killed run
can leave one behind, so the pid must be alive. Shared by the run reader and the
experiments table; imports nothing heavier than the standard library.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from dvclive_writer.read.document_limits import load_json

SIGNAL_DIR = PurePosixPath(".dvc/tmp/exps/run")
"""Where the signal files live, relative to the DVC root."""
SIGNAL_FILES = ("DVCLIVE_STEP_COMPLETED", "DVCLIVE_ONLY")


@dataclass(frozen=True)
class WriterSignal:
    """A signal file found under the DVC root."""

    pid: int
    mtime: float
    alive: bool


def pid_alive(pid: Any) -> bool:
    """Whether a process with this id exists (``False`` for anything not a positive int)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError):  # OverflowError: beyond pid_t (a corrupt file)
        return False
    return True


def parse_signal(data: bytes, mtime: float) -> WriterSignal | None:
    """The pid of a signal file's bytes (``None`` when they hold none: mid-write, corrupt)."""
    try:
        document = load_json(data)
    except (ValueError, RecursionError):
        return None
    pid = document.get("pid") if isinstance(document, dict) else None
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return None
    return WriterSignal(pid=pid, mtime=mtime, alive=pid_alive(pid))


def freshest(signals: Iterable[WriterSignal | None]) -> WriterSignal | None:
    """The signal file written last, its pid checked again (``None`` when there is none)."""
    found = [signal for signal in signals if signal is not None]
    if not found:
        return None
    newest = max(found, key=lambda signal: signal.mtime)
    return replace(newest, alive=pid_alive(newest.pid))
