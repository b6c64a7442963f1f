"""Run ``dvclive-tui`` as a real process and get its own peak resident memory.

``wait4``'s ``ru_maxrss`` cannot be used for a child of a test process: Linux carries the
spawning process's peak into it (a pytest worker's, whatever other tests it ran, or a
benchmark's after it built a big case). The child reports its ``VmHWM`` at exit instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

_MEASURED = """
import atexit, os, runpy, sys

def peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))

atexit.register(peak)
sys.argv = ["dvclive-tui", *sys.argv[1:]]
runpy.run_module("dvclive_tui", run_name="__main__", alter_sys=True)
"""


def run_measured(
    args: list[str], cwd: Path, *, timeout: float | None = None
) -> tuple[subprocess.CompletedProcess[str], int | None]:
    """``dvclive-tui ARGS`` in ``cwd``: its result and peak RSS in KiB (``None`` when it
    died before reporting it)."""
    peak_file = Path(f"/tmp/.dvclive-tui-peak-{os.getpid()}-{threading.get_ident()}")
    peak_file.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=dict(os.environ, PEAK_FILE=str(peak_file)),
        timeout=timeout,
        check=False,
    )
    try:
        peak: int | None = int(peak_file.read_text())
    except (OSError, ValueError):
        peak = None
    peak_file.unlink(missing_ok=True)
    return result, peak
