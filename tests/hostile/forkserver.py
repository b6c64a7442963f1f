"""Run ``dvclive-tui`` commands in forked children of one warm process, and measure them.

Importing the stack (numpy, polars, Rich, Textual, pygit2, dvc-render) takes longer than
reading most corpus cases, so this server imports it once and forks a child per command.
The child runs ``dvclive_tui.cli.main`` (the console script's entry point) with stdout and
stderr on files and stdin on ``/dev/null``; ``watch`` runs the app headless through Pilot.
The parent reaps the child with ``wait4``: exit status, wall and CPU seconds, peak RSS.
A child past its wall-clock limit is killed (a hang).

Protocol: one JSON request per stdin line, one JSON reply per stdout line::

    {"argv": [...], "cwd": str, "stdout": path, "stderr": path, "limit": seconds}
    {"status": int, "signal": int|null, "wall": s, "cpu": s, "rss_mb": MB, "killed": bool}

Run it as ``python -m tests.hostile.forkserver`` (under ``setpriv`` for another user).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

WATCH_SIZE = (120, 40)
WATCH_KEYS = ("1", "3", "4", "5", "w")


def warm_up() -> None:
    """Import every module a command may need, without starting any thread."""
    import dvclive_tui.app.watch.app
    import dvclive_tui.cli
    import dvclive_tui.commands.compare
    import dvclive_tui.commands.ls
    import dvclive_tui.commands.report
    import dvclive_tui.commands.snap
    import dvclive_tui.experiments.exp_show
    import dvclive_tui.experiments.load
    import dvclive_tui.experiments.view  # noqa: F401
    import dvclive_writer.read.yaml12
    import dvclive_writer.report.html
    import dvclive_writer.report.markdown  # noqa: F401


def run_child(argv: list[str]) -> int:
    """The child's work: the CLI, or the watch app driven headless."""
    if argv and argv[0] == "watch":
        return _watch(Path(argv[1]))
    from dvclive_tui.cli import main

    try:
        main(argv)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def _watch(path: Path) -> int:
    """Open the dashboard on ``path``, visit every tab and the warnings screen, and print
    what each showed (the SVG export holds every character drawn)."""
    from dvclive_tui.app.watch.app import WatchApp
    from dvclive_tui.settings import Settings

    async def drive() -> None:
        app = WatchApp(Settings(paths=(path,), watch=False))
        async with app.run_test(size=WATCH_SIZE) as pilot:
            await pilot.pause()
            for key in WATCH_KEYS:
                await pilot.press(key)
                await pilot.pause()
                sys.stdout.write(app.export_screenshot() + "\n")
            await pilot.press("escape")
            await pilot.press("q")

    asyncio.run(drive())
    return 0


def _child(request: dict[str, Any]) -> None:
    code = 70
    try:
        os.chdir(request["cwd"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, key in ((1, "stdout"), (2, "stderr")):
            handle = os.open(request[key], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(handle, fd)
            os.close(handle)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            line_buffering=True,
        )
        code = run_child(request["argv"])
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def serve() -> None:
    warm_up()
    channel = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        channel.flush()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(request)
        killed = False
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - start > request["limit"]:
                os.kill(pid, signal.SIGKILL)
                killed = True
                done, status, usage = os.wait4(pid, 0)
                break
            time.sleep(0.005)
        reply = {
            "status": os.waitstatus_to_exitcode(status),
            "wall": time.monotonic() - start,
            "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024,
            "killed": killed,
        }
        channel.write(json.dumps(reply) + "\n")
        channel.flush()


if __name__ == "__main__":
    serve()
